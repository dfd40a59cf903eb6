package io.convrouter.errors;

/** The request names something that does not exist. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String what, String id) {
        super(what + " '" + id + "' does not exist");
    }
}
