package org.keepvip.agent.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.daemon.Daemon;
import org.keepvip.agent.log.LocalSyslogAppender;
import org.keepvip.agent.log.SyslogFacility;
import org.keepvip.agent.signal.DumpWriter;
import org.keepvip.vrrp.config.Diagnostic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keepvip run}: the daemon, in the foreground (systemd Type=notify or simple). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the VRRP daemon in the foreground until SIGTERM.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM/SIGINT", "1:could not start (interface, permission, socket)",
                "4:fatal configuration problem", "5:configuration errors"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    String file = "/etc/keepvip/keepalived.conf";

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "Identifier for @ID conditional lines.")
    String configId;

    @Option(names = {"-D", "--log-detail"}, description = "Detailed log messages (debug level).")
    boolean detail;

    @Option(names = {"-l", "--log-console"},
            description = "Log to the console (stderr) as well as syslog; without syslog the console is always on.")
    boolean console;

    @Option(names = {"-S", "--log-facility"}, paramLabel = "FACILITY", converter = FacilityConverter.class,
            description = "Log to syslog with FACILITY: 0-7 (LOCAL0-7), local0-local7, user or daemon.")
    SyslogFacility facility;

    @Option(names = "--log-syslog", description = "Log to syslog (facility daemon unless -S).")
    boolean syslog;

    @Option(names = {"-G", "--no-syslog"}, description = "No syslog, even with -S or --log-syslog (as keepalived).")
    boolean noSyslog;

    @Option(names = "--syslog-socket", paramLabel = "PATH",
            description = "Syslog socket, AF_UNIX datagram (default: ${DEFAULT-VALUE}).")
    String syslogSocket = LocalSyslogAppender.DEFAULT_SOCKET;

    @Option(names = "--syslog-ident", paramLabel = "NAME",
            description = "Syslog ident, the program name in each record (default: ${DEFAULT-VALUE}).")
    String syslogIdent = LocalSyslogAppender.DEFAULT_IDENT;

    @Option(names = {"-n", "--dont-fork"}, description = "Stay in the foreground (always: keepvip never forks).")
    boolean dontFork;

    @Option(names = {"-g", "--log-file"}, paramLabel = "FILE",
            description = "Also log to FILE (appended). Under systemd the console goes to the journal.")
    Path logFile;

    @Option(names = "--pid", paramLabel = "FILE", description = "Write the process id to FILE.")
    Path pidFile;

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlCall.DEFAULT_SOCKET;

    @Option(names = "--dump-dir", paramLabel = "DIR", description = "Where SIGUSR1/SIGUSR2 dumps go (default: /tmp).")
    Path dumpDir = Path.of("/tmp");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (detail) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        LogSetup.apply(logPlan());
        CheckResult check = ConfigChecker.forHost().check(file, configId, true);
        for (Diagnostic d : check.diagnostics()) {
            spec.commandLine().getErr().println(d.format());
        }
        if (check.blocksStart()) {
            spec.commandLine().getErr().println("keepvip: not starting: the configuration has errors (see above)");
            // 4 or 5 even when a script security violation makes check-config say 6: systemd's
            // RestartPreventExitStatus must see a configuration error.
            return check.exitCode() == CheckResult.FATAL ? ExitCodes.CONFIG_FATAL : ExitCodes.CONFIG_ERRORS;
        }
        Daemon.Options options = new Daemon.Options(file, configId, socket, Optional.ofNullable(pidFile),
                new DumpWriter(dumpDir.resolve("keepvip.data"), dumpDir.resolve("keepvip.stats")), 255);
        Daemon daemon;
        try {
            daemon = Daemon.start(check.config(), options, VersionProvider.version());
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("keepvip: cannot start: " + e.getMessage());
            return 1;
        }
        return daemon.awaitExit();
    }

    /** The log destinations the options ask for (see {@link LogSetup.Plan}). */
    LogSetup.Plan logPlan() {
        Optional<LogSetup.Syslog> sys = (syslog || facility != null) && !noSyslog
                ? Optional.of(new LogSetup.Syslog(facility == null ? SyslogFacility.DAEMON : facility,
                        syslogIdent, syslogSocket))
                : Optional.empty();
        return new LogSetup.Plan(console || sys.isEmpty(), Optional.ofNullable(logFile), sys);
    }

    static final class FacilityConverter implements CommandLine.ITypeConverter<SyslogFacility> {
        @Override
        public SyslogFacility convert(String value) {
            try {
                return SyslogFacility.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
