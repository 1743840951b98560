package org.keepvip.agent.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalHandlersTest {

    private static void kill(String sig) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(ProcessHandle.current().pid())).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    @SuppressWarnings("try")
    void signalsBecomeEventsInKeepalivedsMeaning() throws Exception {
        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        try (SignalHandlers h = SignalHandlers.install(events::add)) {
            String[][] cases = {
                {"HUP", "RELOAD"}, {"TERM", "STOP"}, {"INT", "STOP"}, {"USR1", "DATA_DUMP"}, {"USR2", "STATS_DUMP"}};
            for (String[] c : cases) {
                kill(c[0]);
                assertThat(events.poll(10, TimeUnit.SECONDS)).as("SIG" + c[0]).isEqualTo(SignalEvent.valueOf(c[1]));
            }
        }
        assertThat(events).isEmpty();
    }

    @Test
    @SuppressWarnings("try")
    void aThrowingSinkIsLoggedAndHandlingContinues() throws Exception {
        BlockingQueue<SignalEvent> events = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch threw = new java.util.concurrent.CountDownLatch(1);
        try (SignalHandlers h = SignalHandlers.install(e -> {
            if (threw.getCount() > 0) {
                threw.countDown();
                throw new IllegalStateException("queue full");
            }
            events.add(e);
        })) {
            kill("HUP");
            // Each signal is dispatched on its own JVM thread: wait for the throw before the next one.
            assertThat(threw.await(10, TimeUnit.SECONDS)).isTrue();
            kill("USR1");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(SignalEvent.DATA_DUMP);
        }
    }
}
