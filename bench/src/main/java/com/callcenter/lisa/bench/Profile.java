package com.callcenter.lisa.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU, from the execution samples of a flight recording: the methods most
 * often on top of the stack (self time), and the methods most often anywhere on it (inclusive time).
 */
final class Profile {

    private Profile() {}

    /** Execution samples taken at or after {@code since} (so start-up and warm-up stay out). */
    static String summarize(Path recording, int top, java.time.Instant since) throws Exception {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> components = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                    || event.getStackTrace() == null
                    || event.getStartTime().isBefore(since)) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.getFirst()), 1, Integer::sum);
            components.merge(component(frames), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    inclusive.merge(name, 1, Integer::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder(
                samples + " samples of threads running Java code (`" + recording.getFileName()
                        + "`, after warm-up; GC and JIT threads are not sampled, see the table by thread). Truncated stacks (JFR keeps 64 frames) undercount inclusive time of outer frames.\n\n");
        out.append("| % of samples | component (the innermost non-JDK frame's library) |\n|---|---|\n");
        table(out, components, samples, components.size());
        out.append("\n| self % | method (top of stack) |\n|---|---|\n");
        table(out, self, samples, top);
        out.append("\n| inclusive % | service method (anywhere on the stack) |\n|---|---|\n");
        Map<String, Integer> ours = new HashMap<>();
        inclusive.forEach((name, count) -> {
            if (name.startsWith("com.callcenter") && !name.contains("$$Lambda") && !name.contains("lambda$")) {
                ours.put(name, count);
            }
        });
        table(out, ours, samples, top);
        return out.toString();
    }

    private static void table(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e ->
                        out.append(String.format("| %.1f | `%s` |%n", 100.0 * e.getValue() / samples, e.getKey())));
    }

    /** Package prefixes to the component they belong to; JDK frames count for the library that called them. */
    private static final String[][] COMPONENTS = {
        {"com.google.genai", "Gemini SDK (google-genai, OkHttp, Kotlin)"},
        {"okhttp3", "Gemini SDK (google-genai, OkHttp, Kotlin)"},
        {"okio", "Gemini SDK (google-genai, OkHttp, Kotlin)"},
        {"kotlin", "Gemini SDK (google-genai, OkHttp, Kotlin)"},
        {"org.h2", "database: H2 engine"},
        {"org.postgresql", "database: PostgreSQL JDBC driver"},
        {"com.zaxxer", "database: Hikari pool, Spring JDBC and transactions"},
        {"org.springframework.jdbc", "database: Hikari pool, Spring JDBC and transactions"},
        {"org.springframework.transaction", "database: Hikari pool, Spring JDBC and transactions"},
        {"com.fasterxml", "JSON (Jackson 2: the Gemini SDK)"},
        {"tools.jackson", "JSON (Jackson 3: the service's web layer)"},
        {"io.micrometer", "metrics and observations (Micrometer)"},
        {"org.apache", "HTTP server (Tomcat)"},
        {"org.springframework", "Spring MVC and the rest of Spring"},
        {"ch.qos", "logging"},
        {"org.slf4j", "logging"},
        {"com.callcenter", "service code (com.callcenter)"}
    };

    private static String component(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (String[] c : COMPONENTS) {
                if (type.startsWith(c[0])) {
                    return c[1];
                }
            }
        }
        return "JDK only (e.g. virtual thread scheduling, I/O)";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
