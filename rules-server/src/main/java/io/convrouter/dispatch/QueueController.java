package io.convrouter.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.errors.NotFoundException;
import io.convrouter.workbench.Workbench;

/** Live queue figures for supervisors: waiting, longest and estimated wait, service level, agents by state. */
@RestController
@RequestMapping("/api/v1/queues")
public class QueueController {
    private final Dispatcher dispatcher;
    private final Map<String, Double> targets = new LinkedHashMap<>();

    public QueueController(Dispatcher dispatcher, Workbench workbench) {
        this.dispatcher = dispatcher;
        workbench.queues().values().forEach(q -> targets.put(q.id(), q.serviceLevelTarget()));
    }

    @GetMapping
    public List<QueueSnapshot> list() {
        return dispatcher.queueSnapshots(targets);
    }

    @GetMapping("/{id}")
    public QueueSnapshot get(@PathVariable String id) {
        if (!targets.containsKey(id)) {
            throw new NotFoundException("queue", id);
        }
        return dispatcher.queueSnapshots(Map.of(id, targets.get(id))).get(0);
    }
}
