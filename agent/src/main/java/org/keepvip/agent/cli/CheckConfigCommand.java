package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.config.ConfigJson;
import org.keepvip.vrrp.config.ConfigWriter;
import org.keepvip.vrrp.config.Diagnostic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keepvip check-config}: keepalived -t for keepvip. */
@Command(
        name = "check-config",
        mixinStandardHelpOptions = true,
        description = "Check a keepalived.conf (with keepvip's redis_instance blocks) and report problems as"
                + " FILE:LINE: error|warning: message. Prints nothing when the configuration is valid.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:valid (warnings alone included)",
            "4:fatal: no file, or not a text file",
            "5:configuration errors (with --check-interfaces, a missing interface too)",
            "6:script security violation: scripts exist and enable_script_security is not set"})
public final class CheckConfigCommand implements Callable<Integer> {
    static final String DEFAULT_FILE = "/etc/keepvip/keepalived.conf";

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Configuration file (default: ${DEFAULT-VALUE}).",
            defaultValue = DEFAULT_FILE)
    String file;

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
        CheckResult r = c.check(file, configId, checkInterfaces);
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
