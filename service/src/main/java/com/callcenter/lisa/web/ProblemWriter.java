package com.callcenter.lisa.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Builds the problem responses, and writes them where no controller runs (servlet filters). */
@Component
class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    static ProblemDetail problem(ProblemType type, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), printable(detail));
        problem.setType(type.uri());
        problem.setTitle(type.title());
        URI uri = instanceUri(instance);
        if (uri != null) {
            problem.setInstance(uri);
        }
        return problem;
    }

    /**
     * The request's path as the problem's {@code instance}, or none: a path that is not a valid URI
     * (a client can send almost anything) must not turn an error answer into a failure of its own.
     */
    private static URI instanceUri(String path) {
        if (path == null) {
            return null;
        }
        try {
            return new URI(path);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * A detail may quote what the client sent; an unpaired surrogate in it could not be written as
     * UTF-8, so it is replaced (U+FFFD) rather than failing the answer.
     */
    private static String printable(String detail) {
        if (detail == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < detail.length(); i++) {
            char c = detail.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    && i + 1 < detail.length()
                    && Character.isLowSurrogate(detail.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(detail.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c) || c == 0) {
                if (out == null) {
                    out = new StringBuilder(detail.length()).append(detail, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? detail : out.toString();
    }

    /** Seconds for a Retry-After header: whole seconds, rounded up, at least one. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = (wait.toMillis() + 999) / 1000;
        return Math.max(1, seconds);
    }

    /** Writes the problem and closes the connection (the rest of the request is not read). */
    void write(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.CONNECTION, "close");
        write(response, problem(type, detail, request.getRequestURI()));
    }

    /** Writes a problem as the whole answer, with its status. */
    void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] body = json.writeValueAsBytes(problem);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The problem as JSON text, for writers that own the response's stream themselves. */
    String toJson(ProblemDetail problem) {
        return json.writeValueAsString(problem);
    }
}
