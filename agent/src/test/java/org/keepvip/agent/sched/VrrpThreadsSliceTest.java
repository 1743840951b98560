package org.keepvip.agent.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.ProcessTuning;

/**
 * VRRP threads ask the fair scheduler for its shortest slice, so that waking for an advert preempts a
 * busier thread at once; other threads keep the kernel's default (read back from
 * {@code /proc/thread-self/sched}, Linux 6.12 or later, as on the CI machines).
 */
class VrrpThreadsSliceTest {

    @Test
    void aVrrpThreadRunsWithTheShortSliceAndOthersKeepTheDefault() throws Exception {
        CompletableFuture<Long> vrrp = new CompletableFuture<>();
        new VrrpThreads(ProcessTuning.DEFAULT).factory("slice-test").newThread(() -> vrrp.complete(slice())).start();
        assertThat(vrrp.get(10, TimeUnit.SECONDS)).isEqualTo(VrrpThreads.SHORT_SLICE_NANOS);
        assertThat(slice()).as("this test's own thread").isGreaterThan(VrrpThreads.SHORT_SLICE_NANOS);
    }

    private static long slice() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/sched")).stream()
                    .filter(l -> l.startsWith("se.slice"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
                    .findFirst().orElseThrow(() -> new AssertionError("no se.slice: a kernel before EEVDF"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
