package io.convrouter.dispatch;

import java.time.Clock;
import java.util.List;

import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.ids.Ids;

/** Writes a decision for each waiting conversation the dispatcher handed to an agent. */
public final class AssignmentRecorder {
    private final DecisionLog log;
    private final Clock clock;

    public AssignmentRecorder(DecisionLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    public void record(List<Assignment> assignments, String trigger) {
        for (Assignment a : assignments) {
            log.append(new DecisionRecord(Ids.newId(), DecisionKind.ASSIGNED, clock.instant(), a.conversation().id(),
                    a.conversation().rulesetVersion(), DecisionInputs.of(a.conversation()), List.of(),
                    a.conversation().plan(), a.candidates(), a.agentId(), "assigned",
                    "waited in queue " + a.conversation().plan().queue() + "; " + trigger,
                    a.decisionNanos() / 1000));
        }
    }
}
