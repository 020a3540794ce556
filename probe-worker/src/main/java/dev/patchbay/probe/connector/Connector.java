package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.Check;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Destination;

/**
 * One vendor the worker can reach: its type and, as the {@link Check} method, its live check. Each vendor is one
 * class, so that the check sits beside the type and no type can be registered without the check that backs it.
 */
interface Connector extends Check {

    ConnectorType type();

    /** The type's destination rule (see {@link ConnectorType#configOutsideDestination()}) applied to the target. */
    @Override
    default Destination destination(ProbeTarget target) {
        return Destination.of(type().configOutsideDestination(), target.baseUrl(), target.config());
    }
}
