package org.keepvip.vrrp.state.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keepvip.vrrp.state.rules.RuleScenario.Expect;
import org.keepvip.vrrp.state.rules.RuleScenario.Step;

/**
 * keepalived's state-machine rules as scripts: every {@code .scenario} file in test resources
 * {@code rule-scenarios/} (one per rule family; syntax in its README.md) runs against
 * {@link org.keepvip.vrrp.state.VrrpInstance}, one test per scenario.
 */
class RuleScenarioTest {

    static Stream<RuleScenario> scenarios() {
        return all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(RuleScenario s) {
        RuleScenarioRun.run(s);
    }

    /**
     * Every expectation line is checked against the machine: the same scenario with that one line
     * made wrong fails, at that line. (An expectation attached to the wrong event, or a check the
     * runner skipped, would pass here.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyExpectationCanFail(RuleScenario s) {
        for (int k = 0; k < s.steps().size(); k++) {
            Step step = s.steps().get(k);
            for (int j = 0; j < step.expects().size(); j++) {
                Expect wrong = step.expects().get(j).mutated();
                List<Expect> expects = new ArrayList<>(step.expects());
                expects.set(j, wrong);
                List<Step> steps = new ArrayList<>(s.steps());
                steps.set(k, new Step(step.line(), step.at(), step.target(), step.event(), expects));
                RuleScenario broken = new RuleScenario(s.family(), s.title(), s.line(), s.keepalived(), s.instances(),
                        s.groups(), steps);
                assertThatThrownBy(() -> RuleScenarioRun.run(broken)).as("%s made wrong as %s", s.where(wrong.line()), wrong)
                        .isInstanceOf(AssertionError.class).hasMessageStartingWith(s.where(wrong.line()) + ":");
            }
        }
    }

    @Test
    void everyRuleFamilyHasItsFileAndTheSetIsComplete() {
        List<RuleScenario> all = all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(25);
        assertThat(all.stream().map(RuleScenario::family).distinct()).containsExactlyInAnyOrder(
                "startup", "down-timer", "preemption", "nopreempt", "preempt-delay", "priority-zero",
                "master-receives", "owner", "trackers", "fault", "sync-group", "shutdown", "redis-order");
        assertThat(all.stream().map(RuleScenario::toString).distinct()).as("titles are unique").hasSameSizeAs(all);
    }

    @Test
    void aWrongExpectationFailsWithItsLineAndBothValues() {
        RuleScenario s = RuleScenarioParser.parse("selftest", """
                scenario a backup that is said to become master at once
                keepalived vrrp_scheduler.c vrrp_init_state
                instance VI_1 priority 100
                at 0 start
                  => remove vips, INIT -> MASTER
                """).get(0);
        assertThatThrownBy(() -> RuleScenarioRun.run(s)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("rule-scenarios/selftest.scenario:5:")
                .hasMessageContaining("expected: remove vips, INIT -> MASTER")
                .hasMessageContaining("actual:   remove vips, INIT -> BACKUP, notify BACKUP 100");
    }

    @Test
    void anInstanceThatActsUnmentionedFails() {
        RuleScenario t = RuleScenarioParser.parse("selftest", """
                scenario the second instance's actions unmentioned
                keepalived vrrp_scheduler.c vrrp_init_state
                instance A priority 100 address 192.0.2.1
                instance B priority 100 address 192.0.2.2 vrid 52
                at 0 A start
                  A => remove vips, INIT -> BACKUP, notify BACKUP 100
                at 1s B start
                  A => nothing
                """).get(0);
        assertThatThrownBy(() -> RuleScenarioRun.run(t)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("rule-scenarios/selftest.scenario:7: B also did: remove vips");
    }

    @Test
    void aScenarioWithoutCitationOrWithAnUncheckedEventIsRefused() {
        assertThatThrownBy(() -> RuleScenarioParser.parse("selftest", """
                scenario uncited
                instance VI_1
                at 0 start
                  => remove vips, INIT -> BACKUP, notify BACKUP 100
                """)).hasMessage("rule-scenarios/selftest.scenario:1: scenario 'uncited' cites no keepalived source"
                + " ('keepalived FILE.c function')");
        assertThatThrownBy(() -> RuleScenarioParser.parse("selftest", """
                scenario unchecked
                keepalived vrrp.c vrrp_state_backup
                instance VI_1
                at 0 start
                  state BACKUP
                """)).hasMessageContaining("selftest.scenario:4: every event says what the machine does");
        assertThatThrownBy(() -> RuleScenarioParser.parse("selftest", """
                scenario typo
                keepalived vrrp.c vrrp_state_backup
                instance VI_1
                at 0 start
                  => remove vip
                """)).hasMessageContaining("selftest.scenario:5: unknown action 'remove vip'");
    }

    // ------------------------------------------------------------------ the files

    private static List<RuleScenario> all() {
        Path dir = directory();
        try (Stream<Path> files = Files.list(dir)) {
            List<RuleScenario> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".scenario")).sorted().toList()) {
                String family = f.getFileName().toString().replaceAll("\\.scenario$", "");
                out.addAll(RuleScenarioParser.parse(family, Files.readString(f, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory() {
        URL url = RuleScenarioTest.class.getClassLoader().getResource("rule-scenarios");
        assertThat(url).as("test resources rule-scenarios/").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
