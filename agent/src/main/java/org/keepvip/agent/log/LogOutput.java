package org.keepvip.agent.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;

/**
 * Where log lines go. logback.xml routes the root logger through one {@link AsyncAppender}
 * ({@value #ASYNC}) so that logging never blocks the event loop; destinations added at run time
 * (a log file, syslog) are attached behind it too.
 */
public final class LogOutput {
    /** The name of the asynchronous appender in logback.xml. */
    public static final String ASYNC = "ASYNC";

    private LogOutput() {}

    /** Adds a started destination behind the asynchronous appender (or to the root logger without one). */
    public static void attach(Appender<ILoggingEvent> destination) {
        Logger root = context().getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> async = root.getAppender(ASYNC);
        if (async instanceof AsyncAppender a) {
            a.addAppender(destination);
        } else {
            root.addAppender(destination);
        }
    }

    /** Writes every queued line (waits at most the appender's maxFlushTime) and closes the destinations. */
    public static void flush() {
        context().stop();
    }

    public static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
