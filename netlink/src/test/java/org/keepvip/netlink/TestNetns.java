package org.keepvip.netlink;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for root tests: per-run prefixed names, `ip` to build and inspect them (tests
 * only; main code never runs `ip`), and removal of everything made, also on failure.
 */
public final class TestNetns implements AutoCloseable {
    private static final String PREFIX = "kvt" + ProcessHandle.current().pid()
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 16), 36) + "-";
    private final List<String> made = new ArrayList<>();

    /**
     * Skips the calling test unless we run as uid 0 and `ip` exists. {@code -Dkeepvip.test.root=false}
     * skips them anyway.
     */
    public static void assumeRoot() {
        Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty("keepvip.test.root", "true")),
                "root tests disabled by keepvip.test.root=false");
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            uid = -1;
        }
        Assumptions.assumeTrue(uid == 0, "needs root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "needs iproute2's ip");
    }

    /** Creates a namespace named PREFIX+suffix, with lo up, and returns its name. */
    public String create(String suffix) {
        String name = PREFIX + suffix;
        ip("netns", "add", name);
        made.add(name);
        ipIn(name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair {@code dev} / {@code dev}p in {@code ns}, both up. */
    public static void vethUp(String ns, String dev) {
        ipIn(ns, "link", "add", dev, "type", "veth", "peer", "name", dev + "p");
        ipIn(ns, "link", "set", dev + "p", "up");
        ipIn(ns, "link", "set", dev, "up");
    }

    /**
     * Runs {@code task} on {@code inNs} (a {@link NetNamespace#newExecutor}) within {@code seconds},
     * rethrowing what it threw.
     */
    public static <T> T call(ExecutorService inNs, Callable<T> task, long seconds) throws Exception {
        try {
            return inNs.submit(task).get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /** Runs `ip ARGS` and returns stdout; fails the test on a non-zero exit. */
    public static String ip(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs `ip -n NS ARGS`. */
    public static String ipIn(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs any command (e.g. `ip netns exec NS sysctl ...`) and returns stdout. */
    static String run(String... cmd) {
        return run(List.of(cmd));
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (String ns : made) {
            try {
                new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                System.err.println("could not delete namespace " + ns + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        made.clear();
    }
}
