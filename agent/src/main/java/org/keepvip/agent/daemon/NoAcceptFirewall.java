package org.keepvip.agent.daemon;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.keepvip.agent.firewall.Nft;
import org.keepvip.agent.firewall.NftablesFirewall;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.Ports;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.vrrp.config.Firewall;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No-accept mode's nftables table as the daemon started it (a reload's new settings for it take a
 * restart), and which instances it blocks.
 */
final class NoAcceptFirewall {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** NONE when no instance needs the table or it could not be set up. */
    private final Ports.Firewall firewall;
    /** The settings at start, or null when nothing asked for a table. */
    private final Firewall settings;

    private NoAcceptFirewall(Ports.Firewall firewall, Firewall settings) {
        this.firewall = firewall;
        this.settings = settings;
    }

    /**
     * The nftables table, when some instance is in no-accept mode or a keyword names one
     * (keepalived/vrrp/vrrp.c: vrrp_complete_instance()). Without libnftables, or when nf_tables
     * refuses, the instances run without drop rules: an error says why and what to install.
     * {@code track} takes the table, which goes at exit after the instances released their VIPs.
     */
    static NoAcceptFirewall start(KeepalivedConfig config, NetlinkClient netlink, Consumer<AutoCloseable> track) {
        Firewall settings = Firewall.of(config.global(), config.instances());
        if (settings == null) {
            return new NoAcceptFirewall(Ports.Firewall.NONE, null);
        }
        if (config.global().firewall().table() == null) {
            LOG.info("no_accept/strict specified, but no firewall configured - using nftables");
        }
        Nft nft = null;
        try {
            nft = Nft.open();
            NftablesFirewall table = new NftablesFirewall(nft, settings, ifname -> ifindex(netlink, ifname));
            track.accept(table);
            return new NoAcceptFirewall(table, settings);
        } catch (IOException e) {
            if (nft != null) {
                nft.close();
            }
            LOG.error("nftables: cannot set up table {}, so a MASTER in no-accept mode (no_accept, vrrp_strict)"
                    + " will answer on its VIPs: {}", settings.table(), e.getMessage());
            return new NoAcceptFirewall(Ports.Firewall.NONE, settings);
        }
    }

    private static int ifindex(NetlinkClient netlink, String ifname) {
        try {
            return netlink.link(ifname).map(Link::ifindex).orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** keepalived: "A reload which changes the iptables/nftables configuration will not work properly". */
    void warnIfChanged(KeepalivedConfig next) {
        var want = Firewall.of(next.global(), next.instances());
        var have = settings;
        boolean same = want == null ? have == null || firewall == Ports.Firewall.NONE
                : have != null && want.table().equals(have.table()) && want.priority() == have.priority()
                        && want.counters() == have.counters() && want.useIfindex() == have.useIfindex();
        if (!same) {
            LOG.warn("nftables settings changed at reload: they take a restart (table {} kept)",
                    have == null ? "none" : have.table());
        }
    }

    /** Blocks {@code r}'s VIPs when {@code config} puts it in no-accept mode. */
    void use(InstanceRuntime r, KeepalivedConfig config) {
        Optional<InstanceSpec> conf = config.instance(r.name());
        boolean blocks = conf.map(Firewall::blocks).orElse(false);
        r.useFirewall(blocks ? firewall : Ports.Firewall.NONE,
                conf.map(InstanceSpec::dontTrackPrimary).orElse(false));
    }
}
