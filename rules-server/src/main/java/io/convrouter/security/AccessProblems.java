package io.convrouter.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

/** The 401 and 403 answers, as application/problem+json like every other error of the API. */
public final class AccessProblems {
    public static final String HEADER = "X-API-Key";
    private static final String TYPE_BASE = "https://convrouter.io/problems/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AccessProblems() {}

    public static void missingKey(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(request, response, 401, "unauthorized", "Unauthorized",
                "this needs an API key: send it in the " + HEADER + " header (see the README: where keys come from)");
    }

    public static void unknownKey(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(request, response, 401, "unauthorized", "Unauthorized",
                "the " + HEADER + " header does not hold a key this server knows; check for a typo or a key that was"
                        + " replaced");
    }

    public static void forbidden(HttpServletRequest request, HttpServletResponse response, ApiKeyAuthentication who)
            throws IOException {
        String path = path(request);
        String allowed = AccessRules.describe(AccessRules.allowedRoles(request.getMethod(), path));
        String detail = "the key '" + who.name() + "' has role " + who.role().wireName() + ", which may not "
                + request.getMethod() + " " + path + "; that needs one of: " + allowed;
        write(request, response, 403, "forbidden", "Forbidden", detail);
    }

    /** A path the firewall refused (an encoded slash, "..", "//", ";"): it could mean one thing to the rules and another to the API. */
    public static void rejectedPath(HttpServletRequest request, HttpServletResponse response, String why) throws IOException {
        write(request, response, 400, "invalid-request", "Invalid request", "the request path is not accepted: " + why
                + "; send a plain path such as /api/v1/queues/vip-desk");
    }

    /** The path within the application, as the access rules see it. */
    public static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, int status, String type,
                              String title, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", path(request));
        if (status == 401) {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("field", HEADER);
            error.put("message", detail);
            body.put("errors", List.of(error));
            response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
