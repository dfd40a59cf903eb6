package io.convrouter.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.dispatch.Dispatcher;
import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Bulk intake for comment floods (live-stream danmaku, short-video comments): up to
 * {@value #MAX_BATCH} conversations in one call, each answered with its own result or its own
 * error, all durable before the answer.
 */
@RestController
@RequestMapping("/api/v1/conversations/batch")
public class BatchController {
    public static final int MAX_BATCH = 500;

    private final IntakeService intake;
    private final Dispatcher dispatcher;
    private final ObjectMapper json;

    public BatchController(IntakeService intake, Dispatcher dispatcher, ObjectMapper json) {
        this.intake = intake;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    /** One item's answer: 201 created, 200 a repeat, 400 refused with the problem. */
    public record ItemResult(int index, int status, ConversationView conversation, Map<String, Object> problem) {}

    public record BatchResult(int created, int repeated, int failed, List<ItemResult> results) {}

    @PostMapping
    public BatchResult batch(@RequestBody JsonNode body) {
        JsonNode items = body == null ? null : body.get("conversations");
        if (items == null || !items.isArray()) {
            throw InvalidInputException.of("conversations", "is required: an array of conversations, as for POST /api/v1/conversations");
        }
        if (items.size() == 0 || items.size() > MAX_BATCH) {
            throw InvalidInputException.of("conversations", "must hold 1-" + MAX_BATCH + " conversations, held " + items.size());
        }
        List<ItemResult> results = new ArrayList<>(items.size());
        List<IntakeRequest> requests = new ArrayList<>();
        List<Integer> requestIndex = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                requests.add(json.treeToValue(items.get(i), ConversationBody.class).toRequest());
                requestIndex.add(i);
                results.add(null);
            } catch (JacksonException e) {
                FieldError why = io.convrouter.web.ProblemHandler.describe(e);
                results.add(failed(i, List.of(new FieldError(prefix(i, why.field()), why.message()))));
            }
        }
        List<IntakeService.BatchItem> routed = intake.receiveBatch(requests);
        int created = 0;
        int repeated = 0;
        for (int k = 0; k < routed.size(); k++) {
            int i = requestIndex.get(k);
            IntakeService.BatchItem item = routed.get(k);
            if (item.error() != null) {
                List<FieldError> errors = new ArrayList<>();
                item.error().errors().forEach(fe -> errors.add(new FieldError(prefix(i, fe.field()), fe.message())));
                results.set(i, failed(i, errors));
            } else {
                IntakeResult r = item.result();
                if (r.created()) created++; else repeated++;
                results.set(i, new ItemResult(i, r.created() ? 201 : 200, ConversationView.of(r.conversation(),
                        r.rulesFired(), r.queuePosition(), dispatcher.estimate(r.conversation().id()).orElse(null)), null));
            }
        }
        int failed = (int) results.stream().filter(r -> r.status() == 400).count();
        return new BatchResult(created, repeated, failed, results);
    }

    private static ItemResult failed(int index, List<FieldError> errors) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("title", "Invalid request");
        problem.put("status", 400);
        problem.put("detail", String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList()));
        problem.put("errors", errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
        return new ItemResult(index, 400, null, problem);
    }

    private static String prefix(int index, String field) {
        return "conversations[" + index + "]" + (field == null || field.isEmpty() ? "" : "." + field);
    }

}
