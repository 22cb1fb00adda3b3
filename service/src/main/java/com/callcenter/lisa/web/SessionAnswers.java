package com.callcenter.lisa.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error answers every operation on one session ({@code /api/v1/sessions/{id}...}) shares, written once for the
 * API description: the operations of the sessions and of handoff are annotated with these and
 * add what is particular to each as a {@link ProblemAnswer}.
 */
public final class SessionAnswers {

    private SessionAnswers() {}

    /** 404: the id names no session. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @ProblemAnswer(status = "404", description = "No such session (session-not-found).")
    public @interface NotFound {}

    /** 400: the id is not a UUID; for an operation that has no other reason to refuse a request as malformed. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @ProblemAnswer(status = "400", description = "Malformed id (invalid-session-id).")
    public @interface MalformedId {}

    /** 409: the session is over. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @ProblemAnswer(status = "409", description = "The session is ended or expired (session-closed).")
    public @interface Closed {}

    /** 400 and 404 of an operation that takes nothing but the session's id. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @MalformedId
    @NotFound
    public @interface ById {}
}
