package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.errors.ConflictException;

/**
 * Nine threads on one dispatcher over the in-memory stores, interleaving what the services do:
 * conversations arriving, agents accepting, rejecting and first-replying, conversations closed
 * and abandoned (as LifecycleService ends them), presence changes, and the timer thread moving the
 * clock and ticking (offer timeouts, reclaims, wrap-up ends, agents set away), while a monitor
 * reads snapshots. Afterwards: no agent over capacity or weighted units, no conversation held by
 * two agents, and every conversation in exactly one place: waiting in the dispatcher, held by its
 * one agent (offered or assigned), or ended and held by nobody. Then no offer or reclaim timer was
 * lost, and no waiting conversation is left beside an agent who could take it.
 */
class DispatchConcurrencyTest {

    private static final int CONVERSATIONS = 300;
    private static final List<String> AGENTS = List.of("a-1", "a-2", "a-3", "a-4", "a-5", "a-6");
    private static final int OFFER_SECONDS = 10;

    private final DispatchHarness h = new DispatchHarness(
            queue("q").offers(OFFER_SECONDS).reclaimAfter(30).timeoutsBeforeAway(3).wrapUp(2),
            queue("fast").aging(5).reclaimAfter(20).wrapUp(1));
    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final AtomicInteger conflicts = new AtomicInteger();

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard, not a speed check
    void interleavedOffersRejectsClosesPresenceAndTicksLoseNothingAndOverbookNobody() throws Exception {
        for (String id : AGENTS) {
            h.agent(id).capacity("web", 3).capacity("email", 4).maxUnits(3000).online();
        }

        List<Callable<Void>> work = new ArrayList<>();
        work.add(submitter(0));
        work.add(submitter(1));
        work.add(responder(11));
        work.add(responder(12));
        work.add(closer(21));
        work.add(firstReplier(31));
        work.add(presence(41));
        work.add(ticker());
        work.add(monitor());
        assertThat(work).hasSizeGreaterThanOrEqualTo(8);

        ExecutorService pool = Executors.newFixedThreadPool(work.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = new ArrayList<>();
        try {
            for (Callable<Void> w : work) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return w.call();
                }));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(100, TimeUnit.SECONDS); // rethrows any failure of a worker
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(ids).hasSize(CONVERSATIONS);
        assertConsistent();

        // No timer was lost: far in the future every offer has expired and every reply deadline
        // passed, so nothing may still be offered or awaiting a first reply past its deadline.
        h.clock.advanceSeconds(3600);
        h.dispatcher.tick();
        Instant now = h.now();
        for (ConversationRecord c : h.conversations.all()) {
            if (c.status() == ConversationStatus.OFFERED) {
                assertThat(c.progress().offerExpiresAt()).as("offer of %s still out", c.id()).isAfter(now);
            }
            if (c.status() == ConversationStatus.ASSIGNED && c.progress().firstReplyAt() == null) {
                int reclaim = h.settings.of(c.plan().queue()).reclaimAfterSeconds();
                assertThat(c.progress().acceptedAt().plusSeconds(reclaim)).as("reply deadline of %s", c.id())
                        .isAfter(now);
            }
        }
        assertConsistent();

        // Everyone online again and the dispatcher told: nothing waits beside an agent who could take it.
        for (String id : AGENTS) {
            h.agents.setPresence(id, Presence.ONLINE, now);
        }
        for (String id : AGENTS) {
            h.dispatcher.agentChanged(h.stored(id));
        }
        assertConsistent();
        for (ConversationRecord c : h.conversations.all()) {
            if (c.status() != ConversationStatus.QUEUED) {
                continue;
            }
            int units = DispatchHarness.UNITS.get(c.channel());
            for (Agent a : h.agents.findAll()) {
                boolean couldTake = a.presence() == Presence.ONLINE && !a.wrappingUpAt(now)
                        && a.hasSpareCapacity(c.channel()) && a.hasUnitsFor(units)
                        && !c.progress().declinedBy().contains(a.id());
                assertThat(couldTake).as("%s waits while %s could take it", c.id(), a.id()).isFalse();
            }
        }
    }

    /** Every agent within its limits, every conversation in exactly one place. */
    private void assertConsistent() {
        Map<String, String> holder = new HashMap<>();
        for (Agent a : h.agents.findAll()) {
            assertAgentWithinLimits(a);
            for (Agent.ActiveConversation held : a.active()) {
                assertThat(holder.put(held.conversationId(), a.id())).as("%s held by two agents", held.conversationId())
                        .isNull();
            }
        }
        int queued = 0;
        for (ConversationRecord c : h.conversations.all()) {
            int position = h.dispatcher.positionOf(c.id());
            switch (c.status()) {
                case QUEUED -> {
                    queued++;
                    assertThat(holder).as("waiting %s held by an agent", c.id()).doesNotContainKey(c.id());
                    assertThat(position).as("waiting %s in the dispatcher's queue", c.id()).isPositive();
                }
                case OFFERED, ASSIGNED -> {
                    assertThat(holder.get(c.id())).as("%s %s held by its agent", c.status(), c.id())
                            .isEqualTo(c.agentId());
                    assertThat(position).as("%s %s also waiting", c.status(), c.id()).isZero();
                }
                case CLOSED, ABANDONED -> {
                    assertThat(holder).as("ended %s still held", c.id()).doesNotContainKey(c.id());
                    assertThat(position).as("ended %s still waiting", c.id()).isZero();
                }
                default -> throw new AssertionError("unexpected status of " + c.id() + ": " + c.status());
            }
        }
        assertThat(h.dispatcher.waitingCount()).isEqualTo(queued);
        // Every unit held belongs to a conversation offered or assigned to that agent: none leaked.
        for (Map.Entry<String, String> e : holder.entrySet()) {
            ConversationRecord c = h.record(e.getKey());
            assertThat(c.agentId()).as("holder of %s", c.id()).isEqualTo(e.getValue());
            assertThat(c.status()).as("status of held %s", c.id())
                    .isIn(ConversationStatus.OFFERED, ConversationStatus.ASSIGNED);
        }
    }

    private static void assertAgentWithinLimits(Agent a) {
        int units = 0;
        Map<String, Integer> perChannel = new HashMap<>();
        for (Agent.ActiveConversation held : a.active()) {
            units += held.units();
            perChannel.merge(held.channel(), 1, Integer::sum);
        }
        assertThat(a.unitsUsed()).as("units of %s", a.id()).isEqualTo(units).isLessThanOrEqualTo(a.maxUnits());
        for (String channel : a.capacity().keySet()) {
            assertThat(a.loadOn(channel)).as("%s load of %s", channel, a.id())
                    .isEqualTo(perChannel.getOrDefault(channel, 0))
                    .isLessThanOrEqualTo(a.capacityFor(channel));
        }
    }

    // ------------------------------------------------------------------ the workers

    /** Every worker but the submitters keeps going while conversations arrive, then this many rounds more. */
    private static final int ROUNDS_AFTER_ARRIVALS = 400;

    private final CountDownLatch arrivals = new CountDownLatch(2);

    /** Runs {@code round} while conversations arrive and {@link #ROUNDS_AFTER_ARRIVALS} times after. */
    private Callable<Void> untilSettled(long seed, java.util.function.Consumer<Random> round) {
        return untilSettled(seed, ROUNDS_AFTER_ARRIVALS, round);
    }

    private Callable<Void> untilSettled(long seed, int roundsAfter, java.util.function.Consumer<Random> round) {
        return () -> {
            Random random = new Random(seed);
            int after = 0;
            while (arrivals.getCount() > 0 || after++ < roundsAfter) {
                round.accept(random);
                Thread.yield();
            }
            return null;
        };
    }

    private Callable<Void> submitter(int half) {
        return () -> {
            try {
                Random random = new Random(half);
                for (int i = half; i < CONVERSATIONS; i += 2) {
                    String id = "c-" + i;
                    String channel = random.nextInt(3) == 0 ? "email" : "web";
                    DispatchHarness.PlanBuilder plan = plan().queue(random.nextBoolean() ? "q" : "fast")
                            .priority(random.nextInt(4) * 20);
                    ConversationRecord c = DispatchHarness.conversation(id, channel, plan.build(), h.now());
                    h.conversations.insertIfAbsent(c);
                    ids.add(id);
                    h.dispatcher.submit(c);
                    Thread.yield();
                }
            } finally {
                arrivals.countDown();
            }
            return null;
        };
    }

    /** Agents answering their offers: mostly accept, sometimes reject. */
    private Callable<Void> responder(long seed) {
        return untilSettled(seed, random -> held(random).ifPresent(c -> {
            if (c.status() != ConversationStatus.OFFERED) {
                return;
            }
            try {
                if (random.nextInt(4) == 0) {
                    h.dispatcher.reject(c.id(), c.agentId());
                } else {
                    h.dispatcher.accept(c.id(), c.agentId());
                }
            } catch (ConflictException moved) {
                conflicts.incrementAndGet(); // it timed out, was closed or went elsewhere meanwhile
            }
        }));
    }

    /**
     * Ends conversations as LifecycleService does: closes held ones, sometimes abandons waiting ones.
     * It stops with the arrivals, so that conversations are left waiting, offered and assigned.
     */
    private Callable<Void> closer(long seed) {
        return untilSettled(seed, 0, random -> {
            Optional<ConversationRecord> c = random.nextInt(6) == 0 ? pick(random) : held(random);
            if (c.isPresent() && !c.get().status().isFinal()) {
                end(c.get(), random.nextBoolean());
            }
        });
    }

    private void end(ConversationRecord current, boolean resolved) {
        Instant now = h.now();
        ConversationStatus finalStatus = current.status() == ConversationStatus.QUEUED
                ? ConversationStatus.ABANDONED : ConversationStatus.CLOSED;
        Optional<ConversationRecord> ended = h.conversations.markEnded(current.id(), current.status(), finalStatus, now,
                finalStatus == ConversationStatus.CLOSED ? (resolved ? Outcome.RESOLVED : Outcome.UNRESOLVED) : null,
                null);
        if (ended.isEmpty()) {
            return; // it moved meanwhile
        }
        h.dispatcher.withdraw(current.id());
        if (current.status() == ConversationStatus.QUEUED) {
            h.dispatcher.abandoned(current);
            return;
        }
        // The agent that held it when it ended, from the ended record: between reading the
        // conversation and ending it, it may have been declined and offered to someone else.
        String agentId = ended.get().agentId();
        if (current.status() == ConversationStatus.ASSIGNED) {
            int wrap = h.settings.of(current.plan().queue()).wrapUpSeconds();
            h.agents.startWrapUp(agentId, now.plusSeconds(wrap));
        }
        Optional<Agent> freed = h.agents.release(agentId, current.id(), now);
        if (current.status() == ConversationStatus.ASSIGNED) {
            h.dispatcher.closed(ended.get(), resolved, null);
        }
        freed.ifPresent(h.dispatcher::agentChanged);
    }

    private Callable<Void> firstReplier(long seed) {
        return untilSettled(seed, random -> held(random).ifPresent(c -> {
            if (c.status() == ConversationStatus.ASSIGNED && random.nextBoolean()) {
                try {
                    h.dispatcher.firstReply(c.id(), c.agentId());
                } catch (ConflictException moved) {
                    conflicts.incrementAndGet();
                }
            }
        }));
    }

    private Callable<Void> presence(long seed) {
        Presence[] states = {Presence.ONLINE, Presence.ONLINE, Presence.ONLINE, Presence.AWAY, Presence.BUSY,
                Presence.OFFLINE};
        return untilSettled(seed, random -> {
            String agent = AGENTS.get(random.nextInt(AGENTS.size()));
            h.agents.setPresence(agent, states[random.nextInt(states.length)], h.now())
                    .ifPresent(h.dispatcher::agentChanged);
        });
    }

    /** The scheduler: virtual time moves a second at a time, and every timer due fires. */
    private Callable<Void> ticker() {
        return untilSettled(0, random -> {
            h.clock.advanceSeconds(1);
            h.dispatcher.tick();
        });
    }

    /** Supervisors and customers reading while it all happens; agents are checked in one consistent snapshot. */
    private Callable<Void> monitor() {
        return untilSettled(99, random -> {
            Map<String, String> holder = new HashMap<>();
            for (Agent a : h.agents.findAll()) {
                assertAgentWithinLimits(a);
                for (Agent.ActiveConversation held : a.active()) {
                    assertThat(holder.put(held.conversationId(), a.id()))
                            .as("%s held by two agents", held.conversationId()).isNull();
                }
            }
            h.dispatcher.queueSnapshots(Map.of("q", 0.8, "fast", 0.8));
            h.dispatcher.waitAlerts(Map.of("q", 0.8, "fast", 0.8));
            pick(random).ifPresent(c -> h.dispatcher.estimate(c.id()));
        });
    }

    /** A conversation some agent holds now (offered or assigned), as an agent's client would see it. */
    private Optional<ConversationRecord> held(Random random) {
        Agent a = h.stored(AGENTS.get(random.nextInt(AGENTS.size())));
        if (a.active().isEmpty()) {
            return Optional.empty();
        }
        return h.conversations.find(a.active().get(random.nextInt(a.active().size())).conversationId());
    }

    private Optional<ConversationRecord> pick(Random random) {
        if (ids.isEmpty()) {
            Thread.yield();
            return Optional.empty();
        }
        return h.conversations.find(ids.get(random.nextInt(ids.size())));
    }
}
