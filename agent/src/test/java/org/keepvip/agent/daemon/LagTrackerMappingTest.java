package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.keepvip.agent.loop.InstancePlan;

/** keepalived.conf → redis-lag:NAME tracker → what the VRRP core does with its result. */
class LagTrackerMappingTest {
    @TempDir
    Path dir;

    private KeepalivedConfig parse(String redisLines, String instanceExtra, String groups) throws IOException {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                redis_instance r1 {
                    address 127.0.0.1:6379
                    weight -60
                %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    mcast_src_ip 192.0.2.1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    track_redis {
                        r1
                    }
                %s
                }
                vrrp_instance VI_2 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority 100
                    mcast_src_ip 192.0.2.1
                    virtual_ipaddress {
                        192.0.2.101/24
                    }
                    track_redis {
                        r1
                    }
                }
                %s
                """.formatted(redisLines, instanceExtra, groups));
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        // Weights ignored in a sync group are a configuration error (as keepalived -t counts them),
        // but the model is still built as it would run: that is what these tests map.
        assertThat(r.diagnostics()).as(r.diagnostics().toString())
                .allMatch(d -> !d.isError() || d.message().contains("due to SYNC group"));
        return r.config();
    }

    private static InstancePlan plan(KeepalivedConfig c, String name) throws IOException {
        return ConfigMapper.plan(c, c.instance(name).orElseThrow(), (ifname, v6) -> InetAddress.getByName("192.0.2.1"));
    }

    private static List<TrackerSpec> lagTrackers(InstancePlan p) {
        return p.machine().trackers().stream().filter(t -> t.id().startsWith("redis-lag:")).toList();
    }

    @Test
    void noLimitsNoLagTracker() throws IOException {
        KeepalivedConfig c = parse("    lag_penalty -30", "", "");
        assertThat(lagTrackers(plan(c, "VI_1"))).isEmpty();
        assertThat(plan(c, "VI_1").machine().trackers()).extracting(TrackerSpec::id).containsExactly("redis:r1");
    }

    /**
     * Sentinel mode: a weight-0 sentinel:NAME tracker, no lag tracker even with limits, and the
     * instance goes straight to MASTER (promotion first) when the tracker comes up.
     */
    @Test
    void sentinelModeAddsTheNamedMasterTrackerAndTakesOverWhenItClears() throws IOException {
        KeepalivedConfig c = parse("""
                    sentinel {
                        192.0.2.5:26379 192.0.2.6:26379 192.0.2.7:26379
                    }
                    sentinel_master mymaster
                    max_lag_bytes 1000""", "", "");
        InstancePlan p = plan(c, "VI_1");
        assertThat(p.machine().trackers()).as("weight -60 becomes FAULT").containsExactly(new TrackerSpec("redis:r1", 0, false).resigningMaster(),
                TrackerSpec.faultOnFailure("sentinel:r1"));
        assertThat(p.machine().masterWhenFaultClears()).isTrue();
        assertThat(p.machine().releaseWait()).isEqualTo(org.keepvip.agent.sentinel.SentinelMode.RELEASE_WAIT);
        assertThat(p.machine().nopreempt()).as("only the named host leaves FAULT; it never preempts").isTrue();
        VrrpInstance m = new VrrpInstance(p.machine());
        m.handle(new Event.Start(0, true));
        m.handle(new Event.TrackerResult(1, "redis:r1", true));
        assertThat(m.state()).as("waits for the Sentinels' first verdict").isEqualTo(VrrpState.INIT);
        m.handle(new Event.TrackerResult(2, "sentinel:r1", false));
        assertThat(m.state()).isEqualTo(VrrpState.FAULT);
        m.handle(new Event.TrackerResult(3, "sentinel:r1", true));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        assertThat(plan(parse("", "", ""), "VI_1").machine().masterWhenFaultClears()).isFalse();
        assertThat(plan(parse("", "", ""), "VI_1").machine().releaseWait()).isZero();
    }

    @Test
    void lagPenaltyFaultIsAWeightZeroTracker() throws IOException {
        KeepalivedConfig c = parse("    max_lag_bytes 1048576", "", "");
        assertThat(lagTrackers(plan(c, "VI_1"))).containsExactly(new TrackerSpec("redis-lag:r1", 0, false));
        assertThat(lagTrackers(plan(c, "VI_2"))).containsExactly(new TrackerSpec("redis-lag:r1", 0, false));

        VrrpInstance m = started(plan(c, "VI_1"));
        m.handle(new Event.TrackerResult(2, "redis-lag:r1", false));
        assertThat(m.state()).isEqualTo(VrrpState.FAULT);
        assertThat(m.status().faults()).contains("tracker redis-lag:r1 failed");
        m.handle(new Event.TrackerResult(3, "redis-lag:r1", true));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void lagPenaltyWeightLowersThePriorityWhileLagging() throws IOException {
        KeepalivedConfig c = parse("    max_lag_seconds 15\n    lag_penalty -30", "", "");
        assertThat(lagTrackers(plan(c, "VI_1"))).containsExactly(new TrackerSpec("redis-lag:r1", -30, false));

        VrrpInstance m = started(plan(c, "VI_1"));
        assertThat(m.effectivePriority()).isEqualTo(100);
        m.handle(new Event.TrackerResult(2, "redis-lag:r1", false));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.effectivePriority()).isEqualTo(70);
        // With the Redis check failing too, both weights apply (-60 and -30).
        m.handle(new Event.TrackerResult(3, "redis:r1", false));
        assertThat(m.effectivePriority()).isEqualTo(10);
        m.handle(new Event.TrackerResult(4, "redis-lag:r1", true));
        m.handle(new Event.TrackerResult(5, "redis:r1", true));
        assertThat(m.effectivePriority()).isEqualTo(100);
    }

    @Test
    void aWeightZeroLagTrackerHoldsInitUntilItsFirstVerdict() throws IOException {
        KeepalivedConfig c = parse("    max_lag_bytes 1000", "", "");
        VrrpInstance m = new VrrpInstance(plan(c, "VI_1").machine());
        m.handle(new Event.Start(0, true));
        m.handle(new Event.TrackerResult(1, "redis:r1", true));
        assertThat(m.state()).isEqualTo(VrrpState.INIT);
        m.handle(new Event.TrackerResult(2, "redis-lag:r1", true));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aSyncGroupWithoutTrackingWeightForcesFault() throws IOException {
        String group = """
                vrrp_sync_group G1 {
                    group {
                        VI_1
                        VI_2
                    }
                }
                """;
        KeepalivedConfig c = parse("    max_lag_bytes 1000\n    lag_penalty -30", "", group);
        assertThat(lagTrackers(plan(c, "VI_1"))).containsExactly(new TrackerSpec("redis-lag:r1", 0, false));

        KeepalivedConfig kept = parse("    max_lag_bytes 1000\n    lag_penalty -30", "",
                group.replace("    group {", "    sync_group_tracking_weight\n    group {"));
        assertThat(lagTrackers(plan(kept, "VI_1"))).containsExactly(new TrackerSpec("redis-lag:r1", -30, false));
    }

    private static VrrpInstance started(InstancePlan p) {
        VrrpInstance m = new VrrpInstance(p.machine());
        m.handle(new Event.Start(0, true));
        m.handle(new Event.TrackerResult(1, "redis:r1", true));
        m.handle(new Event.TrackerResult(1, "redis-lag:r1", true));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        return m;
    }
}
