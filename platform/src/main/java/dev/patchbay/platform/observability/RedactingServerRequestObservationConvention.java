package dev.patchbay.platform.observability;

import dev.patchbay.platform.web.RequestPaths;
import io.micrometer.common.KeyValue;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/** Spring's request observation, with the path in {@code http.url} as {@link RequestPaths#redacted} writes it. */
final class RedactingServerRequestObservationConvention extends DefaultServerRequestObservationConvention {

    @Override
    protected KeyValue httpUrl(ServerRequestObservationContext context) {
        var path = context.getCarrier() == null
                ? null
                : context.getCarrier().getPath().value();
        return KeyValue.of(
                ServerHttpObservationDocumentation.HighCardinalityKeyNames.HTTP_URL,
                path == null ? "UNKNOWN" : RequestPaths.redacted(path));
    }
}
