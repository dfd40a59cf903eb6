package io.convrouter.rebalance;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.errors.NotFoundException;

/** Runs the rebalancer on demand, and shows what its last run did. */
@RestController
@RequestMapping("/api/v1/rebalance")
public class RebalanceController {
    private final RebalanceService rebalance;

    public RebalanceController(RebalanceService rebalance) {
        this.rebalance = rebalance;
    }

    @PostMapping
    public RebalanceService.Report run() {
        return rebalance.run();
    }

    @GetMapping
    public RebalanceService.Report last() {
        RebalanceService.Report last = rebalance.last();
        if (last == null) {
            throw new NotFoundException("rebalance run", "last");
        }
        return last;
    }
}
