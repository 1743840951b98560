package org.keepvip.agent.cli;

import org.keepvip.agent.control.ControlResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code keepvip reload}: the SIGHUP reload, with the outcome reported back. */
@Command(name = "reload",
        description = "Make the running daemon re-read its configuration (as SIGHUP); "
                + "an invalid new configuration is rejected and the running one kept.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the new configuration is in use",
            "1:the reload was rejected (the error is printed) or the daemon did not answer",
            "2:usage error (an unknown option or a bad value)",
            "3:the daemon is not running"})
public final class ReloadCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HelpOption help;

    @picocli.CommandLine.Mixin
    SocketOptions sockets = new SocketOptions();

    @Option(names = "--timeout", paramLabel = "MS", description = "Answer timeout in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs = 10000;

    @Override
    public Integer call() {
        return ControlCall.run(spec, sockets.path(), Duration.ofMillis(timeoutMs), client -> {
            ControlResponse r = client.reload();
            if (!r.ok()) {
                spec.commandLine().getErr().println("keepvip: reload rejected: " + r.error());
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println(r.message() == null ? "reloaded" : r.message());
            return ExitCodes.OK;
        });
    }
}
