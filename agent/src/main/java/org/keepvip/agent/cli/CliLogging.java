package org.keepvip.agent.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.CoreConstants;
import java.io.PrintStream;
import org.keepvip.agent.log.DaemonLogConfigurator;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the short-lived commands (check-config, status, reload, switchover):
 * a Logback context set up in code, synchronously, without Logback's auto-configuration. Logback's
 * own start-up (then Joran and the XML parser, the asynchronous appender) took about 200 ms of a
 * 460 ms check-config, for commands that log nothing or a warning at most. The launchers select it
 * with {@code -Dslf4j.provider=org.keepvip.agent.cli.CliLogging} for every command but {@code run},
 * which keeps {@link DaemonLogConfigurator} (asynchronous console, the daemon's destinations).
 *
 * <p>What it logs matches the daemon's console: stderr, the same pattern, level INFO unless
 * {@code -Dkeepvip.log.level}, pcap4j at WARN. The encoder is only built for the first line.
 */
public final class CliLogging implements SLF4JServiceProvider {
    /** The value of {@code slf4j.provider} that selects this provider. */
    public static final String PROVIDER = CliLogging.class.getName();
    /** The daemon's console pattern. */
    static final String PATTERN = DaemonLogConfigurator.PATTERN;

    /**
     * Whether the launcher chose this provider. Then a command that logged nothing has no logging
     * to flush or stop, and Main leaves SLF4J and Logback unloaded (about 60 classes).
     */
    public static boolean selected() {
        return PROVIDER.equals(System.getProperty("slf4j.provider"));
    }

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        LoggerContext ctx = new LoggerContext();
        ctx.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        DaemonLogConfigurator.levels(ctx);
        Console console = new Console(System.err);
        console.setContext(ctx);
        console.setName("CONSOLE");
        console.start();
        root.addAppender(console);
        ctx.start();
        LogbackMDCAdapter adapter = new LogbackMDCAdapter();
        ctx.setMDCAdapter(adapter);
        context = ctx;
        markers = new BasicMarkerFactory();
        mdc = adapter;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    /** Writes each line to a stream, synchronously; the pattern is parsed at the first line. */
    static final class Console extends AppenderBase<ILoggingEvent> {
        private final PrintStream stream;
        private PatternLayoutEncoder encoder;

        Console(PrintStream stream) {
            this.stream = stream;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (encoder == null) {
                PatternLayoutEncoder e = new PatternLayoutEncoder();
                e.setContext(getContext());
                e.setPattern(PATTERN);
                e.start();
                encoder = e;
            }
            byte[] line = encoder.encode(event);
            stream.write(line, 0, line.length);
            stream.flush();
        }
    }
}
