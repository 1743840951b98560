package org.keepvip.agent.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.StatusSnapshot;

class DumpWriterTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kvt-dump");
    }

    @AfterEach
    void tearDown() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static StatusSnapshot snapshot() {
        StatusSnapshot.Instance vi1 = new StatusSnapshot.Instance("VI_1", "MASTER", 51, 2, "inet", "eth0", 100, 90,
                1000, List.of("192.0.2.10/24", "192.0.2.11/24"), List.of("192.0.2.10/24"), "192.0.2.1", 90,
                new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null),
                List.of(new StatusSnapshot.Script("chk", "FAILED", 1, -10)),
                new StatusSnapshot.Stats(5, 7, 1, 0, 2, 0, Map.of("ttl", 4L, "auth", 1L)));
        return new StatusSnapshot("0.1.0", 77, "t0", "t1", "/etc/keepalived/keepalived.conf", List.of(vi1), 2,
                List.of(new StatusSnapshot.Interface("eth0", Map.of("fragment", 3L, "unknown_vrid", 1L)),
                        new StatusSnapshot.Interface("eth1", Map.of())));
    }

    @Test
    void dataDumpDescribesEachInstance() throws Exception {
        DumpWriter w = new DumpWriter(dir.resolve("keepvip.data"), dir.resolve("keepvip.stats"));
        Path p = w.writeData(snapshot());
        String text = Files.readString(p);
        assertThat(text).contains(
                "------< VRRP Topology >------\n VRRP Instance = VI_1\n   VRRP Version = 2\n   State = MASTER\n",
                "   Virtual Router ID = 51\n   Priority = 100\n   Effective priority = 90\n",
                "   Virtual IP (2):\n     192.0.2.10/24 (set)\n     192.0.2.11/24\n",
                "     chk weight -10 FAILED\n",
                "   Redis = 127.0.0.1:6379 role master check ok\n");
        assertThat(Files.getPosixFilePermissions(p)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var s = Files.list(dir)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("keepvip.data");
        }
    }

    @Test
    void dataDumpHasTheTrackFilesAndProcessesAsKeepalivedWritesThem() throws Exception {
        DumpWriter w = new DumpWriter(dir.resolve("keepvip.data"), dir.resolve("keepvip.stats"));
        String text = Files.readString(w.writeData(snapshot().withTrackers(List.of(
                new StatusSnapshot.Tracker("file", "maint", 3, null),
                new StatusSnapshot.Tracker("process", "redis", 2, true)))));
        assertThat(text).contains("\n------< VRRP Track files >------\n Track file = maint\n   Status = 3\n",
                "\n------< VRRP Track processes >------\n VRRP Track process = redis\n   Current processes = 2\n"
                        + "   Have quorum = true\n");
        assertThat(Files.readString(w.writeData(snapshot()))).doesNotContain("Track files", "Track processes");
    }

    @Test
    void statsDumpHasTheCounters() throws Exception {
        DumpWriter w = new DumpWriter(dir.resolve("keepvip.data"), dir.resolve("keepvip.stats"));
        String text = Files.readString(w.writeStats(snapshot()));
        assertThat(text).isEqualTo("VRRP Instance: VI_1\n"
                + "  Advertisements:\n    Received: 5\n    Sent: 7\n"
                + "  Became master: 1\n  Released master: 0\n"
                + "  Packet Errors:\n    auth: 1\n    ttl: 4\n"
                + "  Priority Zero:\n    Received: 2\n    Sent: 0\n"
                + "Interface eth0, dropped before any instance:\n    fragment: 3\n    unknown_vrid: 1\n"
                + "Notify FIFO events lost: 2\n");
    }

    @Test
    void aSymlinkAtTheTargetIsReplacedNotFollowed() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "precious");
        Path target = dir.resolve("keepvip.data");
        Files.createSymbolicLink(target, victim);
        new DumpWriter(target, dir.resolve("s")).writeData(snapshot());
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(Files.readString(target)).contains("VRRP Instance = VI_1");
    }
}
