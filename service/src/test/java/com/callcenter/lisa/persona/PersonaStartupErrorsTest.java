package com.callcenter.lisa.persona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Each way a persona folder can be broken stops the real service's start, and the failure report (the
 * {@link PersonaFailureAnalyzer}'s, in the log) names the file and the line.
 */
// Alone, at the end (support/BesideTheSuite): it checks that the console shows no stack trace, and the
// services started beside it may print one.
@Isolated
@ExtendWith(OutputCaptureExtension.class)
class PersonaStartupErrorsTest {

    private static final String GOOD_YML = """
            prompt: prompt.md
            knowledge:
              - facts.md
            context:
              customer:
                type: object
                properties:
                  name: { type: string }
            """;

    /** name, files of the persona folder "p", the file the message names, its line, words it contains. */
    static Stream<Arguments> brokenFolders() {
        return Stream.of(
                Arguments.of("no persona.yml", Map.of("prompt.md", "Hallo"), "p/persona.yml", 0, "missing"),
                Arguments.of(
                        "bad YAML",
                        files("prompt: prompt.md\nknowledge: [facts.md\ncontext: {\n"),
                        "p/persona.yml",
                        3,
                        "not valid YAML"),
                Arguments.of(
                        "unknown key",
                        files("prompt: prompt.md\nknowledge: [facts.md]\npromt: typo.md\n"),
                        "p/persona.yml",
                        3,
                        "unknown key \"promt\""),
                Arguments.of(
                        "unknown key in a tool", files(GOOD_YML + """
                        tools:
                          - name: book
                            description: Books.
                            http: { url: "http://127.0.0.1:9/x" }
                            retries: 3
                        """), "p/persona.yml", 13, "unknown key \"retries\""),
                Arguments.of(
                        "missing prompt file",
                        Map.of("persona.yml", "\nprompt: nowhere.md\n"),
                        "p/persona.yml",
                        2,
                        "nowhere.md does not exist"),
                Arguments.of(
                        "missing knowledge file",
                        files(GOOD_YML.replace("facts.md", "gone.md")),
                        "p/persona.yml",
                        3,
                        "gone.md does not exist"),
                Arguments.of(
                        "bad schema",
                        files(GOOD_YML.replace("name: { type: string }", "name: { type: strin }")),
                        "p/persona.yml",
                        8,
                        "not a valid JSON Schema"),
                Arguments.of(
                        "context schema not an object",
                        files(GOOD_YML + "  campaign: { type: array }\n"),
                        "p/persona.yml",
                        9,
                        "type: object"),
                Arguments.of(
                        "unknown placeholder",
                        files(
                                GOOD_YML,
                                "Hallo.\nDu sprichst mit {{customer.name}}.\n" + "Es geht um {{customer.vertrag}}.\n"),
                        "p/prompt.md",
                        3,
                        "{{customer.vertrag}}"),
                Arguments.of(
                        "placeholder of an undeclared part",
                        files(GOOD_YML, "Kampagne: {{campaign.name}}"),
                        "p/prompt.md",
                        1,
                        "no campaign context"),
                Arguments.of(
                        "knowledge over the budget",
                        withFacts(GOOD_YML, "x".repeat(10_000)),
                        "p/persona.yml",
                        2,
                        "max-knowledge-tokens"),
                Arguments.of(
                        "tool setting not set",
                        files(GOOD_YML + """
                        tools:
                          - name: book
                            description: Books.
                            http:
                              url: "${PERSONA_TEST_UNSET_CRM_URL}/callbacks"
                        """),
                        "p/persona.yml",
                        13,
                        "${PERSONA_TEST_UNSET_CRM_URL} is not set"),
                Arguments.of("tool name reserved", files(GOOD_YML + """
                        tools:
                          - name: request_human
                            description: Mine.
                            http: { url: "http://127.0.0.1:9/x" }
                        """), "p/persona.yml", 10, "built-in handoff tool"),
                Arguments.of(
                        "file outside the folder",
                        Map.of("persona.yml", "prompt: ../secret.md\n"),
                        "p/persona.yml",
                        1,
                        "inside the persona's folder"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFolders")
    void aBrokenFolderStopsTheStartNamingFileAndLine(
            String what,
            Map<String, String> files,
            String file,
            int line,
            String words,
            @TempDir Path root,
            CapturedOutput output)
            throws IOException {
        Path folder = Files.createDirectories(root.resolve("p"));
        for (Map.Entry<String, String> entry : files.entrySet()) {
            Files.writeString(folder.resolve(entry.getKey()), entry.getValue());
        }

        Throwable failure = catchThrowable(
                () -> start(root, "--lisa.personas.max-knowledge-tokens=2000").close());

        assertThat(failure).as(what).isNotNull().hasRootCauseInstanceOf(PersonaConfigException.class);
        PersonaConfigException cause = (PersonaConfigException) rootCause(failure);
        assertThat(cause.file()).isEqualTo(root.resolve(file).toString());
        assertThat(cause.line()).as(cause.getMessage()).isEqualTo(line);
        assertThat(cause.problem()).contains(words);
        String named = root.resolve(file) + (line > 0 ? ", line " + line : "");
        assertThat(output.getAll())
                .contains("A persona cannot be loaded: " + named + ": ")
                .contains(words)
                .doesNotContain("at com.callcenter");
    }

    @Test
    void knowledgeThatLeavesNoRoomForTheConversationStopsTheStart(@TempDir Path root, CapturedOutput output)
            throws IOException {
        Path folder = Files.createDirectories(root.resolve("p"));
        withFacts(GOOD_YML, "x".repeat(9_000)).forEach((name, text) -> write(folder.resolve(name), text));
        // 2,250 tokens of knowledge fit lisa.personas.max-knowledge-tokens (3,000) but not 3,000 input tokens with
        // a longest message of 4,000 characters (1,000 tokens) beside them.
        Throwable failure = catchThrowable(
                () -> start(root, "--lisa.personas.max-knowledge-tokens=3000", "--lisa.chat.max-input-tokens=3000")
                        .close());
        assertThat(failure).hasRootCauseInstanceOf(PersonaConfigException.class);
        assertThat(output.getAll())
                .contains(folder.resolve("persona.yml") + ": the prompt and knowledge are about")
                .contains("lisa.chat.max-input-tokens (3000)");
    }

    @Test
    void aMissingDirectoryStopsTheStart(@TempDir Path root, CapturedOutput output) {
        Throwable failure = catchThrowable(() -> start(root.resolve("nowhere")).close());
        assertThat(failure).hasRootCauseInstanceOf(PersonaConfigException.class);
        assertThat(output.getAll()).contains(root.resolve("nowhere") + ": lisa.personas.directory");
    }

    @Test
    void aLisaFolderReplacesTheSampleAndOlderPromptFilesStillWork(@TempDir Path root) throws IOException {
        Path lisa = Files.createDirectories(root.resolve("personas/lisa"));
        Files.writeString(lisa.resolve("persona.yml"), "prompt: prompt.md\n");
        Files.writeString(lisa.resolve("prompt.md"), "Ich bin die Lisa dieses Callcenters.\n");
        Path old = Files.writeString(root.resolve("old.md"), "Ich bin eine alte Persona.\n");

        try (var context = start(root.resolve("personas"), "--lisa.personas.prompts.old=file:" + old)) {
            PersonaCatalog catalog = context.getBean(PersonaCatalog.class);
            assertThat(catalog.systemInstruction("lisa", CallContext.NONE))
                    .isEqualTo("Ich bin die Lisa dieses Callcenters.");
            assertThat(catalog.resolve(null).name()).isEqualTo("lisa");
            assertThat(catalog.systemInstruction("old", CallContext.NONE)).isEqualTo("Ich bin eine alte Persona.");
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> files(String yml) {
        return files(yml, "Hallo, ich bin P.");
    }

    private static Map<String, String> files(String yml, String prompt) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("persona.yml", yml);
        files.put("prompt.md", prompt);
        files.put("facts.md", "Fakten.");
        return files;
    }

    private static Map<String, String> withFacts(String yml, String facts) {
        Map<String, String> files = files(yml);
        files.put("facts.md", facts);
        return files;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static org.springframework.context.ConfigurableApplicationContext start(Path directory, String... more) {
        String[] args = Stream.concat(
                        Stream.of(
                                "--server.port=0",
                                "--spring.datasource.url=jdbc:h2:file:" + TestDatabases.freshH2File(),
                                "--lisa.gemini.api-key=persona-test-key",
                                "--lisa.gemini.base-url=http://127.0.0.1:9",
                                "--lisa.personas.directory=" + directory),
                        Stream.of(more))
                .toArray(String[]::new);
        return new SpringApplicationBuilder(LisaApplication.class).run(args);
    }
}
