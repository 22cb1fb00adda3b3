package com.callcenter.lisa;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How many carrier threads run the virtual threads that serve every request and turn: {@value #PER_CORE} per core
 * unless the operator says otherwise, instead of the JDK's one per core.
 *
 * <p>Why. The JDK's default assumes that this JVM has its cores to itself. When it shares them (with its database on
 * the same host, a sidecar, the host's other containers), the operating system now and then takes a carrier off its
 * core to run those. Every virtual thread queued on that carrier then waits until it is back, although its own I/O
 * has long been done: with one carrier per core, such a stall of a few milliseconds holds up most of the turns in
 * flight at once. With more carriers than cores, the others carry on. Measured in the overhead benchmark (PostgreSQL
 * on the same 2 cores, 16 connections, services side by side in one run): an added p99 of +33.5 ms with 2 carriers,
 * +23.1 ms with 4 and +19.3 ms with 8, for 3.5 % more CPU per turn. On cores of its own the extra carriers cost next to
 * nothing: a carrier without work parks.
 *
 * <p>The JDK reads the setting once, when the first virtual thread starts, so {@link LisaApplication#main} applies
 * it before anything else. {@code -Djdk.virtualThreadScheduler.parallelism=N} on the command line wins.
 */
final class VirtualThreadCarriers {

    /** The JDK's system property for the number of carriers. */
    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /** Carriers per core when the operator did not set {@link #PARALLELISM}. */
    static final int PER_CORE = 4;

    /** Where JDK 24 and later report the scheduler in force. */
    private static final String SCHEDULER = "jdk.management:type=VirtualThreadScheduler";

    private VirtualThreadCarriers() {}

    /** The number of carriers to ask for: what the operator set, else {@value #PER_CORE} per core. */
    static String chosen(String configured, int cores) {
        return configured != null ? configured : String.valueOf(PER_CORE * Math.max(1, cores));
    }

    /** Sets {@link #PARALLELISM} to {@link #chosen} carriers. Must run before the first virtual thread starts. */
    static void applyDefault() {
        System.setProperty(
                PARALLELISM,
                chosen(System.getProperty(PARALLELISM), Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The carriers in force as the JDK reports them (JDK 24 and later), so that a setting applied too late shows;
     * on older JDKs what {@link #PARALLELISM} says, or "one per core".
     */
    static String inForce() {
        try {
            Object parallelism =
                    ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(SCHEDULER), "Parallelism");
            return String.valueOf(parallelism);
        } catch (JMException | RuntimeException e) {
            String configured = System.getProperty(PARALLELISM);
            return configured != null ? configured : "one per core";
        }
    }
}
