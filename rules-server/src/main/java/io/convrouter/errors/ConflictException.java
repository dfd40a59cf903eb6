package io.convrouter.errors;

/** The request is well formed but contradicts the current state (e.g. closing a closed conversation). */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
