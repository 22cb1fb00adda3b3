package com.callcenter.lisa.web;

import com.callcenter.lisa.identity.IssuerUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/**
 * The 401 and 403 answers: a problem object and a {@code WWW-Authenticate} header (RFC 6750). They never say
 * which part of a credential was wrong (expired, wrong issuer, unknown key...) beyond the RFC's error code:
 * that would help someone probing with forged credentials, and the client's fix is the same in every case.
 */
@Component
class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Set<String> RFC_6750_CODES = Set.of("invalid_request", "invalid_token", "insufficient_scope");

    private static final Logger log = LoggerFactory.getLogger(AuthProblems.class);

    private final ProblemWriter writer;

    AuthProblems(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof IssuerUnavailableException) {
            log.warn(
                    "Token not checked: {}",
                    failure.getCause() == null
                            ? failure.getMessage()
                            : failure.getCause().getMessage());
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            writer.write(
                    response,
                    ProblemWriter.problem(
                            ProblemType.SERVICE_UNAVAILABLE,
                            "The credential could not be checked right now (the token issuer did not answer). Try again shortly.",
                            request.getRequestURI()));
            return;
        }
        String code = null;
        if (failure instanceof OAuth2AuthenticationException oauth) {
            code = RFC_6750_CODES.contains(oauth.getError().getErrorCode())
                    ? oauth.getError().getErrorCode()
                    : "invalid_token";
        } else if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            code = "invalid_token";
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, code == null ? "Bearer" : "Bearer error=\"" + code + "\"");
        String detail = code == null
                ? "This call needs a credential: send Authorization: Bearer with an access token or an API key."
                : "The credential was not accepted: send a valid, unexpired access token or API key.";
        writer.write(response, ProblemWriter.problem(ProblemType.UNAUTHORIZED, detail, request.getRequestURI()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
        writer.write(
                response,
                ProblemWriter.problem(
                        ProblemType.FORBIDDEN,
                        "The credential does not carry a role that may make this call (agent, supervisor or admin; "
                                + "admin for API keys).",
                        request.getRequestURI()));
    }
}
