package com.callcenter.lisa.identity;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * {@code java -jar lisa-service.jar api-key create --tenant T --name N --roles agent[,supervisor,admin]}: creates a
 * key in the configured database (migrating it first, so a fresh install can bootstrap its first admin key)
 * and prints it, without starting the web server or talking to Gemini. Database settings are read as for the
 * service (SPRING_DATASOURCE_URL, ... or --spring.datasource.url=...).
 */
public final class ApiKeyCommand {

    private static final String USAGE = "usage: api-key create --tenant T --name N --roles agent[,supervisor,admin]";

    private ApiKeyCommand() {}

    public static boolean matches(String[] args) {
        return args.length > 0 && "api-key".equals(args[0]);
    }

    /** The part of the application the command needs: the database, its migrations and the key store. */
    @EnableAutoConfiguration
    @EnableConfigurationProperties(AuthProperties.class)
    @Import({ApiKeyStore.class, ApiKeys.class})
    static class Context {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }
    }

    /** @return the process's exit code: 0 done, 2 wrong usage */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String tenant = null;
        String name = null;
        String roles = null;
        List<String> settings = new ArrayList<>();
        if (args.length < 2 || !"create".equals(args[1])) {
            err.println(USAGE);
            return 2;
        }
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--tenant", "--name", "--roles" -> {
                    if (i + 1 >= args.length) {
                        err.println(USAGE);
                        return 2;
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--tenant" -> tenant = value;
                        case "--name" -> name = value;
                        default -> roles = value;
                    }
                }
                default -> settings.add(arg); // --spring.datasource.url=... and other settings
            }
        }
        Set<Role> parsed = EnumSet.noneOf(Role.class);
        if (roles != null) {
            for (String role : roles.split(",")) {
                if (Role.fromClaim(role).isEmpty()) {
                    err.println("unknown role " + role + ": use agent, supervisor or admin");
                    return 2;
                }
                parsed.add(Role.fromClaim(role).get());
            }
        }
        if (tenant == null || name == null || parsed.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Context.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .properties("spring.main.banner-mode=off", "spring.jmx.enabled=false")
                .run(settings.toArray(String[]::new))) {
            ApiKey.Created created;
            try {
                created = context.getBean(ApiKeys.class).create(tenant, name, parsed);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            }
            out.println(created.secret());
            err.println("API key " + created.key().name() + " (id "
                    + created.key().id() + ") for tenant " + created.key().tenant() + " with roles " + roles
                    + ". Store it now: it is not shown again.");
            return 0;
        }
    }
}
