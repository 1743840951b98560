package org.keepvip.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lines logged during a takeover's hold reach the destination after it, in order, with their own times. */
class HoldableAsyncAppenderTest {

    /** A destination that counts down once per line. */
    static final class Counting extends ListAppender<ILoggingEvent> {
        volatile CountDownLatch lines = new CountDownLatch(0);

        @Override
        protected void append(ILoggingEvent e) {
            super.append(e);
            lines.countDown();
        }
    }

    private final LoggerContext context = new LoggerContext();
    private final Counting sink = new Counting();
    private final HoldableAsyncAppender async = new HoldableAsyncAppender();
    private Logger log;

    @BeforeEach
    void setUp() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // a context of its own: no MDC adapter yet
        context.start();
        sink.setContext(context);
        sink.start();
        async.setContext(context);
        async.setName("ASYNC_TEST");
        async.addAppender(sink);
        async.start();
        log = context.getLogger("keepvip.vrrp");
        log.setAdditive(false);
        log.setLevel(Level.INFO);
        log.addAppender(async);
    }

    @AfterEach
    void tearDown() {
        async.stop();
        context.stop();
    }

    @Test
    void linesDuringAHoldWaitForItsEndAndKeepTheirOrderAndTime() throws Exception {
        sink.lines = new CountDownLatch(3);
        long before = System.currentTimeMillis();
        LogHold.begin();
        try {
            log.info("(VI_1) Entering MASTER STATE");
            log.info("(VI_1) setting VIPs.");
            assertThat(async.heldCount()).isEqualTo(2);
            assertThat(async.getNumberOfElementsInQueue()).as("nothing reaches the writer's queue").isZero();
        } finally {
            LogHold.end();
        }
        assertThat(async.heldCount()).isZero();
        log.info("(VI_1) after the hold");
        assertThat(sink.lines.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("(VI_1) Entering MASTER STATE", "(VI_1) setting VIPs.", "(VI_1) after the hold");
        assertThat(sink.list.get(0).getTimeStamp()).as("the time it was logged at").isBetween(before,
                sink.list.get(2).getTimeStamp());
        assertThat(sink.list.get(0).getThreadName()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void nestedHoldsReleaseWhenTheLastEnds() throws Exception {
        sink.lines = new CountDownLatch(2);
        LogHold.begin();
        LogHold.begin();
        log.info("one");
        LogHold.end();
        log.info("two");
        assertThat(async.heldCount()).as("one hold is still on").isEqualTo(2);
        LogHold.end();
        assertThat(sink.lines.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("one", "two");
    }

    @Test
    void aHoldThatIsNeverEndedStopsHoldingAfterItsLimit() throws Exception {
        sink.lines = new CountDownLatch(2);
        LogHold.begin();
        try {
            log.info("held");
            assertThat(async.heldCount()).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (LogHold.holding() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(LogHold.holding()).as("the hold expired").isFalse();
            log.info("after the limit");
            assertThat(sink.lines.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("held", "after the limit");
        } finally {
            LogHold.end();
        }
    }

    @Test
    void stoppingWritesHeldLines() throws Exception {
        sink.lines = new CountDownLatch(1);
        LogHold.begin();
        try {
            log.info("(VI_1) Entering MASTER STATE");
            async.stop();
        } finally {
            LogHold.end();
        }
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("(VI_1) Entering MASTER STATE");
    }

    @Test
    void anUnpairedEndDoesNotStartAHold() {
        LogHold.end();
        assertThat(LogHold.holding()).isFalse();
        LogHold.begin();
        assertThat(LogHold.holding()).isTrue();
        LogHold.end();
        assertThat(LogHold.holding()).isFalse();
        assertThat(List.of(async.heldCount())).containsExactly(0);
    }
}
