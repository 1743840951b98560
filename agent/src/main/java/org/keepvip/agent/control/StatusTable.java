package org.keepvip.agent.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders a {@link StatusSnapshot} as the table {@code keepvip status} prints. */
public final class StatusTable {
    private static final String[] HEADER = {
        "INSTANCE", "STATE", "PRIO/EFF", "VRID", "IFACE", "VIPS HELD", "MASTER", "REDIS", "DROPS"};

    private StatusTable() {}

    public static String render(StatusSnapshot s) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (StatusSnapshot.Instance i : s.instances()) {
            rows.add(new String[] {
                i.name(),
                i.state(),
                i.basePriority() + "/" + i.effectivePriority(),
                Integer.toString(i.vrid()),
                nz(i.interfaceName()),
                vips(i),
                nz(i.masterAddress()),
                redis(i.redis()),
                i.stats() == null ? "-" : Long.toString(i.stats().totalDrops())});
        }
        StringBuilder out = new StringBuilder();
        out.append("keepvip ").append(nz(s.version())).append(", pid ").append(s.pid());
        if (s.configFile() != null) {
            out.append(", config ").append(s.configFile());
        }
        out.append('\n');
        if (s.instances().isEmpty()) {
            return out.append("no VRRP instances\n").toString();
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(r[c]);
                if (c < r.length - 1) {
                    line.append(" ".repeat(width[c] - r[c].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (StatusSnapshot.Instance i : s.instances()) {
            if (i.stats() != null && i.stats().totalDrops() > 0) {
                StringBuilder d = new StringBuilder("drops ").append(i.name()).append(':');
                for (Map.Entry<String, Long> e : new TreeMap<>(i.stats().drops()).entrySet()) {
                    if (e.getValue() > 0) {
                        d.append(' ').append(e.getKey()).append('=').append(e.getValue());
                    }
                }
                out.append(d).append('\n');
            }
            StatusSnapshot.Redis r = i.redis();
            if (r != null && r.eligibility() != null && !r.eligibility().equals("not judged")) {
                out.append("lag ").append(i.name()).append(": ").append(r.eligibility())
                        .append(r.eligibilityReason() == null ? "" : " (" + r.eligibilityReason() + ")").append('\n');
            }
            if (r != null && r.minReplicas() != null) {
                StatusSnapshot.MinReplicas m = r.minReplicas();
                out.append("min-replicas ").append(i.name()).append(": ").append(m.state())
                        .append(m.applied() == null ? "" : ", min-replicas-to-write " + m.applied() + " set")
                        .append(m.reason() == null ? "" : " (" + m.reason() + ")").append('\n');
            }
            if (r != null && r.savedDataset() != null) {
                out.append("kept dataset ").append(i.name()).append(": ").append(r.savedDataset()).append('\n');
            }
            for (StatusSnapshot.Script sc : i.scripts()) {
                out.append("script ").append(i.name()).append(": ").append(sc.name()).append(' ')
                        .append(sc.state()).append(sc.lastResult() == null ? "" : " (last " + sc.lastResult() + ")")
                        .append(sc.weight() == 0 ? "" : " weight " + sc.weight()).append('\n');
            }
        }
        for (StatusSnapshot.Tracker t : s.trackers()) {
            if (t.kind().equals("host")) {
                out.append("track_host ").append(t.name()).append(": ").append(t.address()).append(' ')
                        .append(t.up() == null ? "not probed yet" : t.up() ? "reachable" : "unreachable")
                        .append(", ").append(t.answered()).append(" of ").append(t.probes()).append(" probes answered")
                        .append(t.rttMicros() == null ? "" : String.format(Locale.ROOT,
                                ", last rtt %.3f ms", t.rttMicros() / 1000.0))
                        .append(t.lostInARow() == null || t.lostInARow() == 0 ? ""
                                : ", " + t.lostInARow() + " lost in a row").append('\n');
                continue;
            }
            out.append("track_").append(t.kind()).append(' ').append(t.name()).append(": ").append(t.value())
                    .append(t.quorum() == null ? "" : t.value() == 1 ? " process" : " processes")
                    .append(t.quorum() == null ? "" : t.quorum() ? ", quorum met" : ", quorum not met").append('\n');
        }
        for (StatusSnapshot.Interface i : s.interfaces()) {
            if (!i.drops().isEmpty()) {
                StringBuilder d = new StringBuilder("drops ").append(i.name()).append(" (before any instance):");
                new TreeMap<>(i.drops()).forEach((k, v) -> d.append(' ').append(k).append('=').append(v));
                out.append(d).append('\n');
            }
        }
        if (s.notifyFifoLost() > 0) {
            out.append("notify FIFO: ").append(s.notifyFifoLost()).append(" events lost\n");
        }
        return out.toString();
    }

    private static String vips(StatusSnapshot.Instance i) {
        String held = i.vipsHeld().size() + "/" + i.vips().size();
        return i.vipsHeld().isEmpty() ? held : held + " " + String.join(",", i.vipsHeld());
    }

    private static String redis(StatusSnapshot.Redis r) {
        return r == null ? "-" : nz(r.role()) + "/" + nz(r.check())
                + ("not eligible".equals(r.eligibility()) ? "/lagging" : "");
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
