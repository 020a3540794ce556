package dev.patchbay.command.connection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param allowInsecureHttp accept {@code http} base URLs (local stand-ins for vendors); never in production */
@ConfigurationProperties("patchbay.probe")
record ProbeProperties(@DefaultValue("false") boolean allowInsecureHttp) {
}
