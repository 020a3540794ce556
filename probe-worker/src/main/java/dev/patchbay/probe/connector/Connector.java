package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.Check;

/**
 * One vendor the worker can reach: its type and, as the {@link Check} method, its live check. Each vendor is one
 * class, so that the check sits beside the type and no type can be registered without the check that backs it.
 */
interface Connector extends Check {

    ConnectorType type();
}
