package io.convrouter.classify;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rulesets requests classify with: the active one, and while an experiment runs, a variant
 * that classifies a stable share of customers. Changing either is one atomic reference write: a
 * request holds the ruleset it started with to the end, so none ever sees half of one.
 */
public final class ActiveRuleset {

    /** What one request classifies with; experiment fields are null outside an experiment. */
    public record Selection(Ruleset ruleset, String experimentId, String variant) {
        public static final String CONTROL = "control";
        public static final String VARIANT = "variant";
    }

    private record Snapshot(Ruleset active, String experimentId, Ruleset variant, double share) {}

    private final AtomicReference<Snapshot> current;

    public ActiveRuleset(Ruleset initial) {
        this.current = new AtomicReference<>(new Snapshot(Objects.requireNonNull(initial), null, null, 0));
    }

    public Ruleset get() {
        return current.get().active();
    }

    /** The ruleset for a customer: the variant for a stable share of keys while an experiment runs. */
    public Selection select(String stableKey) {
        Snapshot s = current.get();
        if (s.experimentId() == null) {
            return new Selection(s.active(), null, null);
        }
        boolean inVariant = bucket(s.experimentId(), stableKey == null ? "" : stableKey) < s.share();
        return inVariant ? new Selection(s.variant(), s.experimentId(), Selection.VARIANT)
                : new Selection(s.active(), s.experimentId(), Selection.CONTROL);
    }

    /** Makes {@code next} active, keeping any experiment, and returns the one it replaced. */
    public Ruleset swap(Ruleset next) {
        Objects.requireNonNull(next);
        return current.getAndUpdate(s -> new Snapshot(next, s.experimentId(), s.variant(), s.share())).active();
    }

    /** Sets everything at once: the active ruleset and the experiment (null id for none). */
    public void set(Ruleset active, String experimentId, Ruleset variant, double share) {
        Objects.requireNonNull(active);
        if (experimentId != null) {
            Objects.requireNonNull(variant);
        }
        current.set(experimentId == null ? new Snapshot(active, null, null, 0)
                : new Snapshot(active, experimentId, variant, share));
    }

    public String experimentId() {
        return current.get().experimentId();
    }

    /**
     * Where a key falls in [0, 1) for an experiment: a 64-bit FNV-1a hash of experiment and key,
     * finished with a SplitMix64 mix so that similar keys spread evenly.
     */
    public static double bucket(String experimentId, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (experimentId + '\u0000' + key).getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
