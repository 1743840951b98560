package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.keepvip.vrrp.packet.VrrpAdvert;

/**
 * One VRRP instance as a pure state machine, following keepalived's semantics (vrrp.c,
 * vrrp_scheduler.c, vrrp_track.c). The driver feeds {@link Event}s with {@link #handle(Event)},
 * executes {@link #drainActions()} in order (see {@link Action} for the ordering contract) and calls
 * back with {@link Event.TimerDue} at {@link #nextDeadline()}. No clock, thread or IO is used here.
 *
 * <p>Shape: one {@code step*} handler per state; {@code becomeMaster}, {@code becomeBackup},
 * {@code becomeFault} and {@code shutdown} are the only places that change the state, reset the
 * timers and emit {@link Action.StateChanged}. An impossible transition throws
 * {@link IllegalStateException}. Not thread-safe: one driver thread owns an instance.
 */
public final class VrrpInstance {

    private static final long NONE = Long.MAX_VALUE;

    private InstanceConfig config;
    private final String tag;
    private TrackerSet trackers;
    private final List<Action> actions = new ArrayList<>();

    private VrrpState state = VrrpState.INIT;
    private boolean started;
    private boolean interfaceUp = true;
    private boolean groupMember;
    private boolean groupFault;
    private boolean wantsMaster;
    private long promotionFaultUntil = NONE;
    private String promotionFailure = "";
    private long takeoverHeldUntil = Long.MIN_VALUE;
    /** When a FAULT instance last heard a master advertise (priority > 0), and whom; it does not act on it. */
    private long faultHeardMasterAt = Long.MIN_VALUE;
    /** A BACKUP that a named master entered to wait for the old master's release (see releaseWait). */
    private boolean awaitingRelease;
    private InetAddress faultHeardMaster;

    private int effectivePriority;
    private int masterAdverIntervalCentis;

    // BACKUP
    private long downTimerStart;
    private boolean downTimerSkewOnly;
    private long downDeadline = NONE;
    private long preemptDeadline = NONE; // NONE: the preempt_delay timer has not started
    private InetAddress masterAddress;
    private int masterPriority;
    private InetAddress replicatingFrom;
    /** The last advert discarded for its lower priority since the down timer started (a preemption to come). */
    private InetAddress outrankedMaster;
    private int outrankedPriority;

    // MASTER
    private long advertDeadline = NONE;
    /** The shortest lateness of our next advert that counts as a stall (see {@link #stalled}). */
    static final long STALL_FLOOR_NANOS = 250_000_000L;
    private long garpDeadline = NONE;
    private int garpDeadlineCount;
    private boolean vipsSet;
    private boolean awaitingPromotion;
    private long promotionAttempt;
    private long promotionDeadline = NONE;

    public VrrpInstance(InstanceConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.tag = "(" + config.name() + ") ";
        this.trackers = new TrackerSet(config.trackers(), config.isOwner());
        this.effectivePriority = computePriority();
        this.masterAdverIntervalCentis = config.advertIntervalCentis();
    }

    // ---------------------------------------------------------------- public API

    /** Feeds one event. Actions accumulate until {@link #drainActions()}. */
    public void handle(Event event) {
        Objects.requireNonNull(event, "event");
        long now = event.now();
        if (state == VrrpState.STOP) {
            return;
        }
        if (state == VrrpState.MASTER && !(event instanceof Event.Shutdown) && stalled(now)) {
            yieldAfterStall(now); // then the event is handled as BACKUP
        }
        if (event instanceof Event.Shutdown s) {
            shutdown(now, s.release());
        } else if (event instanceof Event.Start s) {
            start(now, s.interfaceUp());
        } else if (event instanceof Event.TrackerResult t) {
            trackerReading(now, t.trackerId(), new TrackerReading.Status(t.ok()));
        } else if (event instanceof Event.TrackerValue t) {
            trackerReading(now, t.trackerId(), new TrackerReading.Value(t.value()));
        } else if (event instanceof Event.InterfaceChanged i) {
            interfaceUp = i.up();
            log(Action.Level.INFO, "interface " + (i.up() ? "up" : "down"));
            evaluate(now);
        } else if (event instanceof Event.SyncCommand c) {
            syncCommand(now, c.command());
        } else if (event instanceof Event.Reload r) {
            reload(now, r.config());
        } else if (state == VrrpState.BACKUP) {
            stepBackup(now, event);
        } else if (state == VrrpState.MASTER) {
            stepMaster(now, event);
        } else if (state == VrrpState.FAULT) {
            stepFault(now, event);
        }
        // INIT ignores adverts and timers, as keepalived does.
    }

    /** The actions produced since the last call, in execution order. */
    public List<Action> drainActions() {
        if (actions.isEmpty()) {
            return List.of(); // most adverts a backup receives act on nothing but its timer
        }
        List<Action> out = List.copyOf(actions);
        actions.clear();
        return out;
    }

    /** When the driver must deliver {@link Event.TimerDue} next; empty when no timer runs. */
    public OptionalLong nextDeadline() {
        long d = Math.min(Math.min(downDeadline, advertDeadline), Math.min(garpDeadline, promotionDeadline));
        d = Math.min(d, promotionFaultUntil);
        return d == NONE ? OptionalLong.empty() : OptionalLong.of(d);
    }

    /**
     * When this instance will take over unless an advert arrives first: the master down timer (or the
     * skew after a priority-0 advert). The agent wakes up a little early for it, since a takeover is
     * the one deadline whose lateness costs availability.
     */
    public OptionalLong takeoverDeadline() {
        return downDeadline == NONE ? OptionalLong.empty() : OptionalLong.of(downDeadline);
    }

    public VrrpState state() {
        return state;
    }

    public int effectivePriority() {
        return effectivePriority;
    }

    public InstanceConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The VIPs are configured by us (after promotion, when hooks are on). */
    public boolean vipsSet() {
        return vipsSet;
    }

    /** A sync-group member whose down timer expired; its group decides when it may become MASTER. */
    public boolean wantsMaster() {
        return wantsMaster;
    }

    /** Master_Down_Interval with the current priority and Master_Adver_Interval, in nanoseconds. */
    public long masterDownIntervalNanos() {
        return Timing.masterDownIntervalNanos(config.version(), effectivePriority,
                Timing.centisToNanos(masterAdverIntervalCentis), config.downTimerAdverts());
    }

    /** Skew_Time with the current priority and Master_Adver_Interval, in nanoseconds. */
    public long skewNanos() {
        return Timing.skewNanos(config.version(), effectivePriority, Timing.centisToNanos(masterAdverIntervalCentis));
    }

    /**
     * The current master's address as {@link #status()} gives it, without building a status: the
     * agent compares it after every event. Null when unknown.
     */
    public InetAddress masterAddress() {
        return state == VrrpState.MASTER ? config.primaryAddress() : masterAddress;
    }

    /** The priority in the master's last advert as {@link #status()} gives it (0 when unknown). */
    public int masterPriority() {
        return state == VrrpState.MASTER ? effectivePriority : masterAddress == null ? 0 : masterPriority;
    }

    /** Each tracker's last result (null: none yet), in configuration order; a copy. */
    public java.util.Map<String, Boolean> trackerResults() {
        return trackers.results();
    }

    public InstanceStatus status() {
        Optional<InetAddress> master = state == VrrpState.MASTER ? Optional.of(config.primaryAddress())
                : Optional.ofNullable(masterAddress);
        int mp = state == VrrpState.MASTER ? effectivePriority : masterAddress == null ? 0 : masterPriority;
        return new InstanceStatus(config.name(), config.vrid(), state, config.priority(), effectivePriority,
                master, mp, masterAdverIntervalCentis, vipsSet, awaitingPromotion,
                state == VrrpState.FAULT ? faults(true) : List.of(), wantsMaster);
    }

    // ---------------------------------------------------------------- package API for SyncGroup

    void joinSyncGroup() {
        groupMember = true;
    }

    /**
     * A reload left this instance in no sync group: it decides alone again. One that was waiting for
     * its group to let it take over (its down timer had run out) takes over now, as it would have
     * alone; one in FAULT only because of its group leaves FAULT.
     */
    public void leaveSyncGroup(long now) {
        if (!groupMember) {
            return;
        }
        groupMember = false;
        if (groupFault) { // a FAULT only its old group imposed ends with the group
            groupFault = false;
            evaluate(now);
        }
        if (state == VrrpState.BACKUP && wantsMaster) {
            becomeMaster(now, "left its sync group", why(now, Decision.Cause.SYNC_GROUP));
        }
    }

    /** A fault of this instance itself, not one imposed by its sync group. */
    boolean hasOwnFault() {
        return !faults(false).isEmpty();
    }

    // ---------------------------------------------------------------- events valid in any state

    private void start(long now, boolean up) {
        if (started) {
            throw new IllegalStateException(tag + "started twice");
        }
        started = true;
        interfaceUp = up;
        // Clean up after a crash: a killed daemon leaves its VIPs configured (keepalived/vrrp/vrrp.c, vrrp_init_state).
        log(Action.Level.INFO, "removing VIPs.");
        actions.add(new Action.RemoveVips());
        evaluate(now);
    }

    private void trackerReading(long now, String id, TrackerReading reading) {
        if (!trackers.knows(id)) {
            log(Action.Level.DEBUG, "ignoring result of unknown tracker " + id);
            return;
        }
        boolean wasMaster = state == VrrpState.MASTER;
        trackers.update(id, reading);
        updatePriority();
        evaluate(now);
        if (wasMaster && state == VrrpState.MASTER && trackers.resignsMasterOn(id, reading)) {
            resign(now, id);
        }
    }

    /**
     * keepalived's SIGHUP for a matched instance (keepalived/vrrp/vrrp.c, clear_diff_vrrp): the state survives, a MASTER keeps its VIPs
     * without notifies and sends one advert, tracker results with the same id are kept, the priority
     * and the running down timer are recomputed, and FAULT is re-evaluated.
     */
    private void reload(long now, InstanceConfig next) {
        if (next.vrid() != config.vrid() || !next.name().equals(config.name())) {
            throw new IllegalArgumentException(tag + "reload with another instance's configuration ("
                    + next.name() + ", vrid " + next.vrid() + ")");
        }
        TrackerSet nextTrackers = new TrackerSet(next.trackers(), next.isOwner());
        trackers.readings().forEach((id, reading) -> {
            if (reading != null && nextTrackers.knows(id)) {
                nextTrackers.update(id, reading);
            }
        });
        config = next;
        trackers = nextTrackers;
        log(Action.Level.INFO, "reloaded configuration");
        if (config.version() == 2 || state != VrrpState.BACKUP) {
            masterAdverIntervalCentis = config.advertIntervalCentis(); // a v3 BACKUP keeps the learned one
        }
        if (state == VrrpState.MASTER) {
            actions.add(new Action.SendAdvert(computePriority()));
            advertDeadline = Math.min(advertDeadline, now + config.advertIntervalNanos());
        }
        updatePriority();
        if (state == VrrpState.BACKUP && downDeadline != NONE) {
            downDeadline = downTimerStart + downTimerNanos(downTimerSkewOnly);
        }
        evaluate(now);
    }

    private void syncCommand(long now, SyncGroup.Command command) {
        switch (command) {
            case FAULT -> {
                groupFault = true;
                evaluate(now);
            }
            case CLEAR_FAULT -> {
                groupFault = false;
                evaluate(now);
            }
            case GO_MASTER -> {
                if (state == VrrpState.BACKUP) {
                    becomeMaster(now, "sync group: all members want MASTER", why(now, Decision.Cause.SYNC_GROUP));
                }
            }
            case GO_BACKUP -> {
                if (state == VrrpState.MASTER) {
                    leaveMaster(true);
                    becomeBackup(now, false, "sync group member left MASTER", null,
                            why(now, Decision.Cause.SYNC_GROUP));
                } else if (state == VrrpState.BACKUP && wantsMaster) {
                    wantsMaster = false;
                    startDownTimer(now, false);
                }
            }
            default -> throw new IllegalStateException("unknown sync command " + command);
        }
    }

    /** Go to FAULT, or leave it, or leave INIT, according to the current fault conditions. */
    private void evaluate(long now) {
        if (!started || state == VrrpState.STOP) {
            return;
        }
        List<String> faults = faults(true);
        if (!faults.isEmpty()) {
            if (state != VrrpState.FAULT) {
                becomeFault(now, String.join(", ", faults), faultDecision(now));
            }
            return;
        }
        if (state == VrrpState.INIT && trackers.faultTrackerPending()) {
            return; // keepalived waits in INIT, without a FAULT notify, for the first result
        }
        if (state == VrrpState.INIT || state == VrrpState.FAULT) {
            String why = state == VrrpState.INIT ? "init" : "fault cleared";
            Decision d = why(now, state == VrrpState.INIT ? Decision.Cause.STARTUP : Decision.Cause.FAULT_CLEARED);
            masterAdverIntervalCentis = config.advertIntervalCentis();
            // The owner takes over at once only when it starts; after a fault it waits a full down
            // timer as a backup like anyone else (keepalived: vrrp_track.c, down_instance sets
            // wantstate FAULT, so vrrp_scheduler.c, try_up_instance, goes to BACKUP).
            if (state == VrrpState.INIT && config.isOwner() && config.initialState() == VrrpState.MASTER
                    && !groupMember) {
                becomeMaster(now, why + ", address owner", d);
            } else if (config.masterWhenFaultClears() && !groupMember) {
                if (faultHeardMasterAt != Long.MIN_VALUE && now - faultHeardMasterAt < masterDownIntervalNanos()) {
                    // A master still advertises: it releases (priority 0) on the same news, and the
                    // down timer shrinks to the skew then; taking over now would put the VIP on two hosts.
                    awaitingRelease = true;
                    becomeBackup(now, false, why + ", named master; waiting for the current master to release", null, d);
                } else {
                    becomeMaster(now, why + ", named master by its fault trackers", d);
                }
            } else {
                becomeBackup(now, false, why, null, d);
            }
        }
    }

    private List<String> faults(boolean includeGroup) {
        List<String> out = new ArrayList<>();
        if (!interfaceUp && !config.dontTrackPrimary()) {
            out.add("interface down");
        }
        trackers.faultingTracker().ifPresent(id -> out.add("tracker " + id + " failed"));
        if (promotionFaultUntil != NONE) {
            out.add("promotion failed: " + promotionFailure);
        }
        if (includeGroup && groupFault) {
            out.add("sync group in FAULT");
        }
        return out;
    }

    /** The decision to enter FAULT now: its first fault condition, as {@link #faults} orders them. */
    private Decision faultDecision(long now) {
        if (!interfaceUp && !config.dontTrackPrimary()) {
            return why(now, Decision.Cause.INTERFACE_DOWN);
        }
        Optional<String> tracker = trackers.faultingTracker();
        if (tracker.isPresent()) {
            return new Decision(Decision.Cause.TRACKER_FAILED, now, config.priority(), effectivePriority,
                    masterAddress, masterAddress == null ? -1 : masterPriority, 0, tracker.get(), trackers.snapshot());
        }
        if (promotionFaultUntil != NONE) {
            return why(now, Decision.Cause.PROMOTION_FAILED);
        }
        return why(now, Decision.Cause.SYNC_GROUP);
    }

    /** A decision whose inputs are the instance's own: the master it knows of, no timer, no trigger. */
    private Decision why(long now, Decision.Cause cause) {
        return why(now, cause, masterAddress, masterAddress == null ? -1 : masterPriority, 0);
    }

    private Decision why(long now, Decision.Cause cause, InetAddress peer, int peerPriority, long timerNanos) {
        return new Decision(cause, now, config.priority(), effectivePriority, peer, peerPriority, timerNanos, null,
                trackers.snapshot());
    }

    private int computePriority() {
        if (config.isOwner()) {
            return 255;
        }
        return Math.max(1, Math.min(254, config.priority() + trackers.contribution()));
    }

    private void updatePriority() {
        int np = computePriority();
        if (np == effectivePriority) {
            return;
        }
        if (started) {
            log(Action.Level.INFO, "Changing effective priority from " + effectivePriority + " to " + np);
        }
        effectivePriority = np;
        if (state == VrrpState.BACKUP && downDeadline != NONE) {
            // The skew depends on the priority: recompute the running down timer from its start.
            downDeadline = downTimerStart + downTimerNanos(downTimerSkewOnly);
        }
    }

    // ---------------------------------------------------------------- BACKUP

    private void stepBackup(long now, Event event) {
        if (event instanceof Event.TimerDue) {
            if (downDeadline <= now) {
                downTimerExpired(now);
            }
        } else if (event instanceof Event.AdvertReceived a) {
            backupRx(now, a.advert(), a.source());
        } else {
            ignored(event);
        }
    }

    private void downTimerExpired(long now) {
        if (now < takeoverHeldUntil) {
            downDeadline = takeoverHeldUntil; // a failed promotion holds us back until the back-off ends
            return;
        }
        long ran = now - downTimerStart;
        downDeadline = NONE;
        log(Action.Level.INFO, "Receive advertisement timeout");
        if (groupMember) {
            wantsMaster = true;
            log(Action.Level.DEBUG, "wants MASTER, waiting for its sync group");
        } else if (outrankedMaster != null) {
            becomeMaster(now, "master down timer expired",
                    why(now, Decision.Cause.PREEMPT, outrankedMaster, outrankedPriority, ran));
        } else {
            becomeMaster(now, "master down timer expired", why(now, downTimerSkewOnly
                    ? Decision.Cause.MASTER_RELEASED : Decision.Cause.MASTER_DOWN_TIMER,
                    masterAddress, masterAddress == null ? -1 : masterPriority, ran));
        }
    }

    private void backupRx(long now, VrrpAdvert adv, InetAddress source) {
        int prio = adv.priority();
        if (prio == 0) {
            log(Action.Level.INFO, "Backup received priority 0 advertisement");
            awaitingRelease = false;
            startDownTimer(now, true);
            return;
        }
        boolean lower = prio < effectivePriority;
        boolean delaying = config.preemptDelay().compareTo(Duration.ZERO) > 0
                && (preemptDeadline == NONE || now < preemptDeadline);
        if (config.nopreempt() || !lower || delaying) {
            if (config.version() == 3 && adv.advertIntervalCentis() > 0) {
                masterAdverIntervalCentis = adv.advertIntervalCentis();
            }
            if (config.preemptDelay().compareTo(Duration.ZERO) > 0) {
                if (!lower) {
                    preemptDeadline = NONE;
                } else if (preemptDeadline == NONE) {
                    preemptDeadline = now + config.preemptDelay().toNanos();
                }
            }
            wantsMaster = false;
            learnMaster(source, prio);
            startDownTimer(now, false);
        } else {
            outrankedMaster = source;
            outrankedPriority = prio;
            log(Action.Level.INFO, "received lower priority (" + prio + ") advert from "
                    + source.getHostAddress() + " - discarding");
        }
    }

    private void learnMaster(InetAddress source, int prio) {
        masterAddress = source;
        masterPriority = prio;
        if (config.redisHooks() && !source.equals(replicatingFrom)) {
            replicatingFrom = source;
            actions.add(new Action.Demote(source));
        }
    }

    private void startDownTimer(long now, boolean skewOnly) {
        outrankedMaster = null;
        downTimerStart = now;
        downTimerSkewOnly = skewOnly;
        downDeadline = now + downTimerNanos(skewOnly);
    }

    private long downTimerNanos(boolean skewOnly) {
        if (skewOnly) {
            return skewNanos();
        }
        return masterDownIntervalNanos() + (awaitingRelease ? config.releaseWait().toNanos() : 0);
    }

    // ---------------------------------------------------------------- MASTER

    private void stepMaster(long now, Event event) {
        if (event instanceof Event.TimerDue) {
            masterTimers(now);
        } else if (event instanceof Event.AdvertReceived a) {
            masterRx(now, a.advert(), a.source());
        } else if (event instanceof Event.PromotionDone p) {
            promotionDone(now, p);
        } else if (event instanceof Event.VipDeletedExternally) {
            log(Action.Level.INFO, "a VIP was deleted from outside, leaving MASTER");
            leaveMaster(true);
            becomeBackup(now, true, "VIP deleted externally", null, why(now, Decision.Cause.VIP_DELETED));
        } else if (event instanceof Event.RoutingDeletedExternally r) {
            log(Action.Level.INFO, r.what() + " was deleted from outside, leaving MASTER");
            leaveMaster(true);
            becomeBackup(now, true, r.what() + " deleted externally", null,
                    why(now, Decision.Cause.ROUTING_DELETED));
        } else if (event instanceof Event.StepDown) {
            log(Action.Level.INFO, "operator step-down");
            leaveMaster(true);
            becomeBackup(now, false, "operator step-down", null, why(now, Decision.Cause.OPERATOR_STEP_DOWN));
        } else {
            ignored(event);
        }
    }

    /** A tracker that resigns a MASTER failed ({@link TrackerSpec#resignsMaster()}). */
    private void resign(long now, String tracker) {
        String why = "tracker " + tracker + " failed";
        log(Action.Level.WARN, why + ", resigning MASTER");
        Decision d = new Decision(Decision.Cause.TRACKER_FAILED, now, config.priority(), effectivePriority, null, -1,
                0, tracker, trackers.snapshot());
        leaveMaster(true);
        becomeBackup(now, false, why, null, d);
    }

    private void masterTimers(long now) {
        if (awaitingPromotion && promotionDeadline <= now) {
            promotionFailed(now, "no answer within " + config.promotionTimeout().toMillis() + " ms");
            return;
        }
        if (advertDeadline <= now) {
            actions.add(new Action.SendAdvert(effectivePriority));
            advertDeadline = now + config.advertIntervalNanos();
        }
        if (garpDeadline <= now) {
            garpDeadline = NONE;
            if (vipsSet && garpDeadlineCount > 0) {
                actions.add(new Action.GarpBurst(garpDeadlineCount));
            }
        }
    }

    private void masterRx(long now, VrrpAdvert adv, InetAddress source) {
        if (config.isOwner() && config.ownerIgnoreAdverts()) {
            return;
        }
        int prio = adv.priority();
        if (prio == 0) {
            // The other master is leaving: answer at once so backups see us without waiting.
            actions.add(new Action.SendAdvert(effectivePriority));
            return;
        }
        int cmp = compareAddresses(source, config.primaryAddress());
        if (prio == effectivePriority && cmp == 0) {
            actions.add(new Action.Log(Action.Level.WARN,
                    tag + "WARNING - equal priority advert received from remote host with our IP address."));
            return;
        }
        boolean theyWin = prio > effectivePriority || (prio == effectivePriority && cmp > 0);
        if (theyWin) {
            if (config.higherPrioSendAdvert()) {
                actions.add(new Action.SendAdvert(effectivePriority));
            }
            String why = prio > effectivePriority
                    ? "Master received advert from " + source.getHostAddress() + " with higher priority "
                    + prio + ", ours " + effectivePriority
                    : "Master received advert from " + source.getHostAddress() + " with same priority "
                    + prio + " but higher IP address than ours";
            log(Action.Level.INFO, why);
            if (config.version() == 3 && adv.advertIntervalCentis() > 0) {
                masterAdverIntervalCentis = adv.advertIntervalCentis();
            }
            Decision d = why(now, prio > effectivePriority ? Decision.Cause.HIGHER_PRIORITY_ADVERT
                    : Decision.Cause.HIGHER_ADDRESS_ADVERT, source, prio, 0);
            leaveMaster(false);
            becomeBackup(now, false, why, source, d);
            masterPriority = prio;
        } else {
            log(Action.Level.INFO, "Received advert from " + source.getHostAddress() + " with lower priority "
                    + prio + ", ours " + effectivePriority + ", forcing new election");
            if (!config.lowerPrioNoAdvert()) {
                actions.add(new Action.SendAdvert(effectivePriority));
            }
            if (vipsSet && config.garpLowerPrioRepeat() > 0) {
                actions.add(new Action.GarpBurst(config.garpLowerPrioRepeat()));
                if (config.garpLowerPrioDelay().compareTo(Duration.ZERO) > 0) {
                    garpDeadline = now + config.garpLowerPrioDelay().toNanos();
                    garpDeadlineCount = config.garpLowerPrioRepeat();
                }
            }
        }
    }

    /**
     * The process (or its VM) was frozen: our adverts stopped for longer than any backup waits, so
     * one has taken over and its Redis may have taken writes. Reclaiming by "forcing a new election"
     * would undo them: whatever event comes first after the stall (an advert, a timer, a tracker's
     * reading that would change our priority and so advertise) finds us BACKUP already.
     */
    private void yieldAfterStall(long now) {
        long silentNanos = now - advertDeadline + config.advertIntervalNanos();
        String why = "no advert sent for " + silentNanos / 1_000_000 + " ms (the process was stalled), longer than"
                + " any backup's master_down_interval: a backup has taken over";
        log(Action.Level.WARN, why + ", leaving MASTER");
        Decision d = why(now, Decision.Cause.STALLED, null, -1, silentNanos);
        leaveMaster(true);
        becomeBackup(now, false, why, null, d);
    }

    /**
     * Whether, at {@code now}, the time since our last advert exceeds every backup's master down
     * interval ({@code down_timer_adverts} × advert interval + skew, the skew under one interval:
     * our next advert is late by more than {@code down_timer_adverts} intervals), so that any live
     * backup has taken over, and {@link #STALL_FLOOR_NANOS} too. A shorter silence is a loaded host's
     * scheduling hiccup: at 10 ms adverts those last tens of milliseconds, the backup's takeover is
     * brief, and our next advert ends it, as keepalived's does; yielding each time would move Redis's role.
     */
    private boolean stalled(long now) {
        return advertDeadline != NONE && now - advertDeadline
                > Math.max(config.downTimerAdverts() * config.advertIntervalNanos(), STALL_FLOOR_NANOS);
    }

    private void promotionDone(long now, Event.PromotionDone p) {
        if (!awaitingPromotion || p.attempt() != promotionAttempt) {
            log(Action.Level.DEBUG, "ignoring stale promotion result (attempt " + p.attempt() + ")");
            return;
        }
        if (p.ok()) {
            awaitingPromotion = false;
            promotionDeadline = NONE;
            installVips(now);
        } else {
            promotionFailed(now, p.reason());
        }
    }

    private void promotionFailed(long now, String reason) {
        log(Action.Level.WARN, "Redis promotion failed (" + reason + "), not keeping MASTER");
        long until = now + config.promotionBackoff().toNanos();
        if (config.onPromotionFailure() == InstanceConfig.PromotionFailure.BACKUP) {
            takeoverHeldUntil = until;
            leaveMaster(true);
            becomeBackup(now, false, "promotion failed: " + reason, null, why(now, Decision.Cause.PROMOTION_FAILED));
            return;
        }
        promotionFailure = reason;
        promotionFaultUntil = until;
        becomeFault(now, "promotion failed: " + reason, why(now, Decision.Cause.PROMOTION_FAILED));
    }

    private void installVips(long now) {
        // Logged as the add is issued, in the batch that enters MASTER, as keepalived does
        // (keepalived/vrrp/vrrp.c, vrrp_state_become_master): a line written when the add completed
        // could land after a quick step-down's "Entering BACKUP STATE" and "removing VIPs.".
        log(Action.Level.INFO, "setting VIPs.");
        actions.add(new Action.AddVips());
        vipsSet = true;
        if (config.garpMasterRepeat() > 0) {
            actions.add(new Action.GarpBurst(config.garpMasterRepeat()));
            if (config.garpMasterDelay().compareTo(Duration.ZERO) > 0) {
                garpDeadline = now + config.garpMasterDelay().toNanos();
                garpDeadlineCount = config.garpMasterRepeat();
            }
        }
        actions.add(new Action.Notify(VrrpState.MASTER, effectivePriority));
    }

    /** The release half of leaving MASTER; the caller then enters the next state. */
    private void leaveMaster(boolean releaseAdvert) {
        // With Redis, the successor promotes its replica once it hears priority 0: that must wait until
        // our Redis is fenced and the replica has its last writes (the Fence step), and we no longer
        // serve. A successor that takes over at once (Sentinel mode) must not hear us before that either.
        boolean afterRelease = releaseAdvert && (config.redisHooks() || config.masterWhenFaultClears());
        if (releaseAdvert && !afterRelease) {
            actions.add(new Action.SendAdvert(0));
            log(Action.Level.INFO, "sent 0 priority");
        }
        if (config.redisHooks()) {
            actions.add(new Action.Fence());
        }
        if (vipsSet) {
            log(Action.Level.INFO, "removing VIPs.");
            actions.add(new Action.RemoveVips());
            vipsSet = false;
        }
        if (afterRelease) {
            actions.add(new Action.ReleaseAdvert());
            log(Action.Level.INFO, "sent 0 priority");
        }
        awaitingPromotion = false;
        promotionDeadline = NONE;
        advertDeadline = NONE;
        garpDeadline = NONE;
    }

    // ---------------------------------------------------------------- FAULT

    private void stepFault(long now, Event event) {
        if (event instanceof Event.TimerDue) {
            if (promotionFaultUntil <= now) {
                promotionFaultUntil = NONE;
                evaluate(now);
            }
        }
        // FAULT ignores adverts, as keepalived does; it only notes that a master is alive.
        if (event instanceof Event.AdvertReceived a) {
            if (a.advert().priority() > 0) {
                faultHeardMasterAt = now;
                faultHeardMaster = a.source();
            } else if (a.source().equals(faultHeardMaster)) {
                faultHeardMasterAt = Long.MIN_VALUE; // it released
            }
        }
    }

    // ---------------------------------------------------------------- transitions

    private void becomeMaster(long now, String reason, Decision why) {
        if (state != VrrpState.BACKUP && state != VrrpState.INIT && state != VrrpState.FAULT) {
            throw new IllegalStateException(tag + "cannot become MASTER from " + state);
        }
        VrrpState from = state;
        state = VrrpState.MASTER;
        awaitingRelease = false;
        masterAdverIntervalCentis = config.advertIntervalCentis();
        downDeadline = NONE;
        preemptDeadline = NONE;
        wantsMaster = false;
        masterAddress = null;
        replicatingFrom = null;
        // The advert goes first so that the old master releases before we take the address.
        actions.add(new Action.SendAdvert(effectivePriority));
        advertDeadline = now + config.advertIntervalNanos();
        actions.add(new Action.StateChanged(from, VrrpState.MASTER, reason, tag + "Entering MASTER STATE", why));
        if (config.redisHooks()) {
            awaitingPromotion = true;
            promotionAttempt++;
            promotionDeadline = now + config.promotionTimeout().toNanos();
            actions.add(new Action.Promote(promotionAttempt));
        } else {
            installVips(now);
        }
    }

    /**
     * @param skewOnly  the down timer is only the skew (after a deliberate release)
     * @param newMaster the master that made us step down, if known
     * @param why       the cause and the inputs that decided it
     */
    private void becomeBackup(long now, boolean skewOnly, String reason, InetAddress newMaster, Decision why) {
        if (state != VrrpState.INIT && state != VrrpState.FAULT && state != VrrpState.MASTER) {
            throw new IllegalStateException(tag + "cannot become BACKUP from " + state);
        }
        VrrpState from = state;
        state = VrrpState.BACKUP;
        preemptDeadline = NONE;
        wantsMaster = false;
        masterAddress = null;
        String text = tag + "Entering BACKUP STATE" + (from == VrrpState.INIT ? " (init)" : "");
        actions.add(new Action.StateChanged(from, VrrpState.BACKUP, reason, text, why));
        actions.add(new Action.Notify(VrrpState.BACKUP, effectivePriority));
        if (newMaster != null) {
            learnMaster(newMaster, 0);
        }
        startDownTimer(now, skewOnly);
    }

    private void becomeFault(long now, String reason, Decision why) {
        if (state != VrrpState.INIT && state != VrrpState.BACKUP && state != VrrpState.MASTER) {
            throw new IllegalStateException(tag + "cannot enter FAULT from " + state);
        }
        VrrpState from = state;
        if (from == VrrpState.MASTER) {
            leaveMaster(true);
        }
        state = VrrpState.FAULT;
        awaitingRelease = false;
        downDeadline = NONE;
        preemptDeadline = NONE;
        wantsMaster = false;
        masterAddress = null;
        String text = tag + "Entering FAULT STATE" + (from == VrrpState.INIT ? " (init)" : "");
        actions.add(new Action.StateChanged(from, VrrpState.FAULT, reason, text, why));
        actions.add(new Action.Notify(VrrpState.FAULT, effectivePriority));
    }

    private void shutdown(long now, boolean release) {
        VrrpState from = state;
        Decision why = why(now, Decision.Cause.SHUTDOWN);
        if (from == VrrpState.MASTER && release) {
            leaveMaster(true);
        }
        state = VrrpState.STOP;
        awaitingRelease = false;
        downDeadline = NONE;
        advertDeadline = NONE;
        garpDeadline = NONE;
        promotionDeadline = NONE;
        promotionFaultUntil = NONE;
        awaitingPromotion = false;
        actions.add(new Action.StateChanged(from, VrrpState.STOP, "shutdown", tag + "Stopped", why));
        actions.add(new Action.Notify(VrrpState.STOP, effectivePriority));
    }

    // ---------------------------------------------------------------- helpers

    private void ignored(Event event) {
        log(Action.Level.DEBUG, "ignoring " + event.getClass().getSimpleName() + " in " + state);
    }

    private void log(Action.Level level, String text) {
        actions.add(new Action.Log(level, tag + text));
    }

    /**
     * keepalived's inet_inaddrcmp: an unsigned numeric comparison of the addresses (network byte
     * order compared bytewise is the same thing). Shorter (IPv4) sorts before longer (IPv6).
     */
    static int compareAddresses(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Integer.signum(Arrays.compareUnsigned(x, y));
    }
}
