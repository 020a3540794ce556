package dev.patchbay.probe.connector;

/**
 * One vendor the worker can reach. Each vendor is one class, so that its live check (a second method here, when
 * probes arrive) sits beside its type and no type can be registered without the check that backs it.
 */
interface Connector {

    ConnectorType type();
}
