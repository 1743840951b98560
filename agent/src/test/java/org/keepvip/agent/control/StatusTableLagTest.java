package org.keepvip.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * H3 and H2 in {@code keepvip status}: the eligibility verdict and its reason, min-replicas management
 * and the kept dataset, in the table and in JSON.
 */
class StatusTableLagTest {

    private static StatusSnapshot with(StatusSnapshot.Redis redis) {
        StatusSnapshot.Instance vi = new StatusSnapshot.Instance("VI_R", "FAULT", 71, 3, "inet", "eth0", 100, 100,
                1000, List.of("192.0.2.200/24"), List.of(), null, 0, redis, List.of(),
                new StatusSnapshot.Stats(0, 0, 0, 0, 0, 0, Map.of()));
        return new StatusSnapshot("0.1.0", 1, null, null, null, List.of(vi), 0);
    }

    @Test
    void aLaggingReplicaShowsWhy() {
        String reason = "replica is 103113 bytes behind the master's offset 103113 (limit 20000)";
        String table = StatusTable.render(with(new StatusSnapshot.Redis("127.0.0.1:6379", "replica", "ok", null,
                "not eligible", reason)));
        assertThat(table.split("\n")[2].split("\\s+")).contains("replica/ok/lagging");
        assertThat(table).contains("lag VI_R: not eligible (" + reason + ")\n");
    }

    @Test
    void eligibleIsShownAndNotJudgedIsNot() {
        String eligible = StatusTable.render(with(new StatusSnapshot.Redis("127.0.0.1:6379", "replica", "ok", null,
                "eligible", "replica up to date enough (offset 5)")));
        assertThat(eligible.split("\n")[2].split("\\s+")).contains("replica/ok");
        assertThat(eligible).contains("lag VI_R: eligible (replica up to date enough (offset 5))\n");

        String off = StatusTable.render(with(new StatusSnapshot.Redis("127.0.0.1:6379", "replica", "ok", null,
                "not judged", "no max_lag_bytes / max_lag_seconds configured")));
        assertThat(off).doesNotContain("lag VI_R");
        assertThat(StatusTable.render(with(new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null))))
                .doesNotContain("lag VI_R").contains("master/ok");
    }

    @Test
    void jsonCarriesTheVerdict() {
        StatusSnapshot s = with(new StatusSnapshot.Redis("127.0.0.1:6379", "replica", "ok", null, "not eligible",
                "full sync from the master is still in progress"));
        String json = Json.LINE.toJson(s);
        assertThat(json).contains("\"eligibility\":\"not eligible\"",
                "\"eligibilityReason\":\"full sync from the master is still in progress\"");
        assertThat(Json.LINE.fromJson(json, StatusSnapshot.class)).isEqualTo(s);
    }

    @Test
    void minReplicasAndTheKeptDatasetAreShownAndRoundTrip() {
        var m = new StatusSnapshot.MinReplicas("isolated", 1, 10, 1, "0 of 1 replica(s) within 10 s", 3);
        StatusSnapshot s = with(new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null, "not judged", null,
                0, 0, 0, m, "/var/lib/redis/keepvip-diverged-x.rdb"));
        String table = StatusTable.render(s);
        assertThat(table).contains("min-replicas VI_R: isolated, min-replicas-to-write 1 set (0 of 1 replica(s) within"
                + " 10 s)\n", "kept dataset VI_R: /var/lib/redis/keepvip-diverged-x.rdb\n");
        String json = Json.LINE.toJson(s);
        assertThat(json).contains("\"minReplicas\":{\"state\":\"isolated\"", "\"savedDataset\":");
        assertThat(Json.LINE.fromJson(json, StatusSnapshot.class)).isEqualTo(s);
        assertThat(StatusTable.render(with(new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null))))
                .doesNotContain("min-replicas", "kept dataset");
    }
}
