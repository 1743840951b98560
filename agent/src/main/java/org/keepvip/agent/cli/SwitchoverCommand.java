package org.keepvip.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.StatusSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keepvip switchover}: run on the MASTER's host, hands the master role (Redis first, then the
 * VIP) to the replica with zero acknowledged writes lost, or changes nothing.
 */
@Command(name = "switchover",
        description = "Planned hand-over of a MASTER instance to its replica with zero acknowledged writes lost:"
                + " pause writes, wait for the replica's offset, promote it, move the VIP, demote this Redis."
                + " Needs nopreempt on the instance. Run it on the current MASTER's host.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the switchover is done",
            "1:refused or failed; the message says whether anything changed",
            "2:usage error (an unknown option or a bad value)",
            "3:the daemon is not running"})
public final class SwitchoverCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HelpOption help;

    @Parameters(arity = "0..1", paramLabel = "INSTANCE",
            description = "The vrrp_instance (default: the only one in MASTER state here).")
    String instance;

    @Option(names = "--to", paramLabel = "ADDRESS",
            description = "The replica's host address (default: the instance's only unicast peer).")
    String to;

    @Option(names = "--timeout", paramLabel = "MS",
            description = "How long the replica may take to catch up while writes are paused (default: ${DEFAULT-VALUE}).")
    long timeoutMs = 2000;

    @picocli.CommandLine.Mixin
    SocketOptions sockets = new SocketOptions();

    @Override
    public Integer call() {
        if (timeoutMs <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout must be > 0");
        }
        // The daemon may wait for the replica, then for the peer to take the VIP (down timers).
        return ControlCall.run(spec, sockets.path(), Duration.ofMillis(timeoutMs + 30_000), client -> {
            String name = instance != null ? instance : masterInstance(client);
            if (name == null) {
                spec.commandLine().getErr().println("keepvip: no instance is MASTER here; run this on the master's host"
                        + " or name the instance");
                return ExitCodes.FAILED;
            }
            ControlResponse r = client.switchover(name, (to == null ? "" : to) + "@" + timeoutMs);
            if (!r.ok()) {
                spec.commandLine().getErr().println("keepvip: " + r.error());
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println(r.message() == null ? "switchover done" : r.message());
            return ExitCodes.OK;
        });
    }

    private static String masterInstance(ControlClient client) throws IOException {
        StatusSnapshot s = client.status();
        var masters = s.instances().stream().filter(i -> "MASTER".equals(i.state())).toList();
        return masters.size() == 1 ? masters.get(0).name() : null;
    }
}
