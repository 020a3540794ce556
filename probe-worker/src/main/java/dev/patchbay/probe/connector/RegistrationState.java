package dev.patchbay.probe.connector;

import java.time.Instant;
import java.util.List;

/** Where the registration of the connector types stands; the health indicator reports it. */
sealed interface RegistrationState {

    /** Not acknowledged yet: no attempt made, or every attempt so far failed. */
    record Pending(int failedAttempts, String lastError) implements RegistrationState {}

    /** The broker acknowledged one registration per connector type. */
    record Registered(List<String> vendors, Instant at, int attempts) implements RegistrationState {

        public Registered {
            vendors = List.copyOf(vendors);
        }
    }
}
