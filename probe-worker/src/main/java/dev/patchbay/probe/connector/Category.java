package dev.patchbay.probe.connector;

/** What kind of system a connector type reaches. The wire name is what the API shows as {@code category}. */
enum Category {
    REST("rest"),
    DATABASE("database"),
    BROKER("broker");

    private final String wireName;

    Category(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }
}
