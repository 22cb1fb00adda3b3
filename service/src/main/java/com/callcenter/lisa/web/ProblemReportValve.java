package com.callcenter.lisa.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's error report for requests that never reach the application (a request line, header, path
 * or body framing it cannot parse, an HTTP version or transfer coding it does not support): a problem
 * object instead of Tomcat's HTML page, without the server's name or version.
 */
final class ProblemReportValve extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);

    private final ProblemWriter problems;

    ProblemReportValve(ProblemWriter problems) {
        this.problems = problems;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own report: only for errors, only once, only if nothing was written yet.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return; // the connection is already broken; nobody would read the answer
        }
        if (throwable != null && status >= 500) {
            log.error("Request to {} failed in the container", request.getRequestURI(), throwable);
        } else if (throwable != null) {
            // A client's malformed request: nothing to fix here, but worth seeing when looking for it.
            log.debug("Refused a malformed request ({}): {}", status, throwable.toString());
        }
        ProblemDetail problem = HttpErrors.problem(status, request.getRequestURI());
        try {
            response.setStatus(problem.getStatus());
            if (problem.getStatus() == 503) {
                response.setHeader(
                        HttpHeaders.RETRY_AFTER,
                        Long.toString(ProblemWriter.retryAfterSeconds(HttpErrors.UNAVAILABLE_RETRY)));
            }
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(problems.toJson(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("Could not write the error report for {}", request.getRequestURI(), e);
        }
    }
}
