package org.keepvip.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Destinations added at run time (a log file, syslog) each get the lines, through their own queue. */
class LogOutputTest {

    /** A destination that records the thread that wrote each line and signals the first. */
    static final class Recorder extends ListAppender<ILoggingEvent> {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch got = new CountDownLatch(1);

        @Override
        protected void append(ILoggingEvent e) {
            super.append(e);
            threads.add(Thread.currentThread().getName());
            got.countDown();
        }
    }

    @Test
    void twoRunTimeDestinationsBothGetEveryLineOffTheCallersThread() throws Exception {
        Recorder first = recorder("TEST_FIRST");
        Recorder second = recorder("TEST_SECOND");
        LogOutput.attach(first);
        LogOutput.attach(second);
        try {
            LoggerFactory.getLogger("keepvip.vrrp").info("(VI_1) Entering MASTER STATE");
            assertThat(first.got.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(second.got.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(first.list).extracting(ILoggingEvent::getFormattedMessage).contains("(VI_1) Entering MASTER STATE");
            assertThat(second.list).extracting(ILoggingEvent::getFormattedMessage).contains("(VI_1) Entering MASTER STATE");
            assertThat(first.threads).doesNotContain(Thread.currentThread().getName());
        } finally {
            LogOutput.detach("TEST_FIRST");
            LogOutput.detach("TEST_SECOND");
        }
        Logger root = LogOutput.context().getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("ASYNC_TEST_FIRST")).isNull();
        assertThat(first.isStarted()).as("detach stops the destination").isFalse();
    }

    private static Recorder recorder(String name) {
        Recorder r = new Recorder();
        r.setContext(LogOutput.context());
        r.setName(name);
        r.start();
        return r;
    }
}
