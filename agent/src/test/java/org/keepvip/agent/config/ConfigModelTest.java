package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.InitialState;
import org.keepvip.vrrp.config.IpLiteral;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.RedisInstance;
import org.keepvip.vrrp.config.VirtualIp;
import org.keepvip.vrrp.config.InstanceSpec;

/** The corpus's valid files produce the model they describe, not just silence. */
class ConfigModelTest {
    @RegisterExtension
    static final CorpusScripts scripts = new CorpusScripts();

    private static KeepalivedConfig load(String name, String configId) {
        CheckResult r = scripts.checker().check(CorpusSupport.DIR.resolve(name).toString(), configId, false);
        assertThat(r.config()).as(name).isNotNull();
        return r.config();
    }

    @Test
    void redisPairNode1() {
        KeepalivedConfig c = load("valid-redis-pair-node1.conf", null);
        InstanceSpec vi = c.instance("VI_REDIS").orElseThrow();
        assertThat(vi.state()).isEqualTo(InitialState.MASTER);
        assertThat(vi.priority()).isEqualTo(150);
        assertThat(vi.vrid()).isEqualTo(51);
        assertThat(vi.version()).isEqualTo(2);
        assertThat(vi.authentication().password()).isEqualTo("k33pv1p");
        assertThat(vi.virtualIps()).extracting(VirtualIp::cidr).containsExactly("192.0.2.100/24");
        assertThat(vi.virtualIps().get(0).label()).isEqualTo("eth0:vip");
        assertThat(vi.tracking().scripts()).singleElement()
                .satisfies(t -> assertThat(t.weight()).isEqualTo(-60));
        assertThat(vi.tracking().redis()).singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo("redis_6379"));
        assertThat(vi.notifyScripts().master().argv()).containsExactly(scripts.dir() + "/notify.sh", "master");
        assertThat(vi.notifyScripts().generic().argv()).containsExactly(scripts.dir() + "/notify.sh");
        assertThat(c.script("chk_redis").orElseThrow().command().argv())
                .containsExactly(scripts.dir() + "/chk_redis.sh", "127.0.0.1", "6379");
        assertThat(c.script("chk_redis").orElseThrow().fall()).isEqualTo(2);
        RedisInstance r = c.redisInstance("redis_6379").orElseThrow();
        assertThat(r.port()).isEqualTo(6379);
        assertThat(r.interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(r.lagPenalty()).isEqualTo(new RedisInstance.LagPenalty(false, -30));
        assertThat(r.maxLagSeconds()).isEqualTo(Duration.ofSeconds(10));
        assertThat(r.fence()).isTrue();
        assertThat(c.global().scriptUser().user()).isEqualTo("root");
    }

    @Test
    void conditionalsFollowTheConfigId() {
        InstanceSpec node2 = load("valid-conditionals.conf", "node2").instance("VI_COND").orElseThrow();
        assertThat(node2.priority()).isEqualTo(100);
        assertThat(node2.state()).isEqualTo(InitialState.BACKUP);
        InstanceSpec node1 = load("valid-conditionals.conf", "node1").instance("VI_COND").orElseThrow();
        assertThat(node1.priority()).isEqualTo(150);
        assertThat(node1.state()).isEqualTo(InitialState.MASTER);
    }

    @Test
    void definitionsIncludingMultiLineAndBuiltins() {
        InstanceSpec vi = load("valid-definitions.conf", null).instance("VI_DEF").orElseThrow();
        assertThat(vi.interfaceName()).isEqualTo("eth0");
        assertThat(vi.priority()).isEqualTo(150);
        assertThat(vi.authentication().password()).isEqualTo("#x!y");
        assertThat(vi.virtualIps()).extracting(VirtualIp::cidr).containsExactly("192.0.2.57/24");
    }

    @Test
    void sequencesAndLists() {
        InstanceSpec vi = load("valid-seq-lst.conf", null).instance("VI_SEQ").orElseThrow();
        assertThat(vi.virtualIps()).extracting(VirtualIp::cidr).containsExactly("192.0.2.10/24", "192.0.2.11/24",
                "192.0.2.12/24", "192.0.2.13/24", "198.51.100.20/24", "198.51.100.21/24");
    }

    @Test
    void includesWithGlobsAndBraces() {
        KeepalivedConfig c = load("valid-includes.conf", null);
        assertThat(c.global().routerId()).isEqualTo("included");
        assertThat(c.instances()).extracting(InstanceSpec::name).containsExactly("VI_INC", "VI_INC2");
        assertThat(c.instance("VI_INC").orElseThrow().virtualIps()).extracting(VirtualIp::cidr)
                .containsExactly("192.0.2.55/24");
    }

    @Test
    void ipv6ForcesVersion3AndCentisecondAdverts() {
        InstanceSpec vi = load("valid-ipv6.conf", null).instance("VI_6").orElseThrow();
        assertThat(vi.family()).isEqualTo(AddressFamily.IPV6);
        assertThat(vi.version()).isEqualTo(3);
        assertThat(vi.advertInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(vi.mcastGroup()).isEqualTo(IpLiteral.parse("ff02::12"));
        assertThat(vi.virtualIps().get(0).preferredLft()).isEqualTo(-1);
        assertThat(vi.virtualIps().get(0).nodad()).isTrue();
        assertThat(vi.virtualIps().get(1).nodad()).isFalse();
        assertThat(vi.excludedIps()).extracting(VirtualIp::cidr).containsExactly("192.0.2.60/24");
    }

    @Test
    void unicastPeers() {
        InstanceSpec vi = load("valid-unicast-node1.conf", null).instance("VI_U").orElseThrow();
        assertThat(vi.isUnicast()).isTrue();
        assertThat(vi.unicastSrcIp()).isEqualTo(IpLiteral.parse("198.51.100.11"));
        assertThat(vi.unicastPeers()).singleElement().satisfies(p -> {
            assertThat(p.address()).isEqualTo(IpLiteral.parse("198.51.100.12"));
            assertThat(p.minTtl()).isEqualTo(250);
        });
        assertThat(vi.advert().checkUnicastSrc()).isTrue();
        assertThat(vi.version()).isEqualTo(3);
        assertThat(vi.advertInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void syncGroupMembersAndTrackers() {
        KeepalivedConfig c = load("valid-sync-group.conf", null);
        assertThat(c.syncGroups()).singleElement().satisfies(g -> {
            assertThat(g.members()).containsExactly("VI_FRONT", "VI_BACK");
            assertThat(g.tracking().interfaces()).singleElement().satisfies(t -> assertThat(t.weight()).isEqualTo(-10));
        });
        assertThat(c.instance("VI_BACK").orElseThrow().syncGroup()).isEqualTo("VG_REDIS");
    }

    @Test
    void strictModeEffects() {
        InstanceSpec vi = load("valid-strict.conf", null).instance("VI_OWNER").orElseThrow();
        assertThat(vi.strict()).isTrue();
        assertThat(vi.advert().lowerPrioNoAdvert()).isTrue();
        assertThat(vi.advert().ownerIgnoreAdverts()).isTrue();
        assertThat(vi.garp().lowerPrioRepeat()).isZero();
        assertThat(vi.accept()).isTrue();
    }

    @Test
    void invalidPriorityFallsBackTo100() {
        CheckResult r = scripts.checker().check(CorpusSupport.DIR.resolve("err-priority-256.conf").toString(), null, false);
        assertThat(r.config().instances()).singleElement().satisfies(i -> assertThat(i.priority()).isEqualTo(100));
    }

    @Test
    void vipOptions() {
        InstanceSpec vi = load("valid-vip-options.conf", null).instance("VI_OPTS").orElseThrow();
        VirtualIp a = vi.virtualIps().get(0);
        assertThat(a.broadcast()).isEqualTo(IpLiteral.parse("192.0.2.255"));
        assertThat(a.noTrack()).isTrue();
        assertThat(a.device()).isEqualTo("eth0");
        assertThat(vi.virtualIps().get(1).scope()).isEqualTo("link");
        assertThat(vi.virtualIps().get(1).noPrefixRoute()).isTrue();
        assertThat(vi.virtualIps().get(2).peer()).isEqualTo(IpLiteral.parse("192.0.2.66"));
    }
}
