package org.keepvip.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The INFO fields keepvip decides on, parsed leniently: unknown fields and sections are ignored, a
 * missing or malformed number reads as -1 (or 0 for counts), so a newer or older Redis never breaks
 * the check.
 *
 * @param redisVersion               {@code redis_version}
 * @param runId                      {@code run_id}: changes on every restart
 * @param uptimeSeconds              {@code uptime_in_seconds}
 * @param loading                    {@code loading:1} (or {@code async_loading:1})
 * @param rdbLastBgsaveStatus        {@code rdb_last_bgsave_status} ("ok", "err")
 * @param aofLastWriteStatus         {@code aof_last_write_status} ("ok", "err")
 * @param role                       master or replica
 * @param masterHost                 a replica's {@code master_host}, else null
 * @param masterPort                 a replica's {@code master_port}, else -1
 * @param masterLinkUp               a replica's {@code master_link_status:up}
 * @param masterLinkDownSinceSeconds seconds the link has been down; -1 if up, or if it never came up
 * @param masterLastIoSecondsAgo     a replica's {@code master_last_io_seconds_ago}, else -1
 * @param syncInProgress             a replica's {@code master_sync_in_progress:1}
 * @param masterReplOffset           {@code master_repl_offset}
 * @param slaveReplOffset            a replica's {@code slave_repl_offset}, else -1
 * @param masterReplid               {@code master_replid}: the current replication history
 * @param masterReplid2              {@code master_replid2}: the history before the last promotion
 * @param secondReplOffset           {@code second_repl_offset}: replid2 valid up to here, else -1
 * @param keys                       total keys over all databases (INFO keyspace)
 * @param replicas                   a master's connected replicas ({@code slaveN:} lines)
 */
public record RedisInfo(String redisVersion, String runId, long uptimeSeconds, boolean loading,
                        String rdbLastBgsaveStatus, String aofLastWriteStatus, Role role,
                        String masterHost, int masterPort, boolean masterLinkUp,
                        long masterLinkDownSinceSeconds, long masterLastIoSecondsAgo,
                        boolean syncInProgress, long masterReplOffset, long slaveReplOffset,
                        String masterReplid, String masterReplid2, long secondReplOffset, long keys,
                        List<ConnectedReplica> replicas) {

    /** Replication role from INFO / ROLE. */
    public enum Role { MASTER, REPLICA, UNKNOWN }

    /** The all-zero replication id Redis uses for "none". */
    public static final String NO_REPLID = "0000000000000000000000000000000000000000";

    /** One {@code slaveN:ip=…,port=…,state=…,offset=…,lag=…} line of a master. */
    public record ConnectedReplica(String ip, int port, String state, long offset, long lagSeconds) {
    }

    public RedisInfo {
        replicas = List.copyOf(replicas);
    }

    /** Parses the text of {@code INFO} (any sections; CRLF or LF). */
    public static RedisInfo parse(String text) {
        Map<String, String> f = new HashMap<>();
        long keys = 0;
        List<ConnectedReplica> replicas = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1);
            if (key.startsWith("db") && isDigits(key.substring(2))) {
                keys += Math.max(0, num(subfields(value).get("keys")));
            } else if (key.startsWith("slave") && isDigits(key.substring(5))) {
                Map<String, String> s = subfields(value);
                replicas.add(new ConnectedReplica(s.getOrDefault("ip", ""), (int) num(s.get("port")),
                        s.getOrDefault("state", ""), num(s.get("offset")), num(s.get("lag"))));
            } else {
                f.put(key, value);
            }
        }
        String roleText = f.getOrDefault("role", "");
        Role role = switch (roleText) {
            case "master" -> Role.MASTER;
            case "slave", "replica" -> Role.REPLICA;
            default -> Role.UNKNOWN;
        };
        boolean replica = role == Role.REPLICA;
        boolean linkUp = replica && "up".equals(f.get("master_link_status"));
        return new RedisInfo(
                f.getOrDefault("redis_version", ""),
                f.getOrDefault("run_id", ""),
                num(f.get("uptime_in_seconds")),
                "1".equals(f.get("loading")) || "1".equals(f.get("async_loading")),
                f.getOrDefault("rdb_last_bgsave_status", "ok"),
                f.getOrDefault("aof_last_write_status", "ok"),
                role,
                replica ? f.get("master_host") : null,
                replica ? (int) num(f.get("master_port")) : -1,
                linkUp,
                replica && !linkUp ? num(f.get("master_link_down_since_seconds")) : -1,
                replica ? num(f.get("master_last_io_seconds_ago")) : -1,
                replica && "1".equals(f.get("master_sync_in_progress")),
                num(f.get("master_repl_offset")),
                replica ? num(f.get("slave_repl_offset")) : -1,
                f.getOrDefault("master_replid", ""),
                f.getOrDefault("master_replid2", NO_REPLID),
                num(f.get("second_repl_offset")),
                keys,
                replicas);
    }

    /**
     * The replication offset of the data this node holds. On a replica {@code master_repl_offset}
     * tracks what it has applied; {@code slave_repl_offset} is not used because a replica that never
     * synced reports 1 there.
     */
    public long dataOffset() {
        return masterReplOffset;
    }

    /** True when the node has keys or a replication history worth protecting. */
    public boolean holdsData() {
        return keys > 0 || Math.max(0, dataOffset()) > 0;
    }

    /** For a master: bytes the slowest connected replica is behind; 0 with no replicas. */
    public long maxReplicaLagBytes() {
        long lag = 0;
        for (ConnectedReplica r : replicas) {
            lag = Math.max(lag, masterReplOffset - r.offset());
        }
        return lag;
    }

    /**
     * Bytes this replica is behind {@code master}'s offset (as last seen), or -1 when that cannot be
     * said: this is not a replica, or the two are on different replication histories.
     */
    public long lagBytesBehind(RedisInfo master) {
        if (role != Role.REPLICA || master.role() != Role.MASTER || !master.masterReplid().equals(masterReplid)) {
            return -1;
        }
        return Math.max(0, master.masterReplOffset() - dataOffset());
    }

    /** True when {@code replid} is a real id (not empty, not all zeros). */
    public static boolean isReplid(String replid) {
        return replid != null && !replid.isEmpty() && !NO_REPLID.equals(replid);
    }

    private static Map<String, String> subfields(String value) {
        Map<String, String> m = new HashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long num(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
