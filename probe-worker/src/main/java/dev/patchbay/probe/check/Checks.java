package dev.patchbay.probe.check;

import java.util.Optional;

/** Where a probe finds the check of its vendor (the connector catalog, which registers only checked types). */
public interface Checks {

    Optional<Check> forVendor(String vendor);
}
