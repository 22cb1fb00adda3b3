package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.RecordedPart;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TempFolders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Implicit caching works for Lisa's prompts: the system instruction first and byte-identical on every
 * turn, the history append-only, nothing per turn before the newest message. Measured against the
 * emulator's caching model with gemini-3.5-flash-lite's real minimum (4,096 tokens): Lisa's persona with
 * a price list, about 5,000 tokens, as a call center's persona with its product facts is.
 *
 * <p>Prints the share of cached prompt tokens per turn; run it alone with
 * {@code ./dev mvn -q -pl service -am -Dtest=CachedPrefixTest -Dsurefire.failIfNoSpecifiedTests=false test}.
 */
@TestPropertySource(properties = "lisa.gemini.model=gemini-3.5-flash-lite")
class CachedPrefixTest extends ServiceTest {

    @DynamicPropertySource
    static void longPersona(DynamicPropertyRegistry registry) {
        registry.add("lisa.personas.directory", () -> longPersonaFolder().toString());
    }

    /**
     * The built-in Lisa with a long price list as one more knowledge file: over 4,096 tokens (the
     * model's minimum cacheable prefix) by the four-characters rule.
     */
    private static Path longPersonaFolder() {
        try {
            Path root = TempFolders.untilExit("lisa-long-persona");
            Path lisa = Files.createDirectories(root.resolve("lisa"));
            for (String file : new String[] {"prompt.md", "products.md", "faq.md", "persona.yml"}) {
                try (InputStream in = CachedPrefixTest.class.getResourceAsStream("/personas/lisa/" + file)) {
                    Files.write(lisa.resolve(file), in.readAllBytes());
                }
            }
            String yml = Files.readString(lisa.resolve("persona.yml"))
                    .replace("knowledge: [products.md, faq.md]", "knowledge: [products.md, faq.md, tariffs.md]");
            Files.writeString(lisa.resolve("persona.yml"), yml);
            StringBuilder tariffs = new StringBuilder("## Tarifliste (Stand November 2026)\n");
            for (int i = 1; i <= 180; i++) {
                tariffs.append(String.format(
                        Locale.ROOT,
                        "- Tarif %03d \"Flex %d\": %d GB Daten, %d Freiminuten, %d,%02d Euro im Monat, Laufzeit %d Monate.%n",
                        i,
                        i,
                        5 + i % 40,
                        100 + 10 * (i % 30),
                        9 + i % 50,
                        (i * 7) % 100,
                        i % 2 == 0 ? 24 : 1));
            }
            Files.writeString(lisa.resolve("tariffs.md"), tariffs);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fromTheThirdTurnOnAtLeastSixtyPercentOfThePromptIsCached() {
        String id = api.newSession();
        List<Double> shares = new ArrayList<>();
        System.out.println("turn  prompt  cached  share");
        for (int turn = 1; turn <= 10; turn++) {
            JsonNode usage = api.chat(id, "Frage " + turn + ": welcher Tarif passt zu mir, wenn ich viel telefoniere?")
                    .json()
                    .get("usage");
            int prompt = usage.get("promptTokens").asInt();
            int cached = usage.get("cachedTokens").asInt();
            double share = prompt == 0 ? 0 : (double) cached / prompt;
            shares.add(share);
            System.out.printf(Locale.ROOT, "%4d  %6d  %6d  %5.1f %%%n", turn, prompt, cached, 100 * share);
        }

        assertThat(shares.get(0)).as("nothing cached on the first turn").isZero();
        for (int turn = 3; turn <= 10; turn++) {
            assertThat(shares.get(turn - 1)).as("cached share of turn %d", turn).isGreaterThanOrEqualTo(0.60);
        }
        // What makes it work: every request begins with the previous one, byte for byte.
        for (int i = 1; i < upstream.requests().size(); i++) {
            List<RecordedPart> before = upstream.requests().get(i - 1).parts();
            List<RecordedPart> now = upstream.requests().get(i).parts();
            assertThat(now.subList(0, before.size()))
                    .as("request %d begins with request %d", i + 1, i)
                    .isEqualTo(before);
        }
    }
}
