package org.keepvip.agent.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.keepvip.agent.log.LogOutput;

/** {@code keepvip run --log-file}: the console pattern, appended to a file as well. */
final class LogFiles {
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} keepvip[%property{PID}]: %msg%n";

    private LogFiles() {}

    static void addFileAppender(Path file) {
        LoggerContext ctx = LogOutput.context();
        ctx.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        LogOutput.attach(appender);
    }
}
