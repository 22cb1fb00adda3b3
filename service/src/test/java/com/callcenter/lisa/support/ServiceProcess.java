package com.callcenter.lisa.support;

import ch.qos.logback.classic.LoggerContext;
import com.callcenter.lisa.LisaApplication;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

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
        // Logging is the test JVM's, set up once: an instance that set it up again (and tore it down on close)
        // would reset the log levels and appenders under the tests that run beside it (BesideTheSuite),
        // e.g. a test context's logging.level.* settings.
        setUpLoggingOnce();
        SpringApplication application = new SpringApplicationBuilder(LisaApplication.class).build();
        application.setListeners(application.getListeners().stream()
                .filter(listener -> !(listener instanceof LoggingApplicationListener))
                .toList());
        return new ServiceProcess(application.run(args.toArray(String[]::new)));
    }

    /** Spring Boot's logging set-up (what a Spring application does first) unless it has been done. */
    private static synchronized void setUpLoggingOnce() {
        // Spring Boot's LogbackLoggingSystem marks the logger context it has set up so.
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback
                && logback.getObject(LoggingSystem.class.getName()) != null) {
            return;
        }
        LoggingSystem logging = LoggingSystem.get(ServiceProcess.class.getClassLoader());
        logging.beforeInitialize();
        logging.initialize(new LoggingInitializationContext(new StandardEnvironment()), null, null);
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
