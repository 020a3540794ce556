package dev.patchbay.contracts.connector;

/**
 * What kind of system a connector type reaches. The wire name is what events and the API carry as {@code category}
 * (a string there, so a category added later reads as an unknown one, not as a failure).
 */
public enum Category {
    REST("rest"),
    DATABASE("database"),
    BROKER("broker");

    private final String wireName;

    Category(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
