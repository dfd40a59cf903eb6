package io.convrouter.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

import io.convrouter.security.AccessProblems;
import io.convrouter.security.AccessRules;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}). springdoc
 * reads the controllers; this adds what it cannot see: the X-API-Key scheme, which roles may call
 * each operation (from {@link AccessRules}, the table the server enforces), the 401 and 403
 * answers, and request and response examples from {@code openapi/examples.json}, kept apart from
 * the controllers so they stay readable.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
    private static final String SCHEME = "apiKey";

    @Bean
    OpenAPI routingOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Conversation routing server").version("v1")
                        .description("Routes customer-service conversations from every channel to queues and agents,"
                                + " with policies as spreadsheets and a decision log that explains every decision."
                                + " Send your API key in the X-API-Key header (see the README for where keys come from);"
                                + " each operation lists the roles that may call it."))
                .components(new Components().addSecuritySchemes(SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(AccessProblems.HEADER)))
                .addSecurityItem(new SecurityRequirement().addList(SCHEME));
    }

    @Bean
    OpenApiCustomizer rolesAndExamples() {
        Map<String, Map<String, Object>> examples = examples();
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                describeAccess(method, path, op);
                Map<String, Object> ex = examples.get(method.name() + " " + path);
                if (ex != null) {
                    addExamples(op, ex);
                }
            }));
        };
    }

    private static void describeAccess(PathItem.HttpMethod method, String path, Operation op) {
        var rule = AccessRules.ruleFor(method.name(), path);
        String who;
        if (rule.isPresent() && rule.get().kind() == AccessRules.Rule.Kind.PUBLIC) {
            op.setSecurity(List.of());
            who = "No key needed.";
        } else {
            who = rule.isPresent() && rule.get().kind() == AccessRules.Rule.Kind.ANY_KEY ? "Any key."
                    : "Roles: " + AccessRules.describe(AccessRules.allowedRoles(method.name(), path)) + ".";
            ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
            responses.addApiResponse("401", problem("no X-API-Key header, or a key the server does not know", 401,
                    "this needs an API key: send it in the X-API-Key header (see the README: where keys come from)"));
            responses.addApiResponse("403", problem("the key's role may not call this", 403,
                    "the key 'supervisor' has role supervisor, which may not " + method.name() + " " + path
                            + "; that needs one of: admin, ..."));
            op.setResponses(responses);
        }
        op.setDescription(op.getDescription() == null ? who : op.getDescription() + "\n\n" + who);
        op.addExtension("x-roles", rule.map(r -> r.kind() == AccessRules.Rule.Kind.ROLES
                ? AccessRules.describe(r.allowed()) : r.kind().name().toLowerCase()).orElse("admin"));
    }

    private static ApiResponse problem(String description, int status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://convrouter.io/problems/" + (status == 401 ? "unauthorized" : "forbidden"));
        body.put("title", status == 401 ? "Unauthorized" : "Forbidden");
        body.put("status", status);
        body.put("detail", detail);
        return new ApiResponse().description(description).content(new Content().addMediaType("application/problem+json",
                new MediaType().addExamples("problem", new Example().value(body))));
    }

    @SuppressWarnings("unchecked")
    private static void addExamples(Operation op, Map<String, Object> ex) {
        Object request = ex.get("request");
        if (request != null) {
            RequestBody body = op.getRequestBody() == null ? new RequestBody() : op.getRequestBody();
            Content content = body.getContent() == null ? new Content() : body.getContent();
            if (content.isEmpty()) {
                content.addMediaType("application/json", new MediaType());
            }
            content.values().forEach(m -> m.addExamples("example", new Example().value(request)));
            op.setRequestBody(body.content(content));
        }
        Object responses = ex.get("responses");
        if (responses instanceof Map<?, ?> byStatus) {
            ApiResponses all = op.getResponses() == null ? new ApiResponses() : op.getResponses();
            ((Map<String, Object>) byStatus).forEach((status, value) -> {
                ApiResponse r = all.get(status);
                if (r == null) {
                    r = new ApiResponse().description(status.startsWith("2") ? "OK" : "Problem");
                    all.addApiResponse(status, r);
                }
                Content content = r.getContent() == null ? new Content() : r.getContent();
                if (content.isEmpty()) {
                    content.addMediaType(status.startsWith("2") ? (value instanceof String ? "text/csv" : "application/json")
                            : "application/problem+json", new MediaType());
                }
                content.values().forEach(m -> m.addExamples("example", new Example().value(value)));
                r.setContent(content);
            });
            op.setResponses(all);
        }
    }

    /** openapi/examples.json as plain maps and lists (which the document's own JSON writer understands). */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> examples() {
        try (InputStream in = new ClassPathResource("openapi/examples.json").getInputStream()) {
            return JsonMapper.builder().build().readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read openapi/examples.json from the classpath", e);
        }
    }
}
