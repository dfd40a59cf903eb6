package io.convrouter.security;

/** A named key with its role. {@link #toString()} never shows the key itself. */
public record ApiKey(String name, Role role, String key) {
    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + role.wireName() + "]";
    }
}
