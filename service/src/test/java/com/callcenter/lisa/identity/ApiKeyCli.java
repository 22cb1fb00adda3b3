package com.callcenter.lisa.identity;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * The {@code api-key} command as an operator runs it ({@code java -jar lisa-service.jar api-key create ...}),
 * against the database of the service under test: the same entry point, in this JVM.
 *
 * @param databaseUrl      the service's {@code spring.datasource.url}
 * @param databaseUser     its user, empty for H2
 * @param databasePassword its password
 */
public record ApiKeyCli(String databaseUrl, String databaseUser, String databasePassword) {

    /** The command against the database the running service uses. */
    public static ApiKeyCli of(Environment service) {
        return new ApiKeyCli(
                service.getRequiredProperty("spring.datasource.url"),
                service.getProperty("spring.datasource.username", ""),
                service.getProperty("spring.datasource.password", ""));
    }

    /** What the command printed and its exit code. */
    public record Result(int exit, String out, String err) {}

    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--spring.datasource.url=" + databaseUrl);
        if (!databaseUser.isEmpty()) {
            all.add("--spring.datasource.username=" + databaseUser);
            all.add("--spring.datasource.password=" + databasePassword);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ApiKeyCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
