package io.convrouter.store;

/**
 * Makes what this thread wrote survive a crash of the server process before it is acknowledged.
 * With real MongoDB writes are journaled and this does nothing; the embedded store commits its
 * file here, grouping concurrent callers into one commit.
 */
public interface Durability {
    void awaitDurable();

    Durability NONE = () -> { };
}
