package com.callcenter.lisa.persona;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The personas, read once at start-up: the built-in {@code lisa} (a sample folder inside the jar), every
 * subfolder of {@code lisa.personas.directory}, and the older single-file prompts. Any problem stops the
 * start at once (with the file and line, see {@link PersonaFailureAnalyzer}) instead of failing the first
 * customer's turn; nothing is read again while the service runs, so every turn of a session gets the
 * same system instruction.
 */
@Component
public class PersonaCatalog {

    private static final Logger log = LoggerFactory.getLogger(PersonaCatalog.class);
    private static final String BUILT_IN = "lisa";
    /** The built-in sample's tools in demo mode: {@code book_callback} on the demo CRM. */
    private static final String DEMO_TOOLS = "demo-tools.yml";

    private static final Pattern PERSONA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, Persona> personas;
    private final Persona defaultPersona;
    private final int maxContextValueChars;

    PersonaCatalog(PersonaProperties properties, Environment environment) {
        PersonaLoader loader = new PersonaLoader(properties.maxKnowledgeTokens(), environment::getProperty);
        Map<String, Persona> loaded = new LinkedHashMap<>();
        Map<String, Resource> prompts = properties.prompts() == null ? Map.of() : properties.prompts();
        Path directory = properties.directory();
        boolean replaced =
                prompts.containsKey(BUILT_IN) || directory != null && Files.isDirectory(directory.resolve(BUILT_IN));
        if (!replaced) {
            PersonaLoader.Source sample =
                    new PersonaLoader.Classpath("personas/" + BUILT_IN, PersonaCatalog.class.getClassLoader());
            Persona lisa = loader.load(BUILT_IN, sample);
            if (environment.getProperty("lisa.gemini.demo", Boolean.class, false)) {
                // Demo mode only: the sample books callbacks on the demo CRM the service serves then (package demo).
                lisa = loader.withTools(lisa, sample, DEMO_TOOLS);
            }
            loaded.put(BUILT_IN, lisa);
        }
        if (directory != null) {
            for (Path folder : folders(directory)) {
                String name = folder.getFileName().toString();
                if (!PERSONA_NAME.matcher(name).matches()) {
                    throw new PersonaConfigException(
                            folder.toString(),
                            0,
                            "a persona folder's name is the persona's "
                                    + "name: letters, digits, _ . -, at most 64 characters");
                }
                loaded.put(name, loader.load(name, new PersonaLoader.Folder(folder)));
            }
        }
        prompts.forEach((name, file) -> {
            if (loaded.containsKey(name) && !name.equals(BUILT_IN)) {
                throw new PersonaConfigException(
                        String.valueOf(file),
                        0,
                        "the persona '" + name + "' is both a folder "
                                + "under lisa.personas.directory and a file under lisa.personas.prompts; keep one");
            }
            loaded.put(name, promptOnly(name, file));
            log.warn(
                    "Persona '{}' comes from lisa.personas.prompts (a prompt file only); a folder under "
                            + "lisa.personas.directory can also give her knowledge, call context and tools",
                    name);
        });
        checkRoomForTheConversation(loaded, environment, directory);
        this.personas = Map.copyOf(loaded);
        this.maxContextValueChars = properties.maxContextValueChars();
        Persona fallback = personas.get(properties.defaultPersona());
        if (fallback == null) {
            throw new PersonaConfigException(
                    "lisa.personas.default-persona",
                    0,
                    "there is no persona '" + properties.defaultPersona() + "'; known: "
                            + String.join(
                                    ", ", personas.keySet().stream().sorted().toList()));
        }
        this.defaultPersona = fallback;
        log.info(
                "Personas: {} (default {})", personas.keySet().stream().sorted().toList(), defaultPersona.name());
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

    /**
     * Checks a new session's call context against its persona's schemas.
     *
     * @throws InvalidContextException naming the field that does not fit
     */
    public CallContext checkContext(Persona persona, tools.jackson.databind.JsonNode context) {
        return persona.checkContext(context, maxContextValueChars);
    }

    /** The system instruction of every turn of a session with that persona and context (always the same bytes). */
    public String systemInstruction(String personaName, CallContext context) {
        return resolve(personaName).systemInstruction(context);
    }

    /**
     * Every turn sends the whole instruction (prompt and knowledge) within lisa.chat.max-input-tokens; the history
     * gets what is left. An instruction that leaves no room for a longest message would make the model forget the
     * whole conversation on every turn, silently: that stops the start; one that leaves less than half is a warning.
     */
    private static void checkRoomForTheConversation(
            Map<String, Persona> personas, Environment environment, Path directory) {
        int maxInput = environment.getProperty("lisa.chat.max-input-tokens", Integer.class, 16000);
        int longestMessage = (environment.getProperty("lisa.chat.max-message-chars", Integer.class, 4000) + 3) / 4;
        personas.values().forEach(persona -> {
            int instruction = com.callcenter.lisa.gemini.TokenEstimate.of(persona.systemInstruction(CallContext.NONE));
            String file = directory != null && Files.isDirectory(directory.resolve(persona.name()))
                    ? directory
                            .resolve(persona.name())
                            .resolve(PersonaLoader.DESCRIPTOR)
                            .toString()
                    : "persona '" + persona.name() + "'";
            if (instruction + longestMessage > maxInput) {
                throw new PersonaConfigException(
                        file,
                        0,
                        "the prompt and knowledge are about " + instruction
                                + " tokens; with a longest message (" + longestMessage + ") that is more than "
                                + "lisa.chat.max-input-tokens (" + maxInput
                                + ") and no turn of the conversation would fit; "
                                + "raise LISA_CHAT_MAXINPUTTOKENS or shorten the knowledge");
            }
            if (instruction > maxInput / 2) {
                log.warn(
                        "Persona '{}': prompt and knowledge are about {} tokens, more than half of "
                                + "lisa.chat.max-input-tokens ({}); little room is left for the conversation's history",
                        persona.name(),
                        instruction,
                        maxInput);
            }
        });
    }

    private static List<Path> folders(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PersonaConfigException(
                    directory.toString(), 0, "lisa.personas.directory " + "(LISA_PERSONAS_DIRECTORY) is not a folder");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory)
                    .filter(path -> !path.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PersonaConfigException(
                    directory.toString(), 0, "cannot list the persona folders: " + e.getMessage());
        }
    }

    private static Persona promptOnly(String name, Resource file) {
        String prompt;
        try (var in = file.getInputStream()) {
            prompt = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new PersonaConfigException(
                    String.valueOf(file),
                    0,
                    "cannot read the prompt file of persona '" + name + "' (lisa.personas.prompts." + name + ")");
        }
        if (prompt.isEmpty()) {
            throw new PersonaConfigException(
                    String.valueOf(file), 0, "the prompt file of persona '" + name + "' is empty");
        }
        if (Persona.PLACEHOLDER.matcher(prompt).find()) {
            throw new PersonaConfigException(
                    String.valueOf(file),
                    0,
                    "a prompt from lisa.personas.prompts cannot use "
                            + "{{placeholders}}: it has no context schema; make the persona a folder with a persona.yml");
        }
        return new Persona(name, prompt, List.of(), Map.of(), List.of(), true);
    }
}
