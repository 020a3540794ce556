package dev.patchbay.command.connection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param connectionsPerTenant how many live connections a tenant may hold */
@ConfigurationProperties("patchbay.quota")
record QuotaProperties(@DefaultValue("10000") int connectionsPerTenant) {}
