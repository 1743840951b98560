package org.keepvip.vrrp.config;

import java.util.List;

/** What an instance or sync group tracks; weights already resolved. */
public record Tracking(List<Tracked> interfaces, List<Tracked> scripts, List<Tracked> files, List<Tracked> redis) {
    public static final Tracking NONE = new Tracking(List.of(), List.of(), List.of(), List.of());

    public Tracking {
        interfaces = List.copyOf(interfaces);
        scripts = List.copyOf(scripts);
        files = List.copyOf(files);
        redis = List.copyOf(redis);
    }

    public boolean isEmpty() {
        return interfaces.isEmpty() && scripts.isEmpty() && files.isEmpty() && redis.isEmpty();
    }
}
