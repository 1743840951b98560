package org.keepvip.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.DaemonNotRunningException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One exchange with the running daemon for a CLI command: the command says what to ask and how to
 * print the answer; a daemon that is not running or does not answer becomes one line on stderr and
 * the matching exit code, the same for every command.
 */
final class ControlCall {
    /**
     * The daemon's control socket, {@code ControlServer.DEFAULT_PATH} (a test keeps them equal).
     * The commands' option defaults use this copy: naming ControlServer there initialised it, and
     * with it Logback, in every command, check-config included.
     */
    static final Path DEFAULT_SOCKET = Path.of("/run/keepvip/keepvip.sock");

    private ControlCall() {}

    /** What a command does with the client; returns its exit code. */
    @FunctionalInterface
    interface Exchange {
        int run(ControlClient client) throws IOException;
    }

    static int run(CommandSpec spec, Path socket, Duration timeout, Exchange exchange) {
        try {
            return exchange.run(new ControlClient(socket, timeout));
        } catch (DaemonNotRunningException e) {
            spec.commandLine().getErr().println("keepvip: " + e.getMessage());
            return ExitCodes.NOT_RUNNING;
        } catch (IOException e) {
            spec.commandLine().getErr().println("keepvip: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
