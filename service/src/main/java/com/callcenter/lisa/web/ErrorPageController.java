package com.callcenter.lisa.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Takes the place of Spring Boot's error controller: the error page the container forwards to when a
 * request failed outside the controllers (a body that broke off, a refused TRACE, an exception from a
 * filter) answers with the project's problem objects. Reached directly, {@code /error} is a path like
 * any unknown one: 404.
 */
@Controller
@Hidden
class ErrorPageController implements ErrorController {

    private final ProblemWriter problems;

    ErrorPageController(ProblemWriter problems) {
        this.problems = problems;
    }

    // Every method named, so that OPTIONS (which Spring would otherwise answer by itself) is a 404 too.
    @RequestMapping(
            path = "${server.error.path:/error}",
            method = {
                RequestMethod.GET,
                RequestMethod.HEAD,
                RequestMethod.POST,
                RequestMethod.PUT,
                RequestMethod.PATCH,
                RequestMethod.DELETE,
                RequestMethod.OPTIONS,
                RequestMethod.TRACE
            })
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            problems.write(response, HttpErrors.problem(404, request.getRequestURI()));
            return;
        }
        String path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri ? uri : null;
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (status == 500 && exception instanceof Throwable failure) {
            // Uncaught on its way out (e.g. from a filter): mapped as if a controller had thrown it.
            Problems.Problem problem = Problems.of(failure, path);
            if (problem.retryAfter() != null) {
                response.setHeader(
                        HttpHeaders.RETRY_AFTER, Long.toString(ProblemWriter.retryAfterSeconds(problem.retryAfter())));
            }
            problems.write(response, problem.detail());
            return;
        }
        ProblemDetail problem = HttpErrors.problem(status, path);
        if (problem.getStatus() == 503) {
            response.setHeader(
                    HttpHeaders.RETRY_AFTER,
                    Long.toString(ProblemWriter.retryAfterSeconds(HttpErrors.UNAVAILABLE_RETRY)));
        }
        problems.write(response, problem);
    }
}
