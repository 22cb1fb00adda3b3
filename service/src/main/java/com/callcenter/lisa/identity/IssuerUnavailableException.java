package com.callcenter.lisa.identity;

import org.springframework.security.core.AuthenticationException;

/**
 * A token could not be checked because the issuer's keys could not be fetched: the service's problem, not the
 * caller's, so it is answered 503 with Retry-After rather than 401 (which would tell the app to log in again).
 */
public class IssuerUnavailableException extends AuthenticationException {

    IssuerUnavailableException(Throwable cause) {
        super("The token issuer's keys could not be fetched", cause);
    }
}
