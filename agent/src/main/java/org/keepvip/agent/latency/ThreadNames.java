package org.keepvip.agent.latency;

import java.util.List;
import org.keepvip.netlink.NetlinkMonitor;

/**
 * The names of the daemon's threads, in one place: the code that starts a thread names it from here,
 * and {@link TakeoverLatency} finds the background ones by these names (Linux knows a thread by its
 * first 15 characters, {@code /proc/self/task/N/comm}, so a name is matched by prefix).
 */
public final class ThreadNames {
    private ThreadNames() {}

    /** The event loop. */
    public static final String LOOP = "vrrp";
    /** Hook lanes: {@code hooks-1}, {@code hooks-2} shared, {@code hooks-INSTANCE} of their own. */
    public static final String HOOKS_PREFIX = "hooks-";
    /** The control socket's acceptor ({@code control-accept}) and workers ({@code control-N}). */
    public static final String CONTROL_PREFIX = "control-";
    public static final String NEXT_HOP_RESOLVER = "next-hop-resolver";
    public static final String REDIS_LAG_PREFIX = "redis-lag-";
    public static final String REDIS_REDEMOTE = "redis-redemote";
    public static final String REDIS_REPLICAS_PREFIX = "redis-replicas-";
    public static final String TRACK_FILE = "track-file";
    /** Captures reopened and macvlans made again when a link is re-created. */
    public static final String LINK_WORK = "link-work";
    public static final String DECISION_LOG = "decision-log";
    public static final String METRICS_HTTP = "metrics-http";
    /** netlink's monitor thread (named in the netlink module). */
    public static final String NETLINK_MONITOR = NetlinkMonitor.THREAD;
    /** Threads named by others: HotSpot's compilers, Logback's async writers, the JDK's HTTP server. */
    public static final String C1_COMPILER = "C1 CompilerThre";
    public static final String C2_COMPILER = "C2 CompilerThre";
    public static final String LOG_WRITER = "AsyncAppender-W";
    public static final String HTTP_DISPATCHER = "HTTP-Dispatcher";

    /**
     * Threads whose work can wait a few milliseconds, moved to {@code SCHED_BATCH} once they exist:
     * the JIT ("C1 CompilerThread0" and the like, cut to 15 characters by the kernel), Logback's
     * writer behind each log destination, the netlink monitor, the control socket, the next-hop and
     * lag probes, the link work, the metrics exporter (its worker and the JDK HTTP server's dispatcher).
     * SCHED_BATCH, not SCHED_IDLE: these are Java threads, and a safepoint waits for every running
     * one; under CPU load a starved SCHED_IDLE log writer held the whole JVM, the loop included, for
     * up to 0.8 s (an advert gap longer than master_down_interval in AdvertTimingE2ETest). Script
     * threads are not among them: the scripts they start would inherit the policy.
     */
    public static final List<String> BACKGROUND = List.of(C1_COMPILER, C2_COMPILER, LOG_WRITER, NETLINK_MONITOR,
            CONTROL_PREFIX, NEXT_HOP_RESOLVER, REDIS_LAG_PREFIX, REDIS_REDEMOTE, REDIS_REPLICAS_PREFIX, TRACK_FILE,
            LINK_WORK, METRICS_HTTP, HTTP_DISPATCHER, DECISION_LOG);
}
