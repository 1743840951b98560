package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * keepalived's command-line habits (keepalived/core/main.c, parse_cmdline): run's daemon options
 * with their meanings, the refused ones with their one line, --help on every command, the version
 * only at the top, keepvip -t and --signum. Parse level: no daemon is started.
 */
class KeepalivedOptionsTest {

    /** One execution of the real command line: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {}

    /** As Main runs it: only the subcommand the arguments name is built. */
    static Run execute(String... args) {
        CommandLine cl = KeepvipCommand.newCommandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static RunCommand parseRun(String... args) {
        CommandLine cl = KeepvipCommand.newCommandLine();
        CommandLine.ParseResult r = cl.parseArgs(args);
        return (RunCommand) r.subcommand().commandSpec().userObject();
    }

    private static CommandLine.Model.CommandSpec runSpec() {
        return KeepvipCommand.newCommandLine().getSubcommands().get("run").getCommandSpec();
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check-config", "status", "reload", "switchover"})
    void everyCommandHasHelp(String command) {
        for (String flag : List.of("--help", "-h")) {
            Run r = execute(command, flag);
            assertThat(r.exit()).as("%s %s: %s", command, flag, r.err()).isZero();
            assertThat(r.out()).startsWith("Usage: keepvip " + command);
            assertThat(r.err()).isEmpty();
        }
        Run viaHelp = execute("help", command);
        assertThat(viaHelp.exit()).isZero();
        assertThat(viaHelp.out()).startsWith("Usage: keepvip " + command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check-config", "status", "reload", "switchover"})
    void theVersionIsOnlyKeepvipsOwnOption(String command) {
        Run r = execute(command, "--version");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("keepvip --version");
        for (String flag : List.of("--version", "-v")) {
            Run top = execute(flag);
            assertThat(top.exit()).isZero();
            assertThat(top.out()).startsWith("keepvip ");
        }
    }

    @Test
    void theSubcommandTableMatchesTheModels() {
        assertThat(KeepvipCommand.newCommandLine().getSubcommands().keySet())
                .containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("help"),
                        KeepvipCommand.SUBCOMMANDS.stream()).toList());
        for (String name : KeepvipCommand.SUBCOMMANDS) {
            Object model = KeepvipCommand.model(name);
            String declared = model instanceof Class<?> c ? c.getAnnotation(CommandLine.Command.class).name()
                    : ((CommandLine.Model.CommandSpec) model).name();
            assertThat(declared).isEqualTo(name);
        }
        // The short commands' models are built in code: no annotation is read on their way.
        for (String name : List.of("check-config", "status")) {
            assertThat(KeepvipCommand.model(name)).isInstanceOf(CommandLine.Model.CommandSpec.class);
        }
    }

    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"status", "--json"})).containsExactly("status");
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"-t", "-f", "x.conf"})).containsExactly("check-config");
        // No command named, or named where picocli must explain the mistake: every one.
        int every = KeepvipCommand.SUBCOMMANDS.size() + 1; // and help
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"--help"})).hasSize(every);
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"help", "status"})).hasSize(every);
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"-f", "x.conf", "run"})).hasSize(every);
        assertThat(KeepvipCommand.subcommandsFor(new String[] {"-t", "run"})).hasSize(every);
        assertThat(KeepvipCommand.newCommandLine(new String[] {"reload"}).getSubcommands()).containsOnlyKeys("reload");
        assertThat(KeepvipCommand.newCommandLine(new String[] {"--help"}).getSubcommands().keySet())
                .startsWith("help", "run", "check-config", "status");
        // Misplaced root options are still refused with the command's name.
        Run misplaced = execute("-f", "x.conf", "run");
        assertThat(misplaced.exit()).isEqualTo(2);
        assertThat(misplaced.err()).contains("-f must follow the command: keepvip run -f ...");
    }

    @Test
    void dashVIsDontReleaseVrrpNotTheVersion() {
        Run r = execute("run", "-V", "--help");
        assertThat(r.out()).startsWith("Usage: keepvip run");
        assertThat(parseRun("run", "-V").daemonOptions().releaseAtStop()).isFalse();
        assertThat(parseRun("run", "--dont-release-vrrp").daemonOptions().releaseAtStop()).isFalse();
        assertThat(parseRun("run").daemonOptions().releaseAtStop()).isTrue();
        Run elsewhere = execute("check-config", "-V");
        assertThat(elsewhere.exit()).isEqualTo(2);
        assertThat(elsewhere.err()).startsWith(
                "keepvip check-config: Unknown option: '-V'; -V (--dont-release-vrrp) is an option of keepvip run\n");
        Run top = execute("-V");
        assertThat(top.err()).startsWith("keepvip: Unknown option: '-V'; -V (--dont-release-vrrp) is an option of keepvip run");
    }

    @Test
    void keepalivedDaemonArgsCarryOver() {
        // A Debian /etc/default/keepalived DAEMON_ARGS with every honoured or harmless option.
        RunCommand run = parseRun("run", "-D", "-D", "-S", "0", "-l", "-n", "-P", "-B", "-X", "-I", "-R",
                "--flush-log-file", "-d", "-V", "--use-file", "/etc/keepalived/keepalived.conf", "-i", "node1",
                "-p", "/run/keepalived.pid", "-r", "/run/vrrp.pid", "--ignore-sigint");
        assertThat(run.detail).isTrue();
        assertThat(run.dumpConf).isTrue();
        assertThat(run.configId).isEqualTo("node1");
        assertThat(run.logPlan().console()).isTrue();
        var options = run.daemonOptions();
        assertThat(options.configFile()).isEqualTo("/etc/keepalived/keepalived.conf");
        assertThat(options.pidFiles()).containsExactly(Path.of("/run/keepalived.pid"), Path.of("/run/vrrp.pid"));
        assertThat(options.ignoreSigint()).isTrue();
        assertThat(options.releaseAtStop()).isFalse();
        // Clustered, as getopt allows.
        assertThat(parseRun("run", "-DlnV").dontRelease).isTrue();
    }

    @Test
    void samePidFileForBothIsWrittenOnce() {
        assertThat(parseRun("run", "-p", "/run/k.pid", "-r", "/run/k.pid").daemonOptions().pidFiles())
                .containsExactly(Path.of("/run/k.pid"));
        assertThat(parseRun("run").daemonOptions().pidFiles()).isEmpty();
    }

    @Test
    void logFileArgumentIsOptionalAsInKeepalived() {
        assertThat(parseRun("run", "-g").logFile).isEqualTo(Path.of(RunCommand.DEFAULT_LOG_FILE));
        assertThat(parseRun("run", "-g", "-D").logFile).isEqualTo(Path.of(RunCommand.DEFAULT_LOG_FILE));
        assertThat(parseRun("run", "--log-file=/var/log/k.log").logFile).isEqualTo(Path.of("/var/log/k.log"));
        assertThat(parseRun("run", "-g", "/var/log/k.log").logFile).isEqualTo(Path.of("/var/log/k.log"));
    }

    @Test
    void everyRefusedOptionIsOneLineWithTheReason() {
        List<OptionSpec> refused = runSpec().options().stream().filter(Refused::isRefused).toList();
        assertThat(refused).hasSizeGreaterThanOrEqualTo(15);
        for (OptionSpec o : refused) {
            for (String name : o.names()) {
                // Options that take a value get one: the refusal must come before picocli asks for it.
                Run r = execute("run", name, "x");
                assertThat(r.exit()).as(name).isEqualTo(2);
                assertThat(r.out()).as(name).isEmpty();
                assertThat(r.err()).as(name).isEqualTo("keepvip run: keepalived's " + String.join(", ", o.names())
                        + ": " + Refused.reason(o) + "\n");
                assertThat(Refused.reason(o)).as(name).isNotBlank().doesNotEndWith(".");
            }
        }
    }

    @Test
    void refusalsNameTheKeepvipWay() {
        assertThat(execute("run", "-t").err()).contains("keepvip check-config");
        assertThat(execute("run", "--config-test").err()).contains("keepvip check-config");
        assertThat(execute("run", "-C").err()).contains("LVS", "out of scope");
        assertThat(execute("run", "--checkers_pid=/run/checkers.pid").err()).contains("no checker process");
        assertThat(execute("run", "-x").err()).contains("keepvip status --json");
        assertThat(execute("run", "-e").err()).contains("includea");
        assertThat(execute("run", "--signum=RELOAD").err()).contains("keepvip --signum=SIGFUNC");
        // In a cluster the refused letter still wins over the others.
        assertThat(execute("run", "-DC").err()).isEqualTo(execute("run", "-C").err());
    }

    @Test
    void refusedOptionsAreHiddenFromHelpAndCompletionButNotFromTheManPage() {
        String help = execute("run", "--help").out();
        assertThat(help).doesNotContain("--checkers_pid", "--snmp", "--config-test");
        assertThat(help).contains("--dont-release-vrrp", "--dont-fork", "--vrrp_pid");
        String page = ManPage.render(runSpec(), "1.0", "");
        assertThat(page).contains("\\-\\-checkers_pid", "\\-\\-snmp", "KEEPALIVED OPTIONS NOT TAKEN",
                "KEEPALIVED OPTIONS WITHOUT EFFECT");
        String bash = picocli.AutoComplete.bash("keepvip", KeepvipCommand.newCommandLine());
        assertThat(bash).contains("--dont-release-vrrp").doesNotContain("--checkers_pid", "--snmp");
    }

    @Test
    void useFileIsTheConfigurationOptionEverywhere() {
        CommandLine cl = KeepvipCommand.newCommandLine();
        for (CommandLine.Model.CommandSpec s : List.of(cl.getCommandSpec(),
                cl.getSubcommands().get("run").getCommandSpec(), cl.getSubcommands().get("check-config").getCommandSpec())) {
            OptionSpec f = s.findOption("-f");
            assertThat(f).as(s.qualifiedName()).isNotNull();
            assertThat(f.names()).as(s.qualifiedName()).containsExactly("-f", "--use-file");
        }
    }

    @Test
    void checkConfigStillTakesItsFormerFileOption(@TempDir Path dir) {
        Path missing = dir.resolve("missing.conf");
        Run old = execute("check-config", "--file", missing.toString());
        Run now = execute("check-config", "--use-file", missing.toString());
        assertThat(old.exit()).isEqualTo(ExitCodes.CONFIG_FATAL);
        assertThat(old).isEqualTo(now);
        assertThat(execute("check-config", "--help").out()).doesNotContain("--file");
        // -f and --file set one value: the last one given wins, whichever name it has.
        Path other = dir.resolve("other.conf");
        assertThat(execute("check-config", "-f", other.toString(), "--file", missing.toString()).err())
                .startsWith(missing + ":0: error:");
        assertThat(execute("check-config", "--file", missing.toString(), "-f", other.toString()).err())
                .startsWith(other + ":0: error:");
    }

    @Test
    void dashTAtTheTopChecksAsKeepalivedDashT(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                vrrp_instance VI_1 {
                    interface kv-no-such0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        192.0.2.10/32
                    }
                }
                """);
        // keepalived -t checks the interfaces: so does keepvip -t, which is check-config --check-interfaces.
        Run t = execute("-t", "-f", conf.toString());
        assertThat(t.exit()).isEqualTo(ExitCodes.CONFIG_ERRORS); // keepalived -t: 5, its per-name error outranks 4
        assertThat(t.err()).contains("kv-no-such0");
        assertThat(t).isEqualTo(execute("check-config", "--check-interfaces", "-f", conf.toString()));
        assertThat(execute("check-config", "-f", conf.toString())).isEqualTo(new Run(0, "", ""));
        Path missing = dir.resolve("missing.conf");
        Run fatal = execute("--config-test", "--use-file", missing.toString(), "-i", "node1");
        assertThat(fatal.exit()).isEqualTo(ExitCodes.CONFIG_FATAL);
        assertThat(fatal).isEqualTo(execute("check-config", "--check-interfaces", "-f", missing.toString()));
    }

    @Test
    void topLevelOptionsBeforeACommandAreAnErrorNotIgnored() {
        Run r = execute("-f", "/etc/keepvip/keepalived.conf", "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("keepvip: -f must follow the command: keepvip run -f ...\n");
        Run alone = execute("-f", "/etc/keepvip/keepalived.conf");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("keepvip run -f FILE", "keepvip -t -f FILE");
        Run none = execute();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).startsWith("keepvip: Missing command");
    }

    @Test
    void signumPrintsTheSignalNumbersKeepvipHandles() {
        assertThat(execute("--signum=RELOAD")).isEqualTo(new Run(0, "1\n", ""));
        assertThat(execute("--signum", "STOP")).isEqualTo(new Run(0, "15\n", ""));
        assertThat(execute("--signum=DATA").out()).isEqualTo(new sun.misc.Signal("USR1").getNumber() + "\n");
        assertThat(execute("--signum=STATS").out()).isEqualTo(new sun.misc.Signal("USR2").getNumber() + "\n");
        Run json = execute("--signum=JSON");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).isEmpty();
        assertThat(json.err()).startsWith("keepvip: unknown sigfunc JSON");
    }
}
