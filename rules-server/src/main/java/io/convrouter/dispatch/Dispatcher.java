package io.convrouter.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;
import io.convrouter.audit.Candidate;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.errors.ConflictException;
import io.convrouter.workbench.QueueDispatch;

/**
 * Matches waiting conversations with agents in real time, and runs the timers of dispatch:
 * offers that expire, accepted conversations reclaimed when nobody replies, relaxation steps,
 * sticky windows, overflow, wrap-up. Every timer runs from the injected clock: {@link #tick()}
 * handles what is due, so a simulator can drive the same code in virtual time.
 *
 * <p>Within this server every match runs under one lock and keeps one invariant: <em>no waiting
 * conversation has an eligible agent with spare capacity</em>. So a new conversation only needs
 * checking against the agents, and an agent who gains capacity only needs the first conversation
 * in queue order it can serve; whatever changes a waiting conversation's requirements (a timer)
 * checks that conversation again.
 *
 * <p>Across servers sharing a database the claims themselves are atomic in the store (an agent
 * reservation is a conditional update on stored capacity and units), so no agent goes over
 * capacity and no conversation is assigned twice; a refused reservation refreshes that agent and
 * tries the next candidate.
 */
public final class Dispatcher {

    /** Decision records keep at most this many candidates: eligible ones first, then the closest misses. */
    public static final int MAX_CANDIDATES_RECORDED = 50;

    private enum TimerKind { OFFER_EXPIRY, RECLAIM, REQUIREMENTS, WRAP_UP_END }

    private record Timer(Instant at, TimerKind kind, String id) {}

    private record Offer(String agentId, Instant expiresAt, ConversationRecord conversation) {}

    private record Pending(String agentId, Instant deadline) {}

    /** An agent left out of a decision, with how many reasons; {@code refusal} when the store refused its claim. */
    private record Excluded(Agent agent, int reasons, List<String> refusal) {}

    /** Closest misses (fewest reasons) first, then by agent id. */
    private static final Comparator<Excluded> CLOSEST_MISS_FIRST = Comparator.comparingInt(Excluded::reasons)
            .thenComparing(x -> x.agent().id());

    private final AgentStore agentStore;
    private final ConversationStore conversations;
    private final Clock clock;
    private final DispatchSettings settings;
    private final PerformanceStats stats;
    private final RequirementsPlanner planner;
    private final QueueMetrics metrics = new QueueMetrics();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Agent> agents = new HashMap<>();
    private final WaitingQueue waiting;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparing(Timer::at));
    private final Map<String, Offer> offers = new HashMap<>();
    private final Map<String, Pending> awaitingReply = new HashMap<>();
    private final Set<String> alerting = new HashSet<>();

    public Dispatcher(AgentStore agentStore, ConversationStore conversations, Clock clock) {
        this(agentStore, conversations, clock, DispatchSettings.PLAIN, new PerformanceStats());
    }

    public Dispatcher(AgentStore agentStore, ConversationStore conversations, Clock clock, DispatchSettings settings,
                      PerformanceStats stats) {
        this.agentStore = agentStore;
        this.conversations = conversations;
        this.clock = clock;
        this.settings = settings;
        this.stats = stats;
        this.planner = new RequirementsPlanner(settings);
        this.waiting = new WaitingQueue(queue -> settings.of(queue).agingPerMinute());
    }

    // ------------------------------------------------------------------ state at start

    /** Replaces the in-memory view with the stored agents and waiting conversations, then matches them. */
    public List<Assignment> reload(Collection<Agent> storedAgents, Collection<ConversationRecord> queued) {
        return reload(storedAgents, queued, List.of(), List.of()).assignments();
    }

    /**
     * Replaces the in-memory view: agents, waiting conversations, offers still out (their timers
     * restart; expired ones fire at the next tick) and accepted conversations still awaiting a first
     * reply. Then matches the whole queue once, which re-establishes the invariant.
     */
    public Dispatched reload(Collection<Agent> storedAgents, Collection<ConversationRecord> queued,
                             Collection<ConversationRecord> offered, Collection<ConversationRecord> assigned) {
        lock.lock();
        try {
            agents.clear();
            storedAgents.forEach(a -> agents.put(a.id(), a));
            waiting.clear();
            timers.clear();
            offers.clear();
            awaitingReply.clear();
            Instant now = clock.instant();
            for (ConversationRecord c : offered) {
                Instant expires = c.progress().offerExpiresAt() != null ? c.progress().offerExpiresAt() : now;
                offers.put(c.id(), new Offer(c.agentId(), expires, c));
                timers.add(new Timer(expires, TimerKind.OFFER_EXPIRY, c.id()));
            }
            for (ConversationRecord c : assigned) {
                scheduleReclaim(c, c.progress().acceptedAt() != null ? c.progress().acceptedAt() : now);
            }
            for (Agent a : storedAgents) {
                if (a.wrappingUpAt(now)) {
                    timers.add(new Timer(a.wrapUpUntil(), TimerKind.WRAP_UP_END, a.id()));
                }
            }
            for (ConversationRecord c : queued) {
                add(plan(c, now), now);
            }
            Dispatched result = Dispatched.none();
            for (WaitingQueue.Entry e : waiting.inOrder(now)) {
                result = result.plus(tryAssign(e, now, false).dispatched());
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ conversations arriving

    /** Assigns (or offers) a new conversation at once if an agent can take it; otherwise it waits in order. */
    public DispatchResult submit(ConversationRecord conversation) {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (waiting.contains(conversation.id())) {
                WaitingQueue.Entry e = waiting.get(conversation.id()).orElseThrow();
                return new DispatchResult(null, evaluate(e, now, Map.of()), List.of());
            }
            WaitingQueue.Entry entry = plan(conversation, now);
            Attempt attempt = tryAssign(entry, now, true);
            if (attempt.assignment() != null) {
                Assignment a = attempt.assignment();
                return new DispatchResult(a.agentId(), a.candidates(), List.of(),
                        a.conversation().status() == ConversationStatus.OFFERED);
            }
            if (attempt.stillWaiting()) {
                add(entry, now);
            }
            return new DispatchResult(null, attempt.candidates(), List.of());
        } finally {
            lock.unlock();
        }
    }

    /**
     * An agent's profile, presence or load changed: refresh the view, and if the agent can take
     * work, give it the first conversation in queue order it can serve, again until it is full.
     */
    public List<Assignment> agentChanged(Agent agent) {
        lock.lock();
        try {
            agents.put(agent.id(), agent);
            Instant now = clock.instant();
            if (agent.presence() != Presence.ONLINE) {
                // Conversations held for this agent in their sticky window stop waiting for it: the
                // next tick widens their pool (and records why).
                for (String id : waiting.heldFor(agent.id())) {
                    timers.add(new Timer(now, TimerKind.REQUIREMENTS, id));
                }
            }
            return feed(agent.id(), now).assignments();
        } finally {
            lock.unlock();
        }
    }

    /** The conversation no longer waits (abandoned, or ended elsewhere). */
    public boolean withdraw(String conversationId) {
        lock.lock();
        try {
            offers.remove(conversationId);
            awaitingReply.remove(conversationId);
            return waiting.remove(conversationId);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ offers, replies

    /** The agent takes the offered conversation. */
    public ConversationRecord accept(String conversationId, String agentId) {
        lock.lock();
        try {
            Instant now = clock.instant();
            ConversationRecord accepted = conversations.markAccepted(conversationId, agentId, now)
                    .orElseThrow(() -> new ConflictException(notOffered(conversationId, agentId)));
            offers.remove(conversationId);
            agentStore.resetOfferTimeouts(agentId).ifPresent(a -> agents.put(a.id(), a));
            metrics.answered(accepted.plan().queue(), now, seconds(accepted.queuedAt(), now),
                    settings.of(accepted.plan().queue()).autoAccept() ? 0 : accepted.plan().slaSeconds());
            scheduleReclaim(accepted, now);
            return accepted;
        } finally {
            lock.unlock();
        }
    }

    /** The agent declines the offer: the conversation goes to the next agent and never back to this one. */
    public Dispatched reject(String conversationId, String agentId) {
        lock.lock();
        try {
            Instant now = clock.instant();
            ConversationRecord back = conversations.markDeclined(conversationId, ConversationStatus.OFFERED, agentId)
                    .orElseThrow(() -> new ConflictException(notOffered(conversationId, agentId)));
            offers.remove(conversationId);
            DispatchNote note = new DispatchNote(DispatchNote.Kind.REJECTED, back, agentId,
                    "agent " + agentId + " rejected the offer; routed again, keeping its place by age", List.of());
            return returned(back, agentId, note, now);
        } finally {
            lock.unlock();
        }
    }

    /** The agent sent its first reply: no reclaim for this conversation. */
    public ConversationRecord firstReply(String conversationId, String agentId) {
        lock.lock();
        try {
            ConversationRecord c = conversations.markFirstReply(conversationId, agentId, clock.instant())
                    .orElseThrow(() -> new ConflictException("conversation " + conversationId
                            + " is not assigned to agent " + agentId));
            awaitingReply.remove(conversationId);
            return c;
        } finally {
            lock.unlock();
        }
    }

    /** Records what a closed conversation says about its queue (handle time) and its agent (outcome). */
    public void closed(ConversationRecord c, boolean resolved, Integer satisfaction) {
        lock.lock();
        try {
            awaitingReply.remove(c.id());
            offers.remove(c.id());
            if (c.agentId() != null && c.assignedAt() != null && c.endedAt() != null) {
                QueueDispatch d = settings.of(c.plan().queue());
                metrics.handled(c.plan().queue(), seconds(c.assignedAt(), c.endedAt()), d.averageHandleSeconds());
                stats.closed(c.agentId(), c.plan().intent(), resolved, satisfaction);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A waiting conversation was abandoned: it counts against its queue's service level. */
    public void abandoned(ConversationRecord c) {
        lock.lock();
        try {
            metrics.abandoned(c.plan().queue(), clock.instant());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ timers

    /** Handles every timer that is due: expired offers, reclaims, relaxation and overflow, wrap-up ends. */
    public Dispatched tick() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Dispatched result = Dispatched.none();
            while (!timers.isEmpty() && !timers.peek().at().isAfter(now)) {
                Timer t = timers.poll();
                result = result.plus(switch (t.kind()) {
                    case OFFER_EXPIRY -> offerExpired(t.id(), now);
                    case RECLAIM -> reclaim(t.id(), now);
                    case REQUIREMENTS -> requirementsChanged(t.id(), now);
                    case WRAP_UP_END -> feed(t.id(), now);
                });
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** When the next timer is due, or null when none is set. */
    public Instant nextTimer() {
        lock.lock();
        try {
            return timers.isEmpty() ? null : timers.peek().at();
        } finally {
            lock.unlock();
        }
    }

    private Dispatched offerExpired(String conversationId, Instant now) {
        Offer offer = offers.get(conversationId);
        if (offer == null || offer.expiresAt().isAfter(now)) {
            return Dispatched.none();
        }
        offers.remove(conversationId);
        Optional<ConversationRecord> back = conversations.markDeclined(conversationId, ConversationStatus.OFFERED,
                offer.agentId());
        if (back.isEmpty()) {
            return Dispatched.none(); // accepted, rejected or ended meanwhile
        }
        List<DispatchNote> notes = new ArrayList<>();
        notes.add(new DispatchNote(DispatchNote.Kind.OFFER_TIMED_OUT, back.get(), offer.agentId(),
                "agent " + offer.agentId() + " did not accept within "
                        + settings.of(back.get().plan().queue()).offerTimeoutSeconds() + " s; routed again", List.of()));
        int limit = settings.of(back.get().plan().queue()).timeoutsBeforeAway();
        Optional<Agent> counted = agentStore.recordOfferTimeout(offer.agentId());
        if (limit > 0 && counted.isPresent() && counted.get().offerTimeouts() >= limit
                && counted.get().presence() == Presence.ONLINE) {
            agentStore.setPresence(offer.agentId(), Presence.AWAY, now).ifPresent(a -> agents.put(a.id(), a));
            agentStore.resetOfferTimeouts(offer.agentId()).ifPresent(a -> agents.put(a.id(), a));
            notes.add(new DispatchNote(DispatchNote.Kind.AGENT_SET_AWAY, back.get(), offer.agentId(),
                    "agent " + offer.agentId() + " let " + limit + " offers in a row time out: set away", List.of()));
        } else {
            counted.ifPresent(a -> agents.put(a.id(), a));
        }
        Dispatched routed = returned(back.get(), offer.agentId(), null, now);
        return new Dispatched(routed.assignments(), concat(notes, routed.notes()));
    }

    private Dispatched reclaim(String conversationId, Instant now) {
        Pending p = awaitingReply.get(conversationId);
        if (p == null || p.deadline().isAfter(now)) {
            return Dispatched.none();
        }
        awaitingReply.remove(conversationId);
        // The first reply may have reached another server: the store knows. (Moving the conversation
        // back clears its progress, so this cannot be checked on the record markDeclined returns.)
        Optional<ConversationRecord> stored = conversations.find(conversationId);
        if (stored.isEmpty() || stored.get().progress().firstReplyAt() != null) {
            return Dispatched.none();
        }
        Optional<ConversationRecord> back = conversations.markDeclined(conversationId, ConversationStatus.ASSIGNED,
                p.agentId());
        if (back.isEmpty()) {
            return Dispatched.none();
        }
        DispatchNote note = new DispatchNote(DispatchNote.Kind.RECLAIMED, back.get(), p.agentId(),
                "agent " + p.agentId() + " sent no first reply within "
                        + settings.of(back.get().plan().queue()).reclaimAfterSeconds() + " s; reclaimed and routed again",
                List.of());
        return returned(back.get(), p.agentId(), note, now);
    }

    /** A relaxation step, the end of a sticky window, or overflow: look at the conversation again. */
    private Dispatched requirementsChanged(String conversationId, Instant now) {
        Optional<WaitingQueue.Entry> current = waiting.get(conversationId);
        if (current.isEmpty()) {
            return Dispatched.none();
        }
        WaitingQueue.Entry before = current.get();
        WaitingQueue.Entry after = plan(before.conversation(), now);
        List<DispatchNote> notes = new ArrayList<>();
        if (!after.steps().equals(before.steps()) && !after.requirements().equals(before.requirements())) {
            List<String> added = new ArrayList<>(after.steps());
            added.removeAll(before.steps());
            notes.add(new DispatchNote(DispatchNote.Kind.RELAXED, before.conversation(), null,
                    added.isEmpty() ? "requirements changed: " + String.join("; ", after.steps()) : String.join("; ", added),
                    List.of()));
        }
        waiting.remove(conversationId);
        Attempt attempt = tryAssign(after, now, false);
        if (attempt.stillWaiting()) {
            add(after, now);
        }
        return new Dispatched(attempt.dispatched().assignments(), concat(notes, attempt.dispatched().notes()));
    }

    /**
     * A conversation came back from an agent (declined, timed out, reclaimed): free the agent's
     * capacity, route the conversation again keeping its age, and give the agent other work.
     */
    private Dispatched returned(ConversationRecord back, String agentId, DispatchNote note, Instant now) {
        awaitingReply.remove(back.id());
        agentStore.release(agentId, back.id(), now).ifPresent(a -> agents.put(a.id(), a));
        List<DispatchNote> notes = new ArrayList<>();
        if (note != null) {
            notes.add(note);
        }
        WaitingQueue.Entry entry = plan(back, now);
        Attempt attempt = tryAssign(entry, now, false);
        if (attempt.stillWaiting()) {
            add(entry, now);
        }
        Dispatched result = new Dispatched(attempt.dispatched().assignments(), notes);
        return result.plus(feed(agentId, now));
    }

    // ------------------------------------------------------------------ rebalancing

    /**
     * A conversation the rebalancer may move: waiting, or offered and not yet accepted.
     * {@code effectivePriority}: its priority with its queue's aging, as the queue orders it now.
     */
    public record Movable(ConversationRecord conversation, Requirements requirements, String offeredTo, long waitedSeconds,
                          double effectivePriority) {}

    /** Everything the rebalancer needs at one moment: the agents and the movable conversations. */
    public record Snapshot(Instant at, List<Agent> agents, List<Movable> movable) {}

    public Snapshot snapshot() {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<Movable> movable = new ArrayList<>();
            for (WaitingQueue.Entry e : waiting.inOrder(now)) {
                movable.add(new Movable(e.conversation(), e.requirements(), null, seconds(e.conversation().queuedAt(), now),
                        waiting.effectivePriority(e.conversation(), now)));
            }
            for (Map.Entry<String, Offer> o : offers.entrySet()) {
                ConversationRecord c = o.getValue().conversation();
                if (c != null) {
                    WaitingQueue.Entry e = plan(c, now);
                    movable.add(new Movable(c, e.requirements(), o.getValue().agentId(), seconds(c.queuedAt(), now),
                            waiting.effectivePriority(c, now)));
                }
            }
            return new Snapshot(now, new ArrayList<>(agents.values()), movable);
        } finally {
            lock.unlock();
        }
    }

    /** An offer taken back to the queue: the conversation, waiting again with its original age, and its former agent. */
    public record TakenBack(ConversationRecord conversation, String fromAgentId) {}

    /**
     * What applying a plan did: the offers taken back, the places claimed exactly as planned, and
     * what was dispatched as usual afterwards (planned places that could not be claimed, and the
     * agents the plan freed).
     */
    public record Replanned(List<TakenBack> takenBack, List<Assignment> asPlanned, Dispatched otherwise) {}

    /**
     * Applies a global plan in two phases, under the dispatch lock so no other match runs between
     * them. First every listed offer ({@code takeBack}: conversation id to the agent it is offered
     * to) goes back to the queue, only if it is still offered to that agent (accepted work is never
     * touched): it keeps its original age, the agent's place is freed, and the decline list does not
     * grow. Then each planned place ({@code places}: conversation id to agent, claimed in the map's
     * order) is claimed through the same atomic claims as real-time dispatch, for conversations that
     * are waiting. A place that can no longer be claimed (the conversation or the agent changed since
     * the plan, or another server took the place) is not forced: the conversation is dispatched as
     * usual, and every agent the plan freed is given waiting work, so nothing is lost and no waiting
     * conversation is left with an eligible agent that has room.
     */
    public Replanned replan(Map<String, String> takeBack, Map<String, String> places) {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<TakenBack> taken = new ArrayList<>();
            Set<String> freed = new LinkedHashSet<>();
            for (Map.Entry<String, String> t : takeBack.entrySet()) {
                takeBackOffer(t.getKey(), t.getValue(), now).ifPresent(back -> {
                    taken.add(new TakenBack(back, t.getValue()));
                    freed.add(t.getValue());
                });
            }
            List<Assignment> asPlanned = new ArrayList<>();
            Set<String> unplaced = new LinkedHashSet<>();
            for (Map.Entry<String, String> p : places.entrySet()) {
                WaitingQueue.Entry entry = waiting.get(p.getKey()).orElse(null);
                if (entry == null) {
                    continue; // not waiting: accepted or ended meanwhile, so its offer was not taken back
                }
                Agent target = agents.get(p.getValue());
                if (target != null && Eligibility.isEligible(target, entry.requirements(), now)) {
                    long start = System.nanoTime();
                    List<Candidate> candidates = evaluate(entry, now, Map.of());
                    Claim claim = claim(target, entry, now);
                    if (claim == Claim.TAKEN) {
                        asPlanned.add(new Assignment(conversationAfterClaim(entry.conversation(), target.id(), now),
                                target.id(), candidates, System.nanoTime() - start));
                        continue;
                    }
                    if (claim == Claim.CONVERSATION_GONE) {
                        continue;
                    }
                }
                unplaced.add(p.getKey());
            }
            taken.forEach(t -> unplaced.add(t.conversation().id()));
            List<WaitingQueue.Entry> retry = new ArrayList<>();
            for (String id : unplaced) {
                waiting.get(id).ifPresent(retry::add);
            }
            Comparator<ConversationRecord> order = waiting.orderAt(now);
            retry.sort((a, b) -> order.compare(a.conversation(), b.conversation()));
            Dispatched otherwise = Dispatched.none();
            for (WaitingQueue.Entry e : retry) {
                if (waiting.contains(e.id())) {
                    otherwise = otherwise.plus(tryAssign(e, now, false).dispatched());
                }
            }
            for (String agentId : freed) {
                otherwise = otherwise.plus(feed(agentId, now));
            }
            return new Replanned(taken, asPlanned, otherwise);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an offer back to the queue: OFFERED to QUEUED only if still offered to {@code agentId}
     * (a conditional write, like every claim), then the agent's place is freed and the conversation
     * waits again with its original age. Not counted as a decline. The caller restores the queue's
     * invariant (feeds the agent, tries the conversation).
     */
    private Optional<ConversationRecord> takeBackOffer(String conversationId, String agentId, Instant now) {
        Offer offer = offers.get(conversationId);
        if (offer == null || !offer.agentId().equals(agentId)) {
            return Optional.empty();
        }
        Optional<ConversationRecord> back = conversations.markOfferRevoked(conversationId, agentId);
        if (back.isEmpty()) {
            // Accepted, rejected or ended meanwhile (perhaps through another server): not ours to move.
            return Optional.empty();
        }
        offers.remove(conversationId);
        agentStore.release(agentId, conversationId, now).ifPresent(a -> agents.put(a.id(), a));
        add(plan(back.get(), now), now);
        return back;
    }

    // ------------------------------------------------------------------ estimates and statistics

    /** 1-based position of a waiting conversation within its queue, or 0 if it is not waiting. */
    public int positionOf(String conversationId) {
        lock.lock();
        try {
            return waiting.positionInQueue(conversationId);
        } finally {
            lock.unlock();
        }
    }

    /** Position and estimated wait of a waiting conversation (empty when it is not waiting). */
    public Optional<WaitEstimate> estimate(String conversationId) {
        lock.lock();
        try {
            Instant now = clock.instant();
            return waiting.get(conversationId).map(e -> {
                int position = waiting.positionInQueue(conversationId);
                long wait = QueueMetrics.estimatedWaitSeconds(position, averageHandle(e.conversation().plan().queue()),
                        places(e.requirements(), now));
                return new WaitEstimate(conversationId, e.conversation().plan().queue(), position, wait < 0 ? null : wait,
                        seconds(e.conversation().queuedAt(), now));
            });
        } finally {
            lock.unlock();
        }
    }

    /** The estimated wait for a conversation about to join its queue, or null when nobody online could serve it. */
    public Long estimateForNew(ConversationRecord c) {
        lock.lock();
        try {
            Instant now = clock.instant();
            String queue = c.plan().queue();
            WaitingQueue.Entry entry = plan(c, now);
            if (bestEligible(entry, Set.of(), now).isPresent()) {
                return 0L; // an agent can take it at once (no waiting conversation can use that agent)
            }
            long wait = QueueMetrics.estimatedWaitSeconds(waiting.inQueue(queue).size() + 1, averageHandle(queue),
                    places(entry.requirements(), now));
            return wait < 0 ? null : wait;
        } finally {
            lock.unlock();
        }
    }

    /** Every queue's live figures, for supervisors. */
    public List<QueueSnapshot> queueSnapshots(Map<String, Double> serviceLevelTargets) {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<QueueSnapshot> result = new ArrayList<>();
            for (Map.Entry<String, Double> q : new TreeMap<>(serviceLevelTargets).entrySet()) {
                result.add(snapshot(q.getKey(), q.getValue(), now));
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues whose estimated wait for a new conversation crossed their alert threshold since the
     * last call (true: now over it; false: back under it).
     */
    public Map<String, Boolean> waitAlerts(Map<String, Double> serviceLevelTargets) {
        lock.lock();
        try {
            Instant now = clock.instant();
            Map<String, Boolean> changes = new LinkedHashMap<>();
            for (Map.Entry<String, Double> q : serviceLevelTargets.entrySet()) {
                int threshold = settings.of(q.getKey()).waitAlertSeconds();
                if (threshold <= 0) {
                    continue;
                }
                QueueSnapshot s = snapshot(q.getKey(), q.getValue(), now);
                boolean over = s.waiting() > 0 && (s.estimatedWaitSeconds() == null || s.estimatedWaitSeconds() > threshold);
                if (over && alerting.add(q.getKey())) {
                    changes.put(q.getKey(), true);
                } else if (!over && alerting.remove(q.getKey())) {
                    changes.put(q.getKey(), false);
                }
            }
            return changes;
        } finally {
            lock.unlock();
        }
    }

    private QueueSnapshot snapshot(String queue, double target, Instant now) {
        List<WaitingQueue.Entry> inQueue = waiting.inQueue(queue);
        long longest = inQueue.stream().mapToLong(e -> seconds(e.conversation().queuedAt(), now)).max().orElse(0);
        Long ewt = null;
        if (!inQueue.isEmpty()) {
            long w = QueueMetrics.estimatedWaitSeconds(inQueue.size() + 1, averageHandle(queue),
                    places(inQueue.get(inQueue.size() - 1).requirements(), now));
            ewt = w < 0 ? null : w;
        } else {
            ewt = 0L;
        }
        Map<String, Integer> byState = new TreeMap<>();
        for (String state : List.of("online", "away", "busy", "offline", "wrap-up")) {
            byState.put(state, 0);
        }
        for (Agent a : agents.values()) {
            if (!a.serves(queue)) {
                continue;
            }
            String state = a.presence() == Presence.ONLINE && a.wrappingUpAt(now) ? "wrap-up" : a.presence().wireName();
            byState.merge(state, 1, Integer::sum);
        }
        return new QueueSnapshot(queue, inQueue.size(), longest, ewt, metrics.serviceLevel(queue, now), target,
                metrics.answeredInWindow(queue, now), metrics.abandonedInWindow(queue, now), averageHandle(queue),
                byState, alerting.contains(queue));
    }

    /** Whether a queue can lend its agents: its wait estimate and service level are within the overflow's limits. */
    private boolean healthy(String queue, QueueDispatch.Overflow o) {
        Instant now = clock.instant();
        QueueSnapshot s = snapshot(queue, 0, now);
        return s.estimatedWaitSeconds() != null && s.estimatedWaitSeconds() <= o.maxEstimatedWaitSeconds()
                && s.serviceLevel() >= o.minServiceLevel();
    }

    private double averageHandle(String queue) {
        return metrics.averageHandleSeconds(queue, settings.of(queue).averageHandleSeconds());
    }

    /** How many conversations like this the online agents could hold at once, ignoring their current load. */
    private int places(Requirements r, Instant now) {
        int places = 0;
        for (Agent a : agents.values()) {
            if (a.presence() != Presence.ONLINE || r.excluded().contains(a.id()) || !Eligibility.couldServe(a, r)) {
                continue;
            }
            // As many as its places on the channel, or as its weighted units allow, whichever is fewer.
            int byUnits = r.units() <= 0 ? Integer.MAX_VALUE : a.maxUnits() / r.units();
            places += Math.min(a.capacityFor(r.channel()), byUnits);
        }
        return places;
    }

    public int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public Optional<Agent> cachedAgent(String agentId) {
        lock.lock();
        try {
            return Optional.ofNullable(agents.get(agentId));
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ matching

    /** The outcome of trying to place one conversation. */
    private record Attempt(Assignment assignment, List<Candidate> candidates, boolean stillWaiting) {
        Dispatched dispatched() {
            return assignment == null ? Dispatched.none() : new Dispatched(List.of(assignment), List.of());
        }
    }

    private enum Claim { TAKEN, AGENT_REFUSED, CONVERSATION_GONE }

    private WaitingQueue.Entry plan(ConversationRecord c, Instant now) {
        RequirementsPlanner.Planned p = planner.plan(c, now, agents::get, this::healthy);
        return new WaitingQueue.Entry(c, p.requirements(), p.steps(), p.nextChangeAt());
    }

    private void add(WaitingQueue.Entry e, Instant now) {
        waiting.add(e);
        if (e.nextChangeAt() != null) {
            timers.add(new Timer(e.nextChangeAt(), TimerKind.REQUIREMENTS, e.id()));
        }
    }

    /** Gives the agent every waiting conversation it can take now, first in order first, until it is full. */
    private Dispatched feed(String agentId, Instant now) {
        List<Assignment> assigned = new ArrayList<>();
        while (true) {
            Agent current = agents.get(agentId);
            if (current == null || current.presence() != Presence.ONLINE) {
                break;
            }
            if (current.wrappingUpAt(now)) {
                // Set even when nothing waits now: whatever arrives during the wrap-up must reach the
                // agent when it ends, and nothing else would look at the agent again.
                timers.add(new Timer(current.wrapUpUntil(), TimerKind.WRAP_UP_END, agentId));
                break;
            }
            if (waiting.size() == 0) {
                break;
            }
            Optional<WaitingQueue.Entry> next = waiting.firstServableBy(current, now);
            if (next.isEmpty()) {
                break;
            }
            WaitingQueue.Entry e = next.get();
            long start = System.nanoTime();
            List<Candidate> candidates = evaluate(e, now, Map.of());
            Claim claim = claim(current, e, now);
            if (claim == Claim.TAKEN) {
                ConversationRecord c = conversationAfterClaim(e.conversation(), current.id(), now);
                assigned.add(new Assignment(c, current.id(), candidates, System.nanoTime() - start));
            } else if (claim == Claim.AGENT_REFUSED) {
                break; // the store says this agent is full or gone: nothing more to give it
            }
        }
        return new Dispatched(assigned, List.of());
    }

    /**
     * Gives the conversation to its best eligible agent, trying the next one when another server
     * took an agent's capacity first. {@code explainIfWaiting}: also evaluate every agent when it
     * ends up waiting, for the decision record.
     */
    private Attempt tryAssign(WaitingQueue.Entry e, Instant now, boolean explainIfWaiting) {
        long start = System.nanoTime();
        Map<String, List<String>> refused = new HashMap<>();
        while (true) {
            Optional<Agent> best = bestEligible(e, refused.keySet(), now);
            if (best.isEmpty()) {
                return new Attempt(null, explainIfWaiting ? evaluate(e, now, refused) : List.of(), true);
            }
            Agent chosen = best.get();
            // Explain the choice against the agents as they were when it was made.
            List<Candidate> candidates = evaluate(e, now, refused);
            switch (claim(chosen, e, now)) {
                case TAKEN:
                    ConversationRecord c = conversationAfterClaim(e.conversation(), chosen.id(), now);
                    return new Attempt(new Assignment(c, chosen.id(), candidates, System.nanoTime() - start), candidates,
                            false);
                case CONVERSATION_GONE:
                    return new Attempt(null, candidates, false);
                default:
                    refused.put(chosen.id(), List.of("capacity taken by another server before the claim"));
            }
        }
    }

    private ConversationRecord conversationAfterClaim(ConversationRecord c, String agentId, Instant now) {
        QueueDispatch d = settings.of(c.plan().queue());
        return d.autoAccept() ? c.assigned(agentId, now) : c.offered(agentId, now, now.plusSeconds(d.offerTimeoutSeconds()));
    }

    /**
     * The atomic writes of an assignment: reserve the agent's capacity, then move the conversation
     * from queued to assigned, or to offered when the queue asks agents to accept (handing the
     * capacity back if it stopped waiting meanwhile).
     */
    private Claim claim(Agent agent, WaitingQueue.Entry e, Instant now) {
        ConversationRecord c = e.conversation();
        Optional<Agent> reserved = agentStore.tryReserve(agent.id(), c.channel(), e.requirements().units(), c.id(), now);
        if (reserved.isEmpty()) {
            // Another server took the capacity, or the agent changed: refresh our view of it.
            agentStore.find(agent.id()).ifPresentOrElse(a -> agents.put(a.id(), a), () -> agents.remove(agent.id()));
            return Claim.AGENT_REFUSED;
        }
        agents.put(agent.id(), reserved.get());
        QueueDispatch d = settings.of(c.plan().queue());
        boolean marked;
        if (d.autoAccept()) {
            marked = conversations.markAssigned(c.id(), agent.id(), now);
            if (marked) {
                metrics.answered(c.plan().queue(), now, seconds(c.queuedAt(), now), c.plan().slaSeconds());
                scheduleReclaim(c.assigned(agent.id(), now), now);
            }
        } else {
            Instant expires = now.plusSeconds(d.offerTimeoutSeconds());
            marked = conversations.markOffered(c.id(), agent.id(), now, expires);
            if (marked) {
                offers.put(c.id(), new Offer(agent.id(), expires, c.offered(agent.id(), now, expires)));
                timers.add(new Timer(expires, TimerKind.OFFER_EXPIRY, c.id()));
            }
        }
        waiting.remove(c.id());
        if (marked) {
            return Claim.TAKEN;
        }
        // The conversation stopped waiting meanwhile (abandoned elsewhere): hand the capacity back.
        agentStore.release(agent.id(), c.id(), now).ifPresent(a -> agents.put(a.id(), a));
        return Claim.CONVERSATION_GONE;
    }

    private void scheduleReclaim(ConversationRecord c, Instant acceptedAt) {
        int after = settings.of(c.plan().queue()).reclaimAfterSeconds();
        if (after > 0 && c.agentId() != null && c.progress().firstReplyAt() == null) {
            Instant deadline = acceptedAt.plusSeconds(after);
            awaitingReply.put(c.id(), new Pending(c.agentId(), deadline));
            timers.add(new Timer(deadline, TimerKind.RECLAIM, c.id()));
        }
    }

    private AgentRanking.Context rankingContext(ConversationRecord c) {
        return new AgentRanking.Context(c.channel(), c.plan().preferredAgentId(), c.plan().intent(),
                c.plan().requiredSkills(), settings.of(c.plan().queue()), stats);
    }

    private Optional<Agent> bestEligible(WaitingQueue.Entry e, Set<String> skip, Instant now) {
        Comparator<Agent> ranking = AgentRanking.of(rankingContext(e.conversation()));
        Agent best = null;
        for (Agent a : agents.values()) {
            if (skip.contains(a.id()) || !Eligibility.isEligible(a, e.requirements(), now)) {
                continue;
            }
            if (best == null || ranking.compare(a, best) < 0) {
                best = a;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The agents weighed for a conversation: eligible ones ranked with their score parts, then
     * excluded ones with every reason, closest misses (fewest reasons) first. Agents who are not
     * online are listed only when presence is all that kept them out (the answer to "why not
     * Li Na? she was away"); the rest could never have taken it and would only bloat the record.
     */
    private List<Candidate> evaluate(WaitingQueue.Entry e, Instant now, Map<String, List<String>> refused) {
        AgentRanking.Context context = rankingContext(e.conversation());
        Requirements requirements = e.requirements();
        // Keeps what sorting every agent and taking the first 50 would; reasons are counted for
        // every agent but written out only for the excluded agents that make the record.
        BestOf<Agent> eligible = new BestOf<>(MAX_CANDIDATES_RECORDED, AgentRanking.of(context));
        BestOf<Excluded> excluded = new BestOf<>(MAX_CANDIDATES_RECORDED, CLOSEST_MISS_FIRST);
        for (Agent a : agents.values()) {
            List<String> refusal = refused.get(a.id());
            if (refusal != null) {
                excluded.offer(new Excluded(a, refusal.size(), refusal));
                continue;
            }
            if (Eligibility.isEligible(a, requirements, now)) {
                eligible.offer(a);
                continue;
            }
            int reasons = Eligibility.countReasonsToExclude(a, requirements, now);
            int lasting = Eligibility.waitsForAnotherAgent(a, requirements) ? reasons - 1 : reasons;
            if (a.presence() == Presence.ONLINE || lasting == 1) {
                excluded.offer(new Excluded(a, reasons, null));
            }
        }
        List<Agent> ranked = eligible.inOrder();
        List<Excluded> closest = excluded.inOrder();
        List<Candidate> result = new ArrayList<>(Math.min(MAX_CANDIDATES_RECORDED, ranked.size() + closest.size()));
        for (int i = 0; i < ranked.size(); i++) {
            Agent a = ranked.get(i);
            result.add(new Candidate(a.id(), true, List.of(), AgentRanking.scoreParts(a, context, now), i + 1));
        }
        for (int i = 0; i < closest.size() && result.size() < MAX_CANDIDATES_RECORDED; i++) {
            Excluded x = closest.get(i);
            List<String> reasons = x.refusal() != null ? x.refusal()
                    : Eligibility.reasonsToExclude(x.agent(), requirements, now);
            result.add(new Candidate(x.agent().id(), false, reasons, null, null));
        }
        return result;
    }

    private static String notOffered(String conversationId, String agentId) {
        return "conversation " + conversationId + " is not offered to agent " + agentId
                + " (the offer was accepted, rejected, timed out, or went to another agent)";
    }

    private static long seconds(Instant from, Instant to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).toSeconds());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
