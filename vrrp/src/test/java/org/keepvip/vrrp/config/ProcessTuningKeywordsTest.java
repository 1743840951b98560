package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_no_swap and vrrp_cpu_affinity, in keepalived 2.2.7's words. */
class ProcessTuningKeywordsTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";
    private static final String INSTANCE = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
            + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";

    private static ParseResult parse(String globals) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, "global_defs {\n" + globals + "}\n" + INSTANCE),
                null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test
    void withoutTheKeywordsNothingChanges() {
        ProcessTuning t = parse("").config().global().processTuning();
        assertThat(t).isEqualTo(ProcessTuning.DEFAULT);
        assertThat(t.isDefault()).isTrue();
        assertThat(t.rlimitRttimeMicros()).isEqualTo(10_000);
    }

    @Test
    void everyKeywordIsReadAndSurvivesTheDump() {
        ParseResult r = parse(" vrrp_priority -5\n vrrp_rt_priority 40\n vrrp_rlimit_rttime 20000\n vrrp_no_swap\n"
                + " vrrp_cpu_affinity 1 0 1\n max_auto_priority 60\n min_auto_priority_delay 5000\n");
        assertThat(r.diagnostics()).isEmpty();
        ProcessTuning t = r.config().global().processTuning();
        assertThat(t).isEqualTo(new ProcessTuning(-5, 40, 20_000, true, List.of(0, 1), 60, 5000));
        assertThat(t.isDefault()).isFalse();
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("vrrp_priority -5", "vrrp_rt_priority 40", "vrrp_rlimit_rttime 20000", "vrrp_no_swap",
                "vrrp_cpu_affinity 0 1", "max_auto_priority 60", "min_auto_priority_delay 5000");
        assertThat(ConfigParser.parse(MAIN, new MemorySource().file(MAIN, dump), null).config().global().processTuning())
                .isEqualTo(t);
    }

    @Test
    void badValuesGetKeepalivedsErrorsAndItsFallbacks() {
        ParseResult r = parse(" vrrp_priority 20\n vrrp_priority\n vrrp_rt_priority 0\n vrrp_rt_priority 120\n"
                + " vrrp_rlimit_rttime x\n vrrp_cpu_affinity 0 1024\n vrrp_cpu_affinity\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: error: Invalid vrrp process priority specified",
                MAIN + ":3: error: No vrrp process priority specified",
                MAIN + ":4: error: vrrp process real-time priority 0 less than minimum 1 - setting to minimum",
                MAIN + ":5: error: vrrp process real-time priority 120 greater than maximum 99 - setting to maximum",
                MAIN + ":6: error: Invalid vrrp real-time limit - x",
                MAIN + ":7: error: Invalid cpu_id:1024 specified for vrrp process",
                MAIN + ":8: error: No vrrp cpu_id set specified");
        ProcessTuning t = r.config().global().processTuning();
        assertThat(t.nice()).isZero();
        assertThat(t.realtimePriority()).isEqualTo(99);
        assertThat(t.rlimitRttimeMicros()).as("an invalid limit means none, as in keepalived").isZero();
        assertThat(t.cpus()).as("the first bad id empties the set").isEmpty();
    }

    @Test
    void autoPriorityBoundsAndDefaultsAreKeepaliveds() {
        assertThat(parse(" max_auto_priority\n").config().global().processTuning().maxAutoPriority())
                .as("no value: the highest").isEqualTo(99);
        assertThat(parse(" max_auto_priority -1\n").config().global().processTuning().maxAutoPriority())
                .as("-1 disables").isZero();
        ParseResult r = parse(" max_auto_priority 100\n min_auto_priority_delay 0\n min_auto_priority_delay\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: error: max_auto_priority '100' must be in [0, 99] (or -1 to disable) - ignoring",
                MAIN + ":3: error: min_auto_priority_delay '0' must be in [1, 10000000] - ignoring",
                MAIN + ":4: error: min_auto_priority_delay requires delay time");
        assertThat(r.config().global().processTuning().minAutoPriorityDelayMicros()).isEqualTo(1_000_000);
    }

    @Test
    void theOldSpellingOfTheLimitStillWorksWithAWarningAndOneBecomesTwo() {
        ParseResult r = parse(" vrrp_rlimit_rtime 1\n");
        assertThat(messages(r)).containsExactly(MAIN
                + ":2: warning: Keyword 'vrrp_rlimit_rtime' is deprecated - please use 'vrrp_rlimit_rttime'");
        assertThat(r.config().global().processTuning().rlimitRttimeMicros()).isEqualTo(2);
    }

    @Test
    void theKeywordsAreNoLongerReportedAsUnsupported() {
        ParseResult r = parse(" vrrp_priority 1\n vrrp_no_swap\n");
        assertThat(messages(r)).noneMatch(m -> m.contains("not supported"));
    }
}
