/**
 * Who is calling: authentication (OAuth2/OIDC tokens, API keys, or none when explicitly chosen),
 * the roles agent/supervisor/admin, and the {@link com.callcenter.lisa.identity.Caller} that the
 * session layer checks ownership against and the quota can share by (tenant, then owner).
 */
package com.callcenter.lisa.identity;
