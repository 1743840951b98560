package org.keepvip.agent.daemon;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.track.FileTrackers;
import org.keepvip.agent.track.HostTrackers;
import org.keepvip.agent.track.ProcessTrackers;
import org.keepvip.vrrp.config.IpLiteral;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.TrackFile;

/**
 * The file, process and host trackers of the running configuration: started with the daemon,
 * replaced or re-published by a reload, read for status and metrics, closed at exit.
 */
final class Trackers implements AutoCloseable {
    private final Consumer<LoopEvent> loop;
    /** Replaced by a reload (on the reloading thread), read by status and scrapes. */
    private volatile FileTrackers files;
    private volatile ProcessTrackers processes;
    private volatile HostTrackers hosts;

    /** Made for {@code config}, not started yet. */
    Trackers(KeepalivedConfig config, Consumer<LoopEvent> loop) {
        this.loop = loop;
        files = new FileTrackers(usedTrackFiles(config), loop);
        processes = processTrackers(config);
        hosts = new HostTrackers(config.trackHosts(), loop);
    }

    void start() {
        files.start(true);
        processes.start();
        hosts.start();
    }

    /**
     * After a reload, off the loop (stopping a watcher waits for its thread) and after the
     * instances took the new configuration, so that the instances it added hear every tracker:
     * changed trackers start over (without init_file, as keepalived on a reload), the others report
     * their last reading again.
     */
    void retrack(KeepalivedConfig before, KeepalivedConfig next) {
        if (!usedTrackFiles(next).equals(usedTrackFiles(before))) {
            FileTrackers old = files;
            files = new FileTrackers(usedTrackFiles(next), loop);
            old.close();
            files.start(false);
        } else {
            files.republish();
        }
        if (!next.trackProcesses().equals(before.trackProcesses())) {
            ProcessTrackers old = processes;
            processes = processTrackers(next);
            old.close();
            processes.start();
        } else {
            processes.republish();
        }
        if (!next.trackHosts().equals(before.trackHosts())) {
            HostTrackers old = hosts;
            hosts = new HostTrackers(next.trackHosts(), loop);
            old.close();
            hosts.start();
        } else {
            hosts.republish();
        }
    }

    private ProcessTrackers processTrackers(KeepalivedConfig config) {
        var buffers = config.global().extras().netlink();
        return new ProcessTrackers(config.trackProcesses(), loop, buffers.processBytes(), buffers.processForce());
    }

    /** The last reading of every file, process and host tracker, in configuration order. */
    List<StatusSnapshot.Tracker> status(KeepalivedConfig config) {
        List<StatusSnapshot.Tracker> out = new ArrayList<>();
        Map<String, Long> values = files.values();
        for (TrackFile f : usedTrackFiles(config)) {
            Long v = values.get(f.name());
            if (v != null) {
                out.add(new StatusSnapshot.Tracker("file", f.name(), v, null));
            }
        }
        Map<String, ProcessTrackers.Status> counts = processes.status();
        for (var p : config.trackProcesses()) {
            ProcessTrackers.Status st = counts.get(p.name());
            if (st != null) {
                out.add(new StatusSnapshot.Tracker("process", p.name(), st.count(), st.quorum()));
            }
        }
        Map<String, HostTrackers.Status> probes = hosts.status();
        for (var h : config.trackHosts()) {
            HostTrackers.Status st = probes.get(h.name());
            if (st != null) {
                out.add(StatusSnapshot.Tracker.host(h.name(), IpLiteral.format(h.address()),
                        st.up(), st.sent(), st.answered(), st.lost(), st.late(), st.inARow(),
                        st.lastRttNanos() < 0 ? null : st.lastRttNanos() / 1000));
            }
        }
        return out;
    }

    /** Each vrrp_track_host's counters, for a metrics scrape (read from the tracker's published copy). */
    List<Readings.Host> hostReadings() {
        HostTrackers h = hosts;
        List<Readings.Host> out = new ArrayList<>();
        if (h == null) {
            return out;
        }
        Map<String, HostTrackers.Status> st = h.status();
        for (var t : h.hosts()) {
            HostTrackers.Status s = st.get(t.name());
            if (s != null) {
                out.add(new Readings.Host(t.name(),
                        IpLiteral.format(t.address()), s.up(), s.sent(), s.answered(),
                        s.lost(), s.late(), s.lastRttNanos()));
            }
        }
        return out;
    }

    /** The track_file blocks an instance or sync group tracks: keepalived forgets the others. */
    static List<TrackFile> usedTrackFiles(KeepalivedConfig config) {
        Set<String> used = new HashSet<>();
        config.instances().forEach(i -> i.tracking().files().forEach(t -> used.add(t.name())));
        config.syncGroups().forEach(g -> g.tracking().files().forEach(t -> used.add(t.name())));
        return config.trackFiles().stream().filter(f -> used.contains(f.name())).toList();
    }

    /** Whichever a reload left; hosts first, files last (the order the daemon closed them in). */
    @Override
    public void close() {
        hosts.close();
        processes.close();
        files.close();
    }
}
