package io.convrouter.policy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.errors.ConflictException;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.ids.Ids;

/**
 * The life of routing policies: submit a candidate (validated at once), activate it atomically
 * while traffic flows, roll back, run an A/B experiment on a share of customers. Versions and the
 * active choice live in the store, so they survive restarts and every instance follows them.
 */
public final class PolicyService {
    private static final Logger log = LoggerFactory.getLogger(PolicyService.class);
    private static final int HISTORY_LIMIT = 50;
    private static final int CACHE_LIMIT = 8;

    private final PolicyStore store;
    private final PolicyValidator validator;
    private final Clock clock;
    private final Map<String, Ruleset> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ruleset> eldest) {
            return size() > CACHE_LIMIT;
        }
    };
    private volatile ActiveRuleset active;
    private volatile long appliedRevision = -1;

    public PolicyService(PolicyStore store, PolicyValidator validator, Clock clock) {
        this.store = store;
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * Brings up routing at start: the stored active version if there is one, otherwise the
     * directory's files, validated and activated. A directory that differs from the active
     * version becomes a candidate (activated too when {@code activateDirectory} is set).
     */
    public synchronized ActiveRuleset start(List<PolicyFile> directoryFiles, boolean activateDirectory) {
        Optional<PolicyState> state = store.state();
        if (state.isEmpty() || state.get().activeVersion() == null) {
            RulesetVersion first = submit(directoryFiles, "system", "rules directory at first start", "directory");
            if (first.status() == RulesetStatus.FAILED) {
                throw new IllegalStateException("the rules directory does not validate, so the server cannot start:\n  - "
                        + String.join("\n  - ", first.report().errors().stream().map(ValidationReport.Problem::text).toList())
                        + (first.report().scenariosFailed() > 0 ? "\n  - " + first.report().scenariosFailed() + " scenario(s) fail" : ""));
            }
            activate(first.version(), "system");
        } else {
            applyState(state.get());
            String dirVersion = RulesetCompiler.versionOf(directoryFiles);
            if (!dirVersion.equals(state.get().activeVersion()) && !directoryFiles.isEmpty()) {
                RulesetVersion candidate = submit(directoryFiles, "system", "rules directory at start", "directory");
                log.info("The rules directory differs from active version {}: version {} is a {}", state.get().activeVersion(),
                        candidate.version(), candidate.status().wireName());
                if (activateDirectory && candidate.status() == RulesetStatus.CANDIDATE) {
                    activate(candidate.version(), "system");
                }
            }
        }
        return active;
    }

    /** The rulesets requests classify with. */
    public ActiveRuleset routing() {
        return active;
    }

    /** A submitted version, and whether this submission created it (false: the same files were stored before). */
    public record Submission(RulesetVersion version, boolean created) {}

    /** Stores a new version and validates it; the same files again return the version already stored. */
    public RulesetVersion submit(List<PolicyFile> input, String author, String note, String source) {
        return upload(input, author, note, source).version();
    }

    /** Like {@link #submit}, telling whether the version is new. */
    public Submission upload(List<PolicyFile> input, String author, String note, String source) {
        List<PolicyFile> files = input.stream().filter(PolicyFile::isRulesetFile).toList();
        if (files.isEmpty()) {
            throw InvalidInputException.of("files", "no ruleset files: expected *.drl, *.drl.xlsx, *.drl.xls, *.drl.csv, "
                    + "*.scenarios.csv or *.scenarios.xlsx (a zip of them is fine)");
        }
        checkPaths(files);
        String version = RulesetCompiler.versionOf(files);
        Optional<RulesetVersion> existing = store.find(version);
        if (existing.isPresent()) {
            return new Submission(get(version), false);
        }
        PolicyValidator.Outcome outcome = validator.validate(files);
        RulesetStatus status = outcome.report().valid() ? RulesetStatus.CANDIDATE : RulesetStatus.FAILED;
        List<RulesetVersion.FileInfo> infos = files.stream()
                .map(f -> new RulesetVersion.FileInfo(f.path(), f.content().length, sha256(f.content()))).toList();
        RulesetVersion rv = new RulesetVersion(version, status, clock.instant(), blankTo(author, "unknown"),
                note == null ? "" : note, source, infos, outcome.report(), null, null);
        if (!store.insert(rv, files)) {
            return new Submission(get(version), false);
        }
        if (outcome.ruleset() != null && status == RulesetStatus.CANDIDATE) {
            cache(version, outcome.ruleset());
        }
        log.info("Ruleset version {} submitted by {} ({}): {}, {} errors, {} warnings, {} scenarios ({} failing)",
                version, rv.author(), source, status.wireName(), outcome.report().errors().size(),
                outcome.report().warnings().size(), outcome.report().scenariosRun(), outcome.report().scenariosFailed());
        return new Submission(rv, true);
    }

    public RulesetVersion get(String version) {
        RulesetVersion v = store.find(version).orElseThrow(() -> new NotFoundException("ruleset version", version));
        return withLiveStatus(v, store.state().orElse(null));
    }

    public List<RulesetVersion> list() {
        PolicyState state = store.state().orElse(null);
        return store.list().stream().map(v -> withLiveStatus(v, state)).toList();
    }

    /**
     * The shared state decides which versions are active: the one routing traffic, and the variant
     * of a running experiment. A version's stored status is written after the state changes, so
     * when two instances activate at once their status writes can interleave and leave a version
     * marked active that no longer is; reading the status against the state keeps it true.
     */
    private static RulesetVersion withLiveStatus(RulesetVersion v, PolicyState state) {
        if (state == null || state.activeVersion() == null || v.status() == RulesetStatus.FAILED) {
            return v;
        }
        boolean routes = v.version().equals(state.activeVersion());
        boolean variant = state.experiment() != null && v.version().equals(state.experiment().variantVersion());
        if ((routes || variant) && v.status() != RulesetStatus.ACTIVE) {
            Instant since = v.activatedAt() != null ? v.activatedAt()
                    : routes ? state.updatedAt() : state.experiment().startedAt();
            return v.withStatus(RulesetStatus.ACTIVE, since, null);
        }
        if (!routes && !variant && v.status() == RulesetStatus.ACTIVE) {
            return v.withStatus(RulesetStatus.RETIRED, v.activatedAt(), state.updatedAt());
        }
        return v;
    }

    public List<PolicyFile> files(String version) {
        get(version);
        return store.files(version);
    }

    public Optional<PolicyState> state() {
        return store.state();
    }

    /** Makes a validated version live for all traffic (outside any experiment's variant share). */
    public synchronized PolicyState activate(String version, String by) {
        RulesetVersion rv = get(version);
        requireActivatable(rv);
        Ruleset ruleset = compiledVersion(version);
        while (true) {
            PolicyState current = store.state().orElse(null);
            if (current != null && version.equals(current.activeVersion())) {
                applyState(current);
                return current;
            }
            List<String> history = new ArrayList<>();
            if (current != null && current.activeVersion() != null) {
                history.add(current.activeVersion());
                history.addAll(current.history());
            }
            history.remove(version);
            PolicyState.Experiment experiment = current == null ? null : current.experiment();
            if (experiment != null && experiment.variantVersion().equals(version)) {
                endExperiment(experiment); // the variant won: it is now simply active
                experiment = null;
            }
            PolicyState next = new PolicyState(version, history.subList(0, Math.min(HISTORY_LIMIT, history.size())),
                    experiment == null ? null : new PolicyState.Experiment(experiment.id(), version,
                            experiment.variantVersion(), experiment.share(), experiment.startedAt(), experiment.startedBy()),
                    current == null ? 1 : current.revision() + 1, clock.instant());
            if (store.compareAndSetState(current == null ? 0 : current.revision(), next)) {
                Instant now = clock.instant();
                if (current != null && current.activeVersion() != null) {
                    store.updateStatus(current.activeVersion(), RulesetStatus.RETIRED, null, now);
                }
                store.updateStatus(version, RulesetStatus.ACTIVE, now, null);
                install(next, ruleset);
                log.info("Ruleset version {} activated by {}", version, by);
                return next;
            }
        }
    }

    /** Returns to the version that was active before the current one. */
    public synchronized PolicyState rollback(String by) {
        while (true) {
            PolicyState current = store.state().orElseThrow(() -> new ConflictException("no ruleset has been activated yet"));
            if (current.history().isEmpty()) {
                throw new ConflictException("there is no earlier version to roll back to; version "
                        + current.activeVersion() + " is the first one activated");
            }
            String previous = current.history().get(0);
            Ruleset ruleset = compiledVersion(previous);
            PolicyState next = new PolicyState(previous, current.history().subList(1, current.history().size()),
                    current.experiment() == null ? null : new PolicyState.Experiment(current.experiment().id(), previous,
                            current.experiment().variantVersion(), current.experiment().share(),
                            current.experiment().startedAt(), current.experiment().startedBy()),
                    current.revision() + 1, clock.instant());
            if (store.compareAndSetState(current.revision(), next)) {
                Instant now = clock.instant();
                store.updateStatus(current.activeVersion(), RulesetStatus.RETIRED, null, now);
                store.updateStatus(previous, RulesetStatus.ACTIVE, now, null);
                install(next, ruleset);
                log.info("Rolled back by {} from {} to {}", by, current.activeVersion(), previous);
                return next;
            }
        }
    }

    /** Routes a stable share of customers (by customer id) to {@code version}; the rest stay on the active one. */
    public synchronized PolicyState startExperiment(String version, double share, String by) {
        if (!(share > 0 && share < 1)) {
            throw InvalidInputException.of("share", "must be between 0 and 1 (exclusive), such as 0.3 for 30%; was " + share);
        }
        RulesetVersion rv = get(version);
        requireActivatable(rv);
        Ruleset variant = compiledVersion(version);
        while (true) {
            PolicyState current = store.state().orElseThrow(() -> new ConflictException("activate a ruleset before starting an experiment"));
            if (current.experiment() != null) {
                throw new ConflictException("experiment " + current.experiment().id() + " is running; stop it first");
            }
            if (version.equals(current.activeVersion())) {
                throw new ConflictException("version " + version + " is already active; an experiment needs a different version");
            }
            PolicyState.Experiment experiment = new PolicyState.Experiment(Ids.newId(), current.activeVersion(), version,
                    share, clock.instant(), blankTo(by, "unknown"));
            PolicyState next = new PolicyState(current.activeVersion(), current.history(), experiment,
                    current.revision() + 1, clock.instant());
            if (store.compareAndSetState(current.revision(), next)) {
                store.saveExperiment(new PolicyStore.ExperimentRecord(experiment, null));
                install(next, compiledVersion(current.activeVersion()), variant);
                log.info("Experiment {} started by {}: {}% of customers on {}", experiment.id(), by,
                        Math.round(share * 1000) / 10.0, version);
                return next;
            }
        }
    }

    public synchronized PolicyState stopExperiment(String experimentId, String by) {
        while (true) {
            PolicyState current = store.state().orElseThrow(() -> new NotFoundException("experiment", experimentId));
            if (current.experiment() == null || !current.experiment().id().equals(experimentId)) {
                throw new ConflictException("experiment " + experimentId + " is not running");
            }
            PolicyState next = new PolicyState(current.activeVersion(), current.history(), null, current.revision() + 1,
                    clock.instant());
            if (store.compareAndSetState(current.revision(), next)) {
                endExperiment(current.experiment());
                install(next, compiledVersion(current.activeVersion()));
                log.info("Experiment {} stopped by {}", experimentId, by);
                return next;
            }
        }
    }

    /** Follows changes another instance made to the shared state. Cheap when nothing changed. */
    public synchronized void syncFromStore() {
        store.state().filter(s -> s.revision() != appliedRevision).ifPresent(this::applyState);
    }

    /** The compiled ruleset of a stored version (compiled once, then cached). */
    public Ruleset compiledVersion(String version) {
        synchronized (compiled) {
            Ruleset r = compiled.get(version);
            if (r != null) {
                return r;
            }
        }
        PolicyValidator.Outcome outcome = validator.validate(store.files(version));
        if (outcome.ruleset() == null) {
            throw new ConflictException("version " + version + " no longer compiles: "
                    + outcome.report().errors().stream().map(ValidationReport.Problem::text).limit(3).toList());
        }
        cache(version, outcome.ruleset());
        return outcome.ruleset();
    }

    private void cache(String version, Ruleset ruleset) {
        synchronized (compiled) {
            compiled.put(version, ruleset);
        }
    }

    private void endExperiment(PolicyState.Experiment experiment) {
        store.saveExperiment(new PolicyStore.ExperimentRecord(experiment, clock.instant()));
    }

    private void applyState(PolicyState state) {
        Ruleset activeRuleset = compiledVersion(state.activeVersion());
        Ruleset variant = state.experiment() == null ? null : compiledVersion(state.experiment().variantVersion());
        install(state, activeRuleset, variant);
    }

    private void install(PolicyState state, Ruleset activeRuleset) {
        Ruleset variant = state.experiment() == null ? null : compiledVersion(state.experiment().variantVersion());
        install(state, activeRuleset, variant);
    }

    private void install(PolicyState state, Ruleset activeRuleset, Ruleset variant) {
        if (active == null) {
            active = new ActiveRuleset(activeRuleset);
        }
        PolicyState.Experiment e = state.experiment();
        active.set(activeRuleset, e == null ? null : e.id(), variant, e == null ? 0 : e.share());
        appliedRevision = state.revision();
    }

    private static void requireActivatable(RulesetVersion rv) {
        if (rv.status() == RulesetStatus.FAILED) {
            ValidationReport r = rv.report();
            throw new ConflictException("version " + rv.version() + " failed validation (" + r.errors().size() + " error(s), "
                    + r.scenariosFailed() + " failing scenario(s)) and cannot be activated; fix the files and upload them again");
        }
    }

    private static void checkPaths(List<PolicyFile> files) {
        for (PolicyFile f : files) {
            if (f.path().startsWith("/") || f.path().contains("..") || f.path().isBlank()) {
                throw InvalidInputException.of("files", "'" + f.path() + "' is not a relative file name inside the ruleset");
            }
        }
        long distinct = files.stream().map(PolicyFile::path).distinct().count();
        if (distinct != files.size()) {
            throw InvalidInputException.of("files", "two files have the same name");
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankTo(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
