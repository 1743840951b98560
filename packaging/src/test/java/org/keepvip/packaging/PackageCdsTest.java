package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The class-data sharing (CDS) archive of the short commands, on the unpacked .deb: keepvip-cds
 * (what postinst and the JDK trigger run) makes it, the launcher uses it, and a missing, corrupt
 * or stale archive changes nothing in what check-config and status print or return. The run
 * command never gets it, nor the short commands' options. Never installs anything; the archive goes
 * to a temporary KEEPVIP_CDS_DIR. Skipped without dpkg-deb.
 */
class PackageCdsTest {
    private static final String CLI_CLASS = "org.keepvip.agent.cli.CheckConfigCommand";
    private static Path tmp;
    private static Path root;
    private static Path cds;
    private static Path archive;
    private static Path id;
    /** Output and exit code of each probe command without any archive. */
    private static final Map<String, Tools.Result> WITHOUT = new HashMap<>();
    private static byte[] goodArchive;
    private static String goodId;

    @BeforeAll
    static void unpackAndRecordTheOutputWithoutArchive() throws Exception {
        assumeTrue(Tools.onPath("dpkg-deb"), "dpkg-deb not found: the .deb was not built, skipping its tests");
        Path deb = Tools.packages().resolve("keepvip_" + Tools.packageVersion() + "_all.deb");
        tmp = Files.createTempDirectory("keepvip-cds");
        root = tmp.resolve("root");
        Tools.Result x = Tools.run("dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(x.exit()).as("dpkg-deb -x: %s", x).isZero();
        cds = tmp.resolve("cache");
        archive = cds.resolve("keepvip.jsa");
        id = cds.resolve("keepvip.jsa.id");
        for (List<String> probe : probes()) {
            WITHOUT.put(String.join(" ", probe), launcher(probe, null));
        }
        Tools.Result r = cdsTool();
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).as("keepvip-cds is silent when it works").isEmpty();
        assertThat(Files.readString(id)).contains("libjvm.so", root.resolve("usr/share/keepvip/keepvip.jar").toString());
        goodArchive = Files.readAllBytes(archive);
        goodId = Files.readString(id);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Tools.deleteTree(tmp);
    }

    /** The archive keepvip-cds made, put back before each test. */
    @BeforeEach
    void goodArchive() throws Exception {
        Files.createDirectories(cds);
        Files.write(archive, goodArchive);
        Files.writeString(id, goodId);
    }

    /** check-config (valid, with errors, a missing file), status without a daemon, --version. */
    private static List<List<String>> probes() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "vrrp_instance x {\n  virtual_router_id 300\n}\n");
        return List.of(
                List.of("check-config", "-f", root.resolve("etc/keepvip/keepalived.conf").toString()),
                List.of("check-config", "-f", bad.toString()),
                List.of("check-config", "--json", "-f", bad.toString()),
                List.of("check-config", "-f", tmp.resolve("missing.conf").toString()),
                List.of("status", "--socket", tmp.resolve("none.sock").toString()),
                List.of("--version"));
    }

    private static Tools.Result launcher(List<String> args, String javaOpts) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(root.resolve("usr/bin/keepvip").toString());
        argv.addAll(args);
        Map<String, String> env = new HashMap<>(Map.of(
                "KEEPVIP_JAR", root.resolve("usr/share/keepvip/keepvip.jar").toString(),
                "KEEPVIP_CDS_DIR", cds.toString()));
        if (javaOpts != null) {
            env.put("KEEPVIP_JAVA_OPTS", javaOpts);
        }
        return Tools.run(argv, env);
    }

    private static Tools.Result cdsTool(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(root.resolve("usr/libexec/keepvip/keepvip-cds").toString()));
        argv.addAll(List.of(args));
        return Tools.run(argv, Map.of(
                "KEEPVIP_JAR", root.resolve("usr/share/keepvip/keepvip.jar").toString(),
                "KEEPVIP_CDS_DIR", cds.toString()));
    }

    /** Where check-config's command class came from, per -Xlog:class+load. */
    private static String checkConfigClassSource() throws Exception {
        Path log = tmp.resolve("classes.log");
        Files.deleteIfExists(log);
        Tools.Result r = launcher(List.of("check-config", "-f", root.resolve("etc/keepvip/keepalived.conf").toString()),
                "-Xlog:class+load=info:file=" + log);
        assertThat(r.exit()).as("%s", r).isZero();
        return Files.readAllLines(log).stream().filter(l -> l.contains(" " + CLI_CLASS + " ")).findFirst().orElseThrow();
    }

    private static void assertSameOutputAsWithoutArchive() throws Exception {
        for (List<String> probe : probes()) {
            String key = String.join(" ", probe);
            Tools.Result r = launcher(probe, null);
            assertThat(r).as(key).isEqualTo(WITHOUT.get(key));
        }
    }

    @Test
    void theLauncherUsesTheArchiveAndPrintsTheSame() throws Exception {
        assertThat(checkConfigClassSource()).contains("source: shared objects file");
        assertSameOutputAsWithoutArchive();
        assertThat(WITHOUT.get("--version").out().trim()).isEqualTo("keepvip " + Tools.pomVersion());
    }

    @Test
    void missingArchive() throws Exception {
        Files.delete(archive);
        assertThat(checkConfigClassSource()).doesNotContain("shared objects file");
        assertSameOutputAsWithoutArchive();
    }

    @Test
    void corruptArchives() throws Exception {
        byte[] good = Files.readAllBytes(archive);
        byte[] garbage = new byte[good.length];
        new java.util.Random(1).nextBytes(garbage);
        byte[] headerHit = good.clone();
        for (int i = 16; i < 64; i++) {
            headerHit[i] ^= (byte) 0x5a;
        }
        for (byte[] bad : List.of(new byte[0], java.util.Arrays.copyOf(good, 4096),
                java.util.Arrays.copyOf(good, good.length / 2), garbage, headerHit)) {
            Files.write(archive, bad);
            assertThat(checkConfigClassSource()).as("%d bytes", bad.length).doesNotContain("shared objects file");
            assertSameOutputAsWithoutArchive();
        }
    }

    @Test
    void staleArchiveIsNotUsedAndIfStaleRebuildsIt() throws Exception {
        // As after a JDK update: the archive names another JVM build.
        Files.writeString(id, Files.readString(id).replace("libjvm.so ", "libjvm.so 1"));
        assertThat(checkConfigClassSource()).doesNotContain("shared objects file");
        assertSameOutputAsWithoutArchive();
        // The trigger's run makes it anew; a second one leaves it alone.
        Tools.Result r = cdsTool("--if-stale");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(checkConfigClassSource()).contains("source: shared objects file");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(0));
        assertThat(cdsTool("--if-stale").exit()).isZero();
        assertThat(Files.getLastModifiedTime(archive).toMillis()).isZero();
    }

    @Test
    void runGetsTheArchiveAndTheDaemonsOptionsButNotTheShortCommandsLogging() throws Exception {
        Tools.Result cli = launcher(List.of("check-config", "--help"), "-XX:+PrintCommandLineFlags");
        assertThat(cli.out()).contains("-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1");
        Tools.Result run = launcher(List.of("run", "--help"), "-XX:+PrintCommandLineFlags");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.out()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:MaxHeapSize=134217728",
                "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=" + archive).doesNotContain("slf4j");
    }

    @Test
    void theArchiveHoldsTheDaemonsClasses() throws Exception {
        // The JVM loads the named class before it finds it has no main(): enough to see its source.
        Tools.Result r = Tools.run(List.of("java", "-Xshare:auto", "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info", "-cp", root.resolve("usr/share/keepvip/keepvip.jar").toString(),
                "org.keepvip.agent.loop.EventLoop"), Map.of());
        assertThat(r.out()).as("%s", r).contains("org.keepvip.agent.loop.EventLoop source: shared objects file");
    }

    @Test
    void withoutJavaKeepvipCdsDoesNothingAndSaysSo() throws Exception {
        Files.delete(archive);
        List<String> argv = List.of("/bin/sh", root.resolve("usr/libexec/keepvip/keepvip-cds").toString());
        Tools.Result r = Tools.run(argv, Map.of("PATH", "/nonexistent", "KEEPVIP_CDS_DIR", cds.toString()));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("no java on PATH");
        assertThat(archive).doesNotExist();
    }
}
