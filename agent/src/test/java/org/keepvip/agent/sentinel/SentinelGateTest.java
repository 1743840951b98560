package org.keepvip.agent.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keepvip.redis.sentinel.MasterAddress;
import org.keepvip.redis.sentinel.SentinelQuorum;
import org.keepvip.redis.sentinel.SentinelReport;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.RedisInstance;

class SentinelGateTest {
    private static final MasterAddress ME = new MasterAddress("192.0.2.10", 6379);
    private static final MasterAddress PEER = new MasterAddress("192.0.2.11", 6379);

    private static SentinelQuorum.Verdict verdict(int reachable, Optional<MasterAddress> master) {
        return new SentinelQuorum.Verdict(3, reachable, master, List.of());
    }

    @Test
    void upOnlyWhenAMajorityNamesThisHostAndRoleSaysMaster() {
        SentinelGate g = new SentinelGate(ME::equals);
        assertThat(g.current().up()).isFalse();
        assertThat(g.onRole(true)).as("no verdict yet: nothing to report").isEmpty();
        assertThat(g.onVerdict(verdict(3, Optional.of(ME)))).hasValueSatisfying(d -> {
            assertThat(d.up()).isTrue();
            assertThat(d.reason()).isEqualTo("Sentinels name this host's Redis 192.0.2.10:6379 master and ROLE says"
                    + " master");
        });
        assertThat(g.onVerdict(verdict(2, Optional.of(ME)))).as("still up: no change reported").isEmpty();
        assertThat(g.onVerdict(verdict(3, Optional.of(PEER)))).hasValueSatisfying(d ->
                assertThat(d.reason()).isEqualTo("Sentinels name 192.0.2.11:6379 as master, not this host"));
        assertThat(g.namesThisHost()).isFalse();
    }

    @Test
    void namedButStillAReplicaWaitsForRole() {
        SentinelGate g = new SentinelGate(ME::equals);
        g.onRole(false);
        assertThat(g.onVerdict(verdict(3, Optional.of(ME)))).hasValueSatisfying(d -> {
            assertThat(d.up()).isFalse();
            assertThat(d.reason()).endsWith("but its ROLE is not master");
        });
        assertThat(g.namesThisHost()).isTrue();
        assertThat(g.onRole(true)).hasValueSatisfying(d -> assertThat(d.up()).isTrue());
    }

    @Test
    void losingTheSentinelMajorityIsDownWhateverTheLastWordWas() {
        SentinelGate g = new SentinelGate(ME::equals);
        g.onRole(true);
        g.onVerdict(verdict(3, Optional.of(ME)));
        assertThat(g.onVerdict(verdict(1, Optional.empty()))).hasValueSatisfying(d ->
                assertThat(d.reason()).isEqualTo("only 1 of 3 Sentinels reachable, 2 needed"));
        assertThat(SentinelGate.decide(verdict(2, Optional.empty()), ME::equals, true).reason())
                .isEqualTo("no master named by a majority (2) of the Sentinels");
        assertThat(SentinelGate.decide(verdict(2, Optional.of(ME)), ME::equals, null).reason())
                .endsWith("its ROLE is unknown");
    }

    @Test
    void loopbackIsNeverThisHostsAndAnnounceAddressOverridesDiscovery() {
        RedisInstance auto = redis(null, 0);
        assertThat(SentinelMode.localMatcher(auto).test(new MasterAddress("127.0.0.1", 6379))).isFalse();
        assertThat(SentinelMode.localMatcher(auto).test(new MasterAddress("192.0.2.254", 6379))).isFalse();
        RedisInstance announced = redis("198.51.100.7", 7000);
        assertThat(SentinelMode.localMatcher(announced).test(new MasterAddress("198.51.100.7", 7000))).isTrue();
        assertThat(SentinelMode.localMatcher(announced).test(new MasterAddress("198.51.100.7", 6379))).isFalse();
        assertThat(SentinelMode.sameHost("2001:db8::1", "2001:DB8:0::1")).isTrue();
    }

    private static RedisInstance redis(String announceHost, int announcePort) {
        RedisInstance.Sentinel s = new RedisInstance.Sentinel(List.of(new RedisInstance.HostPort("192.0.2.1", 26379)),
                "m", null, null, false, Duration.ofSeconds(1), announceHost, announcePort);
        return new RedisInstance("r1", "127.0.0.1", 6379, null, null, RedisInstance.Tls.OFF, Duration.ofMillis(200),
                Duration.ofMillis(250), 2, 2, 0, Duration.ofSeconds(5), 0, Duration.ZERO,
                RedisInstance.LagPenalty.FAULT, false, true, 6379, null, s, new Origin("keepalived.conf", 1));
    }
}
