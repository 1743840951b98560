package org.keepvip.agent.firewall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.keepvip.vrrp.config.Firewall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.daemon.VipSpec;
import org.keepvip.agent.loop.Ports;

/**
 * keepalived's nftables table for no-accept mode: stale tables of a killed run dropped at start, the
 * table built the first time an address is blocked, each instance's change one transaction (one
 * libnftables call), the tables deleted at exit (keepalived/vrrp/vrrp_nftables.c, nft_end()).
 * Thread-safe: the hook lanes share it.
 */
public final class NftablesFirewall implements Ports.Firewall, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private final NftRunner nft;
    private final NftScript script;
    private final Firewall settings;
    private final ToIntFunction<String> ifindex;

    /**
     * Removes the table a previous run left behind; {@code ifindex} gives an interface's index (0
     * when unknown) for link-local VIPs.
     *
     * @throws IOException when nft refuses even that (no CAP_NET_ADMIN, no nf_tables in the kernel)
     */
    public NftablesFirewall(NftRunner nft, Firewall settings, ToIntFunction<String> ifindex) throws IOException {
        this.nft = nft;
        this.settings = settings;
        this.ifindex = ifindex;
        this.script = new NftScript(settings.table(), settings.priority(), settings.counters());
        nft.run(script.dropStale());
        LOG.info("nftables: table {} (ip, ip6) drops traffic to the VIPs of a MASTER in no-accept mode", settings.table());
    }

    @Override
    public synchronized boolean block(String instance, List<VipSpec> vips, String instanceIfname,
            boolean dontTrackPrimary) {
        return apply(instance, true, script.block(elements(vips, instanceIfname, dontTrackPrimary)));
    }

    @Override
    public synchronized boolean unblock(String instance, List<VipSpec> vips) {
        return apply(instance, false, script.unblock(elements(vips, "", false)));
    }

    private List<NftElement> elements(List<VipSpec> vips, String instanceIfname, boolean dontTrackPrimary) {
        List<NftElement> out = new ArrayList<>(vips.size());
        for (VipSpec v : vips) {
            int index = v.address().isLinkLocalAddress() ? ifindex.applyAsInt(v.ifname()) : 0;
            out.add(NftElement.of(v.address(), v.ifname(), index, v.noTrack(), instanceIfname, dontTrackPrimary,
                    settings.useIfindex()));
        }
        return out;
    }

    /** Runs one change; keepalived's words ("(VI_1) setting firewall drop rule"). */
    private boolean apply(String instance, boolean set, NftScript.Change change) {
        if (change.isEmpty()) {
            return true;
        }
        try {
            nft.run(change.commands());
            change.done();
            LOG.debug("({}) {} firewall drop rule", instance, set ? "setting" : "removing");
            return true;
        } catch (IOException e) {
            LOG.error("({}) cannot {} firewall drop rule (nftables table {}): {}", instance,
                    set ? "set" : "remove", settings.table(), e.getMessage());
            return false;
        }
    }

    /** Deletes the tables this run built, then the context. */
    @Override
    public synchronized void close() {
        NftScript.Change drop = script.dropAll();
        try {
            if (!drop.isEmpty()) {
                nft.run(drop.commands());
                drop.done();
            }
        } catch (IOException e) {
            LOG.error("cannot delete nftables table {}: {}", settings.table(), e.getMessage());
        } finally {
            nft.close();
        }
    }
}
