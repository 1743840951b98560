package org.keepvip.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/** Starts keepvip and keepalived daemons inside lab nodes and reads their state. */
final class Agents {
    static final Path HOME = Path.of(System.getProperty("keepvip.home", "../.."));
    static final Path JAR = HOME.resolve("agent/target/keepvip-agent.jar");
    /** The source checkout's launcher: the JVM options the packages' /usr/bin/keepvip uses too. */
    static final Path LAUNCHER = HOME.resolve("scripts/keepvip");
    static final Duration START = Duration.ofSeconds(20);

    private Agents() {}

    /** A running keepvip: its process and its control socket. */
    record Keepvip(Node node, LabProcess process, Path socket, Path config) {
        StatusSnapshot status() throws IOException {
            return status(Duration.ofSeconds(3));
        }

        StatusSnapshot status(Duration timeout) throws IOException {
            return new ControlClient(socket, timeout).status();
        }

        StatusSnapshot.Instance instance() throws IOException {
            return status().instances().get(0);
        }

        Optional<String> state() {
            try {
                return Optional.of(instance().state());
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** Starts {@code keepvip run} in {@code node} with {@code config}; waits until its control socket answers. */
    static Keepvip keepvip(Lab lab, Node node, String label, String config, String... extraArgs) {
        Keepvip k = launch(lab, node, label, config, new String[] {"java", "-jar", JAR.toString()}, extraArgs);
        awaitAnswering(k, START);
        return k;
    }

    /** As {@link #keepvip}, with options for the JVM itself (before {@code -jar}). */
    static Keepvip keepvipWithJvmOptions(Lab lab, Node node, String label, String config, java.util.List<String> jvm,
            String... extraArgs) {
        java.util.List<String> launcher = new java.util.ArrayList<>(java.util.List.of("java"));
        launcher.addAll(jvm);
        launcher.addAll(java.util.List.of("-jar", JAR.toString()));
        Keepvip k = launch(lab, node, label, config, launcher.toArray(String[]::new), extraArgs);
        awaitAnswering(k, START);
        return k;
    }

    /**
     * Starts {@code keepvip run} through {@link #LAUNCHER}, so with the JVM options a deployment runs
     * it with, and returns at once (see {@link #awaitAnswering}). {@code KEEPVIP_NO_BUILD=1}: the jar
     * is the one the build just made; the launcher must not rebuild it behind the test's back.
     */
    static Keepvip launchViaScript(Lab lab, Node node, String label, String config, String... extraArgs) {
        return launch(lab, node, label, config,
                new String[] {"env", "KEEPVIP_NO_BUILD=1", LAUNCHER.toString()}, extraArgs);
    }

    private static Keepvip launch(Lab lab, Node node, String label, String config, String[] launcher,
            String[] extraArgs) {
        Path conf = lab.writeFile(label + ".conf", config);
        Path socket = lab.tempDir().resolve(label + ".sock");
        String[] cmd = concat(concat(launcher, new String[] {"run", "-f", conf.toString(), "--socket",
                socket.toString()}), extraArgs);
        return new Keepvip(node, lab.start(node, label, cmd), socket, conf);
    }

    /** Waits until {@code k}'s control socket answers a status request; fails at once if it exits. */
    static void awaitAnswering(Keepvip k, Duration timeout) {
        LabProcess p = k.process();
        Await.until(timeout, p.label() + " control socket answering (log: " + p.log() + ")", () -> {
            if (!p.isAlive()) {
                throw new AssertionError(p.label() + " exited: " + p.output());
            }
            return k.state().isPresent();
        });
    }

    /** Starts Debian's keepalived (VRRP only) in {@code node}, logging to the console (its lab log). */
    static LabProcess keepalived(Lab lab, Node node, String label, String config) {
        Path conf = lab.writeFile(label + ".conf", config);
        Path dir = lab.tempDir();
        return lab.start(node, label, "keepalived", "-n", "-l", "-D", "-f", conf.toString(),
                "-p", dir.resolve(label + ".pid").toString(), "-r", dir.resolve(label + "-vrrp.pid").toString());
    }

    /** True when {@code node} has {@code vip} configured. */
    static boolean holds(Lab lab, Node node, String vip) {
        return lab.hasAddress(node, vip);
    }

    /** Waits until exactly {@code holder} (of {@code nodes}; of itself when none are named) holds {@code vip}. */
    static void awaitHolder(Lab lab, String vip, Node holder, Duration timeout, Node... nodes) {
        Node[] among = nodes.length == 0 ? new Node[] {holder} : nodes; // none named: not a vacuous wait
        Await.until(timeout, vip + " held by " + holder.name() + " only", () -> Arrays.stream(among)
                .allMatch(n -> holds(lab, n, vip) == n.equals(holder)));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
