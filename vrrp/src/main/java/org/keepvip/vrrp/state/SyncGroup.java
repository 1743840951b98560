package org.keepvip.vrrp.state;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A {@code vrrp_sync_group}: instances that change state together (vrrp_sync.c). Pure, like its
 * members. The driver sends every event of a member through {@link #handle(String, Event)} instead
 * of calling the member directly, then drains each member's actions.
 *
 * <p>Rules: a member may become MASTER only when every member wants MASTER (its own down timer
 * expired, or it already is MASTER); a member leaving MASTER pulls the other MASTERs to BACKUP (with
 * a priority-0 advert so the peer group takes over quickly); a member in FAULT puts all others in
 * FAULT until it recovers.
 */
public final class SyncGroup {

    /** What the group tells a member; carried by {@link Event.SyncCommand}. */
    public enum Command { GO_MASTER, GO_BACKUP, FAULT, CLEAR_FAULT }

    private final String name;
    private final Map<String, VrrpInstance> members = new LinkedHashMap<>();

    public SyncGroup(String name, List<VrrpInstance> instances) {
        this.name = Objects.requireNonNull(name, "name");
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("sync group " + name + " has no members");
        }
        for (VrrpInstance i : instances) {
            if (members.putIfAbsent(i.name(), i) != null) {
                throw new IllegalArgumentException("sync group " + name + ": instance " + i.name() + " listed twice");
            }
            i.joinSyncGroup();
        }
    }

    public String name() {
        return name;
    }

    public List<VrrpInstance> members() {
        return List.copyOf(members.values());
    }

    public VrrpInstance member(String instanceName) {
        VrrpInstance i = members.get(instanceName);
        if (i == null) {
            throw new IllegalArgumentException("sync group " + name + " has no instance " + instanceName);
        }
        return i;
    }

    /** Delivers {@code event} to one member, then applies the group rules to all members. */
    public void handle(String instanceName, Event event) {
        VrrpInstance target = member(instanceName);
        Map<VrrpInstance, VrrpState> before = states();
        target.handle(event);
        reconcile(event.now(), before);
    }

    /** The earliest deadline of any member. */
    public OptionalLong nextDeadline() {
        long d = Long.MAX_VALUE;
        for (VrrpInstance i : members.values()) {
            OptionalLong n = i.nextDeadline();
            if (n.isPresent()) {
                d = Math.min(d, n.getAsLong());
            }
        }
        return d == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(d);
    }

    /** The group state as keepalived reports it: FAULT if any, else MASTER if all, else BACKUP. */
    public VrrpState state() {
        Map<VrrpState, Integer> count = new EnumMap<>(VrrpState.class);
        for (VrrpInstance i : members.values()) {
            count.merge(i.state(), 1, Integer::sum);
        }
        if (count.containsKey(VrrpState.FAULT)) {
            return VrrpState.FAULT;
        }
        if (count.getOrDefault(VrrpState.MASTER, 0) == members.size()) {
            return VrrpState.MASTER;
        }
        return count.containsKey(VrrpState.BACKUP) ? VrrpState.BACKUP : count.keySet().iterator().next();
    }

    private Map<VrrpInstance, VrrpState> states() {
        Map<VrrpInstance, VrrpState> m = new LinkedHashMap<>();
        members.values().forEach(i -> m.put(i, i.state()));
        return m;
    }

    /**
     * Applies the group rules to the members as they are (a group just built by a reload): a member's
     * fault spreads, a fault gone clears, members that all want MASTER take over.
     */
    public void reconcile(long now) {
        reconcile(now, states());
    }

    private void reconcile(long now, Map<VrrpInstance, VrrpState> before) {
        // Each pass can only move members towards BACKUP/FAULT or, once, to MASTER, so it ends.
        for (int pass = 0; pass < 4 * members.size() + 4; pass++) {
            boolean changed = false;
            boolean anyOwnFault = members.values().stream().anyMatch(VrrpInstance::hasOwnFault);
            for (VrrpInstance i : members.values()) {
                boolean inGroupFault = i.state() == VrrpState.FAULT && !i.hasOwnFault();
                if (anyOwnFault && !i.hasOwnFault() && i.state() != VrrpState.FAULT) {
                    changed |= send(i, now, Command.FAULT);
                } else if (!anyOwnFault && inGroupFault) {
                    changed |= send(i, now, Command.CLEAR_FAULT);
                }
            }
            boolean someoneLeftMaster = false;
            for (VrrpInstance i : members.values()) {
                if (before.get(i) == VrrpState.MASTER && i.state() != VrrpState.MASTER) {
                    someoneLeftMaster = true;
                }
            }
            if (someoneLeftMaster) {
                for (VrrpInstance i : members.values()) {
                    if (i.state() == VrrpState.MASTER) {
                        changed |= send(i, now, Command.GO_BACKUP);
                    }
                }
            }
            before = states();
            if (!someoneLeftMaster && allWantMaster()) {
                for (VrrpInstance i : members.values()) {
                    if (i.state() == VrrpState.BACKUP) {
                        changed |= send(i, now, Command.GO_MASTER);
                    }
                }
                before = states();
            }
            if (!changed) {
                return;
            }
        }
        throw new IllegalStateException("sync group " + name + " did not settle");
    }

    private boolean allWantMaster() {
        boolean anyWaiting = false;
        List<VrrpInstance> all = new ArrayList<>(members.values());
        for (VrrpInstance i : all) {
            if (i.state() == VrrpState.BACKUP && i.wantsMaster()) {
                anyWaiting = true;
            } else if (i.state() != VrrpState.MASTER) {
                return false;
            }
        }
        return anyWaiting;
    }

    private static boolean send(VrrpInstance i, long now, Command c) {
        VrrpState s = i.state();
        boolean want = i.wantsMaster();
        i.handle(new Event.SyncCommand(now, c));
        return s != i.state() || want != i.wantsMaster();
    }
}
