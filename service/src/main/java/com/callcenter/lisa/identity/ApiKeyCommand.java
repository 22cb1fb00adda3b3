package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.OwnerLimits;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * service (SPRING_DATASOURCE_URL, ... or --spring.datasource.url=...). The key's own limits are given with
 * {@code --max-active-sessions}, {@code --sessions-per-minute} and {@code --messages-per-minute}; without them
 * the key has none.
 */
public final class ApiKeyCommand {

    private static final String USAGE = "usage: api-key create --tenant T --name N --roles agent[,supervisor,admin]"
            + " [--max-active-sessions N] [--sessions-per-minute N] [--messages-per-minute N]"
            + " (limits: whole numbers of at least 1; a limit not given is no limit)";

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

    /** A limit as given on the command line, or null if it is not a whole number of at least 1. */
    private static Integer limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            return limit >= 1 ? limit : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return the process's exit code: 0 done, 2 wrong usage */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String tenant = null;
        String name = null;
        String roles = null;
        Map<String, Integer> limits = new HashMap<>();
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
                case "--max-active-sessions", "--sessions-per-minute", "--messages-per-minute" -> {
                    Integer limit = i + 1 < args.length ? limit(args[++i]) : null;
                    if (limit == null) {
                        err.println(arg + " needs a whole number of at least 1 (leave it out for no limit)");
                        err.println(USAGE);
                        return 2;
                    }
                    limits.put(arg, limit);
                }
                default -> settings.add(arg); // --spring.datasource.url=... and other settings
            }
        }
        OwnerLimits keyLimits = new OwnerLimits(
                limits.get("--max-active-sessions"),
                limits.get("--sessions-per-minute"),
                limits.get("--messages-per-minute"));
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
                created = context.getBean(ApiKeys.class).create(tenant, name, parsed, keyLimits);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            }
            out.println(created.secret());
            err.println("API key " + created.key().name() + " (id "
                    + created.key().id() + ") for tenant " + created.key().tenant() + " with roles " + roles
                    + " and limits: " + created.key().limits() + ". Store it now: it is not shown again.");
            return 0;
        }
    }
}
