package io.convrouter.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.convrouter.classify.PolicyFile;

/** Where ruleset versions, their files and the shared policy state live. */
public interface PolicyStore {

    /** Stores a new version with its files; returns false if that version already exists. */
    boolean insert(RulesetVersion version, List<PolicyFile> files);

    Optional<RulesetVersion> find(String version);

    /** Newest first. */
    List<RulesetVersion> list();

    List<PolicyFile> files(String version);

    void updateStatus(String version, RulesetStatus status, Instant activatedAt, Instant retiredAt);

    Optional<PolicyState> state();

    /**
     * Replaces the state only if its revision is still {@code expectedRevision} (or there is no state
     * yet and {@code expectedRevision} is 0); false when another instance changed it first.
     */
    boolean compareAndSetState(long expectedRevision, PolicyState next);

    /** Keeps an experiment for reporting: at its start (endedAt null) and again when it ends. */
    void saveExperiment(ExperimentRecord experiment);

    List<ExperimentRecord> experiments();

    Optional<ExperimentRecord> experiment(String id);

    /** An experiment as kept for reporting, running or ended. */
    record ExperimentRecord(PolicyState.Experiment experiment, Instant endedAt) {}
}
