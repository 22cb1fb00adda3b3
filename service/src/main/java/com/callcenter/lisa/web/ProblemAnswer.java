package com.callcenter.lisa.web;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * An error answer of an operation in the API description: a problem object (RFC 9457, {@code
 * application/problem+json}) with this status and a description that says when it comes. Every error answer of the
 * API has that body, so only what differs is written per operation; the answers several operations share are
 * {@link SessionAnswers}. springdoc reads it as the {@link ApiResponse} it is annotated with.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(ProblemAnswer.List.class)
@ApiResponse(
        content =
                @Content(
                        mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                        schema = @Schema(implementation = ProblemDetail.class)))
public @interface ProblemAnswer {

    /** The HTTP status, e.g. "409". */
    @AliasFor(annotation = ApiResponse.class, attribute = "responseCode")
    String status();

    /** When it comes, with the problem types (urn:lisa:problem:...) it can have. */
    @AliasFor(annotation = ApiResponse.class, attribute = "description")
    String description();

    /** Headers of the answer: {@link #RETRY_AFTER} for one that says when to try again (429, 503). */
    @AliasFor(annotation = ApiResponse.class, attribute = "headers")
    Header[] headers() default {};

    /** The {@code Retry-After} header, as {@code headers = @Header(name = "Retry-After", description = RETRY_AFTER)}. */
    String RETRY_AFTER = "Seconds to wait before retrying.";

    /** Several error answers of one operation. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @interface List {
        ProblemAnswer[] value();
    }
}
