package org.keepvip.vrrp.mapping;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.InitialState;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Tracked;
import org.keepvip.vrrp.config.VirtualIp;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.OldUnicastChecksum;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.UnicastPeer;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;

/**
 * keepalived's meaning of a {@code vrrp_instance} block for the parts that run it: the state
 * machine's parameters, the advert it sends and the checks a received advert must pass, and the
 * trackers of keepalived's own kinds. Pure: the agent adds what needs the host (the source address
 * when the config leaves it out, the macvlan names) and keepvip's own Redis trackers.
 *
 * <p>Tracker ids are {@code KIND:NAME} ({@link #INTERFACE}, {@link #SCRIPT}, {@link #FILE},
 * {@link #PROCESS}, {@link #HOST}); the agent reports each one's result under the same id.
 */
public final class InstanceMapping {
    public static final String INTERFACE = "interface:";
    public static final String SCRIPT = "script:";
    public static final String FILE = "file:";
    public static final String PROCESS = "process:";
    public static final String HOST = "host:";
    /** The size of the advert's authentication data (keepalived's {@code vrrp_t.auth_data}). */
    public static final int AUTH_PASS_BYTES = 8;

    private InstanceMapping() {}

    /**
     * {@code advert_int} in centiseconds, as the instance sends and expects it. VRRPv2 carries whole
     * seconds: an interval that is not one rounds to the nearest, at least 1 s
     * (keepalived/vrrp/vrrp.c: vrrp_complete_instance; the parser has already said so).
     */
    public static int advertIntervalCentis(InstanceSpec i) {
        return advertIntervalCentis(i.version(), i.advertInterval());
    }

    /** As {@link #advertIntervalCentis(InstanceSpec)}, for a version and an interval. */
    public static int advertIntervalCentis(int version, Duration interval) {
        int centis = (int) Math.max(1, interval.toMillis() / 10);
        return version == 2 ? Math.max(100, Math.round(centis / 100f) * 100) : centis;
    }

    public static AuthType authType(InstanceSpec i) {
        return i.authentication() == null ? AuthType.NONE : AuthType.PASS;
    }

    /** The advert's authentication data: empty without {@code auth_pass}, else its first 8 bytes, NUL-padded. */
    public static byte[] authData(InstanceSpec i) {
        return i.authentication() == null ? new byte[0] : authPass(i.authentication().password());
    }

    /**
     * {@code auth_pass} as the advert carries it: cut to 8 bytes and padded with NULs
     * (keepalived/vrrp/vrrp_parser.c: vrrp_auth_pass_handler).
     */
    public static byte[] authPass(String password) {
        byte[] raw = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[AUTH_PASS_BYTES];
        System.arraycopy(raw, 0, out, 0, Math.min(AUTH_PASS_BYTES, raw.length));
        return out;
    }

    /** The addresses the advert lists: the {@code virtual_ipaddress} entries ({@code _excluded} ones are not sent). */
    public static List<InetAddress> advertisedVips(InstanceSpec i) {
        return i.virtualIps().stream().map(VirtualIp::address).toList();
    }

    /** The instance's advert at {@code priority}; the agent adds source and destination at send time. */
    public static VrrpAdvert advert(InstanceSpec i, int priority) {
        return new VrrpAdvert(i.version(), i.vrid(), priority, advertIntervalCentis(i), authType(i), authData(i),
                advertisedVips(i));
    }

    /** Where adverts go: the unicast peers, or the multicast group ({@code mcast_dst_ip} or the family's default). */
    public static List<InetAddress> destinations(InstanceSpec i) {
        if (i.isUnicast()) {
            return i.unicastPeers().stream().map(org.keepvip.vrrp.config.UnicastPeerSpec::address).toList();
        }
        boolean ipv6 = i.family() == AddressFamily.IPV6;
        return List.of(i.mcastGroup() != null ? i.mcastGroup() : ipv6 ? VrrpCodec.MULTICAST_V6 : VrrpCodec.MULTICAST_V4);
    }

    /**
     * How adverts are summed: {@code old_unicast_checksum} (keepalived/vrrp/vrrp.c: vrrp_build_ip4(),
     * vrrp_csum_mcast()) sums unicast VRRPv3/IPv4 adverts as if sent to 224.0.0.18.
     */
    public static ChecksumMode checksumMode(InstanceSpec i) {
        if (i.advert().oldUnicastChecksum() == OldUnicastChecksum.FORCE && i.version() == 3
                && i.family() == AddressFamily.IPV4 && !i.unicastPeers().isEmpty()) {
            return ChecksumMode.OLD_UNICAST;
        }
        return i.advert().v3ChecksumAsV2() ? ChecksumMode.V3_AS_V2 : ChecksumMode.STANDARD;
    }

    /**
     * What a received advert must match to reach the state machine (keepalived/vrrp/vrrp.c:
     * vrrp_check_packet), with the old unicast checksum learnt from the first advert that uses it.
     */
    public static ReceiveExpectations expectations(InstanceSpec i) {
        List<UnicastPeer> peers = i.unicastPeers().stream()
                .map(p -> new UnicastPeer(p.address(), p.minTtl(), p.maxTtl())).toList();
        return ReceiveExpectations.of(i.version(), i.vrid(), advertIntervalCentis(i), advertisedVips(i), i.priority())
                .withAuth(authType(i), authData(i))
                .withPeers(peers, i.advert().checkUnicastSrc())
                .withChecksum(i.advert().v3ChecksumAsV2(), i.advert().oldUnicastChecksum())
                .withSkipCheckAdvAddr(i.advert().skipCheckAdvAddr())
                .withOwnerIgnoreAdverts(i.advert().ownerIgnoreAdverts() && i.isOwner());
    }

    /**
     * The state machine's parameters from the block, with {@code source} as its own address and
     * {@code trackers} as its trackers. The caller may set what keepalived does not have (Redis
     * hooks, Sentinel mode) on the returned builder.
     */
    public static InstanceConfig.Builder machine(InstanceSpec i, InetAddress source, List<TrackerSpec> trackers) {
        return InstanceConfig.builder(i.name(), i.vrid(), source)
                .version(i.version())
                .priority(i.priority())
                .advertIntervalCentis(advertIntervalCentis(i))
                .initialState(i.state() == InitialState.MASTER ? VrrpState.MASTER : VrrpState.BACKUP)
                .nopreempt(!i.preempt())
                .preemptDelay(i.preemptDelay())
                .downTimerAdverts(i.advert().downTimerAdverts())
                .lowerPrioNoAdvert(i.advert().lowerPrioNoAdvert())
                .higherPrioSendAdvert(i.advert().higherPrioSendAdvert())
                .ownerIgnoreAdverts(i.advert().ownerIgnoreAdverts())
                .trackers(trackers)
                .dontTrackPrimary(i.dontTrackPrimary())
                .garpMasterRepeat(i.garp().masterRepeat())
                .garpMasterDelay(i.garp().masterDelay())
                .garpLowerPrioRepeat(i.garp().lowerPrioRepeat())
                .garpLowerPrioDelay(i.garp().lowerPrioDelay());
    }

    /**
     * The trackers of keepalived's kinds: the instance's own, then those of its sync group it does
     * not track itself, which apply to every member (keepalived/vrrp/vrrp.c:
     * sync_group_tracking_init). Interface trackers stay per instance, as nothing reports
     * {@code interface:} results for a group.
     */
    public static List<TrackerSpec> trackers(KeepalivedConfig config, InstanceSpec i) {
        List<TrackerSpec> out = new ArrayList<>();
        add(out, INTERFACE, i.tracking().interfaces());
        add(out, SCRIPT, i.tracking().scripts());
        add(out, FILE, i.tracking().files());
        add(out, PROCESS, i.tracking().processes());
        add(out, HOST, i.tracking().hosts());
        if (i.syncGroup() != null) {
            config.syncGroups().stream().filter(g -> g.name().equals(i.syncGroup())).findFirst().ifPresent(g -> {
                List<TrackerSpec> group = new ArrayList<>();
                add(group, SCRIPT, g.tracking().scripts());
                add(group, FILE, g.tracking().files());
                add(group, PROCESS, g.tracking().processes());
                add(group, HOST, g.tracking().hosts());
                for (TrackerSpec t : group) {
                    if (out.stream().noneMatch(s -> s.id().equals(t.id()))) {
                        out.add(t);
                    }
                }
            });
        }
        return out;
    }

    /**
     * True when the instance's sync group forces every tracker's weight to 0 (no
     * {@code sync_group_tracking_weight}; keepalived/vrrp/vrrp.c: vrrp_complete_instance). The parser
     * applied it to the configured trackers; trackers the agent adds follow the same rule.
     */
    public static boolean groupZeroesWeights(KeepalivedConfig config, InstanceSpec i) {
        return i.syncGroup() != null && config.syncGroups().stream()
                .anyMatch(g -> g.name().equals(i.syncGroup()) && !g.syncGroupTrackingWeight());
    }

    private static void add(List<TrackerSpec> out, String prefix, List<Tracked> tracked) {
        for (Tracked t : tracked) {
            out.add(new TrackerSpec(prefix + t.name(), t.weight(), t.reverse()));
        }
    }
}
