package org.keepvip.agent.latency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
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
        LogHold.limit(Duration.ofSeconds(30)); // no hold ends by itself while a test looks at it
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
        LogHold.limit(LogHold.MAX_HOLD);
        async.stop();
        context.stop();
    }

    @Test
    void linesAFullQueueDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        ListAppender<ILoggingEvent> stuck = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent e) {
                writing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // a destination that stalls
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                super.append(e);
            }
        };
        stuck.setContext(context);
        stuck.start();
        HoldableAsyncAppender full = new HoldableAsyncAppender();
        full.setContext(context);
        full.setName("ASYNC_FULL");
        full.setQueueSize(2);
        full.setDiscardingThreshold(0);
        full.setNeverBlock(true);
        full.addAppender(stuck);
        full.start();
        Logger l = context.getLogger("keepvip.full");
        l.setAdditive(false);
        l.addAppender(full);
        long before = HoldableAsyncAppender.dropped();
        try {
            l.info("taken by the writer, which then stalls");
            assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 10; i++) {
                l.info("line {}", i); // two fit in the queue, eight do not
            }
            assertThat(HoldableAsyncAppender.dropped() - before).isEqualTo(8);
        } finally {
            release.countDown();
            full.stop();
        }
        assertThat(stuck.list).hasSize(3);
    }

    @Test
    void linesDuringAHoldWaitForItsEndAndKeepTheirOrderAndTime() throws Exception {
        sink.lines = new CountDownLatch(3);
        long before = System.currentTimeMillis();
        LogHold.Hold hold = LogHold.begin();
        try {
            log.info("(VI_1) Entering MASTER STATE");
            log.info("(VI_1) setting VIPs.");
            assertThat(async.heldCount()).isEqualTo(2);
            assertThat(async.getNumberOfElementsInQueue()).as("nothing reaches the writer's queue").isZero();
        } finally {
            hold.end();
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
        LogHold.Hold first = LogHold.begin();
        LogHold.Hold second = LogHold.begin();
        log.info("one");
        first.end();
        first.end();
        log.info("two");
        assertThat(async.heldCount()).as("one hold is still on, whatever the first one does").isEqualTo(2);
        second.end();
        assertThat(LogHold.holders()).isZero();
        assertThat(sink.lines.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("one", "two");
    }

    @Test
    void aHoldThatIsNeverEndedLetsItsLinesGoOnceOverItsLimit() throws Exception {
        LogHold.limit(Duration.ofMillis(20));
        sink.lines = new CountDownLatch(1);
        LogHold.Hold forgotten = LogHold.begin();
        log.info("held");
        assertThat(async.heldCount()).isEqualTo(1);
        LogHold.expireOverdue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (LogHold.holding() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(LogHold.holding()).as("over the limit").isFalse();
        LogHold.expireOverdue(); // what the event loop does on every turn
        assertThat(sink.lines.await(5, TimeUnit.SECONDS)).as("written without another line or an end").isTrue();
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("held");
        assertThat(LogHold.holders()).isZero();

        // The forgotten hold ending late does not end a newer one.
        LogHold.limit(Duration.ofSeconds(30));
        LogHold.Hold next = LogHold.begin();
        forgotten.end();
        assertThat(LogHold.holding()).as("the newer hold is still on").isTrue();
        next.end();
        assertThat(LogHold.holding()).isFalse();
    }

    @Test
    void aLineLoggedAfterTheLimitTakesTheHeldOnesWithIt() throws Exception {
        LogHold.limit(Duration.ofMillis(20));
        sink.lines = new CountDownLatch(2);
        LogHold.Hold hold = LogHold.begin();
        try {
            log.info("held");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (LogHold.holding() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            log.info("after the limit");
            assertThat(sink.lines.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("held", "after the limit");
        } finally {
            hold.end();
        }
    }

    @Test
    void stoppingWritesHeldLines() throws Exception {
        sink.lines = new CountDownLatch(1);
        LogHold.Hold hold = LogHold.begin();
        try {
            log.info("(VI_1) Entering MASTER STATE");
            async.stop();
            assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("(VI_1) Entering MASTER STATE");
            log.info("after stop"); // not started any more: dropped by Logback, not held for ever
            assertThat(async.heldCount()).isZero();
        } finally {
            hold.end();
        }
        assertThat(sink.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("(VI_1) Entering MASTER STATE");
    }

    @Test
    void theEmptyHoldHoldsNothing() {
        LogHold.NONE.end();
        assertThat(LogHold.holding()).isFalse();
        assertThat(LogHold.holders()).isZero();
        LogHold.Hold hold = LogHold.begin();
        assertThat(LogHold.holding()).isTrue();
        LogHold.NONE.end();
        assertThat(LogHold.holding()).isTrue();
        hold.end();
        assertThat(LogHold.holding()).isFalse();
    }
}
