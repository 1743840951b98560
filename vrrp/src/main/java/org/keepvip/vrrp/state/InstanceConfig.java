package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the state machine needs to know about one {@code vrrp_instance}. Immutable and validated on
 * construction; the agent maps the parsed keepalived.conf model onto it (and applies keepalived's
 * own corrections, such as clearing {@code nopreempt} on an owner, before building it).
 *
 * @param name                 the instance name used in logs, e.g. {@code VI_1}
 * @param vrid                 1..255
 * @param version              2 or 3
 * @param priority             base priority 1..255 (255 = address owner)
 * @param advertIntervalCentis advert_int in centiseconds (v2: whole seconds, 100..25500; v3: 1..4095)
 * @param initialState         the {@code state} hint, MASTER or BACKUP; only an owner acts on MASTER
 * @param nopreempt            never take over from a live master
 * @param preemptDelay         0..1000 s; delay before preempting a lower-priority master
 * @param downTimerAdverts     1..100 (keepalived: 3); adverts missed before the master is declared down
 * @param lowerPrioNoAdvert    a master receiving a lower priority does not answer with an advert
 * @param higherPrioSendAdvert a master receiving a higher priority sends one advert before yielding
 * @param ownerIgnoreAdverts   a priority-255 master ignores all adverts
 * @param primaryAddress       the source address of our adverts; the tie-break between two masters
 * @param trackers             tracked objects and their weights
 * @param dontTrackPrimary     the instance's own interface going down does not mean FAULT
 * @param redisHooks           Redis is promoted before the VIPs are added and fenced before release
 * @param promotionTimeout     how long MASTER waits for {@link Event.PromotionDone} before giving up
 * @param promotionBackoff     how long the instance stays out of MASTER after a failed promotion
 * @param onPromotionFailure   where it waits meanwhile: FAULT (ignores adverts) or BACKUP (follows the
 *                             new master, and its down timer cannot make it MASTER before the back-off)
 * @param garpMasterRepeat     GARP/NA count per burst on becoming master (keepalived: 5)
 * @param garpMasterDelay      delay of the 2nd burst (keepalived: 5 s; zero = no 2nd burst)
 * @param garpLowerPrioRepeat  GARP/NA count when a master hears a lower priority (keepalived: 5)
 * @param garpLowerPrioDelay   delay of that 2nd burst (keepalived: 5 s; zero = none)
 * @param masterWhenFaultClears leaving INIT or FAULT goes straight to MASTER, without a down timer: the
 *                             instance's fault trackers say that an outside authority (Redis Sentinel's
 *                             majority) named this node as the one to serve. Only when a master was
 *                             heard advertising within the master down interval (FAULT notes adverts
 *                             without acting on them) does it enter BACKUP instead, to wait for that
 *                             master's priority-0 advert; a sync-group member still asks its group
 * @param releaseWait          added to the master down interval of that waiting BACKUP: the master it
 *                             waits for sends no advert between entering FAULT and its priority-0
 *                             advert, while it fences its Redis and removes the VIPs, so a plain down
 *                             timer could run out while it still holds them. Only a master that dies
 *                             mid-release makes the wait this much longer.
 */
public record InstanceConfig(
        String name,
        int vrid,
        int version,
        int priority,
        int advertIntervalCentis,
        VrrpState initialState,
        boolean nopreempt,
        Duration preemptDelay,
        int downTimerAdverts,
        boolean lowerPrioNoAdvert,
        boolean higherPrioSendAdvert,
        boolean ownerIgnoreAdverts,
        InetAddress primaryAddress,
        List<TrackerSpec> trackers,
        boolean dontTrackPrimary,
        boolean redisHooks,
        Duration promotionTimeout,
        Duration promotionBackoff,
        PromotionFailure onPromotionFailure,
        int garpMasterRepeat,
        Duration garpMasterDelay,
        int garpLowerPrioRepeat,
        Duration garpLowerPrioDelay,
        boolean masterWhenFaultClears,
        Duration releaseWait) {

    public InstanceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(preemptDelay, "preemptDelay");
        Objects.requireNonNull(releaseWait, "releaseWait");
        Objects.requireNonNull(primaryAddress, "primaryAddress");
        Objects.requireNonNull(promotionTimeout, "promotionTimeout");
        Objects.requireNonNull(promotionBackoff, "promotionBackoff");
        Objects.requireNonNull(onPromotionFailure, "onPromotionFailure");
        Objects.requireNonNull(garpMasterDelay, "garpMasterDelay");
        Objects.requireNonNull(garpLowerPrioDelay, "garpLowerPrioDelay");
        trackers = List.copyOf(trackers);
        String p = "(" + name + ") ";
        if (name.isBlank()) {
            throw new IllegalArgumentException("instance name is blank");
        }
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException(p + "virtual_router_id " + vrid + " (expected: 1..255)");
        }
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException(p + "version " + version + " (expected: 2 or 3)");
        }
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException(p + "priority " + priority + " (expected: 1..255)");
        }
        if (version == 2 && (advertIntervalCentis < 100 || advertIntervalCentis > 25500
                || advertIntervalCentis % 100 != 0)) {
            throw new IllegalArgumentException(p + "advert_int " + advertIntervalCentis
                    + " cs (expected: whole seconds 1..255 for VRRPv2)");
        }
        if (version == 3 && (advertIntervalCentis < 1 || advertIntervalCentis > 4095)) {
            throw new IllegalArgumentException(p + "advert_int " + advertIntervalCentis
                    + " cs (expected: 1..4095 cs for VRRPv3)");
        }
        if (initialState != VrrpState.MASTER && initialState != VrrpState.BACKUP) {
            throw new IllegalArgumentException(p + "state " + initialState + " (expected: MASTER or BACKUP)");
        }
        if (nopreempt && (initialState == VrrpState.MASTER || priority == 255)) {
            throw new IllegalArgumentException(p + "nopreempt needs state BACKUP and priority below 255"
                    + " (keepalived clears it with a warning)");
        }
        if (preemptDelay.isNegative() || preemptDelay.compareTo(Duration.ofSeconds(1000)) > 0) {
            throw new IllegalArgumentException(p + "preempt_delay " + preemptDelay + " (expected: 0..1000 s)");
        }
        if (!preemptDelay.isZero() && (nopreempt || initialState == VrrpState.MASTER)) {
            throw new IllegalArgumentException(p + "preempt_delay needs preemption and state BACKUP"
                    + " (keepalived clears it with a warning)");
        }
        if (downTimerAdverts < 1 || downTimerAdverts > 100) {
            throw new IllegalArgumentException(p + "down_timer_adverts " + downTimerAdverts + " (expected: 1..100)");
        }
        Set<String> ids = new HashSet<>();
        for (TrackerSpec t : trackers) {
            if (!ids.add(t.id())) {
                throw new IllegalArgumentException(p + "tracker " + t.id() + " is listed twice");
            }
        }
        if (promotionTimeout.compareTo(Duration.ZERO) <= 0) {
            throw new IllegalArgumentException(p + "promotion timeout " + promotionTimeout + " (expected: > 0)");
        }
        if (promotionBackoff.isNegative()) {
            throw new IllegalArgumentException(p + "promotion backoff " + promotionBackoff + " (expected: >= 0)");
        }
        if (garpMasterRepeat < 0 || garpLowerPrioRepeat < 0) {
            throw new IllegalArgumentException(p + "GARP repeat counts must be >= 0");
        }
        if (releaseWait.isNegative()) {
            throw new IllegalArgumentException("releaseWait must not be negative: " + releaseWait);
        }
        if (garpMasterDelay.isNegative() || garpLowerPrioDelay.isNegative()) {
            throw new IllegalArgumentException(p + "GARP delays must be >= 0");
        }
    }

    /** A builder with keepalived's defaults: v2, priority 100, advert_int 1 s, state BACKUP, preempt. */
    public static Builder builder(String name, int vrid, InetAddress primaryAddress) {
        return new Builder(name, vrid, primaryAddress);
    }

    /** A builder preloaded with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(name, vrid, primaryAddress);
        b.version = version;
        b.priority = priority;
        b.advertIntervalCentis = advertIntervalCentis;
        b.initialState = initialState;
        b.nopreempt = nopreempt;
        b.preemptDelay = preemptDelay;
        b.downTimerAdverts = downTimerAdverts;
        b.lowerPrioNoAdvert = lowerPrioNoAdvert;
        b.higherPrioSendAdvert = higherPrioSendAdvert;
        b.ownerIgnoreAdverts = ownerIgnoreAdverts;
        b.trackers = trackers;
        b.dontTrackPrimary = dontTrackPrimary;
        b.redisHooks = redisHooks;
        b.promotionTimeout = promotionTimeout;
        b.promotionBackoff = promotionBackoff;
        b.onPromotionFailure = onPromotionFailure;
        b.garpMasterRepeat = garpMasterRepeat;
        b.garpMasterDelay = garpMasterDelay;
        b.garpLowerPrioRepeat = garpLowerPrioRepeat;
        b.garpLowerPrioDelay = garpLowerPrioDelay;
        b.masterWhenFaultClears = masterWhenFaultClears;
        b.releaseWait = releaseWait;
        return b;
    }

    /** What an instance does when its Redis promotion fails or times out. */
    public enum PromotionFailure {
        /** Enter FAULT (priority-0 advert, fence) for the back-off, then BACKUP. */
        FAULT,
        /** Release (priority-0 advert, fence) into BACKUP and do not take over again before the back-off. */
        BACKUP
    }

    /** True for the address owner (priority 255): weights are ignored. */
    public boolean isOwner() {
        return priority == 255;
    }

    /** The local advert interval in nanoseconds. */
    public long advertIntervalNanos() {
        return advertIntervalCentis * Timing.NANOS_PER_CENTI;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final int vrid;
        private final InetAddress primaryAddress;
        private int version = 2;
        private int priority = 100;
        private int advertIntervalCentis = 100;
        private VrrpState initialState;
        private boolean nopreempt;
        private Duration preemptDelay = Duration.ZERO;
        private int downTimerAdverts = 3;
        private boolean lowerPrioNoAdvert;
        private boolean higherPrioSendAdvert;
        private boolean ownerIgnoreAdverts;
        private List<TrackerSpec> trackers = List.of();
        private boolean dontTrackPrimary;
        private boolean redisHooks;
        private Duration promotionTimeout = Duration.ofSeconds(5);
        private Duration promotionBackoff = Duration.ofSeconds(10);
        private PromotionFailure onPromotionFailure = PromotionFailure.FAULT;
        private int garpMasterRepeat = 5;
        private Duration garpMasterDelay = Duration.ofSeconds(5);
        private int garpLowerPrioRepeat = 5;
        private Duration garpLowerPrioDelay = Duration.ofSeconds(5);
        private boolean masterWhenFaultClears;
        private Duration releaseWait = Duration.ZERO;

        private Builder(String name, int vrid, InetAddress primaryAddress) {
            this.name = name;
            this.vrid = vrid;
            this.primaryAddress = primaryAddress;
        }

        public Builder version(int v) { this.version = v; return this; }
        public Builder priority(int p) { this.priority = p; return this; }
        public Builder advertIntervalCentis(int cs) { this.advertIntervalCentis = cs; return this; }
        /** MASTER or BACKUP; unset means MASTER for priority 255 and BACKUP otherwise. */
        public Builder initialState(VrrpState s) { this.initialState = s; return this; }
        public Builder nopreempt(boolean b) { this.nopreempt = b; return this; }
        public Builder preemptDelay(Duration d) { this.preemptDelay = d; return this; }
        public Builder downTimerAdverts(int n) { this.downTimerAdverts = n; return this; }
        public Builder lowerPrioNoAdvert(boolean b) { this.lowerPrioNoAdvert = b; return this; }
        public Builder higherPrioSendAdvert(boolean b) { this.higherPrioSendAdvert = b; return this; }
        public Builder ownerIgnoreAdverts(boolean b) { this.ownerIgnoreAdverts = b; return this; }
        public Builder trackers(List<TrackerSpec> t) { this.trackers = t; return this; }
        public Builder dontTrackPrimary(boolean b) { this.dontTrackPrimary = b; return this; }
        public Builder redisHooks(boolean b) { this.redisHooks = b; return this; }
        public Builder promotionTimeout(Duration d) { this.promotionTimeout = d; return this; }
        public Builder promotionBackoff(Duration d) { this.promotionBackoff = d; return this; }
        public Builder onPromotionFailure(PromotionFailure p) { this.onPromotionFailure = p; return this; }
        public Builder garpMasterRepeat(int n) { this.garpMasterRepeat = n; return this; }
        public Builder garpMasterDelay(Duration d) { this.garpMasterDelay = d; return this; }
        public Builder garpLowerPrioRepeat(int n) { this.garpLowerPrioRepeat = n; return this; }
        public Builder garpLowerPrioDelay(Duration d) { this.garpLowerPrioDelay = d; return this; }
        public Builder masterWhenFaultClears(boolean b) { this.masterWhenFaultClears = b; return this; }
        public Builder releaseWait(Duration d) { this.releaseWait = d; return this; }

        public InstanceConfig build() {
            VrrpState state = initialState != null ? initialState
                    : priority == 255 ? VrrpState.MASTER : VrrpState.BACKUP;
            return new InstanceConfig(name, vrid, version, priority, advertIntervalCentis, state, nopreempt,
                    preemptDelay, downTimerAdverts, lowerPrioNoAdvert, higherPrioSendAdvert, ownerIgnoreAdverts,
                    primaryAddress, trackers, dontTrackPrimary, redisHooks, promotionTimeout, promotionBackoff,
                    onPromotionFailure, garpMasterRepeat, garpMasterDelay, garpLowerPrioRepeat, garpLowerPrioDelay,
                    masterWhenFaultClears, releaseWait);
        }
    }
}
