package com.callcenter.lisa.support;

import ch.qos.logback.classic.LoggerContext;
import com.callcenter.lisa.LisaApplication;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole service instance started with command-line settings, as an operator would start one. */
public final class ServiceProcess implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Api api;

    private ServiceProcess(ConfigurableApplicationContext context) {
        this.context = context;
        this.api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    /** Starts an instance on a free port against {@code upstreamBaseUrl}, with extra {@code --key=value} settings. */
    public static ServiceProcess start(String upstreamBaseUrl, String databaseUrl, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + databaseUrl,
                "--lisa.gemini.base-url=" + upstreamBaseUrl,
                "--lisa.gemini.api-key=" + TestUpstream.API_KEY));
        if (databaseUrl.startsWith("jdbc:postgresql:")) {
            args.add("--spring.datasource.username=postgres");
            args.add("--spring.datasource.password=postgres");
        }
        args.addAll(List.of(settings));
        SpringApplication application = new SpringApplicationBuilder(LisaApplication.class).build();
        if (loggingSetUp()) {
            // Logging is the test JVM's, set up by the first Spring application in it: an instance that set
            // it up again (and tore it down on close) would reset the log levels and appenders under the
            // tests that run beside it (BesideTheSuite), e.g. a test context's logging.level.* settings.
            application.setListeners(application.getListeners().stream()
                    .filter(listener -> !(listener instanceof LoggingApplicationListener))
                    .toList());
        }
        return new ServiceProcess(application.run(args.toArray(String[]::new)));
    }

    /** Whether Spring Boot has set up Logback in this JVM (its LogbackLoggingSystem marks the context so). */
    private static boolean loggingSetUp() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext logback
                && logback.getObject(LoggingSystem.class.getName()) != null;
    }

    public Api api() {
        return api;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
