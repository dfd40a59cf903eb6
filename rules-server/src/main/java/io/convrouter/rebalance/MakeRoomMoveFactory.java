package io.convrouter.rebalance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.selector.move.factory.MoveIteratorFactory;

/**
 * The moves that improve a peak: at a peak every agent is full, so giving a conversation an agent
 * means displacing one. A move here takes a conversation (waiting, or placed elsewhere) to one of
 * its eligible agents; if that agent has no room on the channel or in units, one conversation it
 * holds in the plan moves on, to another of its eligible agents with room or back to the queue.
 * The score decides whether that is worth it. Plain change and swap moves find such a pair only by
 * chance (two random conversations out of thousands), and a change onto a full agent alone always
 * breaks capacity.
 *
 * <p>Who holds what is read from the working solution when a step starts (local search asks for a
 * new iterator every step, and every move it evaluates is undone before the next step).
 */
public final class MakeRoomMoveFactory implements MoveIteratorFactory<RebalancePlan, PlaceMove> {

    /** How many agents to try for the displaced conversation before sending it back to the queue. */
    private static final int TRIES_FOR_ROOM = 4;

    @Override
    public long getSize(ScoreDirector<RebalancePlan> scoreDirector) {
        long size = 0;
        for (PlanConversation c : scoreDirector.getWorkingSolution().getConversations()) {
            size += c.isPinned() || c.getEligibleAgents() == null ? 0 : c.getEligibleAgents().size();
        }
        return size;
    }

    @Override
    public Iterator<PlaceMove> createOriginalMoveIterator(ScoreDirector<RebalancePlan> scoreDirector) {
        throw new UnsupportedOperationException("only random selection: the moves depend on who holds what at each step");
    }

    @Override
    public Iterator<PlaceMove> createRandomMoveIterator(ScoreDirector<RebalancePlan> scoreDirector, Random random) {
        return new Moves(scoreDirector.getWorkingSolution(), random);
    }

    private static final class Moves implements Iterator<PlaceMove> {
        private final Random random;
        private final List<PlanConversation> movable = new ArrayList<>();
        private final List<PlanConversation> waiting = new ArrayList<>();
        private final Map<PlanAgent, List<PlanConversation>> held = new IdentityHashMap<>();
        private final Map<PlanAgent, Map<String, Integer>> placesUsed = new IdentityHashMap<>();
        private final Map<PlanAgent, Integer> unitsUsed = new IdentityHashMap<>();

        Moves(RebalancePlan plan, Random random) {
            this.random = random;
            for (PlanConversation c : plan.getConversations()) {
                if (c.isPinned() || c.getEligibleAgents() == null || c.getEligibleAgents().isEmpty()) {
                    continue;
                }
                movable.add(c);
                PlanAgent a = c.getAgent();
                if (a == null) {
                    waiting.add(c);
                    continue;
                }
                held.computeIfAbsent(a, k -> new ArrayList<>()).add(c);
                placesUsed.computeIfAbsent(a, k -> new HashMap<>()).merge(c.getChannel(), 1, Integer::sum);
                unitsUsed.merge(a, c.getUnits(), Integer::sum);
            }
        }

        @Override
        public boolean hasNext() {
            return !movable.isEmpty();
        }

        @Override
        public PlaceMove next() {
            // Half the time a waiting conversation: that is where a peak's gains are.
            List<PlanConversation> pool = !waiting.isEmpty() && random.nextBoolean() ? waiting : movable;
            PlanConversation c = pool.get(random.nextInt(pool.size()));
            List<PlanAgent> candidates = c.getEligibleAgents();
            PlanAgent to = candidates.get(random.nextInt(candidates.size()));
            if (to == c.getAgent() || hasRoom(to, c)) {
                return new PlaceMove(List.of(c), java.util.Collections.singletonList(to));
            }
            List<PlanConversation> there = held.get(to);
            if (there == null || there.isEmpty()) {
                return new PlaceMove(List.of(c), java.util.Collections.singletonList(to));
            }
            PlanConversation displaced = there.get(random.nextInt(there.size()));
            PlanAgent next = null;
            List<PlanAgent> elsewhere = displaced.getEligibleAgents();
            for (int i = 0; i < TRIES_FOR_ROOM && !elsewhere.isEmpty(); i++) {
                PlanAgent b = elsewhere.get(random.nextInt(elsewhere.size()));
                if (b != to && (b == c.getAgent() || hasRoom(b, displaced))) {
                    next = b;
                    break;
                }
            }
            List<PlanAgent> targets = new ArrayList<>(2);
            targets.add(to);
            targets.add(next);
            return new PlaceMove(List.of(c, displaced), targets);
        }

        private boolean hasRoom(PlanAgent a, PlanConversation c) {
            int places = placesUsed.getOrDefault(a, Map.of()).getOrDefault(c.getChannel(), 0);
            return places < a.freeOn(c.getChannel()) && unitsUsed.getOrDefault(a, 0) + c.getUnits() <= a.freeUnits();
        }
    }
}
