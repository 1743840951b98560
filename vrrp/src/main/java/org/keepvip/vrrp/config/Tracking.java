package org.keepvip.vrrp.config;

import java.util.List;

/** What an instance or sync group tracks; weights already resolved. */
public record Tracking(List<Tracked> interfaces, List<Tracked> scripts, List<Tracked> files, List<Tracked> redis,
                       List<Tracked> processes, List<Tracked> hosts) {
    public static final Tracking NONE = new Tracking(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    public Tracking {
        interfaces = List.copyOf(interfaces);
        scripts = List.copyOf(scripts);
        files = List.copyOf(files);
        redis = List.copyOf(redis);
        processes = List.copyOf(processes);
        hosts = List.copyOf(hosts);
    }

    /** Without host trackers. */
    public Tracking(List<Tracked> interfaces, List<Tracked> scripts, List<Tracked> files, List<Tracked> redis,
                    List<Tracked> processes) {
        this(interfaces, scripts, files, redis, processes, List.of());
    }

    /** Without process and host trackers. */
    public Tracking(List<Tracked> interfaces, List<Tracked> scripts, List<Tracked> files, List<Tracked> redis) {
        this(interfaces, scripts, files, redis, List.of(), List.of());
    }

    public boolean isEmpty() {
        return interfaces.isEmpty() && scripts.isEmpty() && files.isEmpty() && redis.isEmpty() && processes.isEmpty()
                && hosts.isEmpty();
    }
}
