package io.convrouter.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.convrouter.errors.ConflictException;
import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error leaves as {@code application/problem+json} that says what is wrong and where:
 * the field for bad input, the id for a missing resource. Nothing the client sends produces a 500.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    static final String TYPE_BASE = "https://convrouter.io/problems/";

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalid(InvalidInputException e) {
        return withErrors(problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage()),
                e.errors());
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "conflict", "Conflict with the current state", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        String message = "'" + e.getValue() + "' is not a valid " + (e.getRequiredType() == null ? "value"
                : e.getRequiredType().getSimpleName().equals("Instant") ? "time; use ISO-8601 such as 2026-11-25T10:00:00Z"
                : e.getRequiredType().getSimpleName().toLowerCase());
        return withErrors(problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getName() + ": " + message),
                List.of(new FieldError(e.getName(), message)));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String message = "is required";
        return ResponseEntity.badRequest().body(withErrors(problem(HttpStatus.BAD_REQUEST, "invalid-request",
                "Invalid request", e.getParameterName() + ": " + message),
                List.of(new FieldError(e.getParameterName(), message))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        FieldError error = describe(e);
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                error.field().isEmpty() ? error.message() : error.field() + ": " + error.message());
        return ResponseEntity.badRequest().body(withErrors(p, List.of(error)));
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "the server failed to handle this request; the error is in its log");
    }

    /** The field a JSON body error is about, and what is wrong with it. */
    static FieldError describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof JacksonException je) {
            return describe(je);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            return new FieldError("", "the request needs a JSON body");
        }
        return new FieldError("", "the body could not be read as JSON");
    }

    /** The field a JSON error is about, and what is wrong with it, in words for the integrator. */
    public static FieldError describe(JacksonException je) {
        String path = path(je);
        if (je instanceof InputCoercionException ice) {
            return new FieldError(path, "is out of range for " + typeName(ice.getTargetType()) + ": "
                    + ice.getOriginalMessage());
        }
        if (je instanceof StreamReadException && !(je instanceof MismatchedInputException)) {
            String where = je.getLocation() == null ? "" : " at line " + je.getLocation().getLineNr()
                    + ", column " + je.getLocation().getColumnNr();
            return new FieldError(path, "the body is not valid JSON" + where + ": " + je.getOriginalMessage());
        }
        if (je instanceof UnrecognizedPropertyException upe) {
            String known = upe.getKnownPropertyIds() == null ? "" : "; known fields here: "
                    + upe.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return new FieldError(path, "is not a field of this request" + known);
        }
        if (je instanceof InvalidFormatException ife) {
            return new FieldError(path, "'" + ife.getValue() + "' is not " + typeName(ife.getTargetType()));
        }
        if (je instanceof MismatchedInputException mie) {
            if (path.isEmpty()) {
                return new FieldError("", "the body must be a JSON object");
            }
            return new FieldError(path, "expected " + typeName(mie.getTargetType()));
        }
        return new FieldError(path, je.getOriginalMessage());
    }

    /** The JSON path a Jackson error is about, such as "customer.tier" or "tags[2]". */
    public static String path(JacksonException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "value";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a string";
        if (List.class.isAssignableFrom(type) || type.isArray() || java.util.Set.class.isAssignableFrom(type)) return "an array";
        if (Map.class.isAssignableFrom(type)) return "an object";
        return "an object";
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE_BASE + type));
        p.setTitle(title);
        return p;
    }

    private static ProblemDetail withErrors(ProblemDetail p, List<FieldError> errors) {
        List<Map<String, String>> list = new ArrayList<>();
        for (FieldError e : errors) {
            list.add(Map.of("field", e.field(), "message", e.message()));
        }
        p.setProperty("errors", list);
        return p;
    }
}
