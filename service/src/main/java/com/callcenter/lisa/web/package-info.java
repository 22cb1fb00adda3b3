/**
 * What the HTTP API shares: the session and chat controllers, request and response records, RFC 9457
 * problem mapping for every error answer (also those made before Spring MVC, by Tomcat), the request
 * size limit and strict JSON. It knows chat and session types, never the quota or the Gemini SDK.
 */
package com.callcenter.lisa.web;
