package io.convrouter.classify;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ruleset requests classify with. Swapping it is one atomic reference write: a request
 * holds the ruleset it started with to the end, so none ever sees half of one.
 */
public final class ActiveRuleset {
    private final AtomicReference<Ruleset> current;

    public ActiveRuleset(Ruleset initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    public Ruleset get() {
        return current.get();
    }

    /** Makes {@code next} active and returns the one it replaced. */
    public Ruleset swap(Ruleset next) {
        return current.getAndSet(Objects.requireNonNull(next));
    }
}
