package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * track_file and vrrp_track_process in a running keepvip: a real redis-server that dies changes
 * priority at once and faults a weight-0 tracker; values written to a track file move the priority
 * as keepalived's do, side by side with keepalived where it is installed.
 */
class TrackersE2ETest {
    /** A priority change is a single event (no advert timing): allow for a loaded CI host. */
    static final Duration CHANGE = Duration.ofSeconds(3);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    private static StatusSnapshot.Instance instance(Agents.Keepvip k, String name) {
        try {
            return k.status().instances().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDeadRedisServerLowersPriorityAndFaultsWithinMilliseconds() throws Exception {
        LabAssumptions.assumeBinaries("redis-server");
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            // A copy of redis-server under a name no other process on this host has: the kernel's
            // process name (comm) is what vrrp_track_process matches.
            String name = "rs" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
            Path binary = lab.tempDir().resolve(name);
            Files.copy(Path.of(which("redis-server")), binary);
            binary.toFile().setExecutable(true);
            int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
            String conf = """
                    vrrp_track_process redis {
                        process %s
                        weight 50
                    }
                    vrrp_instance VI_1 {
                        interface eth0
                        virtual_router_id 71
                        priority 100
                        advert_int 1
                        track_process {
                            redis
                        }
                        virtual_ipaddress {
                            192.0.2.171/24
                        }
                    }
                    vrrp_instance VI_2 {
                        interface eth0
                        virtual_router_id 72
                        priority 100
                        advert_int 1
                        track_process {
                            redis weight 0
                        }
                        virtual_ipaddress {
                            192.0.2.172/24
                        }
                    }
                    """.formatted(name);
            Agents.Keepvip k = Agents.keepvip(lab, a, "kva", conf);
            Await.until(CHANGE, "no redis: VI_2 in FAULT, VI_1 at its base priority", () ->
                    instance(k, "VI_2").state().equals("FAULT") && instance(k, "VI_1").effectivePriority() == 100);

            LabProcess redis = lab.start(a, "redis", binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
            Await.until(CHANGE, "redis up: VI_1 at 150, VI_2 out of FAULT", () ->
                    instance(k, "VI_1").effectivePriority() == 150 && !instance(k, "VI_2").state().equals("FAULT"));
            assertThat(k.status().trackers()).containsExactly(new StatusSnapshot.Tracker("process", "redis", 1, true));

            ProcessHandle server = ProcessHandle.of(redis.pid()).orElseThrow();
            long killedAt = System.currentTimeMillis();
            server.destroyForcibly(); // SIGKILL from here: no kill(1) to start in the measured time
            Await.until(CHANGE, Duration.ofMillis(20), "redis killed: VI_1 back to 100, VI_2 in FAULT", () ->
                    instance(k, "VI_1").effectivePriority() == 100 && instance(k, "VI_2").state().equals("FAULT"));
            assertThat(k.status().trackers()).containsExactly(new StatusSnapshot.Tracker("process", "redis", 0, false));
            // The state is seen through the socket; the line may still be on its way to the file.
            String log = k.process().awaitOutput("Quorum lost for tracked process redis");
            log.lines().filter(l -> l.contains("Process tracking:")).forEach(System.out::println);
            // The daemon's own time stamp of the loss, against the kill: no status round trip in it.
            String lost = log.lines().filter(l -> l.contains("Quorum lost for tracked process redis")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'Quorum lost' line in " + k.process().log()));
            long lostAt = LocalDateTime.parse(lost.substring(0, 23), STAMP).atZone(ZoneId.systemDefault())
                    .toInstant().toEpochMilli();
            System.out.printf("redis-server killed: quorum lost after %d ms%n", lostAt - killedAt);
            assertThat(lostAt - killedAt).as("the death is seen through process events or a pidfd, not a /proc scan")
                    .isBetween(-1L, 250L);
            assertThat(log).containsPattern("Process tracking: (kernel process events|kernel process events unavailable)");
        }
    }

    @Test
    void trackFileValuesMovePriorityAndFaultAsInKeepalived() throws Exception {
        boolean withKeepalived = hasBinary("keepalived");
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Path kvF = lab.tempDir().resolve("kv-f");
            Path kvG = lab.tempDir().resolve("kv-g");
            Path kaF = lab.tempDir().resolve("ka-f");
            Path kaG = lab.tempDir().resolve("ka-g");
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kva", fileConfig(73, "192.0.2.173", kvF, kvG));
            Path dumpDir = Files.createDirectories(lab.tempDir().resolve("ka-tmp"));
            LabProcess ka = null;
            if (withKeepalived) {
                Path conf = lab.writeFile("kab.conf", fileConfig(74, "192.0.2.174", kaF, kaG));
                ka = lab.start(b, "kab", "env", "TMPDIR=" + dumpDir, "keepalived", "-n", "-l", "-D", "-f",
                        conf.toString(), "-p", lab.tempDir().resolve("kab.pid").toString(), "-r",
                        lab.tempDir().resolve("kab-vrrp.pid").toString());
                // SIGUSR1 kills a keepalived that has not installed its handlers yet.
                LabProcess k = ka;
                Await.until(Duration.ofSeconds(10), "keepalived started",
                        () -> Agents.read(k.log()).contains("(VI_1) Entering"));
            }
            // init_file 2 overwrite: 100 + 2 x 10; g does not exist: 0, no FAULT.
            expect(kv, ka, dumpDir, "init_file 2", 120, false);
            assertThat(Files.readString(kvF)).isEqualTo("2\n");

            write(kvF, kaF, withKeepalived, "-3\n");
            expect(kv, ka, dumpDir, "f = -3", 70, false);
            assertThat(kv.status().trackers()).containsExactly(new StatusSnapshot.Tracker("file", "f", -3, null),
                    new StatusSnapshot.Tracker("file", "g", 0, null));
            write(kvF, kaF, withKeepalived, "-26\n"); // -260: at or below -254
            expect(kv, ka, dumpDir, "f = -26", null, true);
            write(kvF, kaF, withKeepalived, "0x1\n");
            expect(kv, ka, dumpDir, "f = 0x1", 110, false);
            write(kvG, kaG, withKeepalived, "1\n"); // weight 0: non-zero is FAULT
            expect(kv, ka, dumpDir, "g = 1", null, true);
            write(kvG, kaG, withKeepalived, "0\n");
            expect(kv, ka, dumpDir, "g = 0", 110, false);
            Files.delete(kvF);
            if (withKeepalived) {
                Files.delete(kaF);
            }
            expect(kv, ka, dumpDir, "f deleted", 100, false);

            // A reload with another weight: the value read before counts with the new weight, and
            // init_file does not overwrite the file again.
            write(kvF, kaF, withKeepalived, "3\n");
            expect(kv, ka, dumpDir, "f = 3", 130, false);
            Files.writeString(kv.config(), fileConfig(73, "192.0.2.173", kvF, kvG).replace("weight 10", "weight 20"));
            kv.process().signal("HUP");
            if (ka != null) {
                Files.writeString(lab.tempDir().resolve("kab.conf"),
                        fileConfig(74, "192.0.2.174", kaF, kaG).replace("weight 10", "weight 20"));
                ka.signal("HUP");
            }
            expect(kv, ka, dumpDir, "reload with weight 20", 160, false);
            assertThat(Files.readString(kvF)).isEqualTo("3\n");
        }
    }

    private static String fileConfig(int vrid, String vip, Path f, Path g) {
        return """
                track_file f {
                    file "%s"
                    weight 10
                    init_file 2 overwrite
                }
                track_file g {
                    file "%s"
                    weight 0
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 1
                    track_file {
                        f
                        g
                    }
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(f, g, vrid, vip);
    }

    private static void write(Path kv, Path ka, boolean withKeepalived, String value) throws IOException {
        Files.writeString(kv, value);
        if (withKeepalived) {
            Files.writeString(ka, value);
        }
    }

    /**
     * keepvip (status) and keepalived (its SIGUSR1 data dump) reach the same effective priority, or
     * both FAULT ({@code priority} null: not compared, keepalived keeps the last one it had).
     */
    private static void expect(Agents.Keepvip kv, LabProcess ka, Path dumpDir, String step, Integer priority,
            boolean fault) {
        Await.until(CHANGE, "keepvip after " + step + ": " + (fault ? "FAULT" : "priority " + priority), () -> {
            StatusSnapshot.Instance i = instance(kv, "VI_1");
            return i.state().equals("FAULT") == fault && (priority == null || i.effectivePriority() == priority);
        });
        if (ka == null) {
            return;
        }
        LabProcess k = ka;
        try {
            Await.until(Duration.ofSeconds(10), Duration.ofMillis(200), "keepalived after " + step + ": "
                    + (fault ? "FAULT" : "priority " + priority), () -> {
                Optional<String[]> d = dump(k, dumpDir);
                return d.isPresent() && d.get()[0].equals("FAULT") == fault
                        && (priority == null || Integer.parseInt(d.get()[1]) == priority);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; keepalived's log:\n" + ka.output(), e);
        }
    }

    private static final Pattern STATE = Pattern.compile("(?m)^\\s*State = (\\S+)");
    private static final Pattern PRIORITY = Pattern.compile("(?m)^\\s*Effective priority = (\\d+)");

    /** keepalived's VRRP state and effective priority from a fresh data dump. */
    private static Optional<String[]> dump(LabProcess ka, Path dumpDir) {
        Path file = dumpDir.resolve("keepalived.data");
        try {
            Files.deleteIfExists(file);
            ka.signal("USR1");
            String text = Await.value(Duration.ofSeconds(3), Duration.ofMillis(20), "keepalived data dump", () -> {
                String t = Agents.read(file);
                return t.contains("Effective priority") && PRIORITY.matcher(t).find() ? Optional.of(t) : Optional.empty();
            });
            int section = text.indexOf("VRRP Instance = VI_1");
            String s = section >= 0 ? text.substring(section) : text;
            Matcher st = STATE.matcher(s);
            Matcher pr = PRIORITY.matcher(s);
            return st.find() && pr.find() ? Optional.of(new String[] {st.group(1), pr.group(1)}) : Optional.empty();
        } catch (IOException | RuntimeException | AssertionError e) {
            return Optional.empty();
        }
    }

    private static boolean hasBinary(String name) {
        return which(name) != null;
    }

    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
