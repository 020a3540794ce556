package dev.patchbay.command.connection;

/**
 * A PATCH named a field that is fixed at creation, or none of a connection's. The request rules refuse it first;
 * this keeps the aggregate from ever being asked to change one.
 */
class FieldIsNotUpdatable extends RuntimeException {

    private final String field;

    FieldIsNotUpdatable(String field) {
        super(field + " is not a field that can be updated", null, false, false);
        this.field = field;
    }

    /** The field's wire name, as the client sent it. */
    String field() {
        return field;
    }
}
