package io.convrouter.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;

/**
 * An in-memory {@link AgentStore} with the same atomic semantics as the MongoDB one: a
 * reservation succeeds only while the agent is online, below its stored capacity on the channel
 * and not already holding the conversation; a release gives back only a unit the agent holds.
 * Every method is one atomic step (synchronized), like one conditional findOneAndUpdate.
 *
 * <p>Tests can play "another server" against it: {@link #occupy} claims capacity behind the
 * dispatcher's back, and {@link #beforeNextReserve} runs such a claim just before the
 * dispatcher's own reservation lands.
 */
final class FakeAgentStore implements AgentStore {
    private final Map<String, Agent> agents = new TreeMap<>();
    private final Map<String, Runnable> beforeNextReserve = new HashMap<>();
    private final Map<String, Integer> reserveAttempts = new HashMap<>();

    @Override
    public synchronized Agent saveProfile(AgentProfile p, Instant now) {
        Agent existing = agents.get(p.id());
        Agent saved;
        int maxUnits = p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits();
        if (existing == null) {
            saved = new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), Presence.OFFLINE,
                    Agent.zeroLoad(p.capacity()), List.of(), now, null, 0, maxUnits, null, null, 0, p.queues());
        } else {
            Map<String, Integer> load = new LinkedHashMap<>(existing.load());
            p.capacity().keySet().forEach(ch -> load.putIfAbsent(ch, 0));
            saved = new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(),
                    existing.presence(), load, existing.active(), existing.presenceSince(), existing.lastFreedAt(),
                    existing.unitsUsed(), maxUnits, existing.wrapUpUntil(), existing.lastAssignedAt(),
                    existing.offerTimeouts(), p.queues());
        }
        agents.put(saved.id(), saved);
        return saved;
    }

    @Override
    public synchronized Optional<Agent> setPresence(String agentId, Presence presence, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        if (a.presence() == presence) {
            return Optional.of(a);
        }
        Agent updated = copy(a, presence, a.load(), a.active(), now, a.lastFreedAt(), a.unitsUsed(), a.wrapUpUntil(),
                a.lastAssignedAt(), a.offerTimeouts());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    @Override
    public synchronized Optional<Agent> startWrapUp(String agentId, Instant until) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), until, a.lastAssignedAt(), a.offerTimeouts()));
    }

    @Override
    public synchronized Optional<Agent> recordOfferTimeout(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts() + 1));
    }

    @Override
    public synchronized Optional<Agent> resetOfferTimeouts(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), 0));
    }

    private Optional<Agent> update(String agentId, java.util.function.UnaryOperator<Agent> change) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent updated = change.apply(a);
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    private static Agent copy(Agent a, Presence presence, Map<String, Integer> load, List<Agent.ActiveConversation> active,
                              Instant presenceSince, Instant lastFreedAt, int units, Instant wrapUpUntil,
                              Instant lastAssignedAt, int offerTimeouts) {
        return new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), presence, load, active,
                presenceSince, lastFreedAt, units, a.maxUnits(), wrapUpUntil, lastAssignedAt, offerTimeouts, a.queues());
    }

    @Override
    public synchronized Optional<Agent> find(String agentId) {
        return Optional.ofNullable(agents.get(agentId));
    }

    @Override
    public synchronized List<Agent> findAll() {
        return new ArrayList<>(agents.values());
    }

    @Override
    public synchronized Optional<Agent> tryReserve(String agentId, String channel, int units,
                                                  String conversationId, Instant now) {
        Runnable otherServer = beforeNextReserve.remove(agentId);
        if (otherServer != null) {
            otherServer.run();
        }
        reserveAttempts.merge(agentId, 1, Integer::sum);
        return reserve(agentId, channel, units, conversationId, now);
    }

    @Override
    public synchronized Optional<Agent> release(String agentId, String conversationId, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent.ActiveConversation held = a.active().stream()
                .filter(x -> x.conversationId().equals(conversationId)).findFirst().orElse(null);
        if (held == null) {
            return Optional.of(a);
        }
        Map<String, Integer> load = new LinkedHashMap<>(a.load());
        load.merge(held.channel(), -1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.remove(held);
        Agent updated = copy(a, a.presence(), load, active, a.presenceSince(), now, a.unitsUsed() - held.units(),
                a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    /** Another server's successful reservation, which this server's dispatcher does not hear about. */
    synchronized Optional<Agent> occupy(String agentId, String channel, String conversationId, Instant now) {
        return reserve(agentId, channel, 0, conversationId, now);
    }

    /** Runs {@code otherServer} atomically just before the next reservation attempt on the agent. */
    synchronized void beforeNextReserve(String agentId, Runnable otherServer) {
        beforeNextReserve.put(agentId, otherServer);
    }

    synchronized int reserveAttempts(String agentId) {
        return reserveAttempts.getOrDefault(agentId, 0);
    }

    synchronized Agent get(String agentId) {
        Agent a = agents.get(agentId);
        if (a == null) {
            throw new AssertionError("no agent " + agentId + " in the store");
        }
        return a;
    }

    private Optional<Agent> reserve(String agentId, String channel, int units, String conversationId, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null || a.presence() != Presence.ONLINE || a.holds(conversationId)
                || a.loadOn(channel) >= a.capacityFor(channel) || !a.hasUnitsFor(units)) {
            return Optional.empty();
        }
        Map<String, Integer> load = new LinkedHashMap<>(a.load());
        load.merge(channel, 1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.add(new Agent.ActiveConversation(conversationId, channel, now, units));
        Agent updated = copy(a, a.presence(), load, active, a.presenceSince(), a.lastFreedAt(), a.unitsUsed() + units,
                a.wrapUpUntil(), now, a.offerTimeouts());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }
}
