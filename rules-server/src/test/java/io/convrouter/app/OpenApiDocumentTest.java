package io.convrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document describes every endpoint the controllers map, with who may call it and examples. */
class OpenApiDocumentTest extends ApiTestSupport {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode document() {
        ApiClient.Response r = api.withoutKey().get("/v3/api-docs");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyControllerOperationIsInTheDocument() {
        Set<String> mapped = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getPackageName().startsWith("io.convrouter")) {
                continue;
            }
            for (String pattern : e.getKey().getPatternValues()) {
                // springdoc writes a catch-all {*path} as {path}
                String path = pattern.replace("{*", "{");
                if (!path.startsWith("/api/")) {
                    continue; // the console page's routes are not API
                }
                e.getKey().getMethodsCondition().getMethods().forEach(m -> mapped.add(m.name() + " " + path));
            }
        }
        assertThat(mapped).as("controllers found").hasSizeGreaterThan(30)
                .contains("POST /api/v1/conversations", "GET /api/v1/decisions/export", "GET /api/v1/whoami");

        JsonNode paths = document().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.properties().forEach(p -> p.getValue().properties().forEach(op -> documented.add(op.getKey()
                .toUpperCase() + " " + p.getKey())));
        assertThat(documented).containsAll(mapped);
    }

    @Test
    void operationsNameTheirRolesAndTheKeyScheme() {
        JsonNode doc = document();
        assertThat(doc.at("/components/securitySchemes/apiKey/name").asString()).isEqualTo("X-API-Key");
        assertThat(doc.at("/components/securitySchemes/apiKey/in").asString()).isEqualTo("header");
        JsonNode intake = doc.at("/paths/~1api~1v1~1conversations/post");
        assertThat(intake.get("x-roles").asString()).isEqualTo("integration, admin");
        assertThat(intake.get("description").asString()).contains("Roles: integration, admin");
        assertThat(intake.at("/responses/401").isMissingNode()).isFalse();
        assertThat(intake.at("/responses/403").isMissingNode()).isFalse();
        JsonNode export = doc.at("/paths/~1api~1v1~1decisions~1export/get");
        assertThat(export.get("x-roles").asString()).isEqualTo("auditor, admin");
    }

    @Test
    void theMainOperationsCarryRequestAndResponseExamples() {
        JsonNode paths = document().get("paths");
        assertExample(paths, "/api/v1/conversations", "post", "201", true);
        assertExample(paths, "/api/v1/conversations/batch", "post", "200", true);
        assertExample(paths, "/api/v1/conversations/{id}/accept", "post", "200", true);
        assertExample(paths, "/api/v1/queues", "get", "200", false);
        assertExample(paths, "/api/v1/decisions", "get", "200", false);
        JsonNode intake = paths.get("/api/v1/conversations").get("post").at("/requestBody/content");
        assertThat(intake.toString()).contains("wx-123").contains("我要退款");
    }

    private static void assertExample(JsonNode paths, String path, String method, String status, boolean request) {
        JsonNode op = paths.get(path).get(method);
        assertThat(op).as("%s %s", method, path).isNotNull();
        if (request) {
            assertThat(op.at("/requestBody/content").toString()).as("request example of %s %s", method, path)
                    .contains("\"examples\"");
        }
        assertThat(op.at("/responses/" + status + "/content").toString()).as("%s example of %s %s", status, method, path)
                .contains("\"examples\"");
    }
}
