package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code keepalived -t}, run inside a network namespace of its own that has exactly the
 * interfaces the recorded verdicts assume ({@link #INTERFACES}: veth pairs, no address, no
 * traffic). The namespace is removed by {@link #close()}. Usable only as root with keepalived
 * and iproute2 installed ({@link #available()}).
 */
final class KeepalivedLive implements AutoCloseable {
    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    /** The interfaces of the host the verdicts were recorded on. */
    static final Set<String> INTERFACES = Set.of("lo", "eth0", "eth1", "eth2", "eth3");

    private final String ns;

    private KeepalivedLive(String ns) {
        this.ns = ns;
    }

    /** True when keepalived, ip and root are all here. */
    static boolean available() {
        return Files.isExecutable(KEEPALIVED) && CorpusSupport.isRoot()
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")));
    }

    /** keepalived's version line, e.g. {@code Keepalived v2.2.7 (01/16,2022)}. */
    static String version() throws IOException, InterruptedException {
        return run(List.of(KEEPALIVED.toString(), "--version"), 10).lines().findFirst().orElse("");
    }

    /** A fresh namespace with lo and eth0..eth3 up; the name is unique per process and call. */
    static KeepalivedLive start() throws IOException, InterruptedException {
        String ns = "kvpar-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        KeepalivedLive live = new KeepalivedLive(ns);
        try {
            ip("netns", "add", ns);
            ip("-n", ns, "link", "set", "lo", "up");
            for (int i = 0; i < 4; i++) {
                ip("-n", ns, "link", "add", "eth" + i, "type", "veth", "peer", "name", "kvp" + i);
                ip("-n", ns, "link", "set", "eth" + i, "up");
                ip("-n", ns, "link", "set", "kvp" + i, "up");
            }
        } catch (IOException | RuntimeException e) {
            try {
                live.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return live;
    }

    /** {@code keepalived -t -i CONFIG_ID -f file} in the namespace: its exit code. */
    int configTest(Path file, String configId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, KEEPALIVED.toString(), "-t", "-n", "-l",
                "-i", configId, "-f", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("keepalived -t did not finish on " + file);
            }
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            run(List.of("ip", "netns", "del", ns), 10); // its veths go with it
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not remove network namespace " + ns + ": " + e.getMessage(), e);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd, 10);
    }

    /** Runs a command; its output, or an IOException with it when the exit code is not 0. */
    private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
