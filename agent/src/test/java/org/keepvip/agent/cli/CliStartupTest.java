package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.control.ControlServer;
import org.slf4j.spi.SLF4JServiceProvider;

/** What keeps the short commands fast: CliLogging, the socket default, the CDS training run. */
class CliStartupTest {

    @Test
    void defaultSocketIsTheDaemons() {
        assertThat(ControlCall.DEFAULT_SOCKET).isEqualTo(ControlServer.DEFAULT_PATH);
    }

    @Test
    void cliLoggingIsALogbackContextLikeLogbackXmlsConsole() {
        SLF4JServiceProvider p = new CliLogging();
        p.initialize();
        assertThat(p.getLoggerFactory()).isInstanceOf(LoggerContext.class);
        LoggerContext ctx = (LoggerContext) p.getLoggerFactory();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("CONSOLE")).isInstanceOf(CliLogging.Console.class);
        assertThat(ctx.getLogger("org.pcap4j").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(p.getMDCAdapter()).isNotNull();
        assertThat(p.getMarkerFactory()).isNotNull();
        assertThat(CliLogging.PROVIDER).isEqualTo("org.keepvip.agent.cli.CliLogging");
        ctx.stop(); // as Main's LogOutput.flush() does
    }

    @Test
    void consoleWritesLogbackXmlsPattern() {
        LoggerContext ctx = new LoggerContext();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CliLogging.Console c = new CliLogging.Console(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        c.setContext(ctx);
        c.start();
        Logger log = ctx.getLogger("x");
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), log, Level.WARN, "script {} resolved", null,
                new Object[] {"chk"});
        e.setTimeStamp(0);
        c.doAppend(e);
        c.doAppend(e);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} keepvip: script chk resolved");
    }

    @Test
    void trainingRunsEachCommandThePathItIsThereFor(@TempDir Path dir) throws Exception {
        List<Integer> codes = CdsTraining.train(dir);
        // check-config x3, missing file (4), --help, check-config --help, --version,
        // status, status --json, reload, events, events --json against the canned daemon, status with no
        // daemon by socket and by name (3).
        assertThat(codes).hasSize(14);
        assertThat(codes.get(3)).isEqualTo(ExitCodes.CONFIG_FATAL);
        assertThat(codes.subList(4, 12)).containsOnly(ExitCodes.OK);
        assertThat(codes.subList(12, 14)).containsOnly(ExitCodes.NOT_RUNNING);
    }
}
