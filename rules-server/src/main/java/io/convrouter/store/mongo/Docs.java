package io.convrouter.store.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;

/** Small conversions between BSON documents and the domain's types. */
final class Docs {
    private Docs() {}

    static Date date(Instant i) {
        return i == null ? null : Date.from(i);
    }

    static Instant instant(Document d, String key) {
        Date date = d.getDate(key);
        return date == null ? null : date.toInstant();
    }

    static Map<String, Integer> intMap(Document d, String key) {
        Document m = d.get(key, Document.class);
        Map<String, Integer> result = new LinkedHashMap<>();
        if (m != null) {
            m.forEach((k, v) -> result.put(k, ((Number) v).intValue()));
        }
        return result;
    }

    static Map<String, String> stringMap(Document d, String key) {
        Document m = d.get(key, Document.class);
        Map<String, String> result = new LinkedHashMap<>();
        if (m != null) {
            m.forEach((k, v) -> result.put(k, v == null ? null : v.toString()));
        }
        return result;
    }

    static Set<String> stringSet(Document d, String key) {
        List<String> list = d.getList(key, String.class);
        return list == null ? Set.of() : new LinkedHashSet<>(list);
    }

    static List<String> stringList(Document d, String key) {
        List<String> list = d.getList(key, String.class);
        return list == null ? List.of() : new ArrayList<>(list);
    }

    static Document doc(Map<String, ?> map) {
        Document d = new Document();
        if (map != null) {
            map.forEach(d::append);
        }
        return d;
    }

    static Integer integer(Document d, String key) {
        Object v = d.get(key);
        return v == null ? null : ((Number) v).intValue();
    }

    /** Deep-converts BSON documents to plain maps and lists, for returning stored inputs as JSON. */
    @SuppressWarnings("unchecked")
    static Object plain(Object value) {
        if (value instanceof Document doc) {
            Map<String, Object> m = new LinkedHashMap<>();
            doc.forEach((k, v) -> m.put(k, plain(v)));
            return m;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, v) -> m.put(String.valueOf(k), plain(v)));
            return m;
        }
        if (value instanceof List<?> list) {
            List<Object> l = new ArrayList<>(list.size());
            list.forEach(v -> l.add(plain(v)));
            return l;
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        return value;
    }

    /** Converts plain maps (as the domain holds inputs) into BSON documents. */
    static Object bson(Object value) {
        if (value instanceof Map<?, ?> map) {
            Document d = new Document();
            map.forEach((k, v) -> d.append(String.valueOf(k), bson(v)));
            return d;
        }
        if (value instanceof java.util.Collection<?> c) {
            List<Object> l = new ArrayList<>(c.size());
            c.forEach(v -> l.add(bson(v)));
            return l;
        }
        if (value instanceof Instant i) {
            return Date.from(i);
        }
        return value;
    }
}
