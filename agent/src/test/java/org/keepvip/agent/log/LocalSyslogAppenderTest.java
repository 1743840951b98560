package org.keepvip.agent.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalSyslogAppenderTest {
    /** 2024-01-05 09:04:03.250 UTC: a one-digit day, padded with a space as glibc does. */
    private static final long JAN_5 = 1704445443250L;
    private static final long PID = 4242;

    private final LoggerContext ctx = new LoggerContext();
    private final Logger logger = ctx.getLogger("org.keepvip.agent.loop.InstanceRuntime");
    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private LocalSyslogAppender appender(String path, SyslogFacility facility) {
        LocalSyslogAppender a = new LocalSyslogAppender();
        a.setContext(ctx);
        a.setSocketPath(path);
        a.setFacility(facility);
        a.setZone(ZoneOffset.UTC);
        a.setPid(PID);
        a.setConsole(new PrintStream(consoleBytes, true, StandardCharsets.UTF_8));
        a.setNanoClock(nanos::get);
        a.start();
        return a;
    }

    private LoggingEvent event(Level level, String msg) {
        LoggingEvent e = new LoggingEvent(Logger.FQCN, logger, level, msg, null, null);
        e.setTimeStamp(JAN_5);
        return e;
    }

    private String console() {
        return consoleBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesPriorityTimestampIdentPidAndMessage() throws Exception {
        try (SyslogReceiver r = new SyslogReceiver()) {
            LocalSyslogAppender daemon = appender(r.path.toString(), SyslogFacility.DAEMON);
            daemon.doAppend(event(Level.INFO, "(VI_1) Entering MASTER STATE"));
            assertThat(r.receive(2000)).isEqualTo("<30>Jan  5 09:04:03 keepvip[4242]: (VI_1) Entering MASTER STATE");
            daemon.doAppend(event(Level.ERROR, "(VI_1) cannot add VIPs"));
            assertThat(r.receive(2000)).isEqualTo("<27>Jan  5 09:04:03 keepvip[4242]: (VI_1) cannot add VIPs");
            daemon.doAppend(event(Level.WARN, "w"));
            assertThat(r.receive(2000)).isEqualTo("<28>Jan  5 09:04:03 keepvip[4242]: w");
            daemon.doAppend(event(Level.DEBUG, "d"));
            assertThat(r.receive(2000)).isEqualTo("<31>Jan  5 09:04:03 keepvip[4242]: d");
            daemon.doAppend(event(Level.TRACE, "t"));
            assertThat(r.receive(2000)).isEqualTo("<31>Jan  5 09:04:03 keepvip[4242]: t");
            daemon.stop();

            LocalSyslogAppender local3 = appender(r.path.toString(), SyslogFacility.parse("3"));
            local3.setIdent("Keepalived_vrrp");
            local3.stop();
            local3.start();
            local3.doAppend(event(Level.INFO, "(VI_1) Entering BACKUP STATE"));
            assertThat(r.receive(2000))
                    .isEqualTo("<158>Jan  5 09:04:03 Keepalived_vrrp[4242]: (VI_1) Entering BACKUP STATE");
            local3.stop();

            LocalSyslogAppender local7 = appender(r.path.toString(), SyslogFacility.parse("local7"));
            local7.doAppend(event(Level.ERROR, "e"));
            assertThat(r.receive(2000)).isEqualTo("<187>Jan  5 09:04:03 keepvip[4242]: e");
            local7.stop();

            LocalSyslogAppender local0 = appender(r.path.toString(), SyslogFacility.LOCAL0);
            local0.doAppend(event(Level.INFO, "i"));
            assertThat(r.receive(2000)).isEqualTo("<134>Jan  5 09:04:03 keepvip[4242]: i");
            local0.stop();

            LocalSyslogAppender user = appender(r.path.toString(), SyslogFacility.parse("user"));
            user.doAppend(event(Level.WARN, "u"));
            assertThat(r.receive(2000)).isEqualTo("<12>Jan  5 09:04:03 keepvip[4242]: u");
            assertThat(user.sent()).isEqualTo(1);
            assertThat(user.dropped()).isZero();
            user.stop();
            assertThat(console()).isEmpty();
        }
    }

    @Test
    void newlinesSplitRecordsThrowablesAreOneLineLongMessagesAreCut() throws Exception {
        try (SyslogReceiver r = new SyslogReceiver()) {
            LocalSyslogAppender a = appender(r.path.toString(), SyslogFacility.DAEMON);
            a.doAppend(event(Level.WARN, "first\r\nsecond\n\nthird\u0000end"));
            assertThat(r.receive(2000)).isEqualTo("<28>Jan  5 09:04:03 keepvip[4242]: first");
            assertThat(r.receive(2000)).isEqualTo("<28>Jan  5 09:04:03 keepvip[4242]: second");
            assertThat(r.receive(2000)).isEqualTo("<28>Jan  5 09:04:03 keepvip[4242]: third end");

            LoggingEvent withThrowable = new LoggingEvent(Logger.FQCN, logger, Level.ERROR, "notify failed",
                    new java.io.IOException("broken\npipe"), null);
            withThrowable.setTimeStamp(JAN_5);
            a.doAppend(withThrowable);
            assertThat(r.receive(2000)).isEqualTo("<27>Jan  5 09:04:03 keepvip[4242]: notify failed");
            assertThat(r.receive(2000)).isEqualTo("<27>Jan  5 09:04:03 keepvip[4242]: IOException: broken");
            assertThat(r.receive(2000)).isEqualTo("<27>Jan  5 09:04:03 keepvip[4242]: pipe");

            // 'é' is two bytes: the cut must not split it.
            a.doAppend(event(Level.INFO, "é".repeat(10_000)));
            String cut = r.receive(2000);
            byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
            assertThat(bytes.length).isLessThanOrEqualTo(SyslogFormat.MAX_DATAGRAM);
            assertThat(cut).startsWith("<30>Jan  5 09:04:03 keepvip[4242]: éé").endsWith("é...").doesNotContain("\uFFFD");
            assertThat(r.receive(50)).isNull();
            a.stop();
        }
    }

    @Test
    void aMissingSocketNeitherThrowsNorBlocksAndIsCounted() throws Exception {
        LocalSyslogAppender a = appender("/nonexistent/kvt/dev-log", SyslogFacility.DAEMON);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            a.doAppend(event(Level.INFO, "message " + i));
        }
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
        assertThat(a.dropped()).isEqualTo(1000);
        assertThat(a.sent()).isZero();
        assertThat(console().lines().toList()).singleElement().asString()
                .startsWith("keepvip: syslog: cannot log to /nonexistent/kvt/dev-log (")
                .contains("No such file or directory");
        a.stop();

        LocalSyslogAppender tooLong = appender("/" + "x".repeat(200), SyslogFacility.DAEMON);
        tooLong.doAppend(event(Level.INFO, "m"));
        assertThat(tooLong.dropped()).isEqualTo(1);
        tooLong.stop();
    }

    @Test
    void reconnectsAfterTheSyslogDaemonComesBack() throws Exception {
        try (SyslogReceiver r = new SyslogReceiver()) {
            LocalSyslogAppender a = appender(r.path.toString(), SyslogFacility.DAEMON);
            a.doAppend(event(Level.INFO, "before"));
            assertThat(r.receive(2000)).endsWith(": before");

            r.unbind(); // rsyslog stops: the connected socket now refuses
            a.doAppend(event(Level.INFO, "lost 1"));
            a.doAppend(event(Level.INFO, "lost 2"));
            assertThat(a.dropped()).isEqualTo(2);

            r.bind(); // rsyslog is back with a new /dev/log; no retry before the interval has passed
            a.doAppend(event(Level.INFO, "lost 3"));
            assertThat(a.dropped()).isEqualTo(3);
            nanos.addAndGet(1_000_000_000L);
            a.doAppend(event(Level.INFO, "after"));
            assertThat(r.receive(2000)).endsWith(": after");
            assertThat(a.dropped()).isEqualTo(3);
            assertThat(console().lines().toList()).hasSize(2);
            assertThat(console().lines().toList().get(1))
                    .isEqualTo("keepvip: syslog: logging to " + r.path + " again (3 messages dropped)");
            a.stop();
        }
    }

    @Test
    void aFullSocketDropsInsteadOfWaiting() throws Exception {
        try (SyslogReceiver r = new SyslogReceiver()) {
            LocalSyslogAppender a = appender(r.path.toString(), SyslogFacility.DAEMON);
            String big = "x".repeat(7000);
            // ~14 MB into a receiver that never reads: an appender that waited for room would never
            // return (the bound is only there to fail instead of hanging; a loaded host needs seconds).
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                for (int i = 0; i < 2000; i++) {
                    a.doAppend(event(Level.INFO, big));
                }
            });
            assertThat(a.dropped()).isPositive();
            assertThat(a.sent() + a.dropped()).isEqualTo(2000);
            assertThat(console().lines().toList()).singleElement().asString().contains("is full, messages dropped");
            a.stop();
        }
    }

    @Test
    void facilitiesParseAsKeepalivedsDashS() {
        assertThat(SyslogFacility.parse("0")).isEqualTo(SyslogFacility.LOCAL0);
        assertThat(SyslogFacility.parse("7")).isEqualTo(SyslogFacility.LOCAL7);
        assertThat(SyslogFacility.parse("LOCAL5")).isEqualTo(SyslogFacility.LOCAL5);
        assertThat(SyslogFacility.parse("daemon")).isEqualTo(SyslogFacility.DAEMON);
        assertThat(SyslogFacility.parse("user")).isEqualTo(SyslogFacility.USER);
        for (String bad : new String[] {"8", "-1", "local8", "kern", "", "3x"}) {
            assertThatThrownBy(() -> SyslogFacility.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
