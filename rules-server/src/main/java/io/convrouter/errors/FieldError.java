package io.convrouter.errors;

/** One thing wrong with a request: the field (a JSON path such as "customer.tier") and what to fix. */
public record FieldError(String field, String message) {}
