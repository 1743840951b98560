package org.keepvip.agent.kernel;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.keepvip.agent.track.LinkProbe;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Tracked;
import org.keepvip.vrrp.config.InstanceSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code linkbeat_interfaces} and {@code linkbeat_use_polling}: the link state of these interfaces
 * comes from asking their driver once a second, not from netlink link events
 * (keepalived/vrrp/vrrp_if.c: init_interface_linkbeat(), if_linkbeat_refresh_thread(); its
 * netlink_link_filter() ignores them). A change is passed on at once, as keepalived's
 * process_if_status_change() is, without interface_up_down_delays.
 */
public final class Linkbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private final Set<String> polled;
    private final BiConsumer<String, Boolean> changed;
    private final Map<String, Boolean> last = new HashMap<>();
    private final Map<String, LinkProbe.Kind> kinds = new HashMap<>();
    private LinkProbe probe;

    public Linkbeat(Set<String> polled, BiConsumer<String, Boolean> changed) {
        this.polled = Set.copyOf(polled);
        this.changed = changed;
    }

    /**
     * The interfaces to poll: those of {@code linkbeat_interfaces}, and with {@code linkbeat_use_polling}
     * every instance's own; only those some instance tracks ("Turning off linkbeat for IF since not
     * used for tracking").
     */
    public static Set<String> polled(KeepalivedConfig c) {
        Set<String> tracked = new LinkedHashSet<>();
        for (InstanceSpec i : c.instances()) {
            tracked.add(i.interfaceName());
            i.tracking().interfaces().stream().map(Tracked::name).forEach(tracked::add);
        }
        c.syncGroups().forEach(g -> g.tracking().interfaces().stream().map(Tracked::name).forEach(tracked::add));
        Set<String> wanted = new LinkedHashSet<>(c.host().linkbeatInterfaces());
        if (c.host().linkbeatUsePolling()) {
            c.instances().forEach(i -> wanted.add(i.interfaceName()));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String w : wanted) {
            if (tracked.contains(w)) {
                out.add(w);
            } else {
                LOG.info("Turning off linkbeat for {} since not used for tracking", w);
            }
        }
        return out;
    }

    public boolean polls(String ifname) {
        return polled.contains(ifname);
    }

    public boolean isEmpty() {
        return polled.isEmpty();
    }

    /** One round: each interface probed, each change passed on. On the timer thread. */
    public synchronized void poll() {
        if (probe == null) {
            probe = new LinkProbe();
            LOG.info("Using MII-BMSR/ETHTOOL NIC polling thread(s)...");
        }
        for (String ifname : polled) {
            LinkProbe.Result r = probe.probe(ifname, kinds.get(ifname));
            kinds.put(ifname, r.kind());
            Boolean before = last.put(ifname, r.up());
            if (before != null && before != r.up()) {
                LOG.info("Linkbeat reports {} {}", ifname, r.up() ? "up" : "down");
                changed.accept(ifname, r.up());
            } else if (before == null) {
                LOG.debug("linkbeat: {} {} ({})", ifname, r.up() ? "up" : "down", r.kind());
                changed.accept(ifname, r.up());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }
}
