package org.keepvip.agent.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up wait for a quiet JIT: returns once compiling stops, and keeps to its limit. */
class JitQuietTest {

    @Test
    void returnsOnceTheCompilerIsQuiet() throws Exception {
        assertThat(ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported()).isTrue();
        assertThat(JitQuiet.await(Duration.ofSeconds(20))).as("a test JVM doing nothing goes quiet").isTrue();
        long total = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        assertThat(total).as("compile time was being reported").isPositive();
    }

    @Test
    void aZeroLimitReturnsAtOnceWithoutClaimingQuiet() throws Exception {
        long started = System.nanoTime();
        boolean quiet = JitQuiet.await(Duration.ZERO);
        assertThat(quiet).as("no time to see three quiet polls").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
