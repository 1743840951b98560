package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.keepvip.agent.config.CheckResult;
import org.keepvip.agent.config.ConfigChecker;
import org.keepvip.agent.config.ConfigJson;
import org.keepvip.vrrp.config.ConfigWriter;
import org.keepvip.vrrp.config.Diagnostic;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code keepvip check-config}: keepalived -t for keepvip. Its picocli model is built in code
 * ({@link Specs}: a short command).
 */
public final class CheckConfigCommand implements Callable<Integer> {
    static final String NAME = "check-config";
    static final String DEFAULT_FILE = "/etc/keepvip/keepalived.conf";

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
    private final ConfigChecker checker;

    public CheckConfigCommand() {
        this(null);
    }

    /** With a given checker (tests); null means the real host. */
    public CheckConfigCommand(ConfigChecker checker) {
        this.checker = checker;
        spec.name(NAME);
        spec.usageMessage()
                .description("Check a keepalived.conf (with keepvip's redis_instance blocks) and report problems as"
                        + " FILE:LINE: error|warning: message. Prints nothing when the configuration is valid.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes());
        // -f and its former name --file (kept for scripts, not shown) set one value; the last given wins.
        Specs.Slot file = new Specs.Slot();
        spec.addOption(OptionSpec.builder("-f", "--use-file").type(Path.class).paramLabel("FILE")
                .setter(file).getter(file).initialValue(Path.of(DEFAULT_FILE))
                .description("Configuration file (default: ${DEFAULT-VALUE}).").build());
        spec.addOption(OptionSpec.builder("--file").type(Path.class).paramLabel("FILE").hidden(true)
                .setter(file).getter(file).hasInitialValue(false).description("Former name of -f.").build());
        spec.addOption(Specs.option(String.class, "ID",
                "Config-id for @ID lines (default: the host name up to its first '.').", "-i", "--config-id"));
        spec.addOption(Specs.flag("Print the effective configuration (includes, definitions and defaults applied).",
                "--dump"));
        spec.addOption(Specs.flag("Print the model and the diagnostics as JSON.", "--json"));
        spec.addOption(Specs.flag("Also check that every named interface exists here (as keepalived -t does); off by"
                + " default so that a config can be checked on another host.", "--check-interfaces"));
        spec.addOption(Specs.help());
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "valid (warnings alone included)");
        codes.put("2", "usage error (an unknown option)");
        codes.put("4", "fatal: no file, or not a text file");
        codes.put("5", "configuration errors (with --check-interfaces, a missing interface too)");
        codes.put("6", "script security violation: scripts exist and enable_script_security is not set");
        return codes;
    }

    /** The model, for picocli. */
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() {
        Path file = Specs.value(spec, "-f");
        ConfigChecker c = checker != null ? checker : ConfigChecker.forHost();
        CheckResult r = c.check(file.toString(), Specs.value(spec, "-i"), Specs.isSet(spec, "--check-interfaces"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Specs.isSet(spec, "--json")) {
            out.println(ConfigJson.toJson(r));
        } else {
            for (Diagnostic d : r.diagnostics()) {
                err.println(d.format());
            }
            if (Specs.isSet(spec, "--dump") && r.config() != null) {
                out.print(ConfigWriter.write(r.config()));
            }
        }
        out.flush();
        err.flush();
        return r.exitCode();
    }
}
