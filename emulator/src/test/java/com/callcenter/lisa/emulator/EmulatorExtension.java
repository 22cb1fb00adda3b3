package com.callcenter.lisa.emulator;

import com.google.genai.Client;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link GeminiEmulator} per test class on a free port: started before the class's tests, reset
 * before each test, closed after the last one. The test class receives it in its static {@code
 * GeminiEmulator} field; a static {@link Client} field, if declared, receives an SDK client from
 * {@link Sdk#client(GeminiEmulator)}.
 *
 * <p>{@code @ExtendWith(EmulatorExtension.class)} starts {@link EmulatorConfig#defaults()}; for
 * another configuration register {@code new EmulatorExtension(config)} with
 * {@code @RegisterExtension} on a static field.
 */
final class EmulatorExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmulatorExtension.class);

    private final EmulatorConfig config;

    EmulatorExtension() {
        this(EmulatorConfig.defaults());
    }

    EmulatorExtension(EmulatorConfig config) {
        this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        List<Field> emulatorFields = staticFields(testClass, GeminiEmulator.class);
        if (emulatorFields.size() != 1) {
            throw new ExtensionConfigurationException(
                    testClass.getName() + " needs exactly one static GeminiEmulator field for " + this);
        }
        GeminiEmulator emu = GeminiEmulator.start(config);
        context.getStore(NAMESPACE).put(GeminiEmulator.class, emu);
        set(emulatorFields.get(0), emu);
        for (Field client : staticFields(testClass, Client.class)) {
            set(client, Sdk.client(emu));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator(context).reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        GeminiEmulator emu = emulator(context);
        if (emu != null) {
            emu.close();
        }
    }

    private static GeminiEmulator emulator(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(GeminiEmulator.class, GeminiEmulator.class);
    }

    private static List<Field> staticFields(Class<?> testClass, Class<?> type) {
        return Arrays.stream(testClass.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == type)
                .toList();
    }

    private static void set(Field field, Object value) throws IllegalAccessException {
        field.setAccessible(true);
        field.set(null, value);
    }

    @Override
    public String toString() {
        return "EmulatorExtension(" + config + ")";
    }
}
