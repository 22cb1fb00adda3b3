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

    private Profile() {
    }

    static String summarize(Path recording, int top) throws Exception {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.getFirst()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    inclusive.merge(name, 1, Integer::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder(samples + " samples of threads running Java code (`" + recording.getFileName()
                + "`). Truncated stacks (JFR keeps 64 frames) undercount inclusive time of outer frames.\n\n");
        out.append("| self % | method (top of stack) |\n|---|---|\n");
        table(out, self, samples, top);
        out.append("\n| inclusive % | method (anywhere on the stack; com.callcenter, Spring, JDBC, H2, Hikari, Tomcat, genai, Jackson) |\n|---|---|\n");
        Map<String, Integer> interesting = new HashMap<>();
        inclusive.forEach((name, count) -> {
            if (name.matches("(com\\.callcenter|org\\.springframework\\.(jdbc|transaction|web)|org\\.h2|com\\.zaxxer"
                    + "|org\\.apache\\.(catalina|coyote)|com\\.google\\.genai|tools\\.jackson|com\\.fasterxml|org\\.postgresql"
                    + "|okhttp3|io\\.micrometer).*")) {
                interesting.put(name, count);
            }
        });
        table(out, interesting, samples, 2 * top);
        return out.toString();
    }

    private static void table(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.append(String.format("| %.1f | `%s` |%n", 100.0 * e.getValue() / samples, e.getKey())));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
