package com.callcenter.lisa.support;

import com.callcenter.lisa.LisaApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
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
        return new ServiceProcess(new SpringApplicationBuilder(LisaApplication.class).run(args.toArray(String[]::new)));
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
