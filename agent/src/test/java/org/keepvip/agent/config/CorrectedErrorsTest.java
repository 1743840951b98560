package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.vrrp.config.Diagnostic;

/**
 * Errors keepalived reports but corrects and runs with: check-config exits 5 as {@code keepalived -t}
 * does, and the daemon still starts, as keepalived does; other errors keep it from starting.
 */
class CorrectedErrorsTest {
    @TempDir
    Path dir;

    private CheckResult check(String body) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, body);
        return ConfigChecker.forHost().check(f.toString(), "test", false);
    }

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 1
                virtual_ipaddress {
                    192.0.2.100/32
                }
            %s
            }
            """;

    @Test
    void aOneMemberSyncGroupIsAnErrorToCheckConfigButDoesNotStopTheDaemon() throws Exception {
        CheckResult r = check(INSTANCE.formatted("") + """
                vrrp_sync_group G1 {
                    group {
                        VI_1
                    }
                }
                """);
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.category()).isEqualTo(Diagnostic.Category.CORRECTED);
            assertThat(d.message()).contains("has only 1 virtual router");
        });
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.blocksStart()).isFalse();
    }

    @Test
    void aTruncatedPasswordToo() throws Exception {
        CheckResult r = check(INSTANCE.formatted("""
                    authentication {
                        auth_type PASS
                        auth_pass 123456789
                    }
                """));
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.blocksStart()).isFalse();
    }

    @Test
    void anErrorKeepvipCannotCorrectStillStopsIt() throws Exception {
        CheckResult r = check(INSTANCE.formatted("""
                    virtual_routes {
                        198.51.100.0/24 via 192.0.2.1 dev eth0 table nosuch
                    }
                """));
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.blocksStart()).as("the route would not follow the VIP").isTrue();
    }

    @Test
    void aRouteKeepalivedCannotTrackIsCorrectedAndRuns() throws Exception {
        CheckResult r = check(INSTANCE.formatted("""
                    virtual_routes {
                        198.51.100.0/24 via 192.0.2.1
                    }
                    virtual_rules {
                        from 198.51.100.0/24 table 100
                    }
                """));
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.blocksStart()).as("keepalived installs both, untracked / with a preference of its choosing")
                .isFalse();
    }
}
