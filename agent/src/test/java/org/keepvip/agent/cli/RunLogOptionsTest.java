package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.log.SyslogFacility;
import picocli.CommandLine;

/** Which log destinations {@code keepvip run}'s flags select (parse level: nothing is started). */
class RunLogOptionsTest {

    private static LogSetup.Plan plan(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run.logPlan();
    }

    private static LogSetup.Syslog syslog(SyslogFacility f) {
        return new LogSetup.Syslog(f, "keepvip", "/dev/log");
    }

    @Test
    void noFlagsLogToTheConsoleOnly() {
        assertThat(plan()).isEqualTo(new LogSetup.Plan(true, Optional.empty(), Optional.empty()));
        assertThat(plan("-l", "-D", "-n")).isEqualTo(new LogSetup.Plan(true, Optional.empty(), Optional.empty()));
    }

    @Test
    void dashSSelectsSyslogWithLocalFacilityAndDropsTheConsoleUnlessDashL() {
        assertThat(plan("-S", "3")).isEqualTo(
                new LogSetup.Plan(false, Optional.empty(), Optional.of(syslog(SyslogFacility.LOCAL3))));
        assertThat(plan("--log-facility=local7", "-l")).isEqualTo(
                new LogSetup.Plan(true, Optional.empty(), Optional.of(syslog(SyslogFacility.LOCAL7))));
        assertThat(plan("-S", "daemon").syslog()).contains(syslog(SyslogFacility.DAEMON));
        assertThat(plan("-lS0").syslog()).contains(syslog(SyslogFacility.LOCAL0));
    }

    @Test
    void logSyslogUsesFacilityDaemonAndTheSocketAndIdentOptions() {
        assertThat(plan("--log-syslog")).isEqualTo(
                new LogSetup.Plan(false, Optional.empty(), Optional.of(syslog(SyslogFacility.DAEMON))));
        assertThat(plan("--log-syslog", "--syslog-socket", "/tmp/x.sock", "--syslog-ident", "Keepalived_vrrp").syslog())
                .contains(new LogSetup.Syslog(SyslogFacility.DAEMON, "Keepalived_vrrp", "/tmp/x.sock"));
    }

    @Test
    void noSyslogWinsAsInKeepalivedAndFileIsIndependent() {
        assertThat(plan("-S", "2", "-G", "-g", "/var/log/keepvip.log")).isEqualTo(
                new LogSetup.Plan(true, Optional.of(Path.of("/var/log/keepvip.log")), Optional.empty()));
        assertThat(plan("-S", "2", "-g", "/var/log/keepvip.log")).isEqualTo(new LogSetup.Plan(false,
                Optional.of(Path.of("/var/log/keepvip.log")), Optional.of(syslog(SyslogFacility.LOCAL2))));
    }

    @Test
    void aBadFacilityIsAUsageError() {
        CommandLine cl = KeepvipCommand.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("run", "-S", "9", "-f", "/nonexistent.conf");
        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("syslog facility '9' (expected: 0-7, local0-local7, user or daemon)");
    }
}
