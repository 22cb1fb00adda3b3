package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON in the layouts the real API uses, so byte-level comparisons by clients and humans look
 * familiar: unary bodies pretty-printed with two spaces and {@code "key": value}; SSE events on one
 * line, also with a space after the colon but none after commas.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ObjectWriter PRETTY = MAPPER.writer(googlePretty());
    private static final ObjectWriter ONE_LINE = MAPPER.writer(new OneLine());

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String pretty(JsonNode node) {
        return write(PRETTY, node);
    }

    static String oneLine(JsonNode node) {
        return write(ONE_LINE, node);
    }

    private static String write(ObjectWriter writer, JsonNode node) {
        try {
            return writer.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen for an in-memory tree
        }
    }

    private static DefaultPrettyPrinter googlePretty() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withSeparators(separators);
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    /** {@code {"a": 1,"b": [2,3]}}: the compact form seen in recorded SSE events. */
    private static final class OneLine extends MinimalPrettyPrinter {
        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
