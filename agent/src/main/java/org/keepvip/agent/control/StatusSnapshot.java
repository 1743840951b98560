package org.keepvip.agent.control;

import java.util.List;
import java.util.Map;

/**
 * What the daemon reports to {@code keepvip status}, the dumps and tools: a tree of plain
 * records, filled by the event loop and serialised to JSON as is (field names are the JSON keys,
 * so renaming one is a breaking change for {@code --json} users). Absent values are null.
 *
 * @param version keepvip's version
 * @param pid the daemon's pid
 * @param startedAt start time, ISO-8601
 * @param generatedAt time of this snapshot, ISO-8601
 * @param configFile the configuration file in use
 * @param instances one entry per VRRP instance, in configuration order
 * @param notifyFifoLost events lost on a full notify FIFO
 * @param interfaces one entry per interface with packet IO: what was dropped before any instance
 *        saw it; empty from daemons that predate it
 */
public record StatusSnapshot(String version, long pid, String startedAt, String generatedAt, String configFile,
        List<Instance> instances, long notifyFifoLost, List<Interface> interfaces, List<Tracker> trackers) {

    public StatusSnapshot {
        instances = instances == null ? List.of() : List.copyOf(instances);
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        trackers = trackers == null ? List.of() : List.copyOf(trackers);
    }

    public StatusSnapshot(String version, long pid, String startedAt, String generatedAt, String configFile,
            List<Instance> instances, long notifyFifoLost, List<Interface> interfaces) {
        this(version, pid, startedAt, generatedAt, configFile, instances, notifyFifoLost, interfaces, List.of());
    }

    /** This snapshot with the file, process and host trackers' readings. */
    public StatusSnapshot withTrackers(List<Tracker> t) {
        return new StatusSnapshot(version, pid, startedAt, generatedAt, configFile, instances, notifyFifoLost,
                interfaces, t);
    }

    /**
     * A track_file, vrrp_track_process or vrrp_track_host as the daemon last read it; each tracking
     * instance weighs it. Fields that do not apply to the kind are null (left out of the JSON).
     *
     * @param kind {@code file}, {@code process} or {@code host}
     * @param name the tracker's name
     * @param value the file's integer, the number of matching processes, or a host's probes answered
     *        in a row (0 after a lost one)
     * @param quorum processes: whether the count is within quorum..quorum_max
     * @param address hosts: the address probed
     * @param up hosts: reachable by the rise/fall verdict; null before the first verdict
     * @param probes hosts: probes sent (those that could not be sent included)
     * @param answered hosts: probes answered within their timeout
     * @param lost hosts: probes not answered within their timeout, or not sent
     * @param late hosts: answers after their probe's timeout (not counted as answered)
     * @param lostInARow hosts: probes lost in a row now (0 after an answered one)
     * @param rttMicros hosts: round-trip time of the last answered probe
     */
    public record Tracker(String kind, String name, long value, Boolean quorum, String address, Boolean up,
            Long probes, Long answered, Long lost, Long late, Long lostInARow, Long rttMicros) {
        /** A track_file or vrrp_track_process. */
        public Tracker(String kind, String name, long value, Boolean quorum) {
            this(kind, name, value, quorum, null, null, null, null, null, null, null, null);
        }

        /** A vrrp_track_host with its counters. */
        public static Tracker host(String name, String address, Boolean up, long probes, long answered, long lost,
                long late, int inARow, Long rttMicros) {
            return new Tracker("host", name, Math.max(0, inARow), null, address, up, probes, answered, lost, late,
                    (long) Math.max(0, -inARow), rttMicros);
        }
    }

    public StatusSnapshot(String version, long pid, String startedAt, String generatedAt, String configFile,
            List<Instance> instances, long notifyFifoLost) {
        this(version, pid, startedAt, generatedAt, configFile, instances, notifyFifoLost, List.of());
    }

    /**
     * Packets dropped on an interface before reaching an instance.
     *
     * @param name the interface
     * @param drops by cause: the frame checks ({@code fragment}, {@code ipv4_bad_checksum},
     *        {@code martian_source}, ...), {@code unknown_vrid} (no instance of that VRID and family
     *        here) and {@code loop_overrun} (the event loop was too far behind)
     */
    public record Interface(String name, Map<String, Long> drops) {
        public Interface {
            drops = drops == null ? Map.of() : Map.copyOf(drops);
        }
    }

    /**
     * One VRRP instance.
     *
     * @param name the instance name, e.g. VI_1
     * @param state INIT, BACKUP, MASTER, FAULT or STOP
     * @param vrid the virtual router id
     * @param vrrpVersion 2 or 3
     * @param family inet or inet6
     * @param interfaceName the interface
     * @param basePriority the configured priority
     * @param effectivePriority the priority after tracking adjustments
     * @param advertIntervalMs the advert interval in use
     * @param vips the configured virtual addresses (as configured, e.g. 192.0.2.10/24)
     * @param vipsHeld those currently configured on this host
     * @param masterAddress the current master's address (ours when MASTER), null if unknown
     * @param masterPriority the priority in the master's last advert, 0 if unknown
     * @param redis the Redis hook state, null without Redis hooks
     * @param scripts tracked vrrp_scripts
     * @param stats counters
     */
    public record Instance(String name, String state, int vrid, int vrrpVersion, String family,
            String interfaceName, int basePriority, int effectivePriority, long advertIntervalMs,
            List<String> vips, List<String> vipsHeld, String masterAddress, int masterPriority,
            Redis redis, List<Script> scripts, Stats stats) {
        public Instance {
            vips = vips == null ? List.of() : List.copyOf(vips);
            vipsHeld = vipsHeld == null ? List.of() : List.copyOf(vipsHeld);
            scripts = scripts == null ? List.of() : List.copyOf(scripts);
        }
    }

    /**
     * The Redis side of an instance.
     *
     * @param endpoint host:port checked
     * @param role master, replica, or unknown
     * @param check ok, down, loading, timeout, ...
     * @param detail the last error or a note, null if none
     * @param eligibility H3 (ARCHITECTURE.md), replication lag: "eligible", "not eligible", or "not judged" (no
     *        max_lag_bytes / max_lag_seconds); null from daemons that predate it
     * @param eligibilityReason why, in the log's words
     * @param watchChecks checks run at once because the idle watch connection was lost (redis-server died, or
     *                    Redis closed it), outside the interval
     * @param watchReconnects times the watch connection was re-established
     * @param watchDefinitive watch losses after which nothing listened any more: checks failed at once,
     *                        without waiting for fall
     * @param minReplicas     min_replicas_to_write management, null when not configured
     * @param savedDataset    the last diverged dataset kept before a resync (an RDB file), null if none
     */
    public record Redis(String endpoint, String role, String check, String detail, String eligibility,
            String eligibilityReason, long watchChecks, long watchReconnects, long watchDefinitive,
            MinReplicas minReplicas, String savedDataset) {
        public Redis(String endpoint, String role, String check, String detail, String eligibility,
                String eligibilityReason, long watchChecks, long watchReconnects, long watchDefinitive) {
            this(endpoint, role, check, detail, eligibility, eligibilityReason, watchChecks, watchReconnects,
                    watchDefinitive, null, null);
        }

        public Redis(String endpoint, String role, String check, String detail, String eligibility,
                String eligibilityReason, long watchChecks, long watchReconnects) {
            this(endpoint, role, check, detail, eligibility, eligibilityReason, watchChecks, watchReconnects, 0);
        }

        public Redis(String endpoint, String role, String check, String detail, String eligibility,
                String eligibilityReason) {
            this(endpoint, role, check, detail, eligibility, eligibilityReason, 0, 0, 0);
        }

        public Redis(String endpoint, String role, String check, String detail) {
            this(endpoint, role, check, detail, null, null, 0, 0, 0);
        }
    }

    /**
     * keepvip's management of Redis' min-replicas-to-write on the master it serves.
     *
     * @param state         not master, enforced, pending, relaxed or isolated (the log's words)
     * @param toWrite       the configured min_replicas_to_write
     * @param maxLagSeconds the configured min_replicas_max_lag
     * @param applied       the min-replicas-to-write keepvip has set in Redis now, null when Redis holds the
     *                      operator's own values
     * @param reason        why, in the log's words
     * @param changes       CONFIG SETs made so far (restores included)
     */
    public record MinReplicas(String state, int toWrite, int maxLagSeconds, Integer applied, String reason,
            long changes) {
    }

    /**
     * A tracked vrrp_script.
     *
     * @param name the vrrp_script name
     * @param state OK, FAILED or UNKNOWN (after rise/fall)
     * @param lastResult the last exit code (128+signal, -1 for a timeout), null before the first run
     * @param weight its weight for this instance
     */
    public record Script(String name, String state, Integer lastResult, int weight) {}

    /**
     * Counters, as keepalived's stats dump.
     *
     * @param advertsReceived adverts accepted
     * @param advertsSent adverts sent
     * @param becameMaster transitions to MASTER
     * @param releasedMaster transitions out of MASTER
     * @param priorityZeroReceived priority-0 adverts received
     * @param priorityZeroSent priority-0 adverts sent
     * @param drops received packets dropped, by cause (e.g. "ttl", "checksum", "auth")
     * @param refusedSyn TCP SYNs to VIPs this instance released answered with RST ({@code released_vip_rst})
     * @param refuseRateLimited such SYNs left unanswered because of the rate limit
     */
    public record Stats(long advertsReceived, long advertsSent, long becameMaster, long releasedMaster,
            long priorityZeroReceived, long priorityZeroSent, Map<String, Long> drops, long refusedSyn,
            long refuseRateLimited) {
        public Stats {
            drops = drops == null ? Map.of() : Map.copyOf(drops);
        }

        public Stats(long advertsReceived, long advertsSent, long becameMaster, long releasedMaster,
                long priorityZeroReceived, long priorityZeroSent, Map<String, Long> drops) {
            this(advertsReceived, advertsSent, becameMaster, releasedMaster, priorityZeroReceived, priorityZeroSent,
                    drops, 0, 0);
        }

        public long totalDrops() {
            return drops.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
