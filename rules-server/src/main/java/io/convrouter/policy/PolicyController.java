package io.convrouter.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.Ruleset;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;

/**
 * Ruleset versions over REST, for ops: upload, inspect, download, diff, activate, roll back,
 * experiment and replay. Everything lives under /api/v1/rulesets so one access rule can guard it.
 */
@RestController
@RequestMapping("/api/v1/rulesets")
public class PolicyController {
    private final PolicyService policies;
    private final ReplayService replays;
    private final ExperimentReports experiments;

    public PolicyController(PolicyService policies, ReplayService replays, ExperimentReports experiments) {
        this.policies = policies;
        this.replays = replays;
        this.experiments = experiments;
    }

    public record Listing(String activeVersion, PolicyState.Experiment experiment, List<RulesetVersion> versions) {}

    @GetMapping
    public Listing list() {
        PolicyState state = policies.state().orElse(null);
        return new Listing(state == null ? null : state.activeVersion(), state == null ? null : state.experiment(),
                policies.list());
    }

    /** 201 with the new version and its validation report; 200 when the same files were uploaded before. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<RulesetVersion> upload(@RequestParam(name = "files", required = false) List<MultipartFile> files,
                                                 @RequestParam(required = false) String author,
                                                 @RequestParam(required = false) String note) throws IOException {
        if (files == null || files.isEmpty()) {
            throw InvalidInputException.of("files", "attach one or more policy files (or a zip) as multipart field 'files'");
        }
        List<PolicyFile> policyFiles = new ArrayList<>();
        for (MultipartFile f : files) {
            String name = f.getOriginalFilename() == null ? f.getName() : f.getOriginalFilename();
            policyFiles.addAll(PolicyArchive.expand(name, f.getBytes()));
        }
        PolicyService.Submission submitted = policies.upload(policyFiles, author, note, "upload");
        return ResponseEntity.status(submitted.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(java.net.URI.create("/api/v1/rulesets/" + submitted.version().version()))
                .body(submitted.version());
    }

    @GetMapping("/{version}")
    public RulesetVersion get(@PathVariable String version) {
        return policies.get(version);
    }

    @GetMapping("/{version}/files/{*path}")
    public ResponseEntity<byte[]> file(@PathVariable String version, @PathVariable String path) {
        String wanted = path.startsWith("/") ? path.substring(1) : path;
        PolicyFile f = policies.files(version).stream().filter(p -> p.path().equals(wanted)).findFirst()
                .orElseThrow(() -> new NotFoundException("file in version " + version, wanted));
        return ResponseEntity.ok()
                .contentType(mediaType(f))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(wanted.substring(wanted.lastIndexOf('/') + 1), StandardCharsets.UTF_8).build().toString())
                .body(f.content());
    }

    /** The DRL Drools runs for each file and sheet: what a decision table means, spelled out. */
    @GetMapping(value = "/{version}/drl", produces = MediaType.TEXT_PLAIN_VALUE)
    public String drl(@PathVariable String version) {
        policies.get(version);
        Ruleset r = policies.compiledVersion(version);
        StringBuilder sb = new StringBuilder();
        for (Ruleset.GeneratedDrl g : r.generated()) {
            sb.append("// ===== ").append(g.file()).append(g.sheet() == null ? "" : " sheet " + g.sheet()).append(" =====\n");
            sb.append(g.drl()).append('\n');
        }
        return sb.toString();
    }

    @GetMapping("/diff")
    public RulesetDiff diff(@RequestParam String from, @RequestParam String to) {
        policies.get(from);
        policies.get(to);
        return RulesetDiff.between(policies.compiledVersion(from), policies.compiledVersion(to));
    }

    public record ActorBody(String by) {}

    @PostMapping("/{version}/activate")
    public PolicyState activate(@PathVariable String version, @RequestBody(required = false) ActorBody body) {
        return policies.activate(version, actor(body));
    }

    @PostMapping("/rollback")
    public PolicyState rollback(@RequestBody(required = false) ActorBody body) {
        return policies.rollback(actor(body));
    }

    public record ExperimentBody(String version, Double share, String by) {}

    @PostMapping("/experiments")
    public ResponseEntity<PolicyState> startExperiment(@RequestBody ExperimentBody body) {
        if (body.version() == null || body.version().isBlank()) {
            throw InvalidInputException.of("version", "is required: the candidate version to try");
        }
        if (body.share() == null) {
            throw InvalidInputException.of("share", "is required: the share of customers on the variant, such as 0.3");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(policies.startExperiment(body.version(), body.share(), body.by()));
    }

    @PostMapping("/experiments/{id}/stop")
    public PolicyState stopExperiment(@PathVariable String id, @RequestBody(required = false) ActorBody body) {
        return policies.stopExperiment(id, actor(body));
    }

    @GetMapping("/experiments")
    public List<PolicyStore.ExperimentRecord> experimentList() {
        return experiments.list();
    }

    @GetMapping("/experiments/{id}")
    public ExperimentReports.Report experiment(@PathVariable String id) {
        return experiments.report(id);
    }

    @PostMapping("/{version}/replay")
    public ResponseEntity<ReplayService.Job> replay(@PathVariable String version,
                                                    @RequestParam(required = false) Instant from,
                                                    @RequestParam(required = false) Instant to) {
        ReplayService.Job job = replays.start(version, from, to);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header(HttpHeaders.LOCATION, "/api/v1/rulesets/replays/" + job.getId()).body(job);
    }

    @GetMapping("/replays/{id}")
    public ReplayService.Job replayStatus(@PathVariable String id) {
        return replays.job(id);
    }

    private static String actor(ActorBody body) {
        return body == null || body.by() == null || body.by().isBlank() ? "unknown" : body.by();
    }

    private static MediaType mediaType(PolicyFile f) {
        String p = f.path().toLowerCase(Locale.ROOT);
        if (p.endsWith(".xlsx")) return MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        if (p.endsWith(".xls")) return MediaType.parseMediaType("application/vnd.ms-excel");
        if (p.endsWith(".csv")) return MediaType.parseMediaType("text/csv;charset=UTF-8");
        return MediaType.parseMediaType("text/plain;charset=UTF-8");
    }

}
