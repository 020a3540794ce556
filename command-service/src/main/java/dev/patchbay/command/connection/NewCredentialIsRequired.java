package dev.patchbay.command.connection;

import dev.patchbay.command.connection.DetailsPatch.Field;

import java.util.List;

/**
 * An update points the connection somewhere else but brings no credential: the stored one was sealed for where the
 * connection pointed, and goes nowhere else. The client must send the complete credential again with the change.
 */
class NewCredentialIsRequired extends RuntimeException {

    private final List<Field> moving;

    NewCredentialIsRequired(List<Field> moving) {
        super("a change of " + moving + " moves the destination and needs a new credential", null, false, false);
        this.moving = List.copyOf(moving);
    }

    /** The fields whose change alone would move the destination: base_url, config, or both, in that order. */
    List<Field> moving() {
        return moving;
    }
}
