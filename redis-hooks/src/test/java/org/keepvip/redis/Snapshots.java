package org.keepvip.redis;

import java.time.Duration;

/** INFO texts for pure tests, in the exact shape Redis 7 prints them (also in the test-jar). */
public final class Snapshots {

    public static final String R1 = "1111111111111111111111111111111111111111";
    public static final String R2 = "2222222222222222222222222222222222222222";
    public static final String R3 = "3333333333333333333333333333333333333333";

    private Snapshots() {
    }

    public static String master(String replid, long offset, long keys, long uptime) {
        return master(replid, offset, keys, uptime, RedisInfo.NO_REPLID, -1);
    }

    public static String master(String replid, long offset, long keys, long uptime, String replid2, long second) {
        return "# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\nuptime_in_seconds:" + uptime + "\r\n"
                + "# Persistence\r\nloading:0\r\nrdb_last_bgsave_status:ok\r\naof_last_write_status:ok\r\n"
                + "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:" + replid + "\r\n"
                + "master_replid2:" + replid2 + "\r\nmaster_repl_offset:" + offset + "\r\nsecond_repl_offset:" + second + "\r\n"
                + keyspace(keys);
    }

    public static String replica(String replid, long offset, long keys, boolean linkUp, long downSince) {
        return "# Server\r\nredis_version:7.0.15\r\nrun_id:def\r\nuptime_in_seconds:1000\r\n"
                + "# Persistence\r\nloading:0\r\nrdb_last_bgsave_status:ok\r\naof_last_write_status:ok\r\n"
                + "# Replication\r\nrole:slave\r\nmaster_host:198.51.100.1\r\nmaster_port:6379\r\n"
                + "master_link_status:" + (linkUp ? "up" : "down") + "\r\nmaster_last_io_seconds_ago:" + (linkUp ? 0 : -1)
                + "\r\nmaster_sync_in_progress:0\r\nslave_read_repl_offset:" + offset + "\r\nslave_repl_offset:" + offset
                + "\r\n" + (linkUp ? "" : "master_link_down_since_seconds:" + downSince + "\r\n")
                + "master_replid:" + replid + "\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n"
                + "master_repl_offset:" + offset + "\r\nsecond_repl_offset:-1\r\n" + keyspace(keys);
    }

    public static String loading(String base) {
        return base.replace("loading:0", "loading:1");
    }

    public static String keyspace(long keys) {
        return "# Keyspace\r\n" + (keys > 0 ? "db0:keys=" + keys + ",expires=0,avg_ttl=0\r\n" : "");
    }

    public static RedisHealth health(String info) {
        RedisInfo i = RedisInfo.parse(info);
        RedisEndpoint ep = RedisEndpoint.of("198.51.100.7", 6379);
        return new RedisHealth(ep, JedisProbe.judge(i, ep), Duration.ofNanos(100_000), i);
    }

    public static RedisHealth down() {
        RedisEndpoint ep = RedisEndpoint.of("198.51.100.9", 6379);
        return RedisHealth.unreachable(ep, new Verdict.Failed("Redis 198.51.100.9:6379 unreachable: Connection refused"));
    }
}
