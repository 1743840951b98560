package org.keepvip.vrrp.state.rules;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpState;

/**
 * One scenario of a rule file in {@code rule-scenarios/}: instances, events at scenario times and
 * what must follow each event. The syntax is in that directory's README.
 *
 * @param family    the rule file's name without {@code .scenario}
 * @param title     the {@code scenario} line
 * @param line      where that line is
 * @param keepalived the keepalived source it follows, as {@code file function...}
 * @param instances instance name → configuration, in declaration order
 * @param groups    sync group name → member names
 * @param steps     events with their expectations, in order
 */
record RuleScenario(String family, String title, int line, List<String> keepalived,
        Map<String, InstanceConfig> instances, Map<String, List<String>> groups, List<Step> steps) {

    /** A place in a rule file, for messages that an editor can jump to. */
    String where(int atLine) {
        return "rule-scenarios/" + family + ".scenario:" + atLine;
    }

    @Override
    public String toString() {
        return family + ": " + title;
    }

    /** One event and its expectations; {@code target} is null for events that concern every instance. */
    record Step(int line, long at, String target, Ev event, List<Expect> expects) {
    }

    /** The events a scenario can feed. */
    sealed interface Ev {
        record Start(boolean interfaceUp) implements Ev {}
        record Advert(InetAddress from, int priority, int intervalCentis) implements Ev {}
        /** The target's own timer, which must be due exactly at the step's time. */
        record Timer() implements Ev {}
        /** Every timer of every instance that is due by the step's time, in deadline order. */
        record Timers() implements Ev {}
        record Tracker(String id, boolean ok) implements Ev {}
        record TrackerValue(String id, long value) implements Ev {}
        record Link(boolean up) implements Ev {}
        record VipDeleted() implements Ev {}
        record Promotion(long attempt, boolean ok, String reason) implements Ev {}
        record StepDown() implements Ev {}
        record Shutdown(boolean release) implements Ev {}
        record Reload(UnaryOperator<InstanceConfig.Builder> change, String text) implements Ev {}
    }

    /**
     * What must hold after a step, for one instance ({@code target}; a group for {@link GroupState}).
     * {@link #mutated()} is a wrong version of the same check: the runner's own test feeds it to show
     * that every expectation line is checked against the machine and can fail.
     */
    sealed interface Expect {
        int line();

        String target();

        Expect mutated();

        /** The actions besides log lines, rendered as in the rule files, exactly and in order. */
        record Effects(int line, String target, List<String> actions) implements Expect {
            public Expect mutated() {
                return new Effects(line, target, actions.isEmpty() ? List.of("advert 1")
                        : actions.subList(0, actions.size() - 1));
            }
        }

        record State(int line, String target, VrrpState state) implements Expect {
            public Expect mutated() {
                return new State(line, target, VrrpState.values()[(state.ordinal() + 1) % VrrpState.values().length]);
            }
        }

        /** The effective priority. */
        record Priority(int line, String target, int priority) implements Expect {
            public Expect mutated() {
                return new Priority(line, target, priority == 1 ? 2 : priority - 1);
            }
        }

        /** The next deadline, in scenario time; empty: no timer runs. */
        record Deadline(int line, String target, OptionalLong at) implements Expect {
            public Expect mutated() {
                return new Deadline(line, target, at.isPresent() ? OptionalLong.of(at.getAsLong() + 1) : OptionalLong.of(0));
            }
        }

        /** A log line (or a state change's line) of this step contains the text. */
        record Log(int line, String target, String text) implements Expect {
            public Expect mutated() {
                return new Log(line, target, text + " (not said)");
            }
        }

        /** The causes of this step's state changes, in order. */
        record Cause(int line, String target, List<Decision.Cause> causes) implements Expect {
            public Expect mutated() {
                Decision.Cause[] all = Decision.Cause.values();
                return new Cause(line, target, causes.isEmpty() ? List.of(all[0])
                        : List.of(all[(causes.get(0).ordinal() + 1) % all.length]));
            }
        }

        /** The master the instance knows of (itself when MASTER); null: none. */
        record Master(int line, String target, InetAddress master) implements Expect {
            public Expect mutated() {
                return new Master(line, target, master == null ? RuleScenarioParser.ip("192.0.2.254") : null);
            }
        }

        /** A sync group's state as keepalived reports it. */
        record GroupState(int line, String target, VrrpState state) implements Expect {
            public Expect mutated() {
                return new GroupState(line, target, state == VrrpState.MASTER ? VrrpState.BACKUP : VrrpState.MASTER);
            }
        }
    }
}
