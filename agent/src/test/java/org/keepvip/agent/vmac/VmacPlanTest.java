package org.keepvip.agent.vmac;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.agent.config.InterfaceCheck;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.config.InstanceSpec;

/** Which macvlans a file asks for and where each VIP goes (keepalived/vrrp/vrrp.c: vrrp_complete_instance()). */
class VmacPlanTest {
    @TempDir
    Path dir;

    private KeepalivedConfig parse(String text) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.diagnostics()).as(r.diagnostics().toString()).noneMatch(Diagnostic::isError);
        return r.config();
    }

    private static final String FILE = """
            global_defs {
                vmac_addr_prefix va
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                use_vmac
                virtual_ipaddress {
                    192.0.2.51/24
                    198.51.100.51/24 dev eth1 use_vmac
                    198.51.100.52/24 dev eth2
                }
                virtual_ipaddress_excluded {
                    2001:db8::51/64
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 52
                use_vmac_addr
                mcast_src_ip 192.0.2.1
                virtual_ipaddress {
                    192.0.2.52/24
                    198.51.100.53/24 dev eth1
                }
            }
            vrrp_instance VI_6 {
                interface eth0
                virtual_router_id 53
                use_vmac v6mac
                virtual_ipaddress {
                    fe80::53/64
                }
            }
            """;

    @Test
    void linksAndWhereEachVipGoes() throws Exception {
        KeepalivedConfig c = parse(FILE);
        List<VmacPlan.Link> links = VmacPlan.links(c);
        assertThat(links).extracting(VmacPlan.Link::key).containsExactly(
                "instance:VI_1", "addr:eth1/IPv4/51/00005e000133", "addr:eth1/IPv4/52/00005e000134",
                "instance:VI_6");
        VmacPlan.Link vi1 = links.get(0);
        assertThat(vi1.base()).isEqualTo("eth0");
        assertThat(vi1.prefix()).isEqualTo("vrrp");
        assertThat(vi1.mac()).isEqualTo("00005e000133");
        assertThat(vi1.ipv6()).as("an IPv6 eVIP keeps IPv6 on").isTrue();
        assertThat(vi1.linkLocal()).isFalse();
        assertThat(links.get(1).prefix()).isEqualTo("va");
        assertThat(links.get(1).ipv6()).isFalse();
        VmacPlan.Link v6 = links.get(3);
        assertThat(v6.configuredName()).isEqualTo("v6mac");
        assertThat(v6.mac()).isEqualTo("00005e000235");
        assertThat(v6.family()).isEqualTo(AddressFamily.IPV6);
        assertThat(v6.linkLocal()).isTrue();

        InstanceSpec i1 = c.instance("VI_1").orElseThrow();
        assertThat(i1.virtualIps()).extracting(v -> VmacPlan.keyFor(i1, v))
                .containsExactly("instance:VI_1", "addr:eth1/IPv4/51/00005e000133", null);
        assertThat(VmacPlan.keyFor(i1, i1.excludedIps().get(0))).as("other family, no use_vmac_addr").isNull();
        InstanceSpec i2 = c.instance("VI_2").orElseThrow();
        assertThat(i2.virtualIps()).extracting(v -> VmacPlan.keyFor(i2, v))
                .containsExactly(null, "addr:eth1/IPv4/52/00005e000134");
    }

    @Test
    void aUsedNameThatIsNotAMacvlanIsReported() throws Exception {
        KeepalivedConfig c = parse(FILE);
        List<Diagnostic> found = InterfaceCheck.vmacNames(c, Set.of("eth0", "v6mac"), Set.of());
        assertThat(found).extracting(Diagnostic::format).singleElement().asString()
                .endsWith(":30: error: (VI_6) interface v6mac already exists and is not a private macvlan;"
                        + " ignoring vmac if_name");
        assertThat(InterfaceCheck.vmacNames(c, Set.of("eth0", "v6mac"), Set.of("v6mac"))).isEmpty();
        assertThat(InterfaceCheck.vmacNames(c, Set.of("eth0"), Set.of())).isEmpty();
    }

    @Test
    void linkLocalFromTheBaseMac() throws Exception {
        assertThat(VmacLinks.linkLocalFrom(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56}).getHostAddress())
                .isEqualTo("fe80:0:0:0:5054:ff:fe12:3456");
    }

    /** use_ipvlan: one link on the interface, no MAC, no link-local, the VIPs of the family on it. */
    @Test
    void anIpvlanCarriesTheInstancesVips() throws Exception {
        KeepalivedConfig c = parse("""
                vrrp_instance VI_I {
                    interface eth0
                    virtual_router_id 84
                    use_ipvlan ipv84 192.0.2.84/24 private
                    virtual_ipaddress {
                        192.0.2.231/24
                    }
                }
                """);
        List<VmacPlan.Link> links = VmacPlan.links(c);
        assertThat(links).hasSize(1);
        VmacPlan.Link l = links.get(0);
        assertThat(l.key()).isEqualTo("instance:VI_I");
        assertThat(l.configuredName()).isEqualTo("ipv84");
        assertThat(l.base()).isEqualTo("eth0");
        assertThat(l.ipvlan().flagsWord()).isEqualTo("private");
        assertThat(l.ipv6()).isFalse();
        assertThat(l.linkLocal()).isFalse();
        InstanceSpec i = c.instance("VI_I").orElseThrow();
        assertThat(VmacPlan.keyFor(i, i.virtualIps().get(0))).isEqualTo("instance:VI_I");
    }
}
