package org.keepvip.agent.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go. Each destination sits behind an {@link AsyncAppender} of its own, named
 * {@code ASYNC_<destination>} (logback.xml sets up ASYNC_CONSOLE), so that logging never blocks the
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
        AsyncAppender async = new AsyncAppender();
        async.setContext(context());
        async.setName(asyncName(destination.getName()));
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.setMaxFlushTime(MAX_FLUSH_MILLIS);
        async.addAppender(destination);
        async.start();
        root().addAppender(async);
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
