package org.keepvip.agent.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.keepvip.netlink.NetNamespace;

/**
 * {@code net_namespace NAME}: the whole daemon runs in the named network namespace, as keepalived
 * does (keepalived/core/namespaces.c: set_namespaces(), called before any socket is opened).
 *
 * <p>Linux keeps the network namespace per thread, and the JVM has started threads before
 * {@code main}, so entering it on one thread would leave the others (and what they open) outside.
 * Instead the main thread enters it and then {@code execv}s the same command line: the new image
 * has that thread only, so the whole JVM starts inside, with the same pid (systemd keeps tracking
 * it). The new process knows it is there because {@code /proc/self/ns/net} is the namespace's
 * file: no marker can make it loop.
 */
final class NetNamespaceEntry {
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    private interface Exec extends Library {
        Exec C = Native.load("c", Exec.class);

        int execv(String path, String[] argv);
    }

    private NetNamespaceEntry() {}

    /** True when this process is in namespace {@code name} already. */
    static boolean inside(String name) throws IOException {
        Path ns = NETNS_DIR.resolve(name);
        if (!Files.exists(ns)) {
            throw new IOException("network namespace '" + name + "' does not exist (" + ns + ")");
        }
        Path self = Path.of("/proc/self/ns/net");
        return Files.getAttribute(ns, "unix:ino").equals(Files.getAttribute(self, "unix:ino"))
                && Files.getAttribute(ns, "unix:dev").equals(Files.getAttribute(self, "unix:dev"));
    }

    /** Enters {@code name} and re-executes this command line there; returns only on failure. */
    static IOException reexecInside(String name) {
        try {
            List<String> argv = commandLine();
            NetNamespace.enterOnCurrentThread(name);
            Exec.C.execv("/proc/self/exe", argv.toArray(String[]::new));
            return new IOException("execv failed: errno " + Native.getLastError());
        } catch (IOException e) {
            return e;
        } catch (RuntimeException | LinkageError e) {
            return new IOException(e.toString(), e);
        }
    }

    /** This process's argv, as the kernel has it (JVM options included). */
    private static List<String> commandLine() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (out.isEmpty()) {
            throw new IOException("cannot read this process's command line");
        }
        return out;
    }
}
