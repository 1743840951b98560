package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * Several keepvip on one host, each started with nothing but {@code -f}: {@code net_namespace}
 * moves a daemon started in the root namespace into its lab namespace, {@code instance} names its
 * control socket, so neither refuses to start because the other's socket answers.
 */
class SideBySideE2ETest {
    static final String VIP = "192.0.2.233";
    static final String VIP2 = "192.0.2.234";
    static final Path RUN = Path.of("/run/keepvip");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    /** A daemon started from the test's own (root) namespace: what net_namespace is for. */
    private record Daemon(Process process, Path log) {}

    private static Daemon startInRootNamespace(Lab lab, String label, String config) throws IOException {
        Path conf = lab.writeFile(label + ".conf", config);
        Path log = lab.tempDir().resolve(label + ".log");
        Process p = new ProcessBuilder("java", "-jar", Agents.JAR.toString(), "run", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Daemon(p, log);
    }

    private static String state(Path socket) {
        try {
            return new ControlClient(socket, Duration.ofSeconds(2)).status().instances().get(0).state();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Test
    void twoDaemonsInTwoNamespacesStartedFromTheRootNamespaceWithOnlyTheirFiles() throws Exception {
        List<Daemon> daemons = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            dirs.add(RUN.resolve(a.namespace()));
            dirs.add(RUN.resolve(b.namespace()));
            Daemon da = startInRootNamespace(lab, "kva", "net_namespace " + a.namespace() + "\n"
                    + Configs.v2Multicast(63, 150, VIP, false));
            daemons.add(da);
            Daemon db = startInRootNamespace(lab, "kvb", "net_namespace " + b.namespace() + "\n"
                    + Configs.v2Multicast(63, 100, VIP, false));
            daemons.add(db);
            Path sa = RUN.resolve(a.namespace()).resolve("keepvip.sock");
            Path sb = RUN.resolve(b.namespace()).resolve("keepvip.sock");
            // Each JVM starts twice (the second time inside its namespace): give them time on a busy host.
            Await.until(Agents.START.multipliedBy(3), "both answering on their namespace's socket (logs " + da.log() + ", "
                    + db.log() + ")", () -> {
                        assertThat(da.process().isAlive()).as(Agents.read(da.log())).isTrue();
                        assertThat(db.process().isAlive()).as(Agents.read(db.log())).isTrue();
                        return !state(sa).isEmpty() && !state(sb).isEmpty();
                    });
            Agents.awaitHolder(lab, VIP, a, Duration.ofSeconds(8), a, b);
            assertThat(state(sb)).isEqualTo("BACKUP");
            // Logged before the socket opens, but written by the log's writer thread: awaited.
            Await.until(LabProcess.LOG_LAG, "'Running in network namespace' in " + da.log(),
                    () -> Agents.read(da.log()).contains("Running in network namespace " + a.namespace()));
            assertThat(Agents.read(da.log())).contains("Running in network namespace " + a.namespace());
            assertThat(da.process().pid()).as("re-executed in place: same pid").isPositive();

            da.process().destroy(); // SIGTERM
            assertThat(da.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(da.process().exitValue()).isZero();
            Agents.awaitHolder(lab, VIP, b, Duration.ofSeconds(5), a, b);
        } catch (AssertionError e) {
            for (Daemon d : daemons) {
                e.addSuppressed(new AssertionError(d.log() + ":\n" + Agents.read(d.log())));
            }
            throw e;
        } finally {
            for (Daemon d : daemons) {
                d.process().destroyForcibly();
                d.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            for (Path d : dirs) {
                if (Files.isDirectory(d)) {
                    try (var s = Files.list(d)) {
                        for (Path f : s.toList()) {
                            Files.deleteIfExists(f);
                        }
                    }
                    Files.deleteIfExists(d);
                }
            }
        }
    }

    @Test
    void twoDaemonsInOneNamespaceWithDifferentInstanceNames() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            String one = lab.prefix() + "one";
            String two = lab.prefix() + "two";
            Path s1 = RUN.resolve("keepvip_" + one + ".sock");
            Path s2 = RUN.resolve("keepvip_" + two + ".sock");
            var k1 = lab.start(a, "kv1", "java", "-jar", Agents.JAR.toString(), "run", "-f",
                    lab.writeFile("kv1.conf", "instance " + one + "\n" + Configs.v2Multicast(64, 150, VIP, false))
                            .toString());
            var k2 = lab.start(a, "kv2", "java", "-jar", Agents.JAR.toString(), "run", "-f",
                    lab.writeFile("kv2.conf", "instance " + two + "\n" + Configs.v2Multicast(65, 150, VIP2, false))
                            .toString());
            Await.until(Agents.START, "both answering on their own sockets", () -> {
                assertThat(k1.isAlive()).as(k1.output()).isTrue();
                assertThat(k2.isAlive()).as(k2.output()).isTrue();
                return !state(s1).isEmpty() && !state(s2).isEmpty();
            });
            Await.until(Duration.ofSeconds(8), "each holding its VIP",
                    () -> Agents.holds(lab, a, VIP) && Agents.holds(lab, a, VIP2));
            // The name is the running process's: a reload that changes it is refused, as keepalived's.
            Files.writeString(lab.tempDir().resolve("kv1.conf"), "instance " + lab.prefix() + "other\n"
                    + Configs.v2Multicast(64, 150, VIP, false));
            k1.signal("HUP");
            Await.until(Duration.ofSeconds(10), "the renaming reload refused", () -> k1.output()
                    .contains("Cannot change instance name at a reload - please restart keepvip"));
            assertThat(state(s1)).isEqualTo("MASTER");
            k1.signal("TERM");
            assertThat(k1.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(s1).as("the socket is removed at exit").doesNotExist();
            assertThat(state(s2)).isEqualTo("MASTER");
            k2.signal("TERM");
            assertThat(k2.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }
}
