package io.convrouter.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;

/**
 * An in-memory {@link AgentStore} for benchmarks, with the MongoDB store's conditions: a
 * reservation succeeds only while the agent is online, below its capacity on the channel, has the
 * units left and does not hold the conversation already; a release gives back only what it holds.
 */
final class BenchAgentStore implements AgentStore {
    private final Map<String, Agent> agents = new LinkedHashMap<>();

    @Override
    public synchronized Agent saveProfile(AgentProfile p, Instant now) {
        Agent existing = agents.get(p.id());
        int maxUnits = p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits();
        Agent saved = existing == null
                ? new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), Presence.OFFLINE,
                        Agent.zeroLoad(p.capacity()), List.of(), now, null, 0, maxUnits, null, null, 0, p.queues())
                : new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), existing.presence(),
                        existing.load(), existing.active(), existing.presenceSince(), existing.lastFreedAt(),
                        existing.unitsUsed(), maxUnits, existing.wrapUpUntil(), existing.lastAssignedAt(),
                        existing.offerTimeouts(), p.queues());
        agents.put(saved.id(), saved);
        return saved;
    }

    @Override
    public synchronized Optional<Agent> setPresence(String agentId, Presence presence, Instant now) {
        return update(agentId, a -> copy(a, presence, a.load(), a.active(), now, a.lastFreedAt(), a.unitsUsed(),
                a.lastAssignedAt(), a.offerTimeouts(), a.wrapUpUntil()));
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
    public synchronized Optional<Agent> tryReserve(String agentId, String channel, int units, String conversationId,
                                                  Instant now) {
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
                now, a.offerTimeouts(), a.wrapUpUntil());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    @Override
    public synchronized Optional<Agent> startWrapUp(String agentId, Instant until) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.lastAssignedAt(), a.offerTimeouts(), until));
    }

    @Override
    public synchronized Optional<Agent> recordOfferTimeout(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.lastAssignedAt(), a.offerTimeouts() + 1, a.wrapUpUntil()));
    }

    @Override
    public synchronized Optional<Agent> resetOfferTimeouts(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.lastAssignedAt(), 0, a.wrapUpUntil()));
    }

    @Override
    public synchronized Optional<Agent> release(String agentId, String conversationId, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent.ActiveConversation held = a.active().stream().filter(x -> x.conversationId().equals(conversationId))
                .findFirst().orElse(null);
        if (held == null) {
            return Optional.of(a);
        }
        Map<String, Integer> load = new LinkedHashMap<>(a.load());
        load.merge(held.channel(), -1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.remove(held);
        Agent updated = copy(a, a.presence(), load, active, a.presenceSince(), now, a.unitsUsed() - held.units(),
                a.lastAssignedAt(), a.offerTimeouts(), a.wrapUpUntil());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    private Optional<Agent> update(String agentId, UnaryOperator<Agent> change) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent updated = change.apply(a);
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    private static Agent copy(Agent a, Presence presence, Map<String, Integer> load, List<Agent.ActiveConversation> active,
                              Instant presenceSince, Instant lastFreedAt, int units, Instant lastAssignedAt,
                              int offerTimeouts, Instant wrapUpUntil) {
        return new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), presence, load, active,
                presenceSince, lastFreedAt, units, a.maxUnits(), wrapUpUntil, lastAssignedAt, offerTimeouts, a.queues());
    }
}
