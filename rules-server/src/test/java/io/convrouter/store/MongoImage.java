package io.convrouter.store;

/** The MongoDB image the Testcontainers tests run against. */
final class MongoImage {
    static final String NAME = "mongo:7.0";

    private MongoImage() {}
}
