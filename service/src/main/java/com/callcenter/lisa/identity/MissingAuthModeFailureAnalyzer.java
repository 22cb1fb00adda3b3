package com.callcenter.lisa.identity;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Replaces the stack trace of a start without an authentication mode by what to set. */
public class MissingAuthModeFailureAnalyzer extends AbstractFailureAnalyzer<MissingAuthModeException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingAuthModeException cause) {
        return new FailureAnalysis(
                "No authentication mode: LISA_AUTH_MODE is not set.",
                "Set LISA_AUTH_MODE to jwt (OAuth2/OIDC tokens; also set "
                        + "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI and ..._AUDIENCES), api-key (create a key "
                        + "with: java -jar lisa-service.jar api-key create --tenant T --name N --roles admin), "
                        + "jwt,api-key (both), or none (no authentication: anyone who reaches the port may do "
                        + "everything; only behind a gateway that authenticates).",
                cause);
    }
}
