package io.convrouter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load run against a running server: {@code threads} clients each post a
 * conversation, wait for the answer, and post the next, for {@code seconds} after a warm-up.
 * Half the assigned conversations are closed again so agents keep freeing capacity and the
 * dispatcher keeps assigning (the realistic path), the rest queue. Customers repeat (5,000 of
 * them), so intake reads a real history for most conversations.
 *
 * <p>With a batch size, a second phase follows in the same run: the same clients post the same
 * mix as {@code POST /api/v1/conversations/batch} calls of that many conversations, so single and
 * batch intake are compared on the same server, data and machine. Latency in that phase is per
 * call.
 *
 * <p>With {@code history} as the last argument, each phase is followed by the same phase with
 * customers sent without an id, so intake looks up no customer history: the difference is what
 * building the history facts costs.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.convrouter.bench.IntakeLoad
 * [baseUrl] [threads] [seconds] [warmupSeconds] [agents] [batchSize] [history]}. An API key, when
 * the server wants one, comes from the environment variable {@code CONVROUTER_API_KEY}. With the
 * server's process id in {@code CONVROUTER_SERVER_PID} (same machine, Linux), each phase also
 * reports the server's CPU time per conversation, a figure that the machine's other load moves
 * far less than throughput and latency.
 */
public final class IntakeLoad {
    private static final String[] TEXTS = {
        "我要退款，订单一直没发货", "Where is my order? The tracking has not moved", "支付失败了，扣款两次",
        "发票怎么开", "这个能便宜点吗", "空调坏了，需要上门维修", "hello", "物流到哪了", "我要退货", "价格多少"};
    private static final String[] CHANNELS = {"web", "wechat", "app", "email", "mini_program"};
    private static final String[] TIERS = {"regular", "regular", "regular", "new", "vip"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey = System.getenv("CONVROUTER_API_KEY");
    private final String serverPid = System.getenv("CONVROUTER_SERVER_PID");
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong seq = new AtomicLong();
    /** Customers without an id: intake has no history to look up (the phases that measure its cost). */
    private volatile boolean anonymous;

    private IntakeLoad(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int agents = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int batchSize = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        boolean compareHistory = args.length > 6 && args[6].equals("history");
        IntakeLoad load = new IntakeLoad(base);
        load.registerAgents(agents);
        System.out.printf(Locale.ROOT, "threads=%d measured=%ds warm-up=%ds agents=%d%n", threads, seconds, warmup, agents);
        load.phase("single", threads, seconds, warmup, 1);
        if (compareHistory) {
            load.anonymous = true;
            load.phase("single, customers without id (no history lookup)", threads, seconds, warmup, 1);
            load.anonymous = false;
        }
        if (batchSize > 0) {
            load.phase("batch of " + batchSize, threads, seconds, warmup, batchSize);
            if (compareHistory) {
                load.anonymous = true;
                load.phase("batch of " + batchSize + ", customers without id (no history lookup)", threads, seconds,
                        warmup, batchSize);
                load.anonymous = false;
            }
        }
    }

    /** One closed-loop phase; size 1 posts single conversations, more posts batches of that size. */
    private void phase(String name, int threads, int seconds, int warmup, int size) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        AtomicLong measuredConversations = new AtomicLong();
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        int created = size == 1 ? postOne() : postBatch(size);
                        long micros = (System.nanoTime() - start) / 1000;
                        failed.addAndGet(size - created);
                        if (start >= warmupEnd) {
                            recorder.recordValue(micros);
                            measuredConversations.addAndGet(created);
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.err.println("client error: " + e);
                } finally {
                    done.countDown();
                }
            }, "load-" + t);
            worker.start();
        }
        long sleepMillis = (warmupEnd - System.nanoTime()) / 1_000_000;
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        long serverCpuAtStart = serverCpuMillis();
        done.await();
        long serverCpu = serverCpuMillis() - serverCpuAtStart;
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf(Locale.ROOT, "%s: %d conversations in the measured window (%.0f conversations/s), %d failed%n",
                name, measuredConversations.get(), measuredConversations.get() / (double) seconds, failed.get());
        System.out.printf(Locale.ROOT, "  latency per call (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
        if (serverCpu >= 0 && measuredConversations.get() > 0) {
            System.out.printf(Locale.ROOT, "  server CPU time: %.2f ms per conversation (%d ms in the measured window)%n",
                    serverCpu / (double) measuredConversations.get(), serverCpu);
        }
    }

    /**
     * CPU time (user + system) the server process has used so far, from /proc, or -1 when no pid
     * is given ({@code CONVROUTER_SERVER_PID}) or /proc cannot be read. Unlike latency, it hardly
     * moves with what else the machine is running.
     */
    private long serverCpuMillis() {
        if (serverPid == null || serverPid.isBlank()) {
            return -1;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", serverPid.trim(), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 10 ms.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (Exception e) {
            return -1;
        }
    }

    private String nextConversation() {
        long n = seq.incrementAndGet();
        if (anonymous) {
            return String.format(Locale.ROOT,
                    "{\"channel\":\"%s\",\"externalId\":\"load-%s-%d\",\"text\":\"%s\",\"customer\":{\"tier\":\"%s\"}}",
                    CHANNELS[(int) (n % CHANNELS.length)], run, n, TEXTS[(int) (n % TEXTS.length)],
                    TIERS[(int) (n % TIERS.length)]);
        }
        return String.format(Locale.ROOT,
                "{\"channel\":\"%s\",\"externalId\":\"load-%s-%d\",\"text\":\"%s\",\"customer\":{\"id\":\"c-%d\",\"tier\":\"%s\"}}",
                CHANNELS[(int) (n % CHANNELS.length)], run, n, TEXTS[(int) (n % TEXTS.length)], n % 5000,
                TIERS[(int) (n % TIERS.length)]);
    }

    /** Posts one conversation and closes it half the time it was assigned; 1 when created, else 0. */
    private int postOne() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/conversations", nextConversation());
        if (r.statusCode() != 201) {
            return 0;
        }
        if (seq.get() % 2 == 0 && r.body().contains("\"status\":\"assigned\"")) {
            close(idOf(r.body(), 0));
        }
        return 1;
    }

    /** Posts a batch and closes half of the assigned ones; the number created. */
    private int postBatch(int size) throws Exception {
        StringBuilder body = new StringBuilder("{\"conversations\":[");
        for (int i = 0; i < size; i++) {
            body.append(i == 0 ? "" : ",").append(nextConversation());
        }
        HttpResponse<String> r = send("POST", "/api/v1/conversations/batch", body.append("]}").toString());
        if (r.statusCode() != 200) {
            return 0;
        }
        String answer = r.body();
        int created = 0;
        for (int at = answer.indexOf("\"status\":201"); at >= 0; at = answer.indexOf("\"status\":201", at + 1)) {
            created++;
            int conversation = answer.indexOf("\"conversation\":{", at);
            int status = answer.indexOf("\"status\":\"", conversation);
            if (created % 2 == 0 && answer.startsWith("\"status\":\"assigned\"", status)) {
                close(idOf(answer, conversation + "\"conversation\":{".length() - 1));
            }
        }
        return created;
    }

    private void close(String id) throws Exception {
        send("POST", "/api/v1/conversations/" + id + "/close", "{\"outcome\":\"resolved\"}");
    }

    /** The id of the conversation object that starts at {@code from} ({"id":"..."). */
    private static String idOf(String json, int from) {
        int start = json.indexOf("\"id\":\"", from) + 6;
        return json.substring(start, json.indexOf('"', start));
    }

    private void registerAgents(int count) throws Exception {
        String[] skillSets = {
            "{\"refund\":4,\"shipping\":4,\"general\":3,\"payment\":3,\"invoice\":3}",
            "{\"sales\":4,\"general\":3,\"installation\":4,\"refund\":3}",
            "{\"payment\":4,\"invoice\":4,\"general\":4,\"shipping\":3}"};
        for (int i = 0; i < count; i++) {
            String id = "load-" + run + "-" + i;
            String body = "{\"name\":\"Load agent " + i + "\",\"skills\":" + skillSets[i % skillSets.length]
                    + ",\"languages\":[\"zh\",\"en\"],\"teams\":[\"vip-desk\",\"sales\"],"
                    + "\"capacity\":{\"web\":5,\"wechat\":5,\"app\":5,\"email\":10,\"mini_program\":5}}";
            check(send("PUT", "/api/v1/agents/" + id, body));
            check(send("PUT", "/api/v1/agents/" + id + "/presence", "{\"status\":\"online\"}"));
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("X-API-Key", apiKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r) {
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.request().method() + " " + r.uri() + " -> " + r.statusCode() + " " + r.body());
        }
    }
}
