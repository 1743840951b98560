package org.keepvip.agent.log;

import org.keepvip.agent.latency.HoldableAsyncAppender;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DaemonLogConfiguratorTest {

    @Test
    void logbackFindsItInsteadOfAnXmlFile() {
        // The test JVM's own Logback was configured through META-INF/services, as the daemon's is.
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC_CONSOLE"))
                .isInstanceOf(HoldableAsyncAppender.class);
    }

    @Test
    void consoleOnStderrBehindItsOwnQueueInKeepalivedsWords() {
        LoggerContext ctx = new LoggerContext();
        DaemonLogConfigurator c = new DaemonLogConfigurator();
        c.setContext(ctx);
        assertThat(c.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC_CONSOLE");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.isNeverBlock()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(LogOutput.QUEUE_SIZE);
        assertThat(async.getDiscardingThreshold()).isZero();
        ConsoleAppender<?> console = (ConsoleAppender<?>) async.getAppender("CONSOLE");
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
                .isEqualTo("%d{yyyy-MM-dd HH:mm:ss.SSS} keepvip: %msg%n");
        assertThat(ctx.getLogger("org.pcap4j").getLevel()).isEqualTo(Level.WARN);
        ctx.stop();
    }

    @Test
    void rootLevelFromTheSystemProperty() {
        String old = System.getProperty(DaemonLogConfigurator.LEVEL_PROPERTY);
        try {
            System.setProperty(DaemonLogConfigurator.LEVEL_PROPERTY, "DEBUG");
            LoggerContext ctx = new LoggerContext();
            DaemonLogConfigurator.levels(ctx);
            assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
            System.setProperty(DaemonLogConfigurator.LEVEL_PROPERTY, "nonsense");
            DaemonLogConfigurator.levels(ctx);
            assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        } finally {
            if (old == null) {
                System.clearProperty(DaemonLogConfigurator.LEVEL_PROPERTY);
            } else {
                System.setProperty(DaemonLogConfigurator.LEVEL_PROPERTY, old);
            }
        }
    }
}
