package org.keepvip.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a client command finds the daemon's control socket: the path, or the daemon's names. */
final class SocketOptions {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: /run/keepvip/keepvip.sock, or the one --instance and"
                    + " --net-namespace name).")
    Path socket;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "The daemon whose configuration says instance NAME (its socket is"
                    + " /run/keepvip/keepvip_NAME.sock).")
    String instance;

    @Option(names = "--net-namespace", paramLabel = "NS",
            description = "The daemon whose configuration says net_namespace NS (its socket is"
                    + " /run/keepvip/NS/keepvip.sock).")
    String netNamespace;

    Path path() {
        return socket != null ? socket : DaemonPaths.socket(instance, netNamespace);
    }
}
