package org.keepvip.agent.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Optional;
import org.keepvip.agent.log.LocalSyslogAppender;
import org.keepvip.agent.log.LogOutput;
import org.keepvip.agent.log.SyslogFacility;

/**
 * Where {@code keepvip run} logs: the console (DaemonLogConfigurator's CONSOLE appender, stderr), a file
 * ({@code -g}) and syslog ({@code -S}/{@code --log-syslog}), decided from the command line by
 * {@link RunCommand#logPlan()} and applied to Logback once, before the daemon starts.
 */
final class LogSetup {
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} keepvip[%property{PID}]: %msg%n";

    /** Syslog destination: facility, ident and socket path. */
    record Syslog(SyslogFacility facility, String ident, String socketPath) {}

    /**
     * The destinations. As keepalived: with syslog on, the console only with {@code -l}; without
     * syslog the console always (something must get the messages).
     */
    record Plan(boolean console, Optional<Path> file, Optional<Syslog> syslog) {}

    private LogSetup() {}

    static void apply(Plan plan) {
        LoggerContext ctx = LogOutput.context();
        plan.file().ifPresent(f -> LogOutput.attach(fileAppender(ctx, f)));
        plan.syslog().ifPresent(s -> LogOutput.attach(syslogAppender(ctx, s)));
        if (!plan.console()) {
            LogOutput.detach("CONSOLE");
        }
    }

    private static FileAppender<ILoggingEvent> fileAppender(LoggerContext ctx, Path file) {
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
        return appender;
    }

    private static LocalSyslogAppender syslogAppender(LoggerContext ctx, Syslog s) {
        LocalSyslogAppender appender = new LocalSyslogAppender();
        appender.setContext(ctx);
        appender.setName("SYSLOG");
        appender.setFacility(s.facility());
        appender.setIdent(s.ident());
        appender.setSocketPath(s.socketPath());
        appender.start();
        return appender;
    }
}
