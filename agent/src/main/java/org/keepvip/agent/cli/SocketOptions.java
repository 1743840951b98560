package org.keepvip.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How a client command finds the daemon's control socket: the path, or the daemon's names. A mixin
 * for the annotated commands; {@link #addTo} and {@link #path(CommandSpec)} give the same options
 * to those built in code.
 */
final class SocketOptions {
    private static final String SOCKET = "Control socket (default: /run/keepvip/keepvip.sock, or the one --instance and"
            + " --net-namespace name).";
    private static final String INSTANCE = "The daemon whose configuration says instance NAME (its socket is"
            + " /run/keepvip/keepvip_NAME.sock).";
    private static final String NET_NAMESPACE = "The daemon whose configuration says net_namespace NS (its socket is"
            + " /run/keepvip/NS/keepvip.sock).";

    @Option(names = "--socket", paramLabel = "PATH", description = SOCKET)
    Path socket;

    @Option(names = "--instance", paramLabel = "NAME", description = INSTANCE)
    String instance;

    @Option(names = "--net-namespace", paramLabel = "NS", description = NET_NAMESPACE)
    String netNamespace;

    Path path() {
        return path(socket, instance, netNamespace);
    }

    /** Adds the three options to a command built in code. */
    static void addTo(CommandSpec spec) {
        spec.addOption(Specs.option(Path.class, "PATH", SOCKET, "--socket"));
        spec.addOption(Specs.option(String.class, "NAME", INSTANCE, "--instance"));
        spec.addOption(Specs.option(String.class, "NS", NET_NAMESPACE, "--net-namespace"));
    }

    /** The socket the options of a command built in code name. */
    static Path path(CommandSpec spec) {
        return path(Specs.value(spec, "--socket"), Specs.value(spec, "--instance"), Specs.value(spec, "--net-namespace"));
    }

    private static Path path(Path socket, String instance, String netNamespace) {
        return socket != null ? socket : DaemonPaths.socket(instance, netNamespace);
    }
}
