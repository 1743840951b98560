package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.config.ConfigJson;
import org.keepvip.vrrp.config.ConfigWriter;
import org.keepvip.vrrp.config.Diagnostic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code keepvip check-config}: keepalived -t for keepvip. */
@Command(
        name = "check-config",
        description = "Check a keepalived.conf (with keepvip's redis_instance blocks) and report problems as"
                + " FILE:LINE: error|warning: message. Prints nothing when the configuration is valid.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:valid (warnings alone included)",
            "2:usage error (an unknown option)",
            "4:fatal: no file, or not a text file",
            "5:configuration errors (with --check-interfaces, a missing interface too)",
            "6:script security violation: scripts exist and enable_script_security is not set"})
public final class CheckConfigCommand implements Callable<Integer> {
    static final String DEFAULT_FILE = "/etc/keepvip/keepalived.conf";

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path file = Path.of(DEFAULT_FILE);

    /** The name -f had before it took keepalived's; kept for scripts, not shown. */
    @Option(names = "--file", hidden = true, paramLabel = "FILE", description = "Former name of -f.")
    void formerFileOption(Path f) {
        file = f;
    }

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "Config-id for @ID lines (default: the host name up to its first '.').")
    String configId;

    @Option(names = "--dump", description = "Print the effective configuration (includes, definitions and defaults applied).")
    boolean dump;

    @Option(names = "--json", description = "Print the model and the diagnostics as JSON.")
    boolean json;

    @Option(names = "--check-interfaces",
            description = "Also check that every named interface exists here (as keepalived -t does); off by default"
                    + " so that a config can be checked on another host.")
    boolean checkInterfaces;

    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ConfigChecker checker;

    public CheckConfigCommand() {
        this(null);
    }

    /** With a given checker (tests); null means the real host. */
    public CheckConfigCommand(ConfigChecker checker) {
        this.checker = checker;
    }

    @Override
    public Integer call() {
        ConfigChecker c = checker != null ? checker : ConfigChecker.forHost();
        CheckResult r = c.check(file.toString(), configId, checkInterfaces);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(ConfigJson.toJson(r));
        } else {
            for (Diagnostic d : r.diagnostics()) {
                err.println(d.format());
            }
            if (dump && r.config() != null) {
                out.print(ConfigWriter.write(r.config()));
            }
        }
        out.flush();
        err.flush();
        return r.exitCode();
    }
}
