package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.netlink.NetNamespace;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.TrackHost;

/**
 * The four probes on real sockets, between two namespaces of the test's own joined by a veth pair:
 * each reports its neighbour reachable; with the neighbour's addresses removed (the link stays up,
 * as when a gateway dies or a switch drops the path) each reports it unreachable after fall lost
 * probes; with them back, reachable again. Posts only changes, as the loop expects.
 */
class HostTrackersNetnsTest {
    private static final String PREFIX = "kvt" + ProcessHandle.current().pid()
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 16), 36) + "-";
    private static final String OURS = PREFIX + "hta";
    private static final String PEER = PREFIX + "htb";
    private final List<String> made = new ArrayList<>();

    @AfterEach
    void removeNamespaces() throws Exception {
        for (String ns : made) {
            run("ip", "netns", "del", ns);
        }
    }

    private static TrackHost host(String name, String address, String iface, TrackHost.Method m) throws Exception {
        return new TrackHost(name, InetAddress.getByName(address), iface, m, Duration.ofMillis(100),
                Duration.ofMillis(100), 1, 2, 0, false, new Origin("test", 1));
    }

    @Test
    void eachProbeSeesItsNeighbourComeAndGo() throws Exception {
        assumeTrue(isRoot(), "needs root");
        for (String ns : List.of(OURS, PEER)) {
            run("ip", "netns", "add", ns);
            made.add(ns);
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "link", "add", "a0", "netns", OURS, "type", "veth", "peer", "name", "b0", "netns", PEER);
        run("ip", "-n", OURS, "link", "set", "a0", "up");
        run("ip", "-n", PEER, "link", "set", "b0", "up");
        run("ip", "-n", OURS, "addr", "add", "192.0.2.10/24", "dev", "a0");
        run("ip", "-n", OURS, "addr", "add", "2001:db8::10/64", "dev", "a0", "nodad");
        peerAddresses(true);

        Map<String, Boolean> last = new ConcurrentHashMap<>();
        List<LoopEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
        List<TrackHost> hosts = List.of(host("arp", "192.0.2.1", "a0", TrackHost.Method.ARP),
                host("nd", "2001:db8::1", "a0", TrackHost.Method.ND),
                host("icmp4", "192.0.2.1", null, TrackHost.Method.ICMP),
                host("icmp6", "2001:db8::1", "a0", TrackHost.Method.ICMP),
                host("nowhere", "192.0.2.1", "kvnone0", TrackHost.Method.ARP));
        HostTrackers trackers = new HostTrackers(hosts, e -> {
            events.add(e);
            if (e instanceof LoopEvent.TrackerChanged c) {
                last.put(c.trackerId(), c.ok());
            }
        });
        // The probing thread is started here, so it lives in our namespace, and opens its sockets there.
        NetNamespace.call(OURS, () -> {
            trackers.start();
            return null;
        });
        try {
            List<String> ids = hosts.stream().limit(4).map(h -> HostTrackers.trackerId(h.name())).toList();
            await("all four reachable", () -> ids.stream().allMatch(id -> Boolean.TRUE.equals(last.get(id))));
            // A host that cannot be probed (its interface does not exist) fails its tracker.
            await("nowhere unreachable", () -> Boolean.FALSE.equals(last.get("host:nowhere")));
            assertThat(trackers.status().get("nowhere")).extracting(HostTrackers.Status::answered,
                    HostTrackers.Status::up).containsExactly(0L, false);
            peerAddresses(false);
            await("all four unreachable", () -> ids.stream().allMatch(id -> Boolean.FALSE.equals(last.get(id))));
            Map<String, HostTrackers.Status> st = new java.util.LinkedHashMap<>(trackers.status());
            st.remove("nowhere");
            st.forEach((name, s) -> {
                assertThat(s.up()).as(name).isFalse();
                assertThat(s.answered()).as(name).isPositive();
                assertThat(s.lost()).as(name).isGreaterThanOrEqualTo(2);
                assertThat(s.lastRttNanos()).as(name).isBetween(0L, Duration.ofMillis(100).toNanos());
            });
            peerAddresses(true);
            await("all four reachable again", () -> ids.stream().allMatch(id -> Boolean.TRUE.equals(last.get(id))));
            for (String id : ids) {
                List<Boolean> seen = events.stream().map(e -> (LoopEvent.TrackerChanged) e)
                        .filter(c -> c.trackerId().equals(id)).map(LoopEvent.TrackerChanged::ok).toList();
                // keepalived's counter: the first result decides, so a first probe answered late on a loaded
                // host is a first "unreachable"; after that, only changes.
                List<Boolean> afterFirst = seen.get(0) ? seen : seen.subList(1, seen.size());
                assertThat(afterFirst).as("%s posts changes only: %s", id, seen).containsExactly(true, false, true);
            }
        } finally {
            trackers.close();
        }
    }

    private void peerAddresses(boolean add) {
        String op = add ? "add" : "del";
        run("ip", "-n", PEER, "addr", op, "192.0.2.1/24", "dev", "b0");
        if (add) {
            run("ip", "-n", PEER, "addr", op, "2001:db8::1/64", "dev", "b0", "nodad");
        } else {
            run("ip", "-n", PEER, "addr", op, "2001:db8::1/64", "dev", "b0");
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + ": " + out);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
