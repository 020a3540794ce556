package dev.patchbay.platform.web;

import dev.patchbay.platform.json.PatchbayJson;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP side of every service: strict JSON in (unknown fields, duplicate keys, trailing garbage, scalars of the
 * wrong type and deep nesting are refused), bodies at most 1 MiB, and every error as problem+json.
 */
@Configuration(proxyBeanMethods = false)
public class WebPlatform {

    /** API.md: bodies over 1 MiB are refused with 413. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** A mapper configured exactly as the services' HTTP mapper is: for tests and fuzzing of request parsing. */
    public static JsonMapper strictHttpMapper() {
        var factory = tools.jackson.core.json.JsonFactory.builder();
        new WebPlatform().patchbayJsonLimits().customize(factory);
        var builder = JsonMapper.builder(factory.build());
        new WebPlatform().patchbayHttpJson().customize(builder);
        return builder.build();
    }

    @Bean
    JsonMapperBuilderCustomizer patchbayHttpJson() {
        return builder -> {
            PatchbayJson.configure(builder)
                    .enable(
                            DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                            DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                            DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        };
    }

    /**
     * Limits on what a request may be, and no buffer recycling: Jackson's recycled buffers keep the bytes of the
     * last body parsed on each thread, credentials included, for as long as the process lives. Without recycling
     * they are garbage once the request is done.
     */
    @Bean
    JsonFactoryBuilderCustomizer patchbayJsonLimits() {
        return builder -> builder.streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(MAX_BODY_BYTES)
                        .build())
                .recyclerPool(JsonRecyclerPools.nonRecyclingPool());
    }

    @Bean
    CodecCustomizer patchbayBodyLimit() {
        return configurer -> configurer.defaultCodecs().maxInMemorySize(MAX_BODY_BYTES);
    }

    @Bean
    ProblemWriter problemWriter(JsonMapper mapper) {
        return new ProblemWriter(mapper);
    }

    @Bean
    BodySizeLimit bodySizeLimit(ProblemWriter problems) {
        return new BodySizeLimit(MAX_BODY_BYTES, problems);
    }

    @Bean
    FallbackProblemHandler fallbackProblemHandler(ProblemWriter problems) {
        return new FallbackProblemHandler(problems);
    }

    @Bean
    ProblemDetailsAdvice problemDetailsAdvice() {
        return new ProblemDetailsAdvice();
    }
}
