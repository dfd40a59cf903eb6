package io.convrouter.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The "Anonymous Bank" call log (Technion SEE laboratory, August 1999; see simulator/data/README.md)
 * as a ready scenario: every call that sought an agent arrives when it left the voice menu, with its
 * call type (the skill), priority 2 as the VIP tier, its caller id (repeat callers), and its real
 * service time. Patience: a caller who hung up waiting gives it exactly; for a caller who was served
 * it is only known to exceed the wait, so it is that wait plus an exponential draw with the mean
 * fitted to the whole month (abandonments over total time waited, the censored-data estimate).
 * Callers who hung up have no service time: it is drawn from a lognormal fitted to the served calls
 * of the same type. Agents: one per server name, online in the sessions they served calls (calls
 * less than {@value #SESSION_GAP_MINUTES} minutes apart joined), with a skill for every type they
 * served, at level 3 from {@value #EXPERT_CALLS} calls of it, 2 from {@value #EXPERIENCED_CALLS}, 1
 * below; English (type PE) speakers also speak en.
 *
 * <p>A call's id is its line in the file ("line-1234"): the log's call_id repeats (11,323 ids occur
 * more than once) and one is garbled, and intake treats a repeated external id as the same conversation.
 */
final class BankTrace {
    static final int SESSION_GAP_MINUTES = 45;
    static final int EXPERT_CALLS = 200;
    static final int EXPERIENCED_CALLS = 20;
    private static final long DAY = 24L * 3600 * 1000;

    /** Call type in the log to the intent's skill. PS and PE are both retail banking (PE in English). */
    static final Map<String, String> SKILL_OF_TYPE = Map.of("PS", "banking", "PE", "banking", "IN", "internet",
            "NE", "stocks", "NW", "prospects", "TT", "callbacks");

    record Result(long start, long end, List<Scenario.Call> calls, List<Scenario.AgentSpec> agents,
                  Map<String, Object> summary) {}

    private record Row(int line, String customer, int priority, String type, long arrival, long waitMillis,
                       String outcome, long serviceMillis, String server) {}

    private BankTrace() {}

    static Result read(Path file, long seed, Integer days) throws IOException {
        List<List<String>> rows = Csv.read(file);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        List<String> header = rows.get(0);
        String[] needed = {"customer_id", "priority", "type", "date", "vru_entry", "vru_exit", "q_time",
                "outcome", "ser_time", "server"};
        Map<String, Integer> col = new HashMap<>();
        for (String n : needed) {
            int i = header.indexOf(n);
            if (i < 0) {
                throw new IllegalArgumentException("has no '" + n + "' column: not the anonymous-bank format (columns "
                        + header + ")");
            }
            col.put(n, i);
        }
        int phantom = 0;
        int menuOnly = 0;
        List<Row> seeking = new ArrayList<>();
        LocalDate firstDate = null;
        for (int i = 1; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            if (r.size() < header.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + r.size() + " cells, the header " + header.size());
            }
            try {
                String outcome = r.get(col.get("outcome"));
                long wait = Long.parseLong(r.get(col.get("q_time"))) * 1000;
                if (outcome.equals("PHANTOM")) {
                    phantom++;
                    continue;
                }
                if (outcome.equals("HANG") && wait == 0) {
                    menuOnly++; // hung up in the voice menu: never asked for an agent
                    continue;
                }
                if (!outcome.equals("AGENT") && !outcome.equals("HANG")) {
                    throw new IllegalArgumentException("outcome '" + outcome + "' is not AGENT, HANG or PHANTOM");
                }
                LocalDate date = LocalDate.parse(r.get(col.get("date")));
                if (firstDate == null || date.isBefore(firstDate)) {
                    firstDate = date;
                }
                long entry = clock(r.get(col.get("vru_entry")));
                long exit = clock(r.get(col.get("vru_exit")));
                long arrival = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + exit
                        + (exit < entry ? DAY : 0);
                String type = r.get(col.get("type"));
                if (!SKILL_OF_TYPE.containsKey(type)) {
                    throw new IllegalArgumentException("type '" + type + "' is not one of " + new TreeMap<>(SKILL_OF_TYPE).keySet());
                }
                long customer = Long.parseLong(r.get(col.get("customer_id")));
                seeking.add(new Row(i + 1, customer == 0 ? null : "cust-" + customer,
                        Integer.parseInt(r.get(col.get("priority"))), type, arrival, wait, outcome,
                        Long.parseLong(r.get(col.get("ser_time"))) * 1000, r.get(col.get("server"))));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (seeking.isEmpty()) {
            throw new IllegalArgumentException("has no call that asked for an agent");
        }
        long start = firstDate.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long lastArrival = seeking.stream().mapToLong(Row::arrival).max().orElse(start);
        long end = days != null ? start + days * DAY : start + ((lastArrival - start) / DAY + 1) * DAY;
        seeking.removeIf(r -> r.arrival() >= end);
        seeking.sort(Comparator.comparingLong(Row::arrival).thenComparingInt(Row::line));

        // Patience: exponential, censored by service (the maximum-likelihood rate is abandonments over time waited).
        long abandoned = seeking.stream().filter(r -> r.outcome().equals("HANG")).count();
        double waited = seeking.stream().mapToLong(Row::waitMillis).sum() / 1000.0;
        double patienceMean = abandoned == 0 ? Double.POSITIVE_INFINITY : waited / abandoned;
        Distribution patienceTail = abandoned == 0 ? new Distribution.None() : new Distribution.Exponential(patienceMean);
        // Service of callers who hung up: lognormal per type, from the served calls of that type.
        Map<String, Distribution> serviceFit = new TreeMap<>();
        Map<String, double[]> logs = new HashMap<>();
        for (Row r : seeking) {
            if (r.outcome().equals("AGENT") && r.serviceMillis() > 0) {
                double[] s = logs.computeIfAbsent(r.type(), k -> new double[3]);
                double x = Math.log(r.serviceMillis() / 1000.0);
                s[0]++;
                s[1] += x;
                s[2] += x * x;
            }
        }
        for (String type : SKILL_OF_TYPE.keySet()) {
            double[] s = logs.get(type);
            if (s != null && s[0] >= 2) {
                double mean = s[1] / s[0];
                double sd = Math.sqrt(Math.max(0, (s[2] - s[0] * mean * mean) / (s[0] - 1)));
                serviceFit.put(type, new Distribution.LogNormal(round(mean), round(sd)));
            } else {
                serviceFit.put(type, new Distribution.LogNormal(4.63, 1.21)); // the whole log's fit (data README)
            }
        }

        List<Scenario.Call> calls = new ArrayList<>(seeking.size());
        Map<String, List<long[]>> served = new TreeMap<>();
        Map<String, Map<String, Integer>> typesServed = new TreeMap<>();
        int vip = 0;
        int identified = 0;
        for (Row r : seeking) {
            int index = calls.size();
            SplittableRandom random = ScenarioLoader.callRandom(seed, index);
            boolean hung = r.outcome().equals("HANG");
            long service = hung ? serviceFit.get(r.type()).sampleMillis(random) : r.serviceMillis();
            long patience = hung ? r.waitMillis() : r.waitMillis() + patienceTail.sampleMillis(random);
            if (patienceTail instanceof Distribution.None && !hung) {
                patience = Scenario.Call.NO_PATIENCE_LIMIT;
            }
            boolean english = r.type().equals("PE");
            String tier = r.priority() == 2 ? "vip" : "regular";
            vip += r.priority() == 2 ? 1 : 0;
            identified += r.customer() != null ? 1 : 0;
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("callType", r.type());
            calls.add(new Scenario.Call(index, "line-" + r.line(), r.arrival(), "phone",
                    "phone call, type " + r.type(), english ? "en" : "he", r.customer(), tier, fields,
                    SKILL_OF_TYPE.get(r.type()), Math.max(1000, service), patience, true));
            if (!hung && !r.server().equals("NO_SERVER")) {
                long serviceStart = r.arrival() + r.waitMillis();
                served.computeIfAbsent(r.server(), k -> new ArrayList<>())
                        .add(new long[] {serviceStart, serviceStart + Math.max(1000, r.serviceMillis())});
                typesServed.computeIfAbsent(r.server(), k -> new TreeMap<>()).merge(r.type(), 1, Integer::sum);
            }
        }

        List<Scenario.AgentSpec> agents = new ArrayList<>();
        long gap = SESSION_GAP_MINUTES * 60_000L;
        for (Map.Entry<String, List<long[]>> e : served.entrySet()) {
            List<long[]> services = e.getValue();
            services.sort(Comparator.comparingLong(s -> s[0]));
            List<Scenario.Interval> sessions = new ArrayList<>();
            long from = services.get(0)[0];
            long to = services.get(0)[1];
            for (long[] s : services) {
                if (s[0] - to > gap) {
                    sessions.add(new Scenario.Interval(from, to));
                    from = s[0];
                }
                to = Math.max(to, s[1]);
            }
            sessions.add(new Scenario.Interval(from, to));
            Map<String, Integer> bySkill = new TreeMap<>();
            typesServed.get(e.getKey()).forEach((type, n) -> bySkill.merge(SKILL_OF_TYPE.get(type), n, Integer::sum));
            Map<String, Integer> skills = new TreeMap<>();
            bySkill.forEach((skill, n) -> skills.put(skill, n >= EXPERT_CALLS ? 3 : n >= EXPERIENCED_CALLS ? 2 : 1));
            List<String> languages = typesServed.get(e.getKey()).containsKey("PE") ? List.of("he", "en") : List.of("he");
            String id = e.getKey().toLowerCase(java.util.Locale.ROOT);
            agents.add(new Scenario.AgentSpec(id, e.getKey(), skills, languages, List.of(), Map.of("phone", 1), List.of(),
                    null, ScenarioLoader.merge(sessions)));
        }

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("kind", "anonymous-bank");
        summary.put("file", file.getFileName().toString());
        summary.put("rows", rows.size() - 1);
        summary.put("excludedPhantom", phantom);
        summary.put("excludedHungUpInVoiceMenu", menuOnly);
        summary.put("days", (end - start) / DAY);
        summary.put("agentSeekingCalls", calls.size());
        summary.put("servedInTheLog", calls.size() - abandoned);
        summary.put("abandonedInTheLog", abandoned);
        summary.put("vipCalls", vip);
        summary.put("callsFromIdentifiedCustomers", identified);
        summary.put("patience", "observed for callers who hung up; for served callers their wait plus "
                + patienceTail.describe() + " (fitted: abandonments / total waiting time)");
        Map<String, Object> fits = new LinkedHashMap<>();
        serviceFit.forEach((type, d) -> fits.put(type, d.describe()));
        summary.put("serviceOfCallersWhoHungUp", fits);
        summary.put("agents", agents.size());
        return new Result(start, end, calls, agents, summary);
    }

    /** "H:MM:SS" to milliseconds after midnight. */
    private static long clock(String hms) {
        String[] p = hms.split(":");
        return ((Long.parseLong(p[0]) * 60 + Long.parseLong(p[1])) * 60 + Long.parseLong(p[2])) * 1000;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
