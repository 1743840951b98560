package org.keepvip.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.cli.KeepvipCommand;
import picocli.CommandLine;

/** {@code keepvip status} and {@code keepvip reload} against a real control socket. */
class StatusCliTest {
    private Path dir;
    private Path sock;
    private ControlServer server;
    private volatile ControlResponse reloadAnswer = ControlResponse.ok("reloaded");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kvt-cli");
        sock = dir.resolve("k.sock");
        server = ControlServer.start(sock, new ControlHandler() {
            @Override
            public StatusSnapshot status() {
                return Snapshots.sample();
            }

            @Override
            public ControlResponse reload() {
                return reloadAnswer;
            }

            @Override
            public ControlResponse switchover(String instance, String to) {
                return ControlResponse.error("not supported");
            }
        }, Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        Files.deleteIfExists(sock);
        Files.deleteIfExists(dir);
    }

    private int run(String... args) {
        CommandLine cl = KeepvipCommand.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void statusPrintsATable() {
        assertThat(run("status", "--socket", sock.toString())).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("keepvip 0.1.0, pid 4242, config /etc/keepalived/keepalived.conf");
        assertThat(lines[1]).startsWith("INSTANCE").contains("STATE", "PRIO/EFF", "VRID", "IFACE", "VIPS HELD",
                "MASTER", "REDIS", "DROPS");
        assertThat(lines[2].split("\\s+")).containsExactly("VI_1", "MASTER", "100/110", "51", "eth0",
                "2/2", "192.0.2.10/24,192.0.2.11/24", "192.0.2.1", "master/ok", "4");
        assertThat(lines[3].split("\\s+")).containsExactly("VI_2", "BACKUP", "90/90", "52", "eth1", "0/1",
                "198.51.100.2", "-", "0");
        // Columns line up.
        assertThat(lines[2].indexOf("MASTER")).isEqualTo(lines[1].indexOf("STATE"));
        assertThat(out.toString()).contains("drops VI_1: checksum=1 ttl=3\n", "script VI_1: chk_redis OK (last 0) weight 10\n",
                "drops eth0 (before any instance): fragment=2 unknown_vrid=5\n");
        assertThat(out.toString()).as("an interface without drops has no line").doesNotContain("drops eth1");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void statusJsonIsTheSnapshot() {
        assertThat(run("status", "--json", "--socket", sock.toString())).isZero();
        assertThat(Json.LINE.fromJson(out.toString(), StatusSnapshot.class)).isEqualTo(Snapshots.sample());
        assertThat(out.toString()).contains("\"effectivePriority\": 110");
    }

    @Test
    void notRunningIsExitCode3WithOneLine() {
        Path missing = dir.resolve("none.sock");
        assertThat(run("status", "--socket", missing.toString())).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("keepvip: keepvip is not running (no control socket " + missing + ")\n");
        assertThat(run("reload", "--socket", missing.toString())).isEqualTo(3);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void reloadReportsTheOutcome() {
        assertThat(run("reload", "--socket", sock.toString())).isZero();
        assertThat(out.toString()).isEqualTo("reloaded\n");
        reloadAnswer = ControlResponse.error("(/etc/keepalived/keepalived.conf: Line 7) Unknown keyword 'fo'");
        assertThat(run("reload", "--socket", sock.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "keepvip: reload rejected: (/etc/keepalived/keepalived.conf: Line 7) Unknown keyword 'fo'\n");
    }

    @Test
    void fileAndProcessTrackersAreListed() {
        String table = StatusTable.render(Snapshots.sample().withTrackers(List.of(
                new StatusSnapshot.Tracker("file", "maint", -3, null),
                new StatusSnapshot.Tracker("process", "redis", 1, true),
                new StatusSnapshot.Tracker("process", "haproxy", 0, false))));
        assertThat(table).contains("track_file maint: -3\n", "track_process redis: 1 process, quorum met\n",
                "track_process haproxy: 0 processes, quorum not met\n");
        StatusSnapshot back = Json.LINE.fromJson(Json.LINE.toJson(Snapshots.sample().withTrackers(List.of(
                new StatusSnapshot.Tracker("file", "maint", -3, null)))), StatusSnapshot.class);
        assertThat(back.trackers()).containsExactly(new StatusSnapshot.Tracker("file", "maint", -3, null));
    }

    @Test
    void hostTrackersAreListedWithTheirCounters() {
        StatusSnapshot s = Snapshots.sample().withTrackers(List.of(
                StatusSnapshot.Tracker.host("gw", "192.0.2.1", false, 20, 16, 4, 1, -3, 412L),
                StatusSnapshot.Tracker.host("w", "2001:db8::9", null, 0, 0, 0, 0, 0, null)));
        assertThat(StatusTable.render(s)).contains(
                "track_host gw: 192.0.2.1 unreachable, 16 of 20 probes answered, last rtt 0.412 ms, 3 lost in a row\n",
                "track_host w: 2001:db8::9 not probed yet, 0 of 0 probes answered\n");
        String json = Json.LINE.toJson(s);
        assertThat(json).contains("{\"kind\":\"host\",\"name\":\"gw\",\"value\":0,\"address\":\"192.0.2.1\","
                + "\"up\":false,\"probes\":20,\"answered\":16,\"lost\":4,\"late\":1,\"lostInARow\":3,"
                + "\"rttMicros\":412}");
        assertThat(json).as("absent values are left out").doesNotContain("\"up\":null");
    }

    @Test
    void emptyStatusSaysSo() {
        String table = StatusTable.render(new StatusSnapshot("0.1.0", 1, null, null, null, null, 3));
        assertThat(table).isEqualTo("keepvip 0.1.0, pid 1\nno VRRP instances\n");
    }
}
