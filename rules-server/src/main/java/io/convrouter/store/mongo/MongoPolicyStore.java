package io.convrouter.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.Binary;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.convrouter.classify.PolicyFile;
import io.convrouter.policy.PolicyState;
import io.convrouter.policy.PolicyStore;
import io.convrouter.policy.RulesetStatus;
import io.convrouter.policy.RulesetVersion;
import io.convrouter.policy.ScenarioResult;
import io.convrouter.policy.ValidationReport;

/**
 * Ruleset versions (with their files' bytes), the shared policy state and experiments in MongoDB.
 * The state is one document changed only by compare-and-set on its revision, so two instances
 * activating at once cannot lose each other's change.
 */
public final class MongoPolicyStore implements PolicyStore {
    private static final String STATE_ID = "routing";

    private final MongoCollection<Document> versions;
    private final MongoCollection<Document> files;
    private final MongoCollection<Document> state;
    private final MongoCollection<Document> experiments;

    public MongoPolicyStore(MongoDatabase db) {
        this.versions = db.getCollection("ruleset_versions");
        this.files = db.getCollection("ruleset_files");
        this.state = db.getCollection("policy_state");
        this.experiments = db.getCollection("experiments");
    }

    @Override
    public boolean insert(RulesetVersion v, List<PolicyFile> content) {
        // Files first: a version is only visible once everything it needs is stored.
        for (PolicyFile f : content) {
            Document doc = new Document("_id", v.version() + "/" + f.path()).append("version", v.version())
                    .append("path", f.path()).append("content", new Binary(f.content()));
            files.replaceOne(eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true));
        }
        try {
            versions.insertOne(toDoc(v));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<RulesetVersion> find(String version) {
        return Optional.ofNullable(versions.find(eq("_id", version)).first()).map(MongoPolicyStore::fromDoc);
    }

    @Override
    public List<RulesetVersion> list() {
        List<RulesetVersion> result = new ArrayList<>();
        versions.find().projection(Projections.exclude("report.scenarios"))
                .sort(Sorts.descending("createdAt", "_id")).forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    @Override
    public List<PolicyFile> files(String version) {
        List<PolicyFile> result = new ArrayList<>();
        files.find(eq("version", version)).sort(Sorts.ascending("path"))
                .forEach(d -> result.add(new PolicyFile(d.getString("path"), d.get("content", Binary.class).getData())));
        return result;
    }

    @Override
    public void updateStatus(String version, RulesetStatus status, Instant activatedAt, Instant retiredAt) {
        List<org.bson.conversions.Bson> updates = new ArrayList<>();
        updates.add(Updates.set("status", status.wireName()));
        if (activatedAt != null) updates.add(Updates.set("activatedAt", Docs.date(activatedAt)));
        if (retiredAt != null) updates.add(Updates.set("retiredAt", Docs.date(retiredAt)));
        versions.updateOne(eq("_id", version), Updates.combine(updates));
    }

    @Override
    public Optional<PolicyState> state() {
        Document d = state.find(eq("_id", STATE_ID)).first();
        if (d == null) {
            return Optional.empty();
        }
        Document e = d.get("experiment", Document.class);
        return Optional.of(new PolicyState(d.getString("activeVersion"), Docs.stringList(d, "history"),
                e == null ? null : experimentFromDoc(e), d.get("revision", Number.class).longValue(),
                Docs.instant(d, "updatedAt")));
    }

    @Override
    public boolean compareAndSetState(long expectedRevision, PolicyState next) {
        Document doc = new Document("_id", STATE_ID).append("activeVersion", next.activeVersion())
                .append("history", next.history())
                .append("experiment", next.experiment() == null ? null : experimentToDoc(next.experiment()))
                .append("revision", next.revision()).append("updatedAt", Docs.date(next.updatedAt()));
        if (expectedRevision == 0) {
            try {
                state.insertOne(doc);
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return false;
                }
                throw e;
            }
        }
        return state.replaceOne(and(eq("_id", STATE_ID), eq("revision", expectedRevision)), doc).getModifiedCount() == 1;
    }

    @Override
    public void saveExperiment(ExperimentRecord r) {
        Document doc = experimentToDoc(r.experiment()).append("_id", r.experiment().id()).append("endedAt", Docs.date(r.endedAt()));
        experiments.replaceOne(eq("_id", r.experiment().id()), doc, new ReplaceOptions().upsert(true));
    }

    @Override
    public List<ExperimentRecord> experiments() {
        List<ExperimentRecord> result = new ArrayList<>();
        experiments.find().sort(Sorts.descending("startedAt")).forEach(d ->
                result.add(new ExperimentRecord(experimentFromDoc(d), Docs.instant(d, "endedAt"))));
        return result;
    }

    @Override
    public Optional<ExperimentRecord> experiment(String id) {
        return Optional.ofNullable(experiments.find(eq("_id", id)).first())
                .map(d -> new ExperimentRecord(experimentFromDoc(d), Docs.instant(d, "endedAt")));
    }

    private static Document experimentToDoc(PolicyState.Experiment e) {
        return new Document("id", e.id()).append("controlVersion", e.controlVersion())
                .append("variantVersion", e.variantVersion()).append("share", e.share())
                .append("startedAt", Docs.date(e.startedAt())).append("startedBy", e.startedBy());
    }

    private static PolicyState.Experiment experimentFromDoc(Document d) {
        return new PolicyState.Experiment(d.getString("id"), d.getString("controlVersion"), d.getString("variantVersion"),
                d.get("share", Number.class).doubleValue(), Docs.instant(d, "startedAt"), d.getString("startedBy"));
    }

    static Document toDoc(RulesetVersion v) {
        List<Document> fileInfos = new ArrayList<>();
        for (RulesetVersion.FileInfo f : v.files()) {
            fileInfos.add(new Document("path", f.path()).append("size", f.size()).append("sha256", f.sha256()));
        }
        return new Document("_id", v.version()).append("status", v.status().wireName())
                .append("createdAt", Docs.date(v.createdAt())).append("author", v.author()).append("note", v.note())
                .append("source", v.source()).append("files", fileInfos).append("report", reportToDoc(v.report()))
                .append("activatedAt", Docs.date(v.activatedAt())).append("retiredAt", Docs.date(v.retiredAt()));
    }

    static RulesetVersion fromDoc(Document d) {
        List<RulesetVersion.FileInfo> infos = new ArrayList<>();
        for (Document f : d.getList("files", Document.class, List.of())) {
            infos.add(new RulesetVersion.FileInfo(f.getString("path"), f.get("size", Number.class).longValue(),
                    f.getString("sha256")));
        }
        return new RulesetVersion(d.getString("_id"),
                RulesetStatus.valueOf(d.getString("status").toUpperCase(java.util.Locale.ROOT)),
                Docs.instant(d, "createdAt"), d.getString("author"), d.getString("note"), d.getString("source"), infos,
                reportFromDoc(d.getString("_id"), d.get("report", Document.class)), Docs.instant(d, "activatedAt"),
                Docs.instant(d, "retiredAt"));
    }

    private static Document reportToDoc(ValidationReport r) {
        List<Document> scenarios = new ArrayList<>();
        for (ScenarioResult s : r.scenarios()) {
            List<Document> mismatches = new ArrayList<>();
            for (ScenarioResult.Mismatch m : s.mismatches()) {
                mismatches.add(new Document("field", m.field()).append("expected", m.expected()).append("actual", m.actual()));
            }
            scenarios.add(new Document("name", s.name()).append("file", s.file()).append("sheet", s.sheet())
                    .append("row", s.row()).append("passed", s.passed()).append("mismatches", mismatches)
                    .append("rulesFired", s.rulesFired()));
        }
        return new Document("valid", r.valid()).append("ruleCount", r.ruleCount())
                .append("errors", problems(r.errors())).append("warnings", problems(r.warnings()))
                .append("scenariosRun", r.scenariosRun()).append("scenariosFailed", r.scenariosFailed())
                .append("scenarios", scenarios);
    }

    private static List<Document> problems(List<ValidationReport.Problem> list) {
        List<Document> docs = new ArrayList<>();
        for (ValidationReport.Problem p : list) {
            docs.add(new Document("file", p.file()).append("sheet", p.sheet()).append("cell", p.cell())
                    .append("row", p.row()).append("column", p.column()).append("line", p.line())
                    .append("message", p.message()).append("text", p.text()));
        }
        return docs;
    }

    private static List<ValidationReport.Problem> problemsFrom(Document report, String key) {
        List<ValidationReport.Problem> list = new ArrayList<>();
        for (Document p : report.getList(key, Document.class, List.of())) {
            list.add(new ValidationReport.Problem(p.getString("file"), p.getString("sheet"), p.getString("cell"),
                    Docs.integer(p, "row"), p.getString("column"), Docs.integer(p, "line"), p.getString("message"),
                    p.getString("text")));
        }
        return list;
    }

    private static ValidationReport reportFromDoc(String version, Document r) {
        if (r == null) {
            return new ValidationReport(version, false, 0, List.of(), List.of(), 0, 0, List.of());
        }
        List<ScenarioResult> scenarios = new ArrayList<>();
        for (Document s : r.getList("scenarios", Document.class, List.of())) {
            List<ScenarioResult.Mismatch> mismatches = new ArrayList<>();
            for (Document m : s.getList("mismatches", Document.class, List.of())) {
                mismatches.add(new ScenarioResult.Mismatch(m.getString("field"), m.getString("expected"), m.getString("actual")));
            }
            scenarios.add(new ScenarioResult(s.getString("name"), s.getString("file"), s.getString("sheet"),
                    s.getInteger("row", 0), s.getBoolean("passed", false), mismatches, Docs.stringList(s, "rulesFired")));
        }
        return new ValidationReport(version, r.getBoolean("valid", false), r.getInteger("ruleCount", 0),
                problemsFrom(r, "errors"), problemsFrom(r, "warnings"), r.getInteger("scenariosRun", 0),
                r.getInteger("scenariosFailed", 0), scenarios);
    }
}
