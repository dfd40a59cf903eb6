package io.convrouter.events;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to the configured endpoints, on its own thread.
 *
 * <p><b>Order.</b> Each conversation (stream) is delivered to each endpoint strictly in sequence: at
 * most one request per stream and endpoint is in flight, and the next event of the stream goes to
 * that endpoint only once the previous one succeeded or was parked. Streams and endpoints are
 * otherwise independent: a failing endpoint or conversation waits out its own backoff while the
 * rest flow, and each endpoint has its own budget of concurrent requests.
 *
 * <p><b>At least once.</b> An event leaves the outbox only after every endpoint that wants it answered
 * 2xx (or it was parked there). Whatever is stored but not finished is read back when an instance
 * starts delivering, so a crash or restart delivers it again (receivers deduplicate by event id).
 *
 * <p><b>Retries.</b> A failed request (non-2xx, refused, timed out) is retried after
 * {@link WebhookSettings#backoff} of the injected clock; after {@code maxAttempts} the event is parked
 * for that endpoint (kept, listed as failed, retryable by an operator) and the stream moves on, so
 * receivers see a gap in {@code sequence}.
 *
 * <p><b>One delivering instance.</b> Instances sharing a database take a lease in
 * {@code event_leases}; only its holder delivers. It reads the whole outbox when it takes the lease;
 * the others tell it about the events they store through {@code event_signals}, which it reads
 * every second. Events of one conversation stored by different instances within that second may
 * then go out in a different order than their sequence numbers.
 *
 * <p>All state below lives on the worker thread; other threads talk to it through the inbox.
 */
public final class WebhookDelivery {
    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final int RECENTLY_FINISHED = 10_000;
    /** How often the delivering instance looks for events other instances stored. */
    static final Duration SIGNAL_POLL = Duration.ofSeconds(1);
    private static final int SIGNAL_BATCH = 1_000;

    private final MongoEventStore store;
    private final List<Webhook> hooks;
    private final Map<String, Webhook> hooksByName = new LinkedHashMap<>();
    private final WebhookSettings settings;
    private final Clock clock;
    private final String owner;
    private final boolean soleInstance;
    private boolean forceClaim; // worker thread only

    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> idleWaiters = new ConcurrentLinkedQueue<>();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean overflowed;
    private volatile Snapshot snapshot = new Snapshot(false, 0, 0, 0, 0);
    private HttpClient http;
    private ExecutorService httpExecutor;

    private final LongAdder delivered = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder parked = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final LongAdder storeErrors = new LongAdder();
    private final LongAdder queueOverflows = new LongAdder();

    public WebhookDelivery(MongoEventStore store, List<Webhook> hooks, WebhookSettings settings, Clock clock) {
        this(store, hooks, settings, clock, false);
    }

    /**
     * @param soleInstance no other instance uses this database (the embedded store): take the
     *                     delivery lease at start even if a previous run of this server left it held
     */
    public WebhookDelivery(MongoEventStore store, List<Webhook> hooks, WebhookSettings settings, Clock clock,
                           boolean soleInstance) {
        this.soleInstance = soleInstance;
        this.store = store;
        this.hooks = List.copyOf(hooks);
        this.settings = settings;
        this.clock = clock;
        for (Webhook h : this.hooks) {
            if (hooksByName.put(h.name(), h) != null) {
                throw new IllegalArgumentException("two webhooks are named '" + h.name() + "'");
            }
        }
        List<String> problems = settings.problems("settings");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        this.owner = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public List<Webhook> webhooks() {
        return hooks;
    }

    public WebhookSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- life cycle

    public synchronized void start() {
        if (running) {
            return;
        }
        httpExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-http");
            t.setDaemon(true);
            return t;
        });
        http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(httpExecutor)
                .build();
        running = true;
        forceClaim = soleInstance;
        Thread t = new Thread(this::run, "webhook-delivery");
        t.setDaemon(true);
        thread = t;
        t.start();
        if (hooks.isEmpty()) {
            log.info("No webhooks configured: routing events are stored (at most {}) but not delivered",
                    settings.maxStored());
        } else {
            log.info("Webhook delivery started for {}", hooks);
        }
    }

    /** Stops delivering; what is not delivered yet stays stored and goes out after the next start. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        Thread t = thread;
        LockSupport.unpark(t);
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        httpExecutor.shutdownNow();
        completeIdleWaiters();
    }

    public boolean running() {
        return running;
    }

    /** Look at the clock now instead of at the next poll (tests move a clock and call this). */
    public void wakeUp() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits until nothing is due at the current clock time: no request in flight, no message
     * unprocessed, every event either delivered, parked or waiting for a later retry time. False when
     * that did not happen within {@code timeout}.
     */
    public boolean awaitIdle(Duration timeout) {
        if (!running) {
            return true;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        idleWaiters.add(f);
        wakeUp();
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    // ---------------------------------------------------------------- from other threads

    /** A freshly stored event (called by the outbox, in sequence order per stream). Never blocks. */
    void offer(StoredEvent e) {
        if (!running) {
            return; // stored; read back when delivery starts
        }
        if (queuedEvents.incrementAndGet() > Math.max(10_000, settings.maxStored())) {
            queuedEvents.decrementAndGet();
            queueOverflows.increment();
            overflowed = true; // stored: the worker re-reads the outbox once it catches up
            return;
        }
        inbox.add(new Published(e));
        wakeUp();
    }

    /**
     * Puts an event parked as failed back in line for the endpoints it failed at, with fresh
     * attempts. It goes out at once, after events of its conversation delivered meanwhile. False
     * when the outbox holds no such parked event.
     */
    public boolean retryParked(String id) {
        boolean retried = store.retry(id);
        if (retried) {
            reload(id);
        }
        return retried;
    }

    /** Removes an event from the outbox: it will not be delivered. False when there is no such event. */
    public boolean discard(String id) {
        boolean deleted = store.delete(id);
        if (deleted) {
            reload(id);
        }
        return deleted;
    }

    /** Look at an event's stored state again (it was changed outside the worker). */
    void reload(String id) {
        if (running) {
            inbox.add(new Reload(id));
            wakeUp();
        }
    }

    public Stats stats() {
        Snapshot s = snapshot;
        return new Stats(running, s.leader, hooks.size(), s.pending, s.parked, s.inFlight, s.streams,
                delivered.sum(), failedAttempts.sum(), parked.sum(), dropped.sum(), filtered.sum(), storeErrors.sum(),
                queueOverflows.sum());
    }

    /** Counters since start and what the worker holds now (pending and parked as this instance knows them). */
    public record Stats(boolean running, boolean delivering, int webhooks, int pending, int parkedNow, int inFlight,
                        int streams, long delivered, long failedAttempts, long parked, long dropped,
                        long filteredOut, long storeErrors, long queueOverflows) {}

    private record Snapshot(boolean leader, int pending, int parked, int inFlight, int streams) {}

    private record Published(StoredEvent event) {}

    private record Reload(String id) {}

    private record Completed(State state, String id, String stream, String hook, int attempt, Instant sentAt,
                             String error) {}

    // ---------------------------------------------------------------- the worker thread

    private void run() {
        try {
            loop();
        } catch (Throwable t) {
            running = false;
            completeIdleWaiters();
            log.error("Webhook delivery stopped: events are still stored and go out after the next start", t);
            throw t;
        }
    }

    private void loop() {
        State s = new State();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        while (running) {
            // Waiters are taken before the clock is read: one who moved the clock and then asked to
            // wait is answered by an iteration that saw the new time.
            for (CompletableFuture<Void> w; (w = idleWaiters.poll()) != null; ) {
                waiting.add(w);
            }
            Instant now = clock.instant();
            try {
                s = lease(s, now);
                drain(s, now);
                if (s.leader) {
                    if (overflowed || (!settings.rescanInterval().isZero() && !now.isBefore(s.nextRescan))) {
                        overflowed = false;
                        rescan(s, now);
                    }
                    if (!now.isBefore(s.nextSignalPoll)) {
                        pollSignals(s, now);
                    }
                    trim(s, now);
                    dispatch(s, now);
                }
            } catch (RuntimeException e) {
                storeErrors.increment();
                if (s.errors.allow(now)) {
                    log.warn("Webhook delivery: {} (will retry)", e.toString());
                }
            }
            snapshot = new Snapshot(s.leader, s.byId.size() - s.parkedCount, s.parkedCount, s.inFlight, s.streams.size());
            if (inbox.isEmpty() && s.inFlight == 0) {
                waiting.forEach(w -> w.complete(null));
                waiting.clear();
            }
            if (running && inbox.isEmpty() && idleWaiters.isEmpty()) {
                LockSupport.parkNanos(this, waitNanos(s, now));
            }
        }
        if (s.leader) {
            try {
                store.releaseLease(owner);
            } catch (RuntimeException e) {
                log.debug("could not release the webhook delivery lease: {}", e.toString());
            }
        }
        snapshot = new Snapshot(false, 0, 0, 0, 0);
        waiting.forEach(w -> w.complete(null));
    }

    private long waitNanos(State s, Instant now) {
        long nanos = settings.pollInterval().toNanos();
        Due next = s.due.peek();
        if (next != null) {
            nanos = Math.min(nanos, Math.max(Duration.between(now, next.at).toNanos(), TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return nanos;
    }

    private void completeIdleWaiters() {
        CompletableFuture<Void> f;
        while ((f = idleWaiters.poll()) != null) {
            f.complete(null);
        }
    }

    /** Takes, renews or loses the delivery lease; a new holder reads the outbox first. */
    private State lease(State s, Instant now) {
        Duration lease = settings.lease();
        if (s.leader && now.isBefore(s.leaseUntil.minus(lease.dividedBy(2)))) {
            return s;
        }
        if (!s.leader && s.nextLeaseTry != null && now.isBefore(s.nextLeaseTry)) {
            return s;
        }
        boolean held;
        try {
            held = store.acquireLease(owner, now, now.plus(lease), forceClaim);
            forceClaim = false;
        } catch (RuntimeException e) {
            if (s.leader && !now.isBefore(s.leaseUntil)) {
                log.warn("Webhook delivery paused: cannot renew the delivery lease ({})", e.toString());
                handOver(s);
                return new State();
            }
            throw e;
        }
        if (held && s.leader) {
            s.leaseUntil = now.plus(lease);
            return s;
        }
        if (held) {
            State fresh = new State();
            fresh.leader = true;
            fresh.leaseUntil = now.plus(lease);
            rescan(fresh, now);
            log.info("This instance delivers webhooks: {} events waiting in the outbox", fresh.byId.size());
            return fresh;
        }
        if (s.leader) {
            log.warn("Another instance took over webhook delivery");
            handOver(s);
        }
        State follower = s.leader ? new State() : s;
        follower.nextLeaseTry = now.plus(lease.dividedBy(4));
        return follower;
    }

    /** Tells whoever delivers next about the events this instance still held (best effort). */
    private void handOver(State s) {
        List<String> ids = new ArrayList<>();
        for (Entry e : s.byId.values()) {
            if (e.hasPending()) {
                ids.add(e.event.id());
            }
        }
        try {
            store.signal(ids);
        } catch (RuntimeException e) {
            log.warn("Webhook delivery: could not hand {} events over to the next delivering instance ({}); "
                    + "it finds them when it starts delivering", ids.size(), e.toString());
        }
    }

    /** Events other instances stored reach the delivering one through event_signals. */
    private void pollSignals(State s, Instant now) {
        s.nextSignalPoll = now.plus(SIGNAL_POLL);
        List<String> ids = store.signals(SIGNAL_BATCH);
        if (ids.isEmpty()) {
            return;
        }
        for (MongoEventStore.OutboxRecord r : store.find(ids)) {
            merge(s, r, now);
        }
        store.clearSignals(ids);
        if (ids.size() == SIGNAL_BATCH) {
            s.nextSignalPoll = now; // more waiting
        }
    }

    private void drain(State s, Instant now) {
        List<String> toSignal = new ArrayList<>();
        try {
            drain(s, now, toSignal);
        } finally {
            if (!toSignal.isEmpty()) {
                try {
                    store.signal(toSignal);
                } catch (RuntimeException e) {
                    storeErrors.increment();
                    log.warn("Webhook delivery: could not signal {} stored events to the delivering instance ({}); "
                            + "they go out when an instance starts delivering", toSignal.size(), e.toString());
                }
            }
        }
    }

    private void drain(State s, Instant now, List<String> toSignal) {
        Object m;
        while ((m = inbox.poll()) != null) {
            if (m instanceof Published p) {
                queuedEvents.decrementAndGet();
                if (s.leader) {
                    merge(s, new MongoEventStore.OutboxRecord(p.event(), Map.of(), List.of()), now);
                } else {
                    toSignal.add(p.event().id());
                }
            } else if (m instanceof Completed c) {
                if (c.state() == s) {
                    completed(s, c, now);
                }
            } else if (m instanceof Reload r && s.leader) {
                try {
                    var stored = store.find(r.id());
                    if (stored.isPresent()) {
                        merge(s, stored.get(), now);
                    } else {
                        Entry e = s.byId.get(r.id());
                        if (e != null) {
                            forget(s, e, now);
                        }
                    }
                } catch (RuntimeException e) {
                    storeErrors.increment();
                    log.warn("Webhook delivery: cannot read event {} ({})", r.id(), e.toString());
                }
            }
        }
    }

    /** Reads the whole outbox: new events join their streams; parked ones an operator retried resume. */
    private void rescan(State s, Instant now) {
        s.nextRescan = now.plus(settings.rescanInterval()); // also after a failure: not again at once
        Set<String> seen = new HashSet<>();
        store.forEach(r -> {
            seen.add(r.event().id());
            merge(s, r, now);
        });
        for (Entry e : new ArrayList<>(s.byId.values())) {
            if (!seen.contains(e.event.id())) {
                forget(s, e, now); // removed by an operator, possibly on another instance
            }
        }
    }

    private void merge(State s, MongoEventStore.OutboxRecord r, Instant now) {
        StoredEvent ev = r.event();
        Entry known = s.byId.get(ev.id());
        if (known == null) {
            if (!s.recentlyFinished.contains(ev.id())) {
                add(s, ev, r.deliveries(), now);
            }
            return;
        }
        boolean resumed = false;
        for (Map.Entry<String, DeliveryState> d : known.deliveries.entrySet()) {
            DeliveryState stored = r.deliveries().get(d.getKey());
            if (d.getValue().state() == DeliveryState.State.FAILED && stored != null && stored.pending()) {
                d.setValue(stored);
                resumed = true;
            }
        }
        if (resumed) {
            setParked(s, known, false);
            log.info("Event {} is back in line for delivery", ev.id());
            enterStream(s, known, now);
        }
    }

    private void add(State s, StoredEvent ev, Map<String, DeliveryState> stored, Instant now) {
        Map<String, DeliveryState> deliveries = new LinkedHashMap<>();
        for (Webhook h : hooks) {
            if (h.accepts(ev.type())) {
                deliveries.put(h.name(), stored.getOrDefault(h.name(), DeliveryState.NEW));
            }
        }
        Entry e = new Entry(ev, deliveries);
        if (!hooks.isEmpty() && !e.hasPending() && !e.anyFailed()) {
            // every endpoint has it already, or none wants this type
            if (deliveries.isEmpty()) {
                filtered.increment();
            }
            deleteStored(s, e, now);
            s.recentlyFinished.add(ev.id());
            return;
        }
        s.byId.put(ev.id(), e);
        s.fifo.addLast(e);
        if (e.hasPending()) {
            enterStream(s, e, now);
        } else if (e.anyFailed()) {
            setParked(s, e, true);
        }
    }

    private void enterStream(State s, Entry e, Instant now) {
        Stream st = s.streams.computeIfAbsent(e.event.stream(), Stream::new);
        st.events.put(e.event.seq(), e);
        for (Map.Entry<String, DeliveryState> d : e.deliveries.entrySet()) {
            if (d.getValue().pending()) {
                st.lowerCursor(d.getKey(), e.event.seq() - 1);
                schedule(s, st, d.getKey(), now);
            }
        }
    }

    /** Queues a wake-up for the stream's next event for this endpoint, unless one is in flight or queued earlier. */
    private void schedule(State s, Stream st, String hook, Instant now) {
        if (st.inFlight.contains(hook)) {
            return;
        }
        Entry head = st.head(hook);
        if (head == null) {
            return;
        }
        Instant next = head.deliveries.get(hook).nextAttemptAt();
        Instant at = next == null || next.isBefore(now) ? now : next;
        Instant queued = st.scheduled.get(hook);
        if (queued != null && !queued.isAfter(at)) {
            return;
        }
        st.scheduled.put(hook, at);
        s.due.add(new Due(at, s.dueOrder++, st.key, hook));
    }

    private void dispatch(State s, Instant now) {
        while (!s.due.isEmpty() && !s.due.peek().at.isAfter(now)) {
            Due d = s.due.poll();
            Stream st = s.streams.get(d.stream);
            if (st == null || !d.at.equals(st.scheduled.get(d.hook))) {
                continue; // stale
            }
            st.scheduled.remove(d.hook);
            if (st.inFlight.contains(d.hook)) {
                continue;
            }
            Entry head = st.head(d.hook);
            if (head == null) {
                continue;
            }
            Instant next = head.deliveries.get(d.hook).nextAttemptAt();
            if (next != null && next.isAfter(now)) {
                schedule(s, st, d.hook, now);
                continue;
            }
            Lane lane = s.lane(d.hook);
            if (lane.inFlight >= settings.maxInFlight()) {
                lane.blocked.add(st.key);
                continue;
            }
            send(s, st, head, hooksByName.get(d.hook), lane, now);
        }
    }

    private void send(State s, Stream st, Entry e, Webhook hook, Lane lane, Instant now) {
        int attempt = e.deliveries.get(hook.name()).attempts() + 1;
        lane.inFlight++;
        s.inFlight++;
        st.inFlight.add(hook.name());
        String id = e.event.id();
        try {
            byte[] body = e.body();
            HttpRequest request = HttpRequest.newBuilder(hook.url())
                    .version("https".equalsIgnoreCase(hook.url().getScheme()) ? HttpClient.Version.HTTP_2
                            : HttpClient.Version.HTTP_1_1)
                    .timeout(settings.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "convrouter-webhooks/1")
                    .header(WebhookSignature.EVENT_ID_HEADER, id)
                    .header(WebhookSignature.EVENT_TYPE_HEADER, e.event.type())
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now.getEpochSecond()))
                    .header(WebhookSignature.ATTEMPT_HEADER, Integer.toString(attempt))
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(hook.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                String problem = error != null ? describe(error)
                        : response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
                inbox.add(new Completed(s, id, st.key, hook.name(), attempt, now, problem));
                wakeUp();
            });
        } catch (RuntimeException ex) {
            inbox.add(new Completed(s, id, st.key, hook.name(), attempt, now, describe(ex)));
        }
    }

    private void completed(State s, Completed c, Instant now) {
        Lane lane = s.lane(c.hook());
        lane.inFlight--;
        s.inFlight--;
        Stream st = s.streams.get(c.stream());
        if (st != null) {
            st.inFlight.remove(c.hook());
        }
        Entry e = s.byId.get(c.id());
        if (e != null && e.deliveries.containsKey(c.hook()) && e.deliveries.get(c.hook()).pending()) {
            DeliveryState next;
            if (c.error() == null) {
                delivered.increment();
                next = new DeliveryState(DeliveryState.State.DONE, c.attempt(), null, c.sentAt(), null);
                if (lane.failing) {
                    lane.failing = false;
                    log.info("Webhook {} answers again", c.hook());
                }
            } else {
                failedAttempts.increment();
                if (!lane.failing) {
                    lane.failing = true;
                    log.warn("Webhook {} failed: {} (event {}, attempt {}); retrying with backoff", c.hook(),
                            c.error(), c.id(), c.attempt());
                }
                if (c.attempt() >= settings.maxAttempts()) {
                    parked.increment();
                    next = new DeliveryState(DeliveryState.State.FAILED, c.attempt(), null, c.sentAt(), c.error());
                    if (lane.parkLog.allow(now)) {
                        log.warn("Webhook {}: event {} parked as failed after {} attempts ({}); see GET /api/v1/events/failed",
                                c.hook(), c.id(), c.attempt(), c.error());
                    }
                } else {
                    next = new DeliveryState(DeliveryState.State.PENDING, c.attempt(),
                            now.plus(settings.backoff(c.attempt())), c.sentAt(), c.error());
                }
            }
            record(s, e, c.hook(), next, now);
        }
        if (st != null) {
            schedule(s, st, c.hook(), now);
            dropIfEmpty(s, st);
        }
        // as many waiting streams as there are free slots get their turn, oldest waiting first
        Iterator<String> blocked = lane.blocked.iterator();
        for (int free = settings.maxInFlight() - lane.inFlight; free > 0 && blocked.hasNext(); ) {
            String key = blocked.next();
            blocked.remove();
            Stream b = s.streams.get(key);
            if (b != null) {
                schedule(s, b, c.hook(), now);
                free--;
            }
        }
    }

    /** A new state for one endpoint: persisted; a finished event is deleted (or kept parked). */
    private void record(State s, Entry e, String hook, DeliveryState next, Instant now) {
        e.deliveries.put(hook, next);
        if (!e.hasPending() && !e.anyFailed()) {
            removeFromStream(s, e);
            s.byId.remove(e.event.id());
            e.removed = true;
            s.recentlyFinished.add(e.event.id());
            deleteStored(s, e, now);
            return;
        }
        if (!e.hasPending()) {
            removeFromStream(s, e);
            setParked(s, e, true);
        }
        try {
            store.saveDelivery(e.event.id(), hook, next);
        } catch (RuntimeException ex) {
            storeErrors.increment();
            if (s.errors.allow(now)) {
                log.warn("Webhook delivery: cannot record the state of event {} ({})", e.event.id(), ex.toString());
            }
        }
    }

    private void deleteStored(State s, Entry e, Instant now) {
        try {
            store.delete(e.event.id());
        } catch (RuntimeException ex) {
            storeErrors.increment(); // delivered again after a restart: at least once
            if (s.errors.allow(now)) {
                log.warn("Webhook delivery: cannot delete delivered event {} ({})", e.event.id(), ex.toString());
            }
        }
    }

    /** Keeps at most maxStored events: the oldest undelivered ones go first. */
    private void trim(State s, Instant now) {
        while (s.byId.size() > settings.maxStored()) {
            Entry old = s.fifo.pollFirst();
            if (old == null) {
                break;
            }
            if (old.removed) {
                continue;
            }
            dropped.increment();
            if (s.drops.allow(now)) {
                log.warn("Event outbox full ({} events): dropping the oldest undelivered event {} ({}); "
                        + "raise routing.events.max-stored or fix the endpoint", settings.maxStored(), old.event.id(),
                        old.event.type());
            }
            deleteStored(s, old, now);
            forget(s, old, now);
        }
        if (s.fifo.size() > 2 * s.byId.size() + 1024) {
            s.fifo.removeIf(e -> e.removed);
        }
    }

    private void forget(State s, Entry e, Instant now) {
        s.byId.remove(e.event.id());
        e.removed = true;
        setParked(s, e, false);
        Stream st = s.streams.get(e.event.stream());
        removeFromStream(s, e);
        if (st != null && s.streams.containsKey(st.key)) {
            for (String hook : e.deliveries.keySet()) {
                schedule(s, st, hook, now);
            }
        }
    }

    private void removeFromStream(State s, Entry e) {
        Stream st = s.streams.get(e.event.stream());
        if (st != null) {
            st.events.remove(e.event.seq(), e);
            dropIfEmpty(s, st);
        }
    }

    private static void dropIfEmpty(State s, Stream st) {
        if (st.events.isEmpty() && st.inFlight.isEmpty()) {
            s.streams.remove(st.key, st);
        }
    }

    private static void setParked(State s, Entry e, boolean parked) {
        if (e.parked != parked) {
            e.parked = parked;
            s.parkedCount += parked ? 1 : -1;
        }
    }

    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (c instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (c instanceof ConnectException) {
            return "cannot connect" + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
        }
        String msg = c.getMessage();
        return c.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** From the environment: a DNS lookup of the local host can take seconds on a badly configured machine. */
    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            h = System.getenv("COMPUTERNAME");
        }
        return h == null || h.isBlank() ? "host" : h;
    }

    // ---------------------------------------------------------------- worker-thread state

    /** Everything the delivering worker knows; replaced when it gains or loses the lease. */
    private final class State {
        final Map<String, Entry> byId = new HashMap<>();
        final ArrayDeque<Entry> fifo = new ArrayDeque<>();
        final Map<String, Stream> streams = new HashMap<>();
        final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparing((Due d) -> d.at).thenComparingLong(d -> d.order));
        final Map<String, Lane> lanes = new HashMap<>();
        final Set<String> recentlyFinished = java.util.Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RECENTLY_FINISHED;
            }
        });
        final LogLimiter errors = new LogLimiter();
        final LogLimiter drops = new LogLimiter();
        boolean leader;
        Instant leaseUntil = Instant.MIN;
        Instant nextLeaseTry;
        Instant nextRescan = Instant.MIN;
        Instant nextSignalPoll = Instant.MIN;
        int inFlight;
        int parkedCount;
        long dueOrder;

        Lane lane(String hook) {
            return lanes.computeIfAbsent(hook, k -> new Lane());
        }
    }

    /** One endpoint's requests in flight and the streams waiting for a free slot. */
    private static final class Lane {
        int inFlight;
        final Set<String> blocked = new LinkedHashSet<>();
        boolean failing;
        final LogLimiter parkLog = new LogLimiter();
    }

    private record Due(Instant at, long order, String stream, String hook) {}

    /** One conversation's (or queue's) undelivered events in sequence order. */
    private static final class Stream {
        final String key;
        final TreeMap<Long, Entry> events = new TreeMap<>();
        /** Per endpoint: no event at or below this sequence is pending for it. */
        final Map<String, Long> cursor = new HashMap<>();
        final Set<String> inFlight = new HashSet<>(2);
        final Map<String, Instant> scheduled = new HashMap<>(2);

        Stream(String key) {
            this.key = key;
        }

        void lowerCursor(String hook, long seq) {
            Long c = cursor.get(hook);
            if (c != null && c > seq) {
                cursor.put(hook, seq);
            }
        }

        /** The first event still pending for the endpoint: the only one that may be sent to it. */
        Entry head(String hook) {
            Long c = cursor.get(hook);
            Map<Long, Entry> rest = c == null ? events : events.tailMap(c, false);
            for (Entry e : rest.values()) {
                DeliveryState d = e.deliveries.get(hook);
                if (d != null && d.pending()) {
                    return e;
                }
                cursor.put(hook, e.event.seq());
            }
            return null;
        }
    }

    private static final class Entry {
        final StoredEvent event;
        final Map<String, DeliveryState> deliveries;
        boolean removed;
        boolean parked;
        private byte[] body;

        Entry(StoredEvent event, Map<String, DeliveryState> deliveries) {
            this.event = event;
            this.deliveries = deliveries;
        }

        boolean hasPending() {
            for (DeliveryState d : deliveries.values()) {
                if (d.pending()) {
                    return true;
                }
            }
            return false;
        }

        boolean anyFailed() {
            for (DeliveryState d : deliveries.values()) {
                if (d.state() == DeliveryState.State.FAILED) {
                    return true;
                }
            }
            return false;
        }

        byte[] body() {
            if (body == null) {
                body = event.body();
            }
            return body;
        }
    }

    /** At most one log line per minute of the clock for a repeating problem. */
    private static final class LogLimiter {
        private Instant next = Instant.MIN;

        boolean allow(Instant now) {
            if (now.isBefore(next)) {
                return false;
            }
            next = now.plus(Duration.ofMinutes(1));
            return true;
        }
    }
}
