package org.keepvip.vrrp.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigSource;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;

/** keepalived's meaning of a parsed vrrp_instance: intervals, authentication, trackers, the advert. */
class InstanceMappingTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static KeepalivedConfig parse(String text) {
        ConfigSource source = new ConfigSource() {
            @Override
            public Content read(String path) {
                return path.equals(MAIN) ? new Text(text) : new Missing();
            }

            @Override
            public List<String> glob(String pattern) {
                return List.of();
            }

            @Override
            public String hostName() {
                return "node1";
            }

            @Override
            public Optional<String> env(String name) {
                return Optional.empty();
            }

            @Override
            public long random(long min, long max) {
                return min;
            }
        };
        return ConfigParser.parse(MAIN, source, null).config();
    }

    private static InstanceSpec instance(String body) {
        return parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n priority 100\n" + body
                + "\n virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n").instance("VI_1").orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({
        "2, 1, 100",
        "2, 1.4, 100",
        "2, 1.5, 200",
        "2, 0.3, 100",
        "3, 0.05, 5",
        "3, 1.23, 123",
    })
    void advertIntervalInCentisWholeSecondsForV2(int version, String seconds, int centis) {
        InstanceSpec i = instance(" version " + version + "\n advert_int " + seconds);
        assertThat(InstanceMapping.advertIntervalCentis(i)).isEqualTo(centis);
        assertThat(InstanceMapping.advertIntervalCentis(version, Duration.ofMillis(
                Math.round(Double.parseDouble(seconds) * 1000)))).isEqualTo(centis);
    }

    @Test
    void authPassIsCutToEightBytesAndPaddedWithNuls() {
        assertThat(new String(InstanceMapping.authPass("longpassword"), StandardCharsets.UTF_8)).isEqualTo("longpass");
        assertThat(InstanceMapping.authPass("abc")).containsExactly('a', 'b', 'c', 0, 0, 0, 0, 0);
        InstanceSpec i = instance(" version 2\n authentication {\n  auth_type PASS\n  auth_pass secret99x\n }");
        assertThat(InstanceMapping.authType(i)).isEqualTo(AuthType.PASS);
        assertThat(new String(InstanceMapping.authData(i), StandardCharsets.UTF_8)).isEqualTo("secret99");
        assertThat(InstanceMapping.authData(instance(""))).isEmpty();
        assertThat(InstanceMapping.authType(instance(""))).isEqualTo(AuthType.NONE);
    }

    @Test
    void theAdvertCarriesTheBlocksFieldsAtTheAskedPriority() throws Exception {
        InstanceSpec i = instance(" version 2\n advert_int 2\n authentication {\n  auth_type PASS\n  auth_pass pw\n }");
        VrrpAdvert a = InstanceMapping.advert(i, 0);
        assertThat(a).isEqualTo(new VrrpAdvert(2, 9, 0, 200, AuthType.PASS, InstanceMapping.authPass("pw"),
                List.of(InetAddress.getByName("192.0.2.9"))));
        assertThat(InstanceMapping.destinations(i)).containsExactly(VrrpCodec.MULTICAST_V4);
    }

    @Test
    void machineTakesTheBlocksParameters() throws Exception {
        InstanceSpec i = instance(" version 3\n state BACKUP\n nopreempt\n advert_int 0.5");
        InetAddress self = InetAddress.getByName("192.0.2.1");
        InstanceConfig c = InstanceMapping.machine(i, self, List.of()).build();
        assertThat(c.priority()).isEqualTo(100);
        assertThat(c.advertIntervalCentis()).isEqualTo(50);
        assertThat(c.nopreempt()).isTrue();
        assertThat(c.initialState()).isEqualTo(VrrpState.BACKUP);
        assertThat(InstanceMapping.machine(instance(" priority 255"), self, List.of()).build().initialState())
                .as("the address owner starts as MASTER").isEqualTo(VrrpState.MASTER);
    }

    @Test
    void groupTrackersApplyToEveryMemberAndTheInstancesOwnWeightWins() {
        KeepalivedConfig c = parse("""
                vrrp_script chk_a {
                    script "/bin/true"
                    weight 5
                }
                vrrp_script chk_b {
                    script "/bin/true"
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                    track_script {
                        chk_a weight 7
                        chk_b weight 3
                    }
                    sync_group_tracking_weight
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 9
                    priority 100
                    track_script {
                        chk_a weight 11
                    }
                    track_interface {
                        eth1 weight 2
                    }
                    virtual_ipaddress {
                        192.0.2.9/24
                    }
                }
                """);
        InstanceSpec i = c.instance("VI_1").orElseThrow();
        List<TrackerSpec> t = InstanceMapping.trackers(c, i);
        assertThat(t).extracting(TrackerSpec::id)
                .containsExactly("interface:eth1", "script:chk_a", "script:chk_b");
        assertThat(t.get(1).weight()).as("the instance's own weight, not the group's").isEqualTo(11);
        assertThat(t.get(2).weight()).isEqualTo(3);
        assertThat(InstanceMapping.groupZeroesWeights(c, i)).isFalse();
    }

    @Test
    void aGroupWithoutTrackingWeightZeroesTheWeights() {
        KeepalivedConfig c = parse("""
                vrrp_script chk_a {
                    script "/bin/true"
                    weight 5
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 9
                    priority 100
                    track_script {
                        chk_a weight 11
                    }
                    virtual_ipaddress {
                        192.0.2.9/24
                    }
                }
                """);
        InstanceSpec i = c.instance("VI_1").orElseThrow();
        assertThat(InstanceMapping.groupZeroesWeights(c, i)).isTrue();
        assertThat(InstanceMapping.trackers(c, i)).extracting(TrackerSpec::weight).containsOnly(0);
        assertThat(InstanceMapping.groupZeroesWeights(c, instance(""))).isFalse();
    }
}
