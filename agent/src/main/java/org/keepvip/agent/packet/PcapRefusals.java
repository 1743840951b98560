package org.keepvip.agent.packet;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.keepvip.netlink.VipSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.loop.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code released_vip_rst}: one {@link ReleasedVipRefuser} per interface that carries VIPs, armed
 * with that interface's VIPs (its filter already passes their SYNs, which it drops until a release),
 * and the window from the configuration. With the
 * window at zero nothing is opened; a reload that sets it, or adds VIPs on another interface, opens
 * what is missing. An interface whose refuser cannot open only loses this feature.
 */
public final class PcapRefusals implements Ports.Refusals, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final Map<String, ReleasedVipRefuser> byInterface = new ConcurrentHashMap<>();
    private volatile Duration window = Duration.ZERO;
    private boolean closed;

    /**
     * Sets the window and, unless it is zero, opens refusers on those of {@code ifnames} that have
     * none, and arms each with the VIPs configured on it. Call on a thread in the interfaces'
     * namespace, as the packet ports (start-up, reload).
     */
    public synchronized void configure(Set<String> ifnames, List<VipSpec> vips, Duration w) {
        this.window = w;
        if (closed) {
            return;
        }
        // Refusers no longer wanted (window 0, interface gone from the config) are closed; a refusal
        // they were still answering ends with them.
        byInterface.entrySet().removeIf(e -> {
            boolean drop = w.isZero() || !ifnames.contains(e.getKey());
            if (drop) {
                e.getValue().close();
            }
            return drop;
        });
        if (w.isZero()) {
            return;
        }
        for (String ifname : ifnames) {
            if (!byInterface.containsKey(ifname)) {
                try {
                    byInterface.put(ifname, ReleasedVipRefuser.open(ifname));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: cannot answer SYNs to released VIPs with RST: {}", ifname, e.getMessage());
                }
            }
        }
        Map<String, List<InetAddress>> configured = byInterface(vips);
        byInterface.forEach((ifname, r) -> r.arm(configured.getOrDefault(ifname, List.of())));
    }

    /**
     * {@code ifname} was made again (a VMAC deleted from outside): its refuser, whose capture went
     * with the old link, is opened anew and armed with {@code vips} (those configured on it).
     */
    public synchronized void reopen(String ifname, List<VipSpec> vips) {
        ReleasedVipRefuser old = byInterface.remove(ifname);
        if (old == null || closed) {
            return;
        }
        old.close();
        try {
            ReleasedVipRefuser r = ReleasedVipRefuser.open(ifname);
            byInterface.put(ifname, r);
            r.arm(byInterface(vips).getOrDefault(ifname, List.of()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot answer SYNs to released VIPs with RST: {}", ifname, e.getMessage());
        }
    }

    @Override
    public Optional<Duration> start(String instance, List<VipSpec> released, ReleasedVipRefuser.Counts counts) {
        Duration w = window;
        if (w.isZero()) {
            return Optional.empty();
        }
        boolean any = false;
        for (Map.Entry<String, List<InetAddress>> e : byInterface(released).entrySet()) {
            ReleasedVipRefuser r = byInterface.get(e.getKey());
            List<InetAddress> addrs = e.getValue().stream().filter(a -> !forwarding(e.getKey(), a)).toList();
            if (r != null && !addrs.isEmpty()) {
                r.refuse(addrs, w, counts);
                any = true;
            }
        }
        return any ? Optional.of(w) : Optional.empty();
    }

    @Override
    public void stop(List<VipSpec> vips) {
        // Whatever the window now: a refusal started before a reload must stop too. On every
        // interface, not only the VIP's: a reload may move an address to another device, and the
        // kernel answers for a local address whichever interface the SYN comes in on.
        // Plain loops: this runs on the takeover path, right before the VIP add.
        List<InetAddress> addrs = new ArrayList<>(vips.size());
        for (VipSpec v : vips) {
            addrs.add(v.address());
        }
        for (ReleasedVipRefuser r : byInterface.values()) {
            r.stop(addrs);
        }
    }

    /** A forwarding setting read this recently is used as is: a mass release asks once per interface. */
    private static final long FORWARDING_FRESH_NANOS = 1_000_000_000L;

    private record Forwarding(boolean on, long readAt) {}

    private final Map<String, Forwarding> forwardingRead = new ConcurrentHashMap<>();

    /** Interfaces already logged as forwarding, so the line appears once per interface and family. */
    private final Set<String> forwardingLogged = ConcurrentHashMap.newKeySet();

    /**
     * Whether the kernel forwards what arrives on {@code ifname} for {@code address}'s family. A
     * forwarding host sends a released VIP's SYNs on to the new master (plus an ICMP redirect) instead
     * of dropping them, so a RST of ours would break a connection that works. Unreadable: assume not.
     */
    private boolean forwarding(String ifname, InetAddress address) {
        String family = address instanceof Inet6Address ? "ipv6" : "ipv4";
        String key = ifname + "/" + family;
        long now = System.nanoTime();
        Forwarding known = forwardingRead.get(key);
        if (known != null && now - known.readAt() < FORWARDING_FRESH_NANOS) {
            return known.on();
        }
        Path p = Path.of("/proc/sys/net", family, "conf", ifname, "forwarding");
        boolean on;
        try {
            on = Files.readString(p).trim().equals("1");
        } catch (IOException | RuntimeException e) {
            return false;
        }
        forwardingRead.put(key, new Forwarding(on, now));
        if (on && forwardingLogged.add(key)) {
            LOG.info("{}: {} forwarding is on, so released VIPs are not answered with RST (the kernel forwards"
                    + " their SYNs to the new master)", ifname, family);
        }
        return on;
    }

    private static Map<String, List<InetAddress>> byInterface(List<VipSpec> vips) {
        Map<String, List<InetAddress>> m = new LinkedHashMap<>();
        vips.forEach(v -> m.computeIfAbsent(v.ifname(), k -> new ArrayList<>()).add(v.address()));
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        byInterface.values().forEach(ReleasedVipRefuser::close);
    }
}
