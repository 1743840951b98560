package org.keepvip.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.netlink.RtAttr;
import org.keepvip.netlink.Rtnl;
import org.keepvip.netlink.RtnlCodec;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.config.VirtualIp;

/**
 * Every attribute of a configured address survives the way to the kernel: the line is parsed by
 * the config parser, mapped by {@link KernelVips} and encoded as the RTM_NEWADDR netlink sends,
 * and the request's own bytes are read back. The kernel's side is {@code VipAttributesNetnsTest}.
 */
class KernelVipsTest {
    private static final int IFINDEX = 7;

    @TempDir
    Path dir;

    @Test
    void ipv4LineKeepsDeviceBroadcastScopeLabelLifetimeAndNoTrack() throws Exception {
        InstanceSpec i = parse("""
                virtual_ipaddress {
                    192.0.2.50/24 dev v9 brd + scope link label v9:vip preferred_lft 30 no_track
                }
                """);
        VipSpec spec = KernelVips.ofInstance(i, vip(i.virtualIps(), "192.0.2.50"));

        assertThat(spec.address()).isEqualTo(ip("192.0.2.50"));
        assertThat(spec.prefixLength()).isEqualTo(24);
        assertThat(spec.ifname()).isEqualTo("v9");
        assertThat(spec.broadcast()).contains(ip("192.0.2.255"));
        assertThat(spec.scope()).isEqualTo(Rtnl.RT_SCOPE_LINK);
        assertThat(spec.label()).contains("v9:vip");
        assertThat(spec.preferredLifetime()).isEqualTo(OptionalInt.of(30));
        assertThat(spec.noTrack()).isTrue();

        Request r = Request.add(spec);
        assertThat(r.family).isEqualTo(Rtnl.AF_INET);
        assertThat(r.prefix).isEqualTo(24);
        assertThat(r.scope).isEqualTo(Rtnl.RT_SCOPE_LINK);
        assertThat(r.ifindex).isEqualTo(IFINDEX);
        assertThat(r.address(Rtnl.IFA_LOCAL)).isEqualTo(ip("192.0.2.50"));
        assertThat(r.address(Rtnl.IFA_ADDRESS)).as("no peer").isEqualTo(ip("192.0.2.50"));
        assertThat(r.address(Rtnl.IFA_BROADCAST)).isEqualTo(ip("192.0.2.255"));
        assertThat(r.string(Rtnl.IFA_LABEL)).isEqualTo("v9:vip");
        assertThat(r.preferredLifetime()).isEqualTo(30);
        assertThat(r.attrs).doesNotContainKey(Rtnl.IFA_FLAGS);
    }

    @Test
    void ipv4DefaultsAreTheKernelsOnTheInstanceInterface() throws Exception {
        InstanceSpec i = parse("""
                virtual_ipaddress {
                    198.51.100.7
                }
                """);
        VipSpec spec = KernelVips.ofInstance(i, vip(i.virtualIps(), "198.51.100.7"));

        assertThat(spec.ifname()).as("the instance's interface").isEqualTo("v0");
        assertThat(spec.prefixLength()).isEqualTo(32);
        assertThat(spec.noTrack()).isFalse();
        Request r = Request.add(spec);
        assertThat(r.scope).isEqualTo(Rtnl.RT_SCOPE_UNIVERSE);
        assertThat(r.attrs).doesNotContainKeys(Rtnl.IFA_BROADCAST, Rtnl.IFA_LABEL, Rtnl.IFA_CACHEINFO, Rtnl.IFA_FLAGS);
    }

    @Test
    void everyScopeNameIsItsNumber() {
        assertThat(Map.of("global", KernelVips.scope("global"), "site", KernelVips.scope("site"),
                "link", KernelVips.scope("link"), "host", KernelVips.scope("host"),
                "nowhere", KernelVips.scope("nowhere"), "(none)", KernelVips.scope(null)))
                .isEqualTo(Map.of("global", Rtnl.RT_SCOPE_UNIVERSE, "site", Rtnl.RT_SCOPE_SITE,
                        "link", Rtnl.RT_SCOPE_LINK, "host", Rtnl.RT_SCOPE_HOST,
                        "nowhere", Rtnl.RT_SCOPE_NOWHERE, "(none)", Rtnl.RT_SCOPE_UNIVERSE));
    }

    @Test
    void ipv6LineKeepsNodadLifetimeAndExcludedOnes() throws Exception {
        InstanceSpec i = parse("""
                virtual_ipaddress {
                    2001:db8::50/64 -nodad preferred_lft 30
                    2001:db8::51/128
                    2001:db8::52/64 preferred_lft forever
                }
                virtual_ipaddress_excluded {
                    2001:db8::60/64 dev v9
                }
                """);
        Request dad = Request.add(KernelVips.ofInstance(i, vip(i.virtualIps(), "2001:db8::50")));
        assertThat(dad.family).isEqualTo(Rtnl.AF_INET6);
        assertThat(dad.prefix).isEqualTo(64);
        assertThat(dad.flags()).as("-nodad: duplicate address detection runs").isZero();
        assertThat(dad.preferredLifetime()).isEqualTo(30);
        assertThat(dad.attrs).as("IFA_ADDRESS would be a peer").doesNotContainKey(Rtnl.IFA_ADDRESS);

        Request host = Request.add(KernelVips.ofInstance(i, vip(i.virtualIps(), "2001:db8::51")));
        assertThat(host.flags()).as("keepalived's default").isEqualTo(Rtnl.IFA_F_NODAD);
        assertThat(host.preferredLifetime()).as("a /128 is never preferred as a source").isZero();

        Request forever = Request.add(KernelVips.ofInstance(i, vip(i.virtualIps(), "2001:db8::52")));
        assertThat(forever.preferredLifetime()).isEqualTo(Rtnl.INFINITY_LIFE_TIME);

        VipSpec excluded = KernelVips.ofInstance(i, vip(i.excludedIps(), "2001:db8::60"));
        assertThat(excluded.ifname()).isEqualTo("v9");
        assertThat(Request.add(excluded).flags()).isEqualTo(Rtnl.IFA_F_NODAD);
    }

    @Test
    void peerAndAddressFlagsReachTheRequest() throws Exception {
        InstanceSpec i = parse("""
                virtual_ipaddress {
                    192.0.2.51/24 scope link peer 198.51.100.99/30 noprefixroute autojoin
                }
                """);
        InstanceSpec i6 = parse("""
                virtual_ipaddress {
                    2001:db8::53/64 peer 2001:db8::99 home mngtmpaddr
                }
                """);
        Request v4 = Request.add(KernelVips.ofInstance(i, vip(i.virtualIps(), "192.0.2.51")));
        assertThat(v4.address(Rtnl.IFA_LOCAL)).isEqualTo(ip("192.0.2.51"));
        assertThat(v4.address(Rtnl.IFA_ADDRESS)).as("the peer").isEqualTo(ip("198.51.100.99"));
        assertThat(v4.prefix).as("the peer's prefix, as ip(8) takes it").isEqualTo(30);
        assertThat(v4.flags()).isEqualTo(Rtnl.IFA_F_NOPREFIXROUTE | Rtnl.IFA_F_MCAUTOJOIN);
        Request v4Delete = Request.delete(KernelVips.ofInstance(i, vip(i.virtualIps(), "192.0.2.51")));
        assertThat(v4Delete.address(Rtnl.IFA_ADDRESS)).as("a delete names the peer the kernel holds")
                .isEqualTo(ip("198.51.100.99"));

        Request v6 = Request.add(KernelVips.ofInstance(i6, vip(i6.virtualIps(), "2001:db8::53")));
        assertThat(v6.address(Rtnl.IFA_ADDRESS)).isEqualTo(ip("2001:db8::99"));
        assertThat(v6.prefix).as("a peer without /P: the address's own prefix").isEqualTo(64);
        assertThat(v6.flags()).isEqualTo(Rtnl.IFA_F_NODAD | Rtnl.IFA_F_HOMEADDRESS | Rtnl.IFA_F_MANAGETEMPADDR);
    }

    @Test
    void staticAddressIsNeverTrackedAndKeepsItsAttributes() throws Exception {
        KeepalivedConfig config = parseConfig("""
                static_ipaddress {
                    192.0.2.70/24 dev v0 brd 192.0.2.127 scope host label v0:st
                }
                """ + instanceBlock("virtual_ipaddress {\n    192.0.2.50\n}\n"));
        VipSpec spec = KernelVips.ofStatic(config.statics().addresses().get(0));
        assertThat(spec.ifname()).isEqualTo("v0");
        assertThat(spec.noTrack()).isTrue();
        Request r = Request.add(spec);
        assertThat(r.address(Rtnl.IFA_BROADCAST)).isEqualTo(ip("192.0.2.127"));
        assertThat(r.scope).isEqualTo(Rtnl.RT_SCOPE_HOST);
        assertThat(r.string(Rtnl.IFA_LABEL)).isEqualTo("v0:st");
    }

    /** One instance on v0 with {@code body} inside; the VIPs' family is the instance's. */
    private InstanceSpec parse(String body) throws IOException {
        return parseConfig(instanceBlock(body)).instance("VI_1").orElseThrow();
    }

    private static String instanceBlock(String body) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface v0
                    virtual_router_id 51
                    priority 100
                %s}
                """.formatted(body.indent(4));
    }

    private KeepalivedConfig parseConfig(String text) throws IOException {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.hasErrors()).as(r.diagnostics().toString()).isFalse();
        return r.config();
    }

    private static VirtualIp vip(List<VirtualIp> vips, String address) throws IOException {
        InetAddress a = ip(address);
        return vips.stream().filter(v -> v.address().equals(a)).findFirst().orElseThrow();
    }

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    /** An RTM_NEWADDR request as netlink would send it for {@code vip}, read back field by field. */
    private record Request(int family, int prefix, int ifaFlags, int scope, int ifindex, Map<Integer, byte[]> attrs) {
        static Request add(VipSpec vip) {
            return of(true, vip);
        }

        static Request delete(VipSpec vip) {
            return of(false, vip);
        }

        private static Request of(boolean add, VipSpec vip) {
            ByteBuffer bb = ByteBuffer.wrap(RtnlCodec.addressRequest(add, vip, IFINDEX, 1)).order(ByteOrder.nativeOrder());
            bb.position(16); // struct nlmsghdr
            int family = bb.get() & 0xFF;
            int prefix = bb.get() & 0xFF;
            int flags = bb.get() & 0xFF;
            int scope = bb.get() & 0xFF;
            int ifindex = bb.getInt();
            Map<Integer, byte[]> attrs = new HashMap<>();
            for (var a = RtAttr.parse(bb); a.isPresent(); a = RtAttr.parse(bb)) {
                assertThat(attrs.put(a.get().type(), a.get().value())).as("attribute %d once", a.get().type()).isNull();
            }
            return new Request(family, prefix, flags, scope, ifindex, attrs);
        }

        InetAddress address(int type) throws IOException {
            assertThat(attrs).containsKey(type);
            return InetAddress.getByAddress(attrs.get(type));
        }

        String string(int type) {
            byte[] v = attrs.get(type);
            assertThat(v).isNotNull();
            int end = 0;
            while (end < v.length && v[end] != 0) {
                end++;
            }
            return new String(v, 0, end, StandardCharsets.UTF_8);
        }

        /** IFA_FLAGS, as the kernel reads it (the header's byte when the attribute is absent). */
        int flags() {
            byte[] v = attrs.get(Rtnl.IFA_FLAGS);
            int fromAttr = v == null ? ifaFlags : ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
            assertThat(fromAttr & 0xFF).as("ifa_flags and IFA_FLAGS agree").isEqualTo(ifaFlags);
            return fromAttr;
        }

        int preferredLifetime() {
            assertThat(attrs).containsKey(Rtnl.IFA_CACHEINFO);
            return ByteBuffer.wrap(attrs.get(Rtnl.IFA_CACHEINFO)).order(ByteOrder.nativeOrder()).getInt();
        }
    }
}
