package org.keepvip.agent.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The daemon's logging, set up in code and found by Logback through {@code META-INF/services}
 * before it would look for a logback.xml: the console on stderr in keepalived's words, behind an
 * asynchronous appender of its own ({@link LogOutput}), Logback's shutdown hook, pcap4j at WARN,
 * level INFO unless {@code -Dkeepvip.log.level}. Configuring from XML instead loads Joran and the
 * JDK's XML parser, about 450 classes the daemon never needs again: their metadata stayed resident.
 * {@code keepvip run} adds the file and syslog destinations later ({@code LogSetup}).
 */
public final class DaemonLogConfigurator extends ContextAwareBase implements Configurator {
    /** The console's pattern: keepalived's message after a timestamp and the program's name. */
    public static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} keepvip: %msg%n";
    /** The system property that sets the root level (TRACE, DEBUG, INFO, WARN, ERROR). */
    public static final String LEVEL_PROPERTY = "keepvip.log.level";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        levels(ctx);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        LogOutput.attach(ctx, console);
        DefaultShutdownHook hook = new DefaultShutdownHook();
        hook.setContext(ctx);
        Runtime.getRuntime().addShutdownHook(new Thread(hook, "Logback shutdown hook"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The root level from {@link #LEVEL_PROPERTY} (INFO when unset or unknown); pcap4j at WARN. */
    public static void levels(LoggerContext ctx) {
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(System.getProperty(LEVEL_PROPERTY), Level.INFO));
        // pcap4j reports library loading and every handle close at INFO: not an operator's concern.
        ctx.getLogger("org.pcap4j").setLevel(Level.WARN);
    }
}
