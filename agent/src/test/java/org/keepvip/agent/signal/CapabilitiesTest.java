package org.keepvip.agent.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * keepvip needs only CAP_NET_RAW and CAP_NET_ADMIN, not root: a JVM running as {@code nobody}
 * with just those two (ambient) capabilities opens a packet socket and adds an address over
 * rtnetlink, and without them both fail with EPERM. Runs inside a network namespace this test
 * creates (and removes); skipped unless root with {@code ip} and {@code setpriv}.
 */
class CapabilitiesTest {
    private static final String NS = "kvt" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "-cap";
    private static Path work;
    private static boolean nsCreated;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(com.sun.jna.Platform.isLinux());
        assumeTrue(Files.isRegularFile(Path.of("/proc/self/status")));
        assumeTrue(isRoot(), "needs root");
        assumeTrue(which("ip") && which("setpriv"), "needs ip and setpriv");
        assumeTrue(run(List.of("ip", "netns", "add", NS)).exit == 0, "cannot create a network namespace");
        nsCreated = true;
        // A copy of the probe and JNA readable by nobody (the build's own copies may live in /root).
        work = Files.createTempDirectory("kvt-cap");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path classes = work.resolve("classes/org/keepvip/agent/signal");
        Files.createDirectories(classes);
        Path src = Path.of(CapProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/keepvip/agent/signal");
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().startsWith("CapProbe"))::iterator) {
                Files.copy(p, classes.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path jna = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.copy(jna, work.resolve("jna.jar"));
        Path tmp = work.resolve("tmp");
        Files.createDirectories(tmp);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(tmp)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (nsCreated) {
            run(List.of("ip", "netns", "del", NS));
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void netRawAndNetAdminAreEnoughWithoutRoot() throws Exception {
        Result r = probe(List.of("--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin"),
                "192.0.2.77");
        assertThat(r.out).as(r.err).contains("packet=ok", "netlink=ok");
        assertThat(run(List.of("ip", "-n", NS, "-4", "addr", "show", "dev", "lo")).out)
                .contains("inet 192.0.2.77/32");
    }

    @Test
    void withoutTheCapabilitiesBothFailWithEperm() throws Exception {
        Result r = probe(List.of("--inh-caps=-all"), "192.0.2.78");
        assertThat(r.out).as(r.err).contains("packet=errno 1", "netlink=errno 1");
        // The daemon's background threads go to SCHED_BATCH; that needs no capability at all.
        assertThat(r.out).as(r.err).contains("sched=ok");
        assertThat(run(List.of("ip", "-n", NS, "-4", "addr", "show", "dev", "lo")).out)
                .doesNotContain("192.0.2.78");
    }

    @Test
    void eachCapabilityGuardsItsOwnOperation() throws Exception {
        Result onlyRaw = probe(List.of("--inh-caps=+net_raw", "--ambient-caps=+net_raw"), "192.0.2.79");
        assertThat(onlyRaw.out).as(onlyRaw.err).contains("packet=ok", "netlink=errno 1");
        Result onlyAdmin = probe(List.of("--inh-caps=+net_admin", "--ambient-caps=+net_admin"), "192.0.2.80");
        assertThat(onlyAdmin.out).as(onlyAdmin.err).contains("packet=errno 1", "netlink=ok");
    }

    private static Result probe(List<String> caps, String address) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS,
                "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        cmd.addAll(caps);
        cmd.addAll(List.of("--", java, "-Xshare:auto", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx64m",
                "-Djna.tmpdir=" + work.resolve("tmp"), "-Djava.io.tmpdir=" + work.resolve("tmp"),
                "-cp", work.resolve("classes") + ":" + work.resolve("jna.jar"),
                CapProbe.class.getName(), address, "1"));
        Result r = run(cmd);
        assertThat(r.exit).as("probe exit; stderr: " + r.err).isZero();
        return r;
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kvt-cap-out", ".txt");
        Path err = Files.createTempFile("kvt-cap-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean which(String tool) throws Exception {
        return run(List.of("sh", "-c", "command -v " + tool)).exit == 0;
    }

    private static boolean isRoot() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }
}
