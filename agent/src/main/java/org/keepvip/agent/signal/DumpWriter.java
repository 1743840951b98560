package org.keepvip.agent.signal;

import org.keepvip.agent.control.StatusSnapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the SIGUSR1 data dump and the SIGUSR2 stats dump, in the shape of keepalived's
 * {@code /tmp/keepalived.data} and {@code /tmp/keepalived.stats} (human-readable; keepalived
 * does not promise a stable format and neither do we — tools should use
 * {@code keepvip status --json}).
 *
 * <p>The default names are {@code /tmp/keepvip.data} and {@code /tmp/keepvip.stats}, not
 * keepalived's: on a host where both run (during a migration) each keeps its own dump. Files are
 * written to a temporary file in the same directory and renamed over the target, so a reader
 * never sees half a dump and a symlink planted at the target in /tmp is replaced, not followed.
 */
public final class DumpWriter {
    public static final Path DEFAULT_DATA = Path.of("/tmp/keepvip.data");
    public static final Path DEFAULT_STATS = Path.of("/tmp/keepvip.stats");

    private final Path dataFile;
    private final Path statsFile;

    public DumpWriter(Path dataFile, Path statsFile) {
        this.dataFile = dataFile;
        this.statsFile = statsFile;
    }

    /** Writes the data dump; returns its path. */
    public Path writeData(StatusSnapshot s) throws IOException {
        write(dataFile, data(s));
        return dataFile;
    }

    /** Writes the stats dump; returns its path. */
    public Path writeStats(StatusSnapshot s) throws IOException {
        write(statsFile, stats(s));
        return statsFile;
    }

    private static void write(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The data dump text. */
    static String data(StatusSnapshot s) {
        StringBuilder b = new StringBuilder();
        b.append("------< keepvip ").append(s.version()).append(" pid ").append(s.pid()).append(" >------\n");
        b.append(" Generated = ").append(s.generatedAt()).append('\n');
        b.append(" Started = ").append(s.startedAt()).append('\n');
        b.append(" Config file = ").append(s.configFile()).append('\n');
        b.append("\n------< VRRP Topology >------\n");
        for (StatusSnapshot.Instance i : s.instances()) {
            b.append(" VRRP Instance = ").append(i.name()).append('\n');
            b.append("   VRRP Version = ").append(i.vrrpVersion()).append('\n');
            b.append("   State = ").append(i.state()).append('\n');
            b.append("   Interface = ").append(i.interfaceName()).append('\n');
            b.append("   Family = ").append(i.family()).append('\n');
            b.append("   Virtual Router ID = ").append(i.vrid()).append('\n');
            b.append("   Priority = ").append(i.basePriority()).append('\n');
            b.append("   Effective priority = ").append(i.effectivePriority()).append('\n');
            b.append("   Advert interval = ").append(i.advertIntervalMs()).append(" milli-sec\n");
            b.append("   Master router = ").append(i.masterAddress()).append('\n');
            b.append("   Master priority = ").append(i.masterPriority()).append('\n');
            b.append("   Virtual IP (").append(i.vips().size()).append("):\n");
            for (String v : i.vips()) {
                b.append("     ").append(v).append(i.vipsHeld().contains(v) ? " (set)" : "").append('\n');
            }
            if (!i.scripts().isEmpty()) {
                b.append("   Tracked scripts (").append(i.scripts().size()).append("):\n");
                for (StatusSnapshot.Script sc : i.scripts()) {
                    b.append("     ").append(sc.name()).append(" weight ").append(sc.weight()).append(' ')
                            .append(sc.state()).append('\n');
                }
            }
            if (i.redis() != null) {
                b.append("   Redis = ").append(i.redis().endpoint()).append(" role ").append(i.redis().role())
                        .append(" check ").append(i.redis().check());
                if (i.redis().detail() != null) {
                    b.append(" (").append(i.redis().detail()).append(')');
                }
                b.append('\n');
            }
        }
        trackers(b, s, "file", "VRRP Track files", " Track file = ", "   Status = ");
        trackers(b, s, "process", "VRRP Track processes", " VRRP Track process = ", "   Current processes = ");
        return b.toString();
    }

    /** keepalived's "VRRP Track files" and "VRRP Track processes" sections, with the last readings. */
    private static void trackers(StringBuilder b, StatusSnapshot s, String kind, String title, String name,
            String value) {
        List<StatusSnapshot.Tracker> ts = s.trackers().stream().filter(t -> t.kind().equals(kind)).toList();
        if (ts.isEmpty()) {
            return;
        }
        b.append("\n------< ").append(title).append(" >------\n");
        for (StatusSnapshot.Tracker t : ts) {
            b.append(name).append(t.name()).append('\n').append(value).append(t.value()).append('\n');
            if (t.quorum() != null) {
                b.append("   Have quorum = ").append(t.quorum()).append('\n');
            }
        }
    }

    /** The stats dump text. */
    static String stats(StatusSnapshot s) {
        StringBuilder b = new StringBuilder();
        for (StatusSnapshot.Instance i : s.instances()) {
            StatusSnapshot.Stats st = i.stats() == null
                    ? new StatusSnapshot.Stats(0, 0, 0, 0, 0, 0, Map.of()) : i.stats();
            b.append("VRRP Instance: ").append(i.name()).append('\n');
            b.append("  Advertisements:\n");
            b.append("    Received: ").append(st.advertsReceived()).append('\n');
            b.append("    Sent: ").append(st.advertsSent()).append('\n');
            b.append("  Became master: ").append(st.becameMaster()).append('\n');
            b.append("  Released master: ").append(st.releasedMaster()).append('\n');
            b.append("  Packet Errors:\n");
            if (st.drops().isEmpty()) {
                b.append("    None\n");
            }
            for (Map.Entry<String, Long> e : new TreeMap<>(st.drops()).entrySet()) {
                b.append("    ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
            b.append("  Priority Zero:\n");
            b.append("    Received: ").append(st.priorityZeroReceived()).append('\n');
            b.append("    Sent: ").append(st.priorityZeroSent()).append('\n');
        }
        for (StatusSnapshot.Interface i : s.interfaces()) {
            if (!i.drops().isEmpty()) {
                b.append("Interface ").append(i.name()).append(", dropped before any instance:\n");
                new TreeMap<>(i.drops()).forEach((cause, n) -> b.append("    ").append(cause).append(": ").append(n)
                        .append('\n'));
            }
        }
        if (s.notifyFifoLost() > 0) {
            b.append("Notify FIFO events lost: ").append(s.notifyFifoLost()).append('\n');
        }
        return b.toString();
    }
}
