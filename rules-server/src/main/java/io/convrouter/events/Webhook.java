package io.convrouter.events;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One endpoint that receives routing events: where to POST, the shared secret the requests are
 * signed with, and which event types it wants (empty: all). {@code name} identifies the endpoint in
 * the outbox (which events it already has); keep it stable when the URL changes.
 */
public record Webhook(String name, URI url, String secret, List<String> events) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Webhook {
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** Whether this endpoint wants events of this type. */
    public boolean accepts(String type) {
        if (events.isEmpty()) {
            return true;
        }
        for (String pattern : events) {
            if (pattern.equals("*") || pattern.equals(type)
                    || (pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** The URL without user info or query string (which may carry credentials), for logs and the API. */
    public String displayUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?...");
    }

    /** The secret stays out of logs and error messages. */
    @Override
    public String toString() {
        return "Webhook[name=" + name + ", url=" + displayUrl() + ", events=" + (events.isEmpty() ? "all" : events) + "]";
    }

    /** Every event type the routing core declares (the constants of {@link RoutingEvent}). */
    public static Set<String> knownTypes() {
        Set<String> types = new TreeSet<>();
        for (Field f : RoutingEvent.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    types.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return types;
    }

    /**
     * Checks one configured endpoint and returns it, or adds what is wrong to {@code problems},
     * each naming the property to fix (prefix such as {@code routing.webhooks[0]}).
     */
    public static Webhook parse(String prefix, String name, String url, String secret, List<String> events,
                                List<String> problems) {
        int before = problems.size();
        URI uri = null;
        if (url == null || url.isBlank()) {
            problems.add(prefix + ".url: missing; set the http(s) URL that receives the events");
        } else {
            try {
                uri = URI.create(url.trim());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    problems.add(prefix + ".url: '" + url + "' is not an absolute http:// or https:// URL");
                }
            } catch (IllegalArgumentException e) {
                problems.add(prefix + ".url: '" + url + "' is not a valid URL (" + e.getMessage() + ")");
            }
        }
        if (secret == null || secret.isBlank()) {
            problems.add(prefix + ".secret: missing; every request is signed with it (set it from an environment "
                    + "variable, e.g. " + envName(prefix) + "_SECRET, never in a committed file)");
        }
        String effectiveName = name == null || name.isBlank() ? defaultName(uri) : name.trim();
        if (!NAME.matcher(effectiveName).matches()) {
            problems.add(prefix + ".name: '" + effectiveName + "' must be 1-64 letters, digits, '-' or '_'");
        }
        List<String> patterns = new ArrayList<>();
        Set<String> known = knownTypes();
        for (String e : events == null ? List.<String>of() : events) {
            if (e == null || e.isBlank()) {
                continue;
            }
            String p = e.trim();
            boolean ok = p.equals("*") || known.contains(p)
                    || (p.endsWith(".*") && known.stream().anyMatch(k -> k.startsWith(p.substring(0, p.length() - 1))));
            if (!ok) {
                problems.add(prefix + ".events: '" + p + "' is not an event type; use one of " + known
                        + ", a prefix such as 'conversation.*', or '*'");
            }
            patterns.add(p);
        }
        return problems.size() > before ? null : new Webhook(effectiveName, uri, secret, patterns);
    }

    /** Checks that names are unique (each endpoint's progress is kept under its name). */
    public static void checkUnique(List<Webhook> hooks, List<String> problems) {
        Set<String> seen = new TreeSet<>();
        for (Webhook h : hooks) {
            if (!seen.add(h.name())) {
                problems.add("routing.webhooks: two webhooks are named '" + h.name()
                        + "'; give each a distinct name (set routing.webhooks[i].name)");
            }
        }
    }

    /** "crm.example.com_hooks_routing" for https://crm.example.com/hooks/routing. */
    static String defaultName(URI uri) {
        if (uri == null || uri.getHost() == null) {
            return "webhook";
        }
        String raw = uri.getHost() + (uri.getPort() > 0 ? "_" + uri.getPort() : "")
                + (uri.getPath() == null ? "" : uri.getPath());
        String cleaned = raw.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
        if (cleaned.isEmpty()) {
            return "webhook";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    private static String envName(String prefix) {
        return prefix.toUpperCase(Locale.ROOT).replace('.', '_').replace("[", "_").replace("]", "").replace('-', '_');
    }
}
