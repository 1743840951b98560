package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What a {@link VrrpInstance} asks its driver to do, in order.
 *
 * <h2>Ordering contract</h2>
 * The driver executes the actions returned by one {@link VrrpInstance#drainActions()} in list order,
 * each completing (or failing within its own short timeout) before the next starts, with two
 * exceptions:
 * <ul>
 * <li>{@link SendAdvert} and {@link AddVips} overlap: the driver hands the rest of the batch to the
 *     instance's worker first and sends the advert right after, in the same step. The worker starts
 *     an {@link AddVips} at once; its other actions wait until the advert is sent. On a takeover the
 *     VIP add has therefore already started when the advert leaves (the advert's place in the lists
 *     below is the order of the decision, not of the wire). Nothing in a batch depends on its advert
 *     having left first. {@link ReleaseAdvert} is the advert that must wait: it runs in order with
 *     the worker's actions.</li>
 * <li>{@link Promote}: the driver starts it and returns; its outcome comes back as
 *     {@link Event.PromotionDone}, and the instance holds the rest of its MASTER entry until then.</li>
 * </ul>
 * <ul>
 * <li><b>Entering MASTER, with Redis hooks</b>: {@link SendAdvert} → {@link StateChanged} →
 *     {@link Promote} … (PromotionDone ok) → {@link AddVips} → {@link GarpBurst} → {@link Notify}.
 *     The VIP is never added before Redis confirmed it is a writable master. If promotion fails or
 *     times out, the instance does not keep MASTER: it enters FAULT (priority-0 advert, fence) for
 *     the configured back-off.</li>
 * <li><b>Entering MASTER, without hooks</b> (keepalived's order): SendAdvert → StateChanged →
 *     AddVips → GarpBurst → Notify.</li>
 * <li><b>Leaving MASTER</b>: [SendAdvert(0) when releasing on purpose: FAULT, shutdown, step-down,
 *     VIP deleted, sync-group pull] → {@link RemoveVips} → StateChanged → Notify, as keepalived
 *     does (keepalived/vrrp/vrrp.c, vrrp_restore_interface(): the priority-0 advert, then the VIPs
 *     deleted): the backup starts its skew timer at once. With Redis hooks: {@link Fence} (which also
 *     waits, bounded, for the replica to have the fenced offset) → RemoveVips → {@link ReleaseAdvert}
 *     → StateChanged → Notify → {@link Demote} (when the new master is known): the backup promotes
 *     its replica once it hears priority 0, so the advert waits until the replica has every write
 *     our Redis acknowledged and we no longer serve.</li>
 * <li><b>Shutdown from MASTER</b>: the release above, then StateChanged → Notify(STOP);
 *     without release (keepalived's {@code -V}): StateChanged → Notify(STOP) only, VIPs and Redis left as they are.</li>
 * <li>A BACKUP that learns (or changes) its master's address emits Demote(master) (hooks only), so the
 *     local Redis replicates from whoever holds the VIP.</li>
 * </ul>
 * Redis actions of one instance ({@link Promote}, {@link Fence}, {@link Demote}) must run in order on
 * one worker: a Fence or Demote emitted while a Promote is still running takes effect after it.
 * {@link Log} and {@link StateChanged} carry ready-made text in keepalived's words.
 * <p>The agent's worker is the instance's hook lane; its loop sends the adverts (and logs the
 * {@link StateChanged} line) in the turn that handed the batch to the lane.
 */
public sealed interface Action {

    /** Send one advert at this priority (0 = releasing). The driver fills in VIPs, interval and auth. */
    record SendAdvert(int priority) implements Action {
    }

    /**
     * The priority-0 advert of an instance with Redis hooks: unlike {@link SendAdvert}, the driver
     * sends it in order with the worker's actions, after {@link Fence} (and its wait for the replica)
     * and {@link RemoveVips}, so the successor's skew timer, and its promotion, start only once our
     * Redis takes no writes, its replica has them all, and this node no longer serves.
     */
    record ReleaseAdvert() implements Action {
    }

    /**
     * Promote local Redis ({@code REPLICAOF NO ONE}, undo any fence, confirm {@code ROLE} is master) and
     * answer with {@link Event.PromotionDone} carrying this {@code attempt}.
     */
    record Promote(long attempt) implements Action {
    }

    /** Add the VIPs (and excluded VIPs) to the interfaces. */
    record AddVips() implements Action {
    }

    /** Remove the VIPs; also emitted at start to clean up after a crash. */
    record RemoveVips() implements Action {
    }

    /** Send {@code count} gratuitous ARPs / unsolicited NAs per VIP. */
    record GarpBurst(int count) implements Action {
    }

    /**
     * Pause writes on local Redis and drop its clients, then wait (bounded) until its replicas have
     * the paused offset, before the VIPs are released and priority 0 is sent.
     */
    record Fence() implements Action {
    }

    /** Make local Redis a replica of the master at {@code master} (the advert source address). */
    record Demote(InetAddress master) implements Action {
        public Demote {
            Objects.requireNonNull(master, "master");
        }
    }

    /** Run notify scripts / FIFO for a state (MASTER, BACKUP, FAULT, STOP) with the priority. */
    record Notify(VrrpState state, int priority) implements Action {
    }

    /**
     * The instance changed state; {@code text} is the log line, e.g. {@code (VI_1) Entering MASTER STATE},
     * {@code why} the cause and the inputs that decided it (null only when made by hand, as in tests).
     */
    record StateChanged(VrrpState from, VrrpState to, String reason, String text, Decision why) implements Action {
        /** Without the inputs: tests compare transitions by these four. */
        public StateChanged(VrrpState from, VrrpState to, String reason, String text) {
            this(from, to, reason, text, null);
        }
    }

    /** A log line in keepalived's words. */
    record Log(Level level, String text) implements Action {
    }

    /** Log levels for {@link Log}. */
    enum Level { DEBUG, INFO, WARN }
}
