package org.keepvip.agent.cli;

import org.keepvip.agent.control.Json;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.control.StatusTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code keepvip status}: asks the running daemon over its control socket. */
@Command(name = "status",
        description = "Show the state of each VRRP instance of the running daemon.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the daemon answered",
            "1:the daemon did not answer properly (timeout, permission, protocol error)",
            "2:usage error (an unknown option or a bad value)",
            "3:the daemon is not running (as systemctl status)"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--json", description = "Print the full status as JSON, for tools.")
    boolean json;

    @picocli.CommandLine.Mixin
    SocketOptions sockets = new SocketOptions();

    @Option(names = "--timeout", paramLabel = "MS", description = "Answer timeout in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs = 5000;

    @Override
    public Integer call() {
        return ControlCall.run(spec, sockets.path(), Duration.ofMillis(timeoutMs), client -> {
            StatusSnapshot s = client.status();
            spec.commandLine().getOut().print(json ? Json.PRETTY.toJson(s) + "\n" : StatusTable.render(s));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        });
    }
}
