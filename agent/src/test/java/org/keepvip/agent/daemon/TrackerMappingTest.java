package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.agent.loop.InstancePlan;

/** keepalived.conf → file:NAME and process:NAME trackers, the sync group's applied to every member. */
class TrackerMappingTest {
    @TempDir
    Path dir;

    private KeepalivedConfig parse() throws IOException {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                track_file f1 {
                    file "%s"
                    weight 5
                }
                track_file unused {
                    file "%s"
                }
                vrrp_track_process p1 {
                    process redis-server
                    weight -20
                }
                vrrp_track_process p2 {
                    process haproxy
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    mcast_src_ip 192.0.2.1
                    track_file {
                        f1 weight 3 reverse
                    }
                    track_process {
                        p1
                    }
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    mcast_src_ip 192.0.2.1
                    virtual_ipaddress {
                        192.0.2.101/24
                    }
                }
                vrrp_sync_group G {
                    group {
                        VI_1
                        VI_2
                    }
                    track_process {
                        p1 weight -10
                        p2
                    }
                    sync_group_tracking_weight
                }
                """.formatted(dir.resolve("f1"), dir.resolve("unused")));
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.diagnostics()).as(r.diagnostics().toString()).noneMatch(d -> d.isError());
        return r.config();
    }

    private static InstancePlan plan(KeepalivedConfig c, String name) throws IOException {
        return ConfigMapper.plan(c, c.instance(name).orElseThrow(), (ifname, v6) -> InetAddress.getByName("192.0.2.1"));
    }

    @Test
    void instanceTrackersComeFirstAndTheGroupsApplyToEveryMember() throws IOException {
        KeepalivedConfig c = parse();
        assertThat(plan(c, "VI_1").machine().trackers()).containsExactly(
                new TrackerSpec("file:f1", 3, true),
                new TrackerSpec("process:p1", -20, false),
                new TrackerSpec("process:p2", 0, false));
        assertThat(plan(c, "VI_2").machine().trackers()).containsExactly(
                new TrackerSpec("process:p1", -10, false),
                new TrackerSpec("process:p2", 0, false));
    }

    @Test
    void hostTrackersMapToHostIdsWithTheirWeights() throws IOException {
        String text = """
                vrrp_track_host gw {
                    address 192.0.2.1
                    weight -30
                }
                vrrp_track_host witness {
                    address 2001:db8::9
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    track_host {
                        gw
                        witness weight 20 reverse
                    }
                }
                """;
        Path f = dir.resolve("hosts.conf");
        java.nio.file.Files.writeString(f, text);
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.diagnostics()).as(r.diagnostics().toString()).noneMatch(d -> d.isError());
        assertThat(plan(r.config(), "VI_1").machine().trackers()).containsExactly(
                new TrackerSpec("host:gw", -30, false),
                new TrackerSpec("host:witness", 20, true));
    }

    @Test
    void onlyTrackedFilesAreWatched() throws IOException {
        assertThat(Trackers.usedTrackFiles(parse())).extracting(f -> f.name()).containsExactly("f1");
    }
}
