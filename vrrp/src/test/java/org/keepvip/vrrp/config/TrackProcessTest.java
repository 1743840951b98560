package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_track_process: parsing, keepalived's checks and words, and process matching. */
class TrackProcessTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n" + body
                + "\n virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
    }

    private static byte[] cmdline(String... argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            b.append(a).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static TrackProcess proc(String process, TrackProcess.ParamMatch m, String... params) {
        return new TrackProcess("p", process, List.of(params), m, true, 0, false, 1, TrackProcess.UNLIMITED,
                Duration.ZERO, Duration.ZERO, new Origin(MAIN, 1));
    }

    @Test
    void fullBlockIsParsedAndTrackedWithItsWeight() {
        ParseResult r = parse("""
                vrrp_track_process redis {
                  process redis-server
                  weight -20 reverse
                  quorum 2
                  quorum_max 4
                  fork_delay 0.5
                  terminate_delay 2
                }
                """ + instance(" track_process {\n  redis\n }"));
        assertThat(messages(r)).isEmpty();
        TrackProcess p = r.config().trackProcess("redis").orElseThrow();
        assertThat(p.process()).isEqualTo("redis-server");
        assertThat(p.fullCommand()).isFalse();
        assertThat(p.paramMatch()).isEqualTo(TrackProcess.ParamMatch.NONE);
        assertThat(p.weight()).isEqualTo(-20);
        assertThat(p.reverse()).isTrue();
        assertThat(p.quorum()).isEqualTo(2);
        assertThat(p.quorumMax()).isEqualTo(4);
        assertThat(p.forkDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.terminateDelay()).isEqualTo(Duration.ofSeconds(2));
        Tracked t = r.config().instances().get(0).tracking().processes().get(0);
        assertThat(t).extracting(Tracked::name, Tracked::weight, Tracked::reverse).containsExactly("redis", -20, true);
    }

    @Test
    void defaultsAndDelaySettingBoth() {
        ParseResult r = parse("vrrp_track_process p {\n process sleep 1000\n delay 3\n}\n"
                + instance(" track_process {\n  p weight 10\n }"));
        assertThat(messages(r)).isEmpty();
        TrackProcess p = r.config().trackProcess("p").orElseThrow();
        assertThat(p.params()).containsExactly("1000");
        assertThat(p.paramMatch()).isEqualTo(TrackProcess.ParamMatch.EXACT);
        assertThat(p.fullCommand()).isTrue();
        assertThat(p.weight()).isZero();
        assertThat(p.quorum()).isEqualTo(1);
        assertThat(p.quorumMax()).isEqualTo(TrackProcess.UNLIMITED);
        assertThat(p.forkDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.terminateDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.config().instances().get(0).tracking().processes().get(0).weight()).isEqualTo(10);
    }

    @Test
    void unknownOrLaterDefinedProcessTrackerIsAnError() {
        ParseResult r = parse(instance(" track_process {\n  redis\n }")
                + "vrrp_track_process redis {\n process redis-server\n}\n");
        assertThat(messages(r)).anyMatch(m -> m.contains("error: (VI_1) track process redis not found, ignoring..."));
        assertThat(r.config().instances().get(0).tracking().processes()).isEmpty();
    }

    @Test
    void badValuesGetKeepalivedsErrors() {
        ParseResult r = parse("""
                vrrp_track_process p {
                  process x
                  quorum 0
                  quorum_max 70000
                  weight 300
                  param_match sometimes
                  terminate_delay 0
                }
                vrrp_track_process q {
                  quorum_max 2
                  quorum 3
                }
                vrrp_track_process r {
                  process y
                  quorum 3
                  quorum_max 2
                }
                """ + instance(" track_process {\n  p\n  p\n  r\n }"));
        assertThat(messages(r)).anyMatch(m -> m.contains("Quorum (0) for vrrp_track_process p must be between [1..65535]"))
                .anyMatch(m -> m.contains("quorum_max (70000) for vrrp_track_process p must be between [0..65535]"))
                .anyMatch(m -> m.contains("Weight (300) for vrrp_track_process p must be between [-254..254]"))
                .anyMatch(m -> m.contains("Invalid param_match type sometimes - ignoring"))
                .anyMatch(m -> m.contains("terminate_delay (0) for vrrp_track_process p must be between [0.000001..3600]"))
                .anyMatch(m -> m.contains("Quorum is greater than quorum_max (3 > 2) for vrrp_track_process q"))
                .anyMatch(m -> m.contains("track process 'q' process name not specified - removing"))
                .anyMatch(m -> m.contains("quorum_max is less than quorum (2 < 3) for vrrp_track_process r"))
                .anyMatch(m -> m.contains("(VI_1) duplicate track_process p - ignoring"));
        assertThat(r.config().trackProcess("q")).isEmpty();
    }

    @Test
    void quorumMaxZeroAloneMeansNoneMayRun() {
        ParseResult r = parse("vrrp_track_process p {\n process x\n quorum_max 0\n}\n" + instance(" track_process {\n  p\n }"));
        assertThat(messages(r)).isEmpty();
        TrackProcess p = r.config().trackProcess("p").orElseThrow();
        assertThat(p.quorum()).isZero();
        assertThat(p.quorumMax()).isZero();
    }

    @Test
    void unusedAndTooLongNamesAreWarnings() {
        ParseResult r = parse("vrrp_track_process p {\n process a-very-long-process-name\n}\n" + instance(""));
        assertThat(messages(r)).anyMatch(m -> m.contains("warning: Warning - vrrp_track_process p is not used"))
                .anyMatch(m -> m.contains("longer than the 15 characters"));
    }

    @Test
    void syncGroupTracksProcessesToo() {
        ParseResult r = parse("vrrp_track_process p {\n process x\n}\n" + instance("")
                + "vrrp_sync_group G {\n group {\n  VI_1\n }\n track_process {\n  p\n }\n}\n");
        assertThat(r.config().syncGroups().get(0).tracking().processes()).extracting(Tracked::name).containsExactly("p");
        assertThat(r.config().trackProcesses()).hasSize(1);
    }

    @Test
    void writerOutputParsesBackToTheSameTracker() {
        ParseResult r = parse("vrrp_track_process p {\n process sleep 9\n param_match initial\n weight 5 reverse\n"
                + " quorum_max 3\n fork_delay 1.5\n}\n" + instance(" track_process {\n  p\n }"));
        ParseResult again = parse(ConfigWriter.write(r.config()));
        assertThat(messages(again)).isEmpty();
        TrackProcess a = r.config().trackProcess("p").orElseThrow();
        TrackProcess b = again.config().trackProcess("p").orElseThrow();
        assertThat(b).usingRecursiveComparison().ignoringFields("origin").isEqualTo(a);
    }

    @Test
    void initFileValuesAreCheckedAsKeepalivedDoes() {
        ParseResult r = parse("""
                track_file a {
                    file "/run/kv/a"
                    init_file -7 overwrite
                }
                track_file b {
                    file "/run/kv/b"
                    init_file 300
                }
                track_file c {
                    file "/run/kv/c"
                    init_file 1x
                }
                track_file d {
                    file "/run/kv/d"
                    init_file always
                }
                """ + instance(" track_file {\n  a\n  b\n  c\n  d\n }"));
        assertThat(r.config().trackFile("a").orElseThrow()).extracting(TrackFile::initFile, TrackFile::initValue,
                TrackFile::overwrite).containsExactly(true, -7L, true);
        assertThat(r.config().trackFile("c").orElseThrow().initValue()).isZero();
        assertThat(messages(r)).anyMatch(m -> m.contains("Track file b init value 300 is outside sensible range [-254, 254]"))
                .anyMatch(m -> m.contains("Track file c init value 1x is invalid"))
                .anyMatch(m -> m.contains("Unknown track file init option always"))
                .noneMatch(m -> m.contains(":3:"));
    }

    @Test
    void commMatchIsExactAndOnlyWithoutFullCommand() {
        TrackProcess comm = new TrackProcess("p", "redis-server", List.of(), TrackProcess.ParamMatch.NONE, false, 0,
                false, 1, TrackProcess.UNLIMITED, Duration.ZERO, Duration.ZERO, new Origin(MAIN, 1));
        assertThat(comm.matchesComm("redis-server")).isTrue();
        assertThat(comm.matchesComm("redis-serve")).isFalse();
        assertThat(comm.matchesCommandLine(cmdline("redis-server"))).isFalse();
    }

    @Test
    void paramMatchFollowsKeepalivedsCheckParams() {
        TrackProcess exact = proc("/bin/sleep", TrackProcess.ParamMatch.EXACT, "100", "x");
        assertThat(exact.matchesCommandLine(cmdline("/bin/sleep", "100", "x"))).isTrue();
        assertThat(exact.matchesCommandLine(cmdline("/bin/sleep", "100", "x", "y"))).isFalse();
        assertThat(exact.matchesCommandLine(cmdline("/bin/sleep", "100"))).isFalse();
        assertThat(exact.matchesCommandLine(cmdline("sleep", "100", "x"))).isFalse();

        TrackProcess noArgs = proc("/bin/sleep", TrackProcess.ParamMatch.EXACT);
        assertThat(noArgs.matchesCommandLine(cmdline("/bin/sleep"))).isTrue();
        assertThat(noArgs.matchesCommandLine(cmdline("/bin/sleep", "1"))).isFalse();

        TrackProcess partial = proc("/bin/sleep", TrackProcess.ParamMatch.PARTIAL, "100");
        assertThat(partial.matchesCommandLine(cmdline("/bin/sleep", "100", "more"))).isTrue();
        assertThat(partial.matchesCommandLine(cmdline("/bin/sleep", "1000"))).isFalse();

        TrackProcess initial = proc("/bin/sleep", TrackProcess.ParamMatch.INITIAL, "a", "10");
        assertThat(initial.matchesCommandLine(cmdline("/bin/sleep", "a", "1000", "z"))).isTrue();
        assertThat(initial.matchesCommandLine(cmdline("/bin/sleep", "ab", "1000"))).isFalse();

        TrackProcess none = proc("/bin/sleep", TrackProcess.ParamMatch.NONE);
        assertThat(none.matchesCommandLine(cmdline("/bin/sleep", "anything"))).isTrue();
    }
}
