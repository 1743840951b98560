package org.keepvip.vrrp.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole effective configuration: what keepvip runs, after includes, definitions, defaults
 * and cross-checks. Blocks with fatal problems are left out (as keepalived removes them).
 *
 * @param global      global_defs
 * @param scripts     vrrp_script blocks
 * @param trackFiles  track_file blocks
 * @param redis       redis_instance blocks
 * @param instances   vrrp_instance blocks, in file order
 * @param syncGroups  vrrp_sync_group blocks
 * @param trackProcesses vrrp_track_process blocks that something tracks
 * @param trackHosts  vrrp_track_host blocks that something tracks
 * @param statics     static_ipaddress, static_routes, static_rules: set at start, removed at exit
 * @param host        the top-level keywords about the host: instance, net_namespace, garp_group,
 *                    track_group, linkbeat_*, interface_up_down_delays
 */
public record KeepalivedConfig(GlobalDefs global, List<VrrpScript> scripts, List<TrackFile> trackFiles,
                               List<RedisInstance> redis, List<InstanceSpec> instances, List<SyncGroupSpec> syncGroups,
                               List<TrackProcess> trackProcesses, List<TrackHost> trackHosts, StaticRouting statics,
                               HostSettings host) {
    public KeepalivedConfig {
        trackHosts = List.copyOf(trackHosts);
        statics = statics == null ? StaticRouting.NONE : statics;
        host = host == null ? HostSettings.NONE : host;
        trackProcesses = List.copyOf(trackProcesses);
        scripts = List.copyOf(scripts);
        trackFiles = List.copyOf(trackFiles);
        redis = List.copyOf(redis);
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
    }

    public Optional<InstanceSpec> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Optional<VrrpScript> script(String name) {
        return scripts.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<RedisInstance> redisInstance(String name) {
        return redis.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<TrackFile> trackFile(String name) {
        return trackFiles.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public Optional<TrackHost> trackHost(String name) {
        return trackHosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Optional<TrackProcess> trackProcess(String name) {
        return trackProcesses.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
