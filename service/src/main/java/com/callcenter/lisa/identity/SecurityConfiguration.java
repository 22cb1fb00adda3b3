package com.callcenter.lisa.identity;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The one security filter chain, shaped by {@code LISA_AUTH_MODE}. Public without a credential: the health
 * endpoint, the API description (unless {@code lisa.auth.public-api-docs=false}), Actuator (it listens on the
 * management port, bound to 127.0.0.1 by default) and the error page. Everything else under /api/v1 needs a
 * credential with a known role; /api/v1/admin needs admin. Which session a caller may see is decided below the
 * web layer, in the session service, so that every path to a session goes through the same check.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    private static final String[] ROLES = {"AGENT", "SUPERVISOR", "ADMIN"};

    @Bean
    AuthMode authMode(AuthProperties properties, Environment environment) {
        boolean demo = environment.getProperty("lisa.gemini.demo", Boolean.class, false);
        AuthMode mode = AuthMode.parse(properties.mode(), demo);
        if (mode.none()) {
            log.warn(NoAuthenticationWarning.TEXT);
        } else {
            log.info("Authentication: {}", mode.wireName());
        }
        return mode;
    }

    @Bean
    SecurityFilterChain lisaSecurity(
            HttpSecurity http,
            AuthMode mode,
            AuthProperties properties,
            ApiKeys keys,
            ObjectProvider<JwtDecoder> decoder,
            VerifiedTokens verifiedTokens,
            Environment environment,
            AuthenticationEntryPoint entryPoint,
            AccessDeniedHandler accessDenied)
            throws Exception {
        http.csrf(csrf -> csrf.disable()) // bearer credentials only, never cookies: nothing to forge
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .headers(headers -> headers.frameOptions(Customizer.withDefaults()))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied));
        if (properties.corsOrigins().isEmpty()) {
            http.cors(cors -> cors.disable());
        } else {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(properties.corsOrigins());
            cors.setAllowedMethods(List.of("GET", "POST", "DELETE", "OPTIONS"));
            cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "Idempotency-Key"));
            cors.setExposedHeaders(List.of("Location", "Retry-After", "WWW-Authenticate"));
            cors.setMaxAge(3600L);
            UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
            source.registerCorsConfiguration("/api/**", cors);
            http.cors(c -> c.configurationSource(source));
        }
        if (mode.none()) {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .build();
        }
        List<AuthenticationProvider> providers = new ArrayList<>();
        if (mode.apiKey()) {
            providers.add(new ApiKeyAuthenticationProvider(keys, mode.jwt()));
        }
        if (mode.jwt()) {
            JwtDecoder jwtDecoder = decoder.getIfAvailable();
            if (jwtDecoder == null) {
                throw new IllegalStateException(
                        "LISA_AUTH_MODE includes jwt, but no token issuer is configured: set "
                                + "spring.security.oauth2.resourceserver.jwt.issuer-uri or .jwk-set-uri (see README, Authentication)");
            }
            JwtAuthenticationProvider tokens = new JwtAuthenticationProvider(verifiedTokens.remembering(jwtDecoder));
            tokens.setJwtAuthenticationConverter(new TokenCallers(properties));
            providers.add(new IssuerCheckedTokens(tokens));
        }
        ProviderManager manager = new ProviderManager(providers);
        manager.setEraseCredentialsAfterAuthentication(true);
        http.oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(request -> manager)
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers("/api/v1/health", "/error", "/actuator/**")
                            .permitAll();
                    if (properties.publicApiDocs()) {
                        requests.requestMatchers(
                                        "/v3/api-docs/**", "/v3/api-docs", "/swagger-ui/**", "/swagger-ui.html")
                                .permitAll();
                    }
                    if (environment.getProperty("lisa.gemini.demo", Boolean.class, false)) {
                        // Lisa's demo tool books on the demo CRM over HTTP without a credential, as on a CRM of its
                        // own; reading the bookings still needs one.
                        requests.requestMatchers(HttpMethod.POST, "/demo/crm/callbacks")
                                .permitAll();
                    }
                    requests.requestMatchers("/api/v1/admin/**")
                            .hasRole("ADMIN")
                            .anyRequest()
                            .hasAnyRole(ROLES);
                });
        return http.build();
    }

    /** Token checks that fail because the issuer's keys cannot be fetched are 503, not 500 (see the exception). */
    private record IssuerCheckedTokens(JwtAuthenticationProvider tokens) implements AuthenticationProvider {

        @Override
        public Authentication authenticate(Authentication authentication) {
            try {
                return tokens.authenticate(authentication);
            } catch (AuthenticationServiceException e) {
                throw new IssuerUnavailableException(e);
            }
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return tokens.supports(authentication);
        }
    }
}
