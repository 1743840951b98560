package org.keepvip.agent.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Iterator;
import java.util.Map;
import org.keepvip.agent.latency.HoldableAsyncAppender;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go. Each destination sits behind a {@link HoldableAsyncAppender} of its own, named
 * {@code ASYNC_<destination>} ({@link DaemonLogConfigurator} sets up ASYNC_CONSOLE), so that logging never blocks the
 * event loop or a hook lane: the caller only queues the event, with its time and text fixed.
 * A Logback AsyncAppender takes one appender only, hence one per destination.
 */
public final class LogOutput {
    /** Events queued per destination; if a destination stalls that long, lines are dropped, not waited for. */
    static final int QUEUE_SIZE = 8192;
    /** How long stopping waits for the queued lines to be written. */
    static final int MAX_FLUSH_MILLIS = 2000;

    private LogOutput() {}

    /** Adds a started destination, behind an asynchronous appender of its own. */
    public static void attach(Appender<ILoggingEvent> destination) {
        attach(context(), destination);
    }

    /** As {@link #attach(Appender)}, to a context not yet handed to SLF4J (while it is configured). */
    static void attach(LoggerContext ctx, Appender<ILoggingEvent> destination) {
        HoldableAsyncAppender async = new HoldableAsyncAppender();
        async.setContext(ctx);
        async.setName(asyncName(destination.getName()));
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.setMaxFlushTime(MAX_FLUSH_MILLIS);
        async.addAppender(destination);
        async.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(async);
    }

    /**
     * Log lines dropped since start, by reason: {@code queue_full} (a destination fell
     * {@value #QUEUE_SIZE} lines behind) and {@code syslog} (the syslog socket refused or was missing).
     */
    public static Map<String, Long> droppedLines() {
        long syslog = 0;
        for (Iterator<Appender<ILoggingEvent>> it = root().iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof AppenderAttachable<?> async) {
                for (Iterator<? extends Appender<?>> d = async.iteratorForAppenders(); d.hasNext(); ) {
                    if (d.next() instanceof LocalSyslogAppender s) {
                        syslog += s.dropped();
                    }
                }
            }
        }
        return Map.of("queue_full", HoldableAsyncAppender.dropped(), "syslog", syslog);
    }

    /** Removes a destination by name, whether it was attached directly or behind its asynchronous appender. */
    public static void detach(String name) {
        Appender<ILoggingEvent> async = root().getAppender(asyncName(name));
        if (async != null) {
            root().detachAppender(async);
            async.stop();
        }
        root().detachAppender(name);
    }

    /** Writes every queued line (waits at most {@link #MAX_FLUSH_MILLIS} per destination) and closes the destinations. */
    public static void flush() {
        context().stop();
    }

    /**
     * Start-up only: formats {@code rounds} lines with the encoder of every destination that has one
     * (console, file; syslog formats its own records and is not covered), writing none. A
     * quiet daemon logs little but at a takeover, so the writer threads' formatting code would be
     * compiled then, by a compiler thread competing with the takeover.
     */
    public static void warmUp(int rounds) {
        Logger vrrp = context().getLogger("keepvip.vrrp");
        long now = System.currentTimeMillis();
        for (Iterator<Appender<ILoggingEvent>> it = root().iteratorForAppenders(); it.hasNext(); ) {
            if (!(it.next() instanceof AppenderAttachable<?> async)) {
                continue;
            }
            for (Iterator<? extends Appender<?>> d = async.iteratorForAppenders(); d.hasNext(); ) {
                if (d.next() instanceof OutputStreamAppender<?> out && out.getEncoder() != null) {
                    @SuppressWarnings("unchecked")
                    Encoder<ILoggingEvent> encoder = (Encoder<ILoggingEvent>) out.getEncoder();
                    for (int i = 0; i < rounds; i++) {
                        LoggingEvent e = new LoggingEvent(Logger.class.getName(), vrrp, Level.INFO,
                                "(VI_1) Entering MASTER STATE", null, null);
                        e.setTimeStamp(now + i); // a new millisecond each time, as real lines have
                        encoder.encode(e);
                    }
                }
            }
        }
    }

    public static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    private static Logger root() {
        return context().getLogger(Logger.ROOT_LOGGER_NAME);
    }

    private static String asyncName(String destination) {
        return "ASYNC_" + destination;
    }
}
