package org.keepvip.agent.loop;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.keepvip.agent.packet.ReleasedVipRefuser;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;

/** Fakes of the daemon's {@link Ports} for agent's tests: each tells the test what it was asked to do. */
public final class FakePorts {
    private FakePorts() {
    }

    /** What a fake does on a call; it may fail as the real port may. */
    @FunctionalInterface
    interface Step {
        void run(List<VipSpec> vips) throws IOException;
    }

    /** Packet IO that sends nothing. */
    static Ports.PacketOut packets() {
        return packets(priority -> { }, () -> { });
    }

    /** Packet IO that drops adverts and runs {@code onAnnounce} for each GARP/NA burst. */
    public static Ports.PacketOut announcing(Runnable onAnnounce) {
        return packets(priority -> { }, onAnnounce);
    }

    /** Packet IO that hands each advert's priority to {@code onAdvert} and runs {@code onAnnounce} per burst. */
    static Ports.PacketOut packets(IntConsumer onAdvert, Runnable onAnnounce) {
        return new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {
                onAdvert.accept(msg[2] & 0xff);
            }

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {
                onAnnounce.run();
            }
        };
    }

    /** VIPs that are only held. */
    public static HeldVips vips() {
        return new HeldVips(null, v -> { }, v -> { });
    }

    /** VIPs that record {@code add [VIPs]} and {@code remove [VIPs] -> [those that were held]}. */
    public static HeldVips vips(Recorder recorder) {
        return new HeldVips(recorder, v -> { }, v -> { });
    }

    /** VIPs whose add and remove run the given steps first (an add that fails holds nothing). */
    public static HeldVips vips(Step onAdd, Step onRemove) {
        return new HeldVips(null, onAdd, onRemove);
    }

    /**
     * VIPs held in memory as the kernel holds them, so that {@link #remove} reports, as the real port
     * does, only those that were there.
     */
    static final class HeldVips implements Ports.Vips {
        private final Set<VipSpec> held = ConcurrentHashMap.newKeySet();
        private final Recorder recorder;
        private final Step onAdd;
        private final Step onRemove;

        private HeldVips(Recorder recorder, Step onAdd, Step onRemove) {
            this.recorder = recorder;
            this.onAdd = onAdd;
            this.onRemove = onRemove;
        }

        @Override
        public synchronized void add(List<VipSpec> v) throws IOException {
            onAdd.run(v);
            held.addAll(v);
            if (recorder != null) {
                recorder.record("add " + v);
            }
        }

        @Override
        public synchronized List<VipSpec> remove(List<VipSpec> v) throws IOException {
            onRemove.run(v);
            List<VipSpec> removed = v.stream().filter(held::remove).toList();
            if (recorder != null) {
                recorder.record("remove " + v + " -> " + removed);
            }
            return removed;
        }
    }

    /** Redis hooks that succeed and name each call to {@code calls}: promote, fence, demote. */
    static Ports.RedisRole redis(Consumer<String> calls) {
        return new Ports.RedisRole() {
            @Override
            public String promote() {
                calls.accept("promote");
                return null;
            }

            @Override
            public void fence(String instance, java.time.Duration replicaSync) {
                calls.accept("fence");
            }

            @Override
            public void demote(InetAddress master) {
                calls.accept("demote");
            }
        };
    }

    /**
     * Refusals that record {@code refuse INSTANCE [VIPs]} and {@code stop refusing [VIPs]}, count one
     * refused SYN per start (as the refuser would report one) and answer for {@code window}.
     */
    static Ports.Refusals refusals(Recorder recorder, Duration window) {
        return new Ports.Refusals() {
            @Override
            public Optional<Duration> start(String instance, List<VipSpec> released, ReleasedVipRefuser.Counts counts) {
                recorder.record("refuse " + instance + " " + released);
                counts.refused();
                return Optional.of(window);
            }

            @Override
            public void stop(List<VipSpec> vips) {
                recorder.record("stop refusing " + vips);
            }
        };
    }

    /**
     * Routing that records {@code (INSTANCE) add|remove N routes M rules} and reports
     * {@code addFailures} failed entries per add (the real port logs them).
     */
    static Ports.Routing routing(Recorder recorder, int addFailures) {
        return new Ports.Routing() {
            @Override
            public int add(String owner, List<IpRoute> routes, List<IpRule> rules) {
                recorder.record(owner + " add " + routes.size() + " routes " + rules.size() + " rules");
                return addFailures;
            }

            @Override
            public int remove(String owner, List<IpRoute> routes, List<IpRule> rules) {
                recorder.record(owner + " remove " + routes.size() + " routes " + rules.size() + " rules");
                return 0;
            }
        };
    }
}
