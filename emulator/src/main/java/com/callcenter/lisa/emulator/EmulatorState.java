package com.callcenter.lisa.emulator;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/** Everything an emulator accumulates between resets; safe for concurrent requests. */
final class EmulatorState {

    final RequestLog requests = new RequestLog();
    final QuotaTracker quota;
    private final Queue<ScriptedAnswer> script = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final AtomicLong responseIds = new AtomicLong();
    final ModelProfiles profiles = ModelProfiles.builtIn();
    final PromptCache promptCache;
    private final ModelRules startRules;
    private final AtomicReference<ModelRules> rules = new AtomicReference<>();
    private final ArrayDeque<IssuedSignature> issued = new ArrayDeque<>();

    EmulatorState(EmulatorConfig config) {
        this.quota = new QuotaTracker(config.quota(), config.clock());
        Outcome.ALL.forEach(name -> counters.put(name, new LongAdder()));
        this.promptCache = new PromptCache(config.clock());
        this.startRules = config.modelRules();
        this.rules.set(startRules);
    }

    /** The rules in force now: the configured ones, as changed by the test since the last reset. */
    ModelRules rules() {
        return rules.get();
    }

    void updateRules(UnaryOperator<ModelRules> change) {
        rules.updateAndGet(change);
    }

    void recordSignature(IssuedSignature signature) {
        synchronized (issued) {
            if (issued.size() == RequestLog.CAPACITY) {
                issued.removeFirst();
            }
            issued.addLast(signature);
        }
    }

    List<IssuedSignature> issuedSignatures() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    void enqueue(ScriptedAnswer answer) {
        for (int i = 0; i < answer.repeat(); i++) {
            script.add(answer);
        }
    }

    /** The next scripted answer, or null when the script is empty. */
    ScriptedAnswer nextScripted() {
        return script.poll();
    }

    void count(String outcome) {
        counters.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Outcome -> count, in the order of {@link Outcome#ALL}. */
    Map<String, Long> counters() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        Outcome.ALL.forEach(name -> snapshot.put(name, counters.get(name).sum()));
        return Collections.unmodifiableMap(snapshot);
    }

    /** Deterministic ids: "emu-00000001", "emu-00000002", ... (restart at reset). */
    String nextResponseId() {
        return "emu-%08d".formatted(responseIds.incrementAndGet());
    }

    List<RecordedRequest> recorded() {
        return requests.snapshot();
    }

    void reset() {
        requests.clear();
        script.clear();
        quota.reset();
        counters.values().forEach(LongAdder::reset);
        responseIds.set(0);
        rules.set(startRules);
        promptCache.reset();
        synchronized (issued) {
            issued.clear();
        }
    }
}
