package org.keepvip.agent.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.keepvip.netlink.VipSpec;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.keepvip.agent.packet.ReleasedVipRefuser;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.state.VrrpState;

/**
 * The daemon's outside world, as narrow interfaces: the event loop and the hook lanes call these,
 * and the wiring supplies pcap4j, netlink, Jedis and the script runner behind them (tests can
 * supply recorders).
 */
public final class Ports {
    private Ports() {}

    /** Sends frames on the instances' interfaces. Thread-safe. */
    public interface PacketOut {
        /** Sends one VRRP message in an IP packet from {@code source} to {@code destination}. */
        void sendVrrp(String ifname, byte[] vrrpMessage, InetAddress source, InetAddress destination)
                throws IOException;

        /** Sends {@code rounds} gratuitous ARPs / unsolicited NAs for each address. */
        void announce(String ifname, List<InetAddress> addresses, int rounds) throws IOException;
    }

    /** One list's part of {@link Vips#removeAll}: what was there and is gone, and the failure or null. */
    public record Removal(List<VipSpec> removed, IOException failure) {
        public Removal {
            removed = List.copyOf(removed);
        }
    }

    /** Adds and removes virtual addresses (netlink). Idempotent: present on add / absent on delete is fine. */
    public interface Vips {
        void add(List<VipSpec> vips) throws IOException;

        /**
         * Adds the VIPs of several instances, one list each, in as few kernel requests as the port
         * can; a failing VIP is logged and costs its list alone. Returns, per list, its first failure
         * or null. This default adds list by list.
         */
        default List<IOException> addAll(List<List<VipSpec>> lists) {
            List<IOException> out = new ArrayList<>(lists.size());
            for (List<VipSpec> l : lists) {
                try {
                    add(l);
                    out.add(null);
                } catch (IOException e) {
                    out.add(e);
                }
            }
            return out;
        }

        /**
         * Removes the VIPs of several instances, one list each, in as few kernel requests as the
         * port can; a VIP that cannot be removed is logged and the others still go. Returns, per
         * list, those that were there and are gone, and its failure or null. This default removes
         * list by list.
         */
        default List<Removal> removeAll(List<List<VipSpec>> lists) {
            List<Removal> out = new ArrayList<>(lists.size());
            for (List<VipSpec> l : lists) {
                try {
                    out.add(new Removal(remove(l), null));
                } catch (IOException e) {
                    out.add(new Removal(List.of(), e));
                }
            }
            return out;
        }

        /** Returns those that were configured and are now gone (not those that were absent already). */
        List<VipSpec> remove(List<VipSpec> vips) throws IOException;
    }

    /**
     * Answers TCP SYNs to VIPs this node has just released with a RST (see
     * {@link org.keepvip.agent.packet.ReleasedVipRefuser}). Called on the instance's hook lane: start
     * right before a remove (stopped again for addresses that were not there), stop right before an
     * add, so a MASTER's connections are never refused. Thread-safe.
     */
    public interface Refusals {
        /**
         * Starts refusing {@code released} for the configured window; counts on {@code counts}.
         * Returns that window, or empty when nothing is answered (window 0, no refuser, forwarding).
         */
        Optional<Duration> start(String instance, List<VipSpec> released,
                ReleasedVipRefuser.Counts counts);

        /** Stops refusing {@code vips}. */
        void stop(List<VipSpec> vips);

        /** No refusal at all. */
        Refusals NONE = new Refusals() {
            @Override
            public Optional<Duration> start(String instance, List<VipSpec> released,
                    ReleasedVipRefuser.Counts counts) {
                return Optional.empty();
            }

            @Override
            public void stop(List<VipSpec> vips) {}
        };
    }

    /**
     * Adds and removes routes and policy rules (netlink): an instance's {@code virtual_routes} and
     * {@code virtual_rules} with its VIPs, the {@code static_*} ones at start and exit. Never throws:
     * each failure is logged, and the number of them returned for the caller to count.
     */
    public interface Routing {
        /** Routes first, then the rules that may point at their tables (keepalived's order). */
        int add(String owner, List<IpRoute> routes, List<IpRule> rules);

        /** Rules first, then routes: the reverse of {@link #add}. */
        int remove(String owner, List<IpRoute> routes,
                List<IpRule> rules);

        /** Nothing to install (tests, and instances without routes or rules). */
        Routing NONE = new Routing() {
            @Override
            public int add(String owner, List<IpRoute> routes,
                    List<IpRule> rules) {
                return 0;
            }

            @Override
            public int remove(String owner, List<IpRoute> routes,
                    List<IpRule> rules) {
                return 0;
            }
        };
    }

    /**
     * The nftables sets that drop traffic to and from the VIPs of a MASTER in no-accept mode
     * (keepalived/vrrp/vrrp_firewall.c: firewall_handle_accept_mode()). Called on the instance's
     * hook lane: {@link #block} right before its VIPs are added, {@link #unblock} right after they
     * are removed. Never throws: a failure is logged, and false returned for the caller to count.
     */
    public interface Firewall {
        /** {@code instanceIfname} and {@code dontTrackPrimary} choose the set of a link-local VIP. */
        boolean block(String instance, List<VipSpec> vips, String instanceIfname, boolean dontTrackPrimary);

        boolean unblock(String instance, List<VipSpec> vips);

        /** No firewall (accept mode, or none configured). */
        Firewall NONE = new Firewall() {
            @Override
            public boolean block(String instance, List<VipSpec> vips, String instanceIfname,
                    boolean dontTrackPrimary) {
                return true;
            }

            @Override
            public boolean unblock(String instance, List<VipSpec> vips) {
                return true;
            }
        };
    }

    /**
     * The role changes of the local Redis one instance's lane runs, in the order ARCHITECTURE.md
     * ("The Redis order") requires. {@link org.keepvip.agent.redis.RedisWiring} implements it on redis-hooks'
     * {@link org.keepvip.redis.RedisHooks} (one Redis server; its scripted fake is in that module's
     * test-jar), adding the daemon's policy: demote retries, peer health for the wipe guard,
     * Sentinel mode, min-replicas, the decision log and metrics.
     */
    public interface RedisRole {
        /** REPLICAOF NO ONE and confirm ROLE master; returns null when done, or why it failed. */
        String promote() throws Exception;

        /**
         * Pause writes and drop clients before the VIP goes, then wait, at most {@code replicaSync},
         * until the replicas have the fenced offset (a write acknowledged just before the fence may
         * still be in the replication stream); past the bound the release goes on, logged with the
         * bytes missing. {@code instance} names the VRRP instance in the log.
         */
        void fence(String instance, Duration replicaSync) throws Exception;

        /**
         * How long a leaving MASTER waits for its replicas after the fence: until the peer's down
         * timer would take over without our priority-0 advert anyway (it runs from our last advert,
         * so at least {@code (downTimerAdverts - 1) × advert_int} is left when we leave), and never
         * more than {@link #MAX_REPLICA_SYNC}, which keeps a stopping daemon's exit within its bound.
         */
        static Duration replicaSyncBound(int downTimerAdverts, long advertIntervalNanos) {
            long nanos = Math.max(1, downTimerAdverts - 1) * advertIntervalNanos;
            return Duration.ofNanos(Math.min(nanos, MAX_REPLICA_SYNC.toNanos()));
        }

        /** The most a release waits for the replicas: within the exit's budget for the lanes' last steps. */
        Duration MAX_REPLICA_SYNC = Duration.ofSeconds(1);

        /** Replicate from the master at {@code master} (guarded against an empty master). */
        void demote(InetAddress master) throws Exception;

        /**
         * As {@link #demote(InetAddress)}, giving up between attempts once {@code superseded} says a
         * later action (a promotion queued behind it on the same lane) made it moot.
         */
        default void demote(InetAddress master, BooleanSupplier superseded) throws Exception {
            demote(master);
        }
    }

    /** notify_* scripts, the generic notify and the FIFO, in order. Must not block. */
    public interface Notifier {
        void instanceState(String instance, VrrpState state, int priority);
    }
}
