package com.callcenter.lisa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The system instruction the service sends for a session of the built-in persona Lisa without call context,
 * built the same way (prompt, then each knowledge file in order), so that the direct and the Portkey targets
 * carry the same bytes to Gemini as the service does and the comparison stays fair.
 */
final class LisaInstruction {

    private static final Path FOLDER = Path.of("service/src/main/resources/personas/lisa");
    private static final List<String> KNOWLEDGE = List.of("products.md", "faq.md");

    private LisaInstruction() {}

    static String read(Path root) throws IOException {
        Path folder = root.resolve(FOLDER);
        StringBuilder out =
                new StringBuilder(Files.readString(folder.resolve("prompt.md")).strip());
        for (String file : KNOWLEDGE) {
            out.append("\n\n<knowledge file=\"")
                    .append(file)
                    .append("\">\n")
                    .append(Files.readString(folder.resolve(file)).strip())
                    .append("\n</knowledge>");
        }
        return out.toString();
    }
}
