package org.keepvip.agent.control;

import java.util.List;
import java.util.Map;

/** Sample snapshots for the control tests. */
final class Snapshots {
    private Snapshots() {}

    static StatusSnapshot sample() {
        StatusSnapshot.Instance vi1 = new StatusSnapshot.Instance("VI_1", "MASTER", 51, 3, "inet", "eth0", 100, 110,
                1000, List.of("192.0.2.10/24", "192.0.2.11/24"), List.of("192.0.2.10/24", "192.0.2.11/24"),
                "192.0.2.1", 110,
                new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null, "eligible", null, 2, 1),
                List.of(new StatusSnapshot.Script("chk_redis", "OK", 0, 10)),
                new StatusSnapshot.Stats(12, 3400, 1, 0, 0, 0, Map.of("ttl", 3L, "checksum", 1L, "auth", 0L)));
        StatusSnapshot.Instance vi2 = new StatusSnapshot.Instance("VI_2", "BACKUP", 52, 2, "inet", "eth1", 90, 90,
                1000, List.of("198.51.100.5"), List.of(), "198.51.100.2", 100, null, List.of(),
                new StatusSnapshot.Stats(3400, 0, 0, 0, 0, 0, Map.of()));
        return new StatusSnapshot("0.1.0", 4242, "2026-11-22T04:00:00Z", "2026-11-22T04:05:00Z",
                "/etc/keepalived/keepalived.conf", List.of(vi1, vi2), 0,
                List.of(new StatusSnapshot.Interface("eth0", Map.of("unknown_vrid", 5L, "fragment", 2L)),
                        new StatusSnapshot.Interface("eth1", Map.of())));
    }
}
