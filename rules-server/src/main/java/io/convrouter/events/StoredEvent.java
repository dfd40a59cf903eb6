package io.convrouter.events;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A routing event as the outbox keeps it: the event, the stream it is ordered in (its conversation,
 * or {@code queue:<id>} for queue alerts), its place in that stream and when it was stored.
 *
 * <p>{@code data} holds only JSON values (strings, numbers, booleans, null, lists and maps with
 * string keys); anything else the core put there (an Instant, an enum, a Duration) is kept as its
 * string form, so what is stored is exactly what is sent.
 */
public record StoredEvent(String id, String stream, long seq, String type, String conversationId, String agentId,
                          Instant at, Map<String, Object> data, Instant storedAt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public StoredEvent {
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The stream an event is ordered in: its conversation, else its queue. */
    public static String streamOf(RoutingEvent e) {
        if (e.conversationId() != null && !e.conversationId().isBlank()) {
            return e.conversationId();
        }
        Object queue = e.data().get("queue");
        return "queue:" + (queue == null ? "-" : queue);
    }

    public static String idOf(String stream, long seq) {
        return stream + "-" + seq;
    }

    static StoredEvent of(String stream, long seq, RoutingEvent e, Instant now) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) plain(e.data());
        return new StoredEvent(idOf(stream, seq), stream, seq, e.type(), e.conversationId(), e.agentId(),
                e.at() == null ? now : e.at(), data, now);
    }

    /** The request body every endpoint receives for this event (the signed bytes). */
    public byte[] body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type);
        body.put("conversationId", conversationId);
        body.put("agentId", agentId);
        body.put("at", at.toString());
        body.put("sequence", seq);
        body.put("data", data);
        return JSON.writeValueAsBytes(body);
    }

    /** Converts a value to plain JSON values (see the class comment). */
    static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
        }
        if (value instanceof BigDecimal b) {
            return b.toString();
        }
        if (value instanceof Date d) {
            return d.toInstant().toString();
        }
        if (value instanceof TemporalAccessor || value instanceof Enum<?> || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, v) -> m.put(String.valueOf(k), plain(v)));
            return m;
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            c.forEach(v -> list.add(plain(v)));
            return list;
        }
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(plain(Array.get(value, i)));
            }
            return list;
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        return value.toString();
    }
}
