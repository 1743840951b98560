package org.keepvip.agent.redis;

import java.util.Locale;
import org.keepvip.redis.PeerReach;

/**
 * When the master keepvip serves should refuse writes for want of replicas: the decision of
 * {@code min_replicas_to_write}, pure (inputs in, mode out), for one VRRP master period.
 *
 * <p>A BACKUP sends no adverts, so a master cannot tell a dead peer from a cut link by listening;
 * only a probe of the peer's Redis can prove the peer's host alive (a refused connection) or its
 * Redis harmless (a replica). Hence:
 * <ul>
 * <li>N replicas attached within the lag: {@link Mode#ENFORCED} (Redis' min-replicas set).</li>
 * <li>A master period that starts without them (a takeover: the peer's adverts stopped) is
 *     {@link Mode#RELAXED} once the peer's Redis is refused, a replica, or silent (the peer is gone),
 *     {@link Mode#PENDING} (still enforced) while the peer's Redis is a master.</li>
 * <li>Once enforced, losing the replicas relaxes only on proof that the peer takes no writes (refused,
 *     a replica); silence or a second master is {@link Mode#ISOLATED}: Redis keeps refusing writes
 *     (after the lag), and the instance's priority drops so the peer's data wins the heal.</li>
 * <li>{@link Mode#RELAXED} stays relaxed until replicas attach again: the peer's Redis answering as a
 *     master later is the heal, and the other side is the one that yields.</li>
 * </ul>
 */
final class MinReplicasPolicy {

    /** Where one master period stands. */
    enum Mode {
        /** Not the VRRP master: the operator's own values apply. */
        NOT_MASTER,
        /** Replicas attached: Redis refuses writes once fewer than N are within the lag. */
        ENFORCED,
        /** Became master while the peer's Redis is still a master: enforced, waiting for it to replicate. */
        PENDING,
        /** The peer is gone: min-replicas-to-write 0, this master takes writes alone. */
        RELAXED,
        /** Replicas lost and the peer not proven harmless: enforced, and this node must not win a heal. */
        ISOLATED;

        /** Whether Redis should hold min-replicas-to-write N (else 0). */
        boolean enforced() {
            return this == ENFORCED || this == PENDING || this == ISOLATED;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The next mode and why, in the log's words. */
    record Decision(Mode mode, String reason) {
    }

    private MinReplicasPolicy() {
    }

    /** Whether the peer must be probed to decide from {@code current} when replicas are short. */
    static boolean needsProbe(Mode current) {
        return current != Mode.RELAXED;
    }

    /**
     * One step. {@code current}: NOT_MASTER at the start of a master period; {@code replicas}: enough
     * attached within the lag, described in {@code replicaText}; {@code peer}: the probe of the peer's
     * Redis, null when no peer is known or no probe was needed.
     */
    static Decision next(Mode current, boolean replicas, String replicaText, PeerReach.Result peer) {
        if (replicas) {
            return new Decision(Mode.ENFORCED, replicaText);
        }
        if (current == Mode.RELAXED) {
            return new Decision(Mode.RELAXED, null); // sticky: no reason change
        }
        boolean starting = current == Mode.NOT_MASTER || current == Mode.PENDING;
        if (peer == null) {
            return starting ? new Decision(Mode.RELAXED, "no replica attached and no peer known")
                    : new Decision(Mode.ISOLATED, replicaText + "; no peer known to probe");
        }
        return switch (peer.reach()) {
            case REFUSED, NOT_MASTER -> new Decision(Mode.RELAXED, replicaText + "; " + peer.detail()
                    + ": it takes no writes");
            case UNREACHABLE -> starting
                    ? new Decision(Mode.RELAXED, replicaText + "; " + peer.detail()
                            + " and its adverts stopped: peer gone")
                    : new Decision(Mode.ISOLATED, replicaText + "; " + peer.detail()
                            + " (a dead host and a cut link look alike)");
            case MASTER -> starting
                    ? new Decision(Mode.PENDING, replicaText + "; " + peer.detail() + ": waiting for it to replicate")
                    : new Decision(Mode.ISOLATED, replicaText + "; " + peer.detail() + " (split brain)");
        };
    }
}
