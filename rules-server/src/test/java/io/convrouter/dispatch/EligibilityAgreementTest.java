package io.convrouter.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;

/**
 * The three views {@link Eligibility} gives of one agent must agree: the allocation-free check the
 * matcher runs, the reasons the decision log writes, and the count of reasons the dispatcher ranks
 * excluded agents by before any word is written (the sticky-window reason recognised the same way).
 */
class EligibilityAgreementTest {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final List<String> SKILLS = List.of("refund", "general", "vip");

    @Test
    void theCheckTheReasonsAndTheirCountAgreeForEveryMixOfAgentAndRequirements() {
        Random random = new Random(27);
        int withSeveral = 0;
        for (int n = 0; n < 20_000; n++) {
            Agent agent = randomAgent(random, "a" + random.nextInt(3));
            Requirements r = randomRequirements(random);

            List<String> reasons = Eligibility.reasonsToExclude(agent, r, NOW);

            assertThat(Eligibility.countReasonsToExclude(agent, r, NOW)).as("%s for %s: %s", agent, r, reasons).isEqualTo(reasons.size());
            assertThat(Eligibility.waitsForAnotherAgent(agent, r)).as("%s", reasons)
                    .isEqualTo(reasons.stream().anyMatch(x -> x.startsWith(Eligibility.STICKY_REASON)));
            assertThat(Eligibility.isEligible(agent, r, NOW)).isEqualTo(reasons.isEmpty());
            withSeveral += reasons.size() >= 3 ? 1 : 0;
        }
        assertThat(withSeveral).as("mixes with three or more reasons").isGreaterThan(1000);
    }

    private static Agent randomAgent(Random random, String id) {
        Map<String, Integer> skills = new HashMap<>();
        for (String s : SKILLS) {
            if (random.nextInt(3) > 0) {
                skills.put(s, 1 + random.nextInt(5));
            }
        }
        Set<String> languages = random.nextBoolean() ? Set.of("zh-CN") : Set.of("en");
        Set<String> teams = random.nextBoolean() ? Set.of("gold") : Set.of();
        Map<String, Integer> capacity = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        for (String channel : List.of("web", "email")) {
            int cap = random.nextInt(3);
            if (cap > 0 || random.nextBoolean()) {
                capacity.put(channel, cap);
                load.put(channel, cap == 0 ? 0 : random.nextInt(cap + 1));
            }
        }
        Presence presence = Presence.values()[random.nextInt(Presence.values().length)];
        int maxUnits = random.nextBoolean() ? Agent.UNLIMITED_UNITS : 1000 + random.nextInt(3) * 1000;
        int unitsUsed = maxUnits == Agent.UNLIMITED_UNITS ? 0 : random.nextInt(maxUnits + 1);
        Instant wrapUpUntil = switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> NOW.minusSeconds(5);
            default -> NOW.plusSeconds(5);
        };
        Set<String> queues = switch (random.nextInt(3)) {
            case 0 -> Set.of();
            case 1 -> Set.of("q");
            default -> Set.of("other");
        };
        return new Agent(id, "Agent " + id, skills, languages, teams, capacity, presence, load, List.of(), NOW, null,
                unitsUsed, maxUnits, wrapUpUntil, null, 0, queues);
    }

    private static Requirements randomRequirements(Random random) {
        Map<String, Integer> skills = new HashMap<>();
        for (String s : SKILLS) {
            if (random.nextInt(3) == 0) {
                skills.put(s, 1 + random.nextInt(5));
            }
        }
        Set<String> excluded = random.nextInt(4) == 0 ? Set.of("a0", "a1") : Set.of();
        String onlyAgent = random.nextInt(3) == 0 ? "a" + random.nextInt(3) : null;
        List<String> servedBy = new ArrayList<>(List.of("q"));
        if (random.nextBoolean()) {
            servedBy.add("other");
        }
        return new Requirements("q", random.nextBoolean() ? "web" : "email", 500 + random.nextInt(3) * 500, skills,
                random.nextBoolean() ? "zh" : null, random.nextBoolean() ? "gold" : null, new HashSet<>(excluded),
                onlyAgent, new java.util.LinkedHashSet<>(servedBy));
    }
}
