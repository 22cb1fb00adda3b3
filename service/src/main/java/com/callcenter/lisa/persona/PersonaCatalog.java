package com.callcenter.lisa.persona;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The configured personas, read once at start-up so a missing prompt file stops the service at once
 * instead of failing the first customer's turn.
 */
@Component
public class PersonaCatalog {

    private final Map<String, Persona> personas;
    private final Persona defaultPersona;

    PersonaCatalog(PersonaProperties properties) {
        Map<String, Persona> loaded = new LinkedHashMap<>();
        Map<String, Resource> prompts = properties.prompts() == null ? Map.of() : properties.prompts();
        prompts.forEach((name, file) -> loaded.put(name, new Persona(name, read(name, file))));
        this.personas = Map.copyOf(loaded);
        this.defaultPersona = Optional.ofNullable(personas.get(properties.defaultPersona()))
                .orElseThrow(() -> new IllegalStateException("The default persona '" + properties.defaultPersona()
                        + "' has no prompt file under lisa.personas.prompts"));
    }

    /**
     * The persona with that name, or the default one for {@code null}.
     *
     * @throws UnknownPersonaException if no persona has that name
     */
    public Persona resolve(String name) {
        if (name == null) {
            return defaultPersona;
        }
        Persona persona = personas.get(name);
        if (persona == null) {
            throw new UnknownPersonaException(name, personas.keySet());
        }
        return persona;
    }

    private static String read(String name, Resource file) {
        try (var in = file.getInputStream()) {
            String prompt = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (prompt.isEmpty()) {
                throw new IllegalStateException("The prompt file of persona '" + name + "' is empty: " + file);
            }
            return prompt;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the prompt file of persona '" + name + "': " + file, e);
        }
    }
}
