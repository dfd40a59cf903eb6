package io.convrouter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load run against a running server: {@code threads} clients each post a
 * conversation, wait for the answer, and post the next, for {@code seconds} after a warm-up.
 * Half the conversations are closed again by a second stream so agents keep freeing capacity
 * and the dispatcher keeps assigning (the realistic path), the rest queue.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.convrouter.bench.IntakeLoad
 * [baseUrl] [threads] [seconds] [warmupSeconds] [agents]}
 */
public final class IntakeLoad {
    private static final String[] TEXTS = {
        "我要退款，订单一直没发货", "Where is my order? The tracking has not moved", "支付失败了，扣款两次",
        "发票怎么开", "这个能便宜点吗", "空调坏了，需要上门维修", "hello", "物流到哪了", "我要退货", "价格多少"};
    private static final String[] CHANNELS = {"web", "wechat", "app", "email", "mini_program"};
    private static final String[] TIERS = {"regular", "regular", "regular", "new", "vip"};

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int agents = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        registerAgents(http, base, run, agents);

        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicLong measuredOk = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long n = seq.incrementAndGet();
                        String body = String.format(Locale.ROOT,
                                "{\"channel\":\"%s\",\"externalId\":\"load-%s-%d\",\"text\":\"%s\",\"customer\":{\"id\":\"c-%d\",\"tier\":\"%s\"}}",
                                CHANNELS[(int) (n % CHANNELS.length)], run, n, TEXTS[(int) (n % TEXTS.length)], n % 5000,
                                TIERS[(int) (n % TIERS.length)]);
                        long start = System.nanoTime();
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conversations"))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        long micros = (System.nanoTime() - start) / 1000;
                        boolean measured = start >= warmupEnd;
                        if (r.statusCode() == 201) {
                            ok.incrementAndGet();
                            if (measured) {
                                recorder.recordValue(micros);
                                measuredOk.incrementAndGet();
                            }
                            if (n % 2 == 0 && r.body().contains("\"status\":\"assigned\"")) {
                                String id = r.body().substring(7, r.body().indexOf('"', 7));
                                http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/conversations/" + id + "/close"))
                                        .header("content-type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"resolved\"}")).build(),
                                        HttpResponse.BodyHandlers.discarding());
                            }
                        } else {
                            failed.incrementAndGet();
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
        done.await();
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf(Locale.ROOT, "threads=%d measured=%ds agents=%d%n", threads, seconds, agents);
        System.out.printf(Locale.ROOT, "intake: %d ok in the measured window (%.0f conversations/s), %d failed in total%n",
                measuredOk.get(), measuredOk.get() / (double) seconds, failed.get());
        System.out.printf(Locale.ROOT, "latency (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static void registerAgents(HttpClient http, String base, String run, int count) throws Exception {
        String[] skillSets = {
            "{\"refund\":4,\"shipping\":4,\"general\":3,\"payment\":3,\"invoice\":3}",
            "{\"sales\":4,\"general\":3,\"installation\":4,\"refund\":3}",
            "{\"payment\":4,\"invoice\":4,\"general\":4,\"shipping\":3}"};
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "load-" + run + "-" + i;
            String body = "{\"name\":\"Load agent " + i + "\",\"skills\":" + skillSets[i % skillSets.length]
                    + ",\"languages\":[\"zh\",\"en\"],\"teams\":[\"vip-desk\",\"sales\"],"
                    + "\"capacity\":{\"web\":5,\"wechat\":5,\"app\":5,\"email\":10,\"mini_program\":5}}";
            send(http, "PUT", base + "/api/v1/agents/" + id, body);
            send(http, "PUT", base + "/api/v1/agents/" + id + "/presence", "{\"status\":\"online\"}");
            ids.add(id);
        }
    }

    private static void send(HttpClient http, String method, String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
    }
}
