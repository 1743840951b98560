package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code track_*} blocks of a {@code vrrp_instance} or {@code vrrp_sync_group} as written,
 * by kind, before {@link CrossChecks} resolves them into a {@link Tracking}.
 */
final class TrackEntries {
    final List<ConfigParser.TrackEntry> interfaces = new ArrayList<>();
    final List<ConfigParser.TrackEntry> scripts = new ArrayList<>();
    final List<ConfigParser.TrackEntry> files = new ArrayList<>();
    final List<ConfigParser.TrackEntry> redis = new ArrayList<>();
    final List<ConfigParser.TrackEntry> processes = new ArrayList<>();
    final List<ConfigParser.TrackEntry> hosts = new ArrayList<>();
}
