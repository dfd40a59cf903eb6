package io.convrouter.audit;

import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.errors.InvalidInputException;

/** The decision log for auditors: filter by time, conversation, agent, rule and queue; paged. */
@RestController
@RequestMapping("/api/v1/decisions")
public class DecisionController {
    private final DecisionLog log;

    public DecisionController(DecisionLog log) {
        this.log = log;
    }

    public record Page(List<DecisionRecord> items, int page, int size, long total) {}

    @GetMapping
    public Page list(@RequestParam(required = false) Instant from,
                     @RequestParam(required = false) Instant to,
                     @RequestParam(required = false) String conversationId,
                     @RequestParam(required = false) String agentId,
                     @RequestParam(required = false) String rule,
                     @RequestParam(required = false) String queue,
                     @RequestParam(defaultValue = "0") int page,
                     @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw InvalidInputException.of("page", "must be 0 or more");
        }
        if (size < 1 || size > DecisionQuery.MAX_PAGE_SIZE) {
            throw InvalidInputException.of("size", "must be 1-" + DecisionQuery.MAX_PAGE_SIZE);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw InvalidInputException.of("from", "must be before 'to'");
        }
        DecisionQuery q = new DecisionQuery(from, to, conversationId, agentId, rule, queue, page, size);
        return new Page(log.find(q), page, size, log.count(q));
    }
}
