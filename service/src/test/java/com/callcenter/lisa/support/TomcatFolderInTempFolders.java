package com.callcenter.lisa.support;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every service started from the test classpath (Spring test contexts, {@link ServiceProcess}, the
 * {@link ServiceJvm} child JVMs) a Tomcat base directory from {@link TempFolders}, unless a test sets one.
 * Boot's own choice is a new {@code tomcat.<port>.<n>} folder per server, which it marks {@code deleteOnExit};
 * Tomcat writes its work folders into it, so it is never empty at exit and stayed behind after every run.
 * Registered in the test resources' META-INF/spring.factories.
 */
public final class TomcatFolderInTempFolders implements EnvironmentPostProcessor {

    private static final String BASEDIR = "server.tomcat.basedir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(BASEDIR)) {
            return;
        }
        String folder = TempFolders.untilExit("lisa-tomcat-").toString();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("lisa-test-tomcat-folder", Map.of(BASEDIR, folder)));
    }
}
