package com.callcenter.lisa.support;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.gemini.ModelAvailability;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on a random port, with its file H2 database in a fresh folder and the shared
 * Gemini emulator as upstream, reached over real HTTP through the real SDK.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ServiceTest {

    protected static final GeminiEmulator upstream = TestUpstream.emulator();

    @LocalServerPort
    protected int port;

    /** Actuator's port (a separate one, as in production). */
    @LocalManagementPort
    protected int managementPort;

    protected Api api;

    /** The management port: /actuator/... */
    protected Api management;

    @Autowired
    private ModelAvailability models;

    @DynamicPropertySource
    static void upstreamAndDatabase(DynamicPropertyRegistry registry) {
        TestUpstream.register(registry, upstream);
    }

    @BeforeEach
    void connect() {
        upstream.reset();
        api = new Api(port);
        management = new Api(managementPort);
    }

    /**
     * A test that made Gemini answer 404 for the model (a scripted unknown-model answer, a retired model)
     * leaves it marked unavailable in the shared service: found again here, for the next test.
     */
    @AfterEach
    void modelsFoundAgain() {
        upstream.reset();
        models.recheckNow();
    }

    protected static Path fixture(String relative) {
        return com.callcenter.lisa.emulator.Fixtures.path(relative);
    }
}
