package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/** Accumulates one {@code vrrp_sync_group}; members are checked in {@link CrossChecks}. */
final class SyncGroupBuilder {
    final ConfigParser p;
    final String name;
    final Origin origin;
    final List<Stmt.Word> members = new ArrayList<>();
    boolean groupSeen;
    final TrackEntries track = new TrackEntries();
    final ScriptCommandSpec[] notify = new ScriptCommandSpec[7];
    boolean trackingWeight;
    boolean notifyPriorityChanges;

    SyncGroupBuilder(ConfigParser p, String name, Origin origin) {
        this.p = p;
        this.name = name;
        this.origin = origin;
    }

    void parse(Stmt block) {
        String ctx = "vrrp_sync_group " + name;
        for (Stmt s : block.block()) {
            String kw = s.keyword();
            if (!Keywords.SYNC_GROUP.contains(kw) || kw.equals("notify_deleted")) {
                String as = p.unknown(s, ctx, Keywords.SYNC_GROUP, Keywords.SYNC_GROUP_UNSUPPORTED);
                if (as != null) {
                    new SyncGroupBuilder(p, name, origin).parse(Stmt.blockOf(s.renamed(as))); // reported, not kept
                }
                continue;
            }
            switch (kw) {
                case "group" -> {
                    groupSeen = true;
                    if (p.needBlock(s)) {
                        members.addAll(s.blockWords());
                    }
                }
                case "track_interface" -> track.interfaces.addAll(p.trackEntries(s, 253));
                case "track_script" -> {
                    for (ConfigParser.TrackEntry e : p.trackEntries(s, 254)) {
                        if (!p.scripts.containsKey(e.name())) {
                            p.diags.error(e.origin(), "(" + name + ") track script " + e.name() + " not found, ignoring..."
                                    + " (a vrrp_script must be defined before the group that tracks it)");
                        } else {
                            track.scripts.add(e);
                        }
                    }
                }
                case "track_file" -> track.files.addAll(p.trackEntries(s, 254));
                case "track_redis" -> track.redis.addAll(p.trackEntries(s, 254));
                case "track_process" -> track.processes.addAll(p.trackProcessEntries(s, name, "vrrp_sync_group"));
                case "track_host" -> track.hosts.addAll(p.trackEntries(s, 254));
                case "sync_group_tracking_weight", "global_tracking" -> {
                    if (p.noBlock(s)) {
                        trackingWeight = true;
                        if (kw.equals("global_tracking")) {
                            // keepalived/vrrp/vrrp_parser.c: vrrp_gglobal_tracking_handler(): an error, yet applied.
                            p.diags.corrected(s.origin, "(" + name + ") global_tracking is deprecated."
                                    + " Use track_interface/script/file on the sync group"
                                    + " (or sync_group_tracking_weight, which it means)");
                        }
                    }
                }
                case "notify_priority_changes" -> {
                    if (p.noBlock(s)) {
                        GlobalBuilder.set(p.args.bool(s), v -> notifyPriorityChanges = v);
                    }
                }
                default -> p.notifyScript(s, notify, ConfigParser.notifySlot(kw));
            }
        }
    }
}
