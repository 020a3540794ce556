package dev.patchbay.command.connection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Tests before store.
 *
 * @param candidateLifetime how long a candidate's sealed credential may outlive its check: each check destroys its
 *     own row when it ends, and a sweep destroys any row older than this (one whose check never ended, after a
 *     crash). Longer than {@code patchbay.probe.timeout}, so that no check loses its row while it runs.
 */
@ConfigurationProperties("patchbay.probe")
record CandidateProperties(@DefaultValue("2m") Duration candidateLifetime) {

    CandidateProperties {
        if (candidateLifetime.compareTo(Duration.ofSeconds(30)) < 0) {
            throw new IllegalArgumentException("patchbay.probe.candidate-lifetime must be at least 30s");
        }
    }
}
