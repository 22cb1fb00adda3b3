package com.callcenter.lisa.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A test class that spends its time waiting, not computing: a quota "minute", a lease running out, a
 * database outage, a killed service JVM starting again. It runs on a second worker beside the rest of
 * the suite, one such class at a time (src/test/resources/junit-platform.properties): its waiting
 * overlaps the other classes' work instead of adding to it, and what each test proves is unchanged. When
 * the rest is done, both workers take the classes still waiting to run.
 *
 * <p>Only for a class that
 *
 * <ul>
 *   <li>owns everything it talks to: its own {@code GeminiEmulator.start(...)} (never the shared
 *       {@link TestUpstream#emulator()}, which other tests reset), its own database, its own service
 *       ({@link ServiceProcess}, {@link ServiceJvm}) - no Spring test context, no static state;
 *   <li>asserts nothing about the JVM's console output (the other lane prints too);
 *   <li>has timing bounds with room for a second busy lane on 2 cores.
 * </ul>
 *
 * Classes whose assertions about the console another service's output could meet or break are
 * {@code @Isolated}: they run at the end, alone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
public @interface BesideTheSuite {}
