package org.keepvip.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.keepvip.agent.control.Json;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.control.StatusTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code keepvip status}: asks the running daemon over its control socket. Its picocli model is
 * built in code ({@link Specs}: a short command).
 */
public final class StatusCommand implements Callable<Integer> {
    static final String NAME = "status";

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    public StatusCommand() {
        spec.name(NAME);
        spec.usageMessage()
                .description("Show the state of each VRRP instance of the running daemon.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes());
        spec.addOption(Specs.help());
        spec.addOption(Specs.flag("Print the full status as JSON, for tools.", "--json"));
        SocketOptions.addTo(spec);
        spec.addOption(OptionSpec.builder("--timeout").type(long.class).paramLabel("MS").initialValue(5000L)
                .description("Answer timeout in ms (default: ${DEFAULT-VALUE}).").build());
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "the daemon answered");
        codes.put("1", "the daemon did not answer properly (timeout, permission, protocol error)");
        codes.put("2", "usage error (an unknown option or a bad value)");
        codes.put("3", "the daemon is not running (as systemctl status)");
        return codes;
    }

    /** The model, for picocli. */
    public CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() {
        boolean json = Specs.isSet(spec, "--json");
        Path socket = SocketOptions.path(spec);
        long timeoutMs = Specs.<Long>value(spec, "--timeout");
        return ControlCall.run(spec, socket, Duration.ofMillis(timeoutMs), client -> {
            StatusSnapshot s = client.status();
            spec.commandLine().getOut().print(json ? Json.PRETTY.toJson(s) + "\n" : StatusTable.render(s));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        });
    }
}
