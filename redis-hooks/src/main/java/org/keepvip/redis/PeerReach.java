package org.keepvip.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * What the peer's Redis looks like from here, for deciding whether the peer is gone: whether its
 * host answers at all, and whether the Redis there could be taking writes. A TCP connection is
 * tried first, so a refusal (the kernel there answered: the host is up, nothing listens) is told
 * apart from silence (a dead host and a cut link look alike).
 */
public final class PeerReach {

    /** The four answers, from safest to relax to least. */
    public enum Reach {
        /** The host answered the SYN with a reset: its Redis is down. */
        REFUSED,
        /** Its Redis answers and is a replica, or a master still loading: it takes no writes. */
        NOT_MASTER,
        /** Its Redis answers as a master, or answers in a way that does not say (auth, hang): it may take writes. */
        MASTER,
        /** No answer within the connect timeout, or no route: the host is dead or cut off from here. */
        UNREACHABLE
    }

    /** One probe's answer and its words for the log. */
    public record Result(Reach reach, String detail) {
    }

    private PeerReach() {
    }

    /** Probes {@code peer}; bounded by its connect timeout plus one check; never throws. */
    public static Result probe(RedisEndpoint peer) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(peer.host(), peer.port()), (int) Math.max(1, peer.connectTimeout().toMillis()));
        } catch (IOException e) {
            if (e instanceof ConnectException && e.getMessage() != null && e.getMessage().startsWith("Connection refused")) {
                return new Result(Reach.REFUSED, "peer " + peer.address() + " refuses connections (its host answers, its"
                        + " Redis is down)");
            }
            return new Result(Reach.UNREACHABLE, "peer " + peer.address() + " does not answer (" + e.getMessage() + ")");
        }
        RedisHealth h;
        try (RedisProbe p = RedisProbe.of(peer)) {
            h = p.check();
        }
        RedisInfo i = h.info();
        if (h.verdict() instanceof Verdict.NotReady || i != null && i.loading()) {
            return new Result(Reach.NOT_MASTER, "peer " + peer.address() + " is loading its dataset");
        }
        if (i == null) {
            return new Result(Reach.MASTER, "peer " + peer.address() + " accepts connections but its role is unknown ("
                    + h.verdict().reason() + ")");
        }
        if (i.role() == RedisInfo.Role.MASTER) {
            return new Result(Reach.MASTER, "peer " + peer.address() + " answers as a master");
        }
        return new Result(Reach.NOT_MASTER, "peer " + peer.address() + " answers as a "
                + i.role().name().toLowerCase(java.util.Locale.ROOT)
                + (i.masterHost() == null || i.masterHost().isEmpty() ? "" : " of " + i.masterHost() + ":" + i.masterPort()));
    }
}
