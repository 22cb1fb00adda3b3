package com.callcenter.lisa.persona;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writes call-context values into the system instruction as data that cannot be read as anything else.
 *
 * <p>Every value is written as a JSON literal: strings in double quotes, objects with their keys sorted
 * (so the same context always gives the same bytes: the instruction is the cacheable prefix). On top of
 * JSON's own escaping (quote, backslash, control characters), every character that could end the value's
 * line or form one of the instruction's delimiters is written as a {@code \}{@code uXXXX} escape:
 * {@code <} and {@code >} (so no value can contain {@code </context>} or {@code <knowledge>}), the backtick
 * (no {@code ```} fence), and every line break, control and format character (CR, LF, NEL, U+2028/2029,
 * bidi overrides, zero-width characters). The result is still valid JSON that decodes to exactly the value
 * the app sent, so nothing is lost, but in the text the model reads a value is one quoted run of characters
 * on the line where it was inserted: it cannot close the data section, open a new one, or start a line of
 * its own that looks like an instruction. Words such as "Ignore previous instructions" stay inside the
 * quotes, in a section the prompt declares to be data.
 */
final class DataText {

    private DataText() {}

    /** The value as a JSON literal in the escaped form described above. */
    static String json(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(JsonNode value, StringBuilder out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("null");
        } else if (value.isString()) {
            string(value.asString(), out);
        } else if (value.isNumber() || value.isBoolean()) {
            out.append(value.toString());
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(value.get(i), out);
            }
            out.append(']');
        } else if (value.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(value.properties());
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : fields) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(field.getKey(), out);
                out.append(':');
                write(field.getValue(), out);
            }
            out.append('}');
        } else {
            string(value.asString(), out);
        }
    }

    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (mustEscape(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean mustEscape(char c) {
        if (c == '<' || c == '>' || c == '`' || c == '{' || c == '}') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}
