package org.keepvip.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.agent.daemon.Daemon;
import org.keepvip.agent.log.LocalSyslogAppender;
import org.keepvip.agent.log.SyslogFacility;
import org.keepvip.agent.signal.DumpWriter;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigWriter;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.DumpFiles;
import org.keepvip.vrrp.config.MetricsListen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code keepvip run}: the daemon, in the foreground (systemd Type=notify or simple). It takes
 * keepalived's daemon options with keepalived's meanings (keepalived/core/main.c, parse_cmdline),
 * so that a {@code DAEMON_ARGS} line carries over: those that do something, those that are always
 * so here ({@link NoEffect}), and those keepvip cannot honour, each refused with the reason or the
 * keepvip way ({@link Refused}).
 */
@Command(name = "run", sortOptions = false,
        description = {"Run the VRRP daemon in the foreground until SIGTERM.",
            "Takes keepalived's daemon options with keepalived's meanings; those keepvip cannot honour are"
                    + " refused with the reason (see keepvip-run(8))."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM/SIGINT", "1:could not start (interface, permission, socket)",
                "2:usage error (an unknown or refused option)",
                "4:fatal configuration problem", "5:configuration errors"})
public final class RunCommand implements Callable<Integer> {
    /** Where the log file goes with a bare {@code -g} (keepalived: /tmp/keepalived.log). */
    static final String DEFAULT_LOG_FILE = "/tmp/keepvip.log";

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path file = Path.of(CheckConfigCommand.DEFAULT_FILE);

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "Config-id for @ID conditional lines (default: the host name up to its first '.').")
    String configId;

    @Option(names = {"-V", "--dont-release-vrrp"},
            description = "At SIGTERM, leave the VIPs in place and Redis as it is: no priority-0 advert, no fence,"
                    + " no VIP removal (notify STOP still runs). The next start removes them, as keepalived does.")
    boolean dontRelease;

    @Option(names = {"-d", "--dump-conf"},
            description = "Log the effective configuration (includes, definitions and defaults applied) at start.")
    boolean dumpConf;

    @Option(names = {"-D", "--log-detail"}, description = "Detailed log messages (debug level).")
    boolean detail;

    @Option(names = {"-l", "--log-console"},
            description = "Log to the console (stderr) as well as syslog; without syslog the console is always on.")
    boolean console;

    @Option(names = {"-S", "--log-facility"}, paramLabel = "FACILITY", converter = FacilityConverter.class,
            description = "Log to syslog with FACILITY: 0-7 (LOCAL0-7), local0-local7, user or daemon.")
    SyslogFacility facility;

    @Option(names = {"-G", "--no-syslog"}, description = "No syslog, even with -S or --log-syslog.")
    boolean noSyslog;

    @Option(names = {"-g", "--log-file"}, paramLabel = "FILE", arity = "0..1", fallbackValue = DEFAULT_LOG_FILE,
            description = "Also log to FILE, appended (default: " + DEFAULT_LOG_FILE + "). Under systemd the console"
                    + " goes to the journal.")
    Path logFile;

    @Option(names = "--log-syslog", description = "Log to syslog (facility daemon unless -S).")
    boolean syslog;

    @Option(names = "--syslog-socket", paramLabel = "PATH",
            description = "Syslog socket, AF_UNIX datagram (default: ${DEFAULT-VALUE}).")
    String syslogSocket = LocalSyslogAppender.DEFAULT_SOCKET;

    @Option(names = "--syslog-ident", paramLabel = "NAME",
            description = "Syslog ident, the program name in each record (default: ${DEFAULT-VALUE}).")
    String syslogIdent = LocalSyslogAppender.DEFAULT_IDENT;

    @Option(names = {"-p", "--pid"}, paramLabel = "FILE", description = "Write the process id to FILE.")
    Path pidFile;

    @Option(names = {"-r", "--vrrp_pid"}, paramLabel = "FILE",
            description = "keepalived's VRRP-process pid file: keepvip is one process, so FILE gets the same id as -p.")
    Path vrrpPidFile;

    @Option(names = "--ignore-sigint", description = "SIGINT does not stop the daemon (SIGTERM does).")
    boolean ignoreSigint;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: ${DEFAULT-VALUE}; with instance NAME in the configuration"
                    + " /run/keepvip/keepvip_NAME.sock, with net_namespace NS in /run/keepvip/NS/).")
    Path socket = ControlCall.DEFAULT_SOCKET;

    @Option(names = "--control-group", paramLabel = "GROUP",
            description = "Group whose members may read status and events on the control socket, when it exists"
                    + " (default: ${DEFAULT-VALUE}); reload and switchover stay root-only.")
    String controlGroup = "keepvip";

    @Option(names = "--dump-dir", paramLabel = "DIR", description = "Where SIGUSR1/SIGUSR2 dumps go (default: /tmp).")
    Path dumpDir = Path.of("/tmp");

    /** instance and net_namespace of the configuration (or -s): they name the default paths. */
    private String instanceName;
    private String netNamespace;
    /** state_dump_file, stats_dump_file, data_use_instance of the configuration. */
    private DumpFiles dumps = DumpFiles.DEFAULT;

    @Option(names = "--metrics-listen", paramLabel = "ADDR:PORT", converter = MetricsListenConverter.class,
            description = "Serve Prometheus metrics on http://ADDR:PORT/metrics (IPv6: [ADDR]:PORT); overrides"
                    + " metrics_listen in global_defs. Off by default.")
    MetricsListen metricsListen;

    @Mixin
    HelpOption help;

    // keepalived options that are always so in keepvip: accepted, no effect.

    @Option(names = {"-n", "--dont-fork"}, preprocessor = NoEffect.class,
            description = "Stay in the foreground: keepvip never forks.")
    boolean dontFork;

    @Option(names = {"-P", "--vrrp"}, preprocessor = NoEffect.class,
            description = "Run the VRRP subsystem only: keepvip has no other.")
    boolean vrrpOnly;

    @Option(names = {"-B", "--no_bfd"}, preprocessor = NoEffect.class, description = "No BFD: keepvip has none.")
    boolean noBfd;

    @Option(names = {"-X", "--release-vips"}, preprocessor = NoEffect.class,
            description = "Remove the VIPs on leaving MASTER even when they were not added by this run:"
                    + " keepvip always does.")
    boolean releaseVips;

    @Option(names = {"-I", "--dont-release-ipvs"}, preprocessor = NoEffect.class,
            description = "Leave IPVS alone at stop: keepvip never touches IPVS.")
    boolean dontReleaseIpvs;

    @Option(names = {"-R", "--dont-respawn"}, preprocessor = NoEffect.class,
            description = "Do not respawn child processes: keepvip has none (systemd's Restart= decides).")
    boolean dontRespawn;

    @Option(names = "--flush-log-file", preprocessor = NoEffect.class,
            description = "Flush the -g file at each line: keepvip always does.")
    boolean flushLogFile;

    // keepalived options keepvip cannot honour: refused, the description says why or what to use.

    @Option(names = {"-t", "--config-test"}, hidden = true, preprocessor = Refused.class,
            description = "checking a configuration is a command of its own: keepvip check-config --check-interfaces -f FILE"
                    + " (or keepvip -t -f FILE).")
    boolean configTest;

    @Option(names = {"-C", "--check"}, hidden = true, preprocessor = Refused.class,
            description = "LVS health checkers are out of scope: keepvip runs VRRP only.")
    boolean check;

    @Option(names = "--all", hidden = true, preprocessor = Refused.class,
            description = "keepvip has no checker or BFD process to force: it runs VRRP only.")
    boolean all;

    @Option(names = {"-c", "--checkers_pid"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip has no checker process: use -p (and -r) for its pid file.")
    String checkersPid;

    @Option(names = {"-b", "--bfd_pid"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip has no BFD process: use -p (and -r) for its pid file.")
    String bfdPid;

    @Option(names = {"-a", "--address-monitoring"}, hidden = true, preprocessor = Refused.class,
            description = "an LVS-build option; out of scope.")
    boolean addressMonitoring;

    @Option(names = {"-x", "--snmp"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip has no SNMP agent: keepvip status --json gives each instance's state.")
    boolean snmp;

    @Option(names = {"-A", "--snmp-agent-socket"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip has no SNMP agent: keepvip status --json gives each instance's state.")
    String snmpSocket;

    @Option(names = {"-s", "--namespace"}, paramLabel = "NAME",
            description = "Run in network namespace NAME (of ip netns), overriding net_namespace in the configuration.")
    String namespace;

    @Option(names = {"-e", "--all-config"}, hidden = true, preprocessor = Refused.class,
            description = "write includea instead of include in the configuration (includem, includew and includeb"
                    + " choose which missing files are errors).")
    boolean allConfig;

    @Option(names = {"-u", "--umask"}, hidden = true, preprocessor = Refused.class,
            description = "set umask in global_defs, UMask= in a systemd drop-in (systemctl edit keepvip), or umask before"
                    + " starting keepvip.")
    String umask;

    @Option(names = {"-m", "--core-dump"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip is a JVM: core dumps follow systemd's LimitCORE= and the kernel's core_pattern.")
    boolean coreDump;

    @Option(names = {"-M", "--core-dump-pattern"}, hidden = true, preprocessor = Refused.class,
            description = "keepvip is a JVM: core dumps follow systemd's LimitCORE= and the kernel's core_pattern.")
    boolean coreDumpPattern;

    @Option(names = {"-L", "--mem-check-log", "--debug", "--perf", "--no-mem-check"}, hidden = true,
            preprocessor = Refused.class,
            description = "an option of keepalived's debug builds: keepvip has -D and the SIGUSR1/SIGUSR2 dumps.")
    boolean debugBuild;

    @Option(names = "--signum", hidden = true, preprocessor = Refused.class,
            description = "a question for keepvip itself, not for run: keepvip --signum=SIGFUNC.")
    String signum;

    @Option(names = {"-v", "--version"}, hidden = true, preprocessor = Refused.class,
            description = "the version is keepvip's own option: keepvip --version.")
    boolean version;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (detail) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        LogSetup.apply(logPlan());
        Integer entered = enterNamespace();
        if (entered != null) {
            return entered;
        }
        CheckResult check = ConfigChecker.forHost().check(file.toString(), configId, true);
        for (Diagnostic d : check.diagnostics()) {
            spec.commandLine().getErr().println(d.format());
        }
        if (check.blocksStart()) {
            spec.commandLine().getErr().println("keepvip: not starting: the configuration has errors (see above)");
            // 4 or 5 even when a script security violation makes check-config say 6: systemd's
            // RestartPreventExitStatus must see a configuration error.
            return check.exitCode() == CheckResult.FATAL ? ExitCodes.CONFIG_FATAL : ExitCodes.CONFIG_ERRORS;
        }
        if (dumpConf) {
            LoggerFactory.getLogger("keepvip.vrrp").info("Configuration ({}):\n{}", file,
                    ConfigWriter.write(check.config()));
        }
        instanceName = check.config().host().instanceName();
        dumps = check.config().global().extras().dumps();
        Integer umask = check.config().global().extras().umask();
        if (umask != null) {
            // Before the daemon creates its pid files, socket and FIFO: keepalived sets it while parsing.
            ProcessUmask.set(umask);
        }
        if (!spec.commandLine().getParseResult().hasMatchedOption("--socket")) {
            socket = DaemonPaths.socket(instanceName, netNamespace);
        }
        Daemon.Options options = daemonOptions();
        Daemon daemon;
        try {
            daemon = Daemon.start(check.config(), options, VersionProvider.version());
        } catch (IOException e) {
            spec.commandLine().getErr().println("keepvip: cannot start: " + e.getMessage());
            return 1;
        }
        return daemon.awaitExit();
    }

    /**
     * {@code net_namespace} (or {@code -s}): unless this process is in that namespace already, enters it
     * and runs this command line again there ({@link NetNamespaceEntry}); this call then never returns.
     * Returns null to go on, or the exit code when the namespace cannot be entered.
     */
    private Integer enterNamespace() {
        String ns = namespace;
        if (ns == null) {
            // Parsed only: the checks (interfaces, scripts) are made in the namespace, after the exec.
            var early = ConfigParser.parse(file.toAbsolutePath().normalize().toString(),
                    new FileConfigSource(System.getenv()), configId);
            ns = early.config() == null ? null : early.config().host().netNamespace();
        } else if (!validNamespace(ns)) {
            spec.commandLine().getErr().println("keepvip: invalid network namespace name '" + ns + "'");
            return CommandLine.ExitCode.USAGE;
        }
        netNamespace = ns;
        if (ns == null) {
            return null;
        }
        try {
            if (NetNamespaceEntry.inside(ns)) {
                LoggerFactory.getLogger("keepvip.vrrp").info("Running in network namespace {}", ns);
                return null;
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("keepvip: cannot run in network namespace: " + e.getMessage());
            return 1;
        }
        IOException failed = NetNamespaceEntry.reexecInside(ns);
        spec.commandLine().getErr().println("keepvip: cannot enter network namespace " + ns + ": " + failed.getMessage());
        return 1;
    }

    private static boolean validNamespace(String ns) {
        return ns.length() <= 64 && ns.matches("[A-Za-z0-9_][A-Za-z0-9._-]*");
    }

    /** What the daemon is told (see {@link Daemon.Options}). */
    Daemon.Options daemonOptions() {
        List<Path> pidFiles = new ArrayList<>();
        Optional.ofNullable(pidFile).ifPresent(pidFiles::add);
        Optional.ofNullable(vrrpPidFile).filter(p -> !p.equals(pidFile)).ifPresent(pidFiles::add);
        return new Daemon.Options(file.toString(), configId, socket, pidFiles,
                new DumpWriter(DaemonPaths.dumpFile(dumpDir, dumps.stateFile(), ".data", dumps.useInstance(),
                        instanceName, netNamespace), DaemonPaths.dumpFile(dumpDir, dumps.statsFile(), ".stats",
                        dumps.useInstance(), instanceName, netNamespace)), 255,
                !dontRelease, ignoreSigint, controlGroup, metricsListen);
    }

    /** The log destinations the options ask for (see {@link LogSetup.Plan}). */
    LogSetup.Plan logPlan() {
        Optional<LogSetup.Syslog> sys = (syslog || facility != null) && !noSyslog
                ? Optional.of(new LogSetup.Syslog(facility == null ? SyslogFacility.DAEMON : facility,
                        syslogIdent, syslogSocket))
                : Optional.empty();
        return new LogSetup.Plan(console || sys.isEmpty(), Optional.ofNullable(logFile), sys);
    }

    static final class MetricsListenConverter implements CommandLine.ITypeConverter<MetricsListen> {
        @Override
        public MetricsListen convert(String value) {
            MetricsListen m = MetricsListen.parse(value);
            if (m == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not " + MetricsListen.FORM);
            }
            return m;
        }
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
