package io.convrouter.ids;

import org.bson.types.ObjectId;

/** Identifiers for conversations and decisions: time-ordered, unique across server instances. */
public final class Ids {
    private Ids() {}

    public static String newId() {
        return new ObjectId().toHexString();
    }
}
