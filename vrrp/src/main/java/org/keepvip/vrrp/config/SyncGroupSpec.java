package org.keepvip.vrrp.config;

import java.util.List;

/**
 * {@code vrrp_sync_group NAME { group { I1 I2 } ... }} (keepalived/vrrp/vrrp_parser.c): what the
 * configuration asks for. The running group is {@link org.keepvip.vrrp.state.SyncGroup}.
 *
 * @param name                    the group's name
 * @param members                 member instance names (each exists and is in no other group)
 * @param tracking                trackers applied to every member
 * @param notifyScripts           group notify scripts ({@code notify} gets {@code GROUP NAME STATE 0})
 * @param syncGroupTrackingWeight members keep weighted trackers (else weights are forced to 0)
 * @param notifyPriorityChanges   notify_priority_changes
 * @param origin                  where the block starts
 */
public record SyncGroupSpec(String name, List<String> members, Tracking tracking, NotifyScripts notifyScripts,
                        boolean syncGroupTrackingWeight, boolean notifyPriorityChanges, Origin origin) {
    public SyncGroupSpec {
        members = List.copyOf(members);
    }
}
