package org.keepvip.vrrp.state.rules;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.rules.RuleScenario.Ev;
import org.keepvip.vrrp.state.rules.RuleScenario.Expect;
import org.keepvip.vrrp.state.rules.RuleScenario.Step;

/**
 * Feeds one {@link RuleScenario} to the state machine, as the agent's loop does (members of a sync
 * group through their group), and checks every expectation after each event. The first one that
 * does not hold fails with its file and line, what was expected and what the machine did.
 */
final class RuleScenarioRun {

    /** Scenario time 0 on the machine's clock: any origin works, a non-zero one catches "0 means unset". */
    private static final long ORIGIN = 1_000_000_000_000L;

    private final RuleScenario scenario;
    private final Map<String, VrrpInstance> instances = new LinkedHashMap<>();
    private final Map<String, SyncGroup> groupOf = new LinkedHashMap<>();
    private final Map<String, SyncGroup> groups = new LinkedHashMap<>();
    /** What each instance did during the current step. */
    private final Map<String, List<Action>> done = new LinkedHashMap<>();

    private RuleScenarioRun(RuleScenario scenario) {
        this.scenario = scenario;
        scenario.instances().forEach((name, c) -> instances.put(name, new VrrpInstance(c)));
        scenario.groups().forEach((name, members) -> {
            SyncGroup g = new SyncGroup(name, members.stream().map(instances::get).toList());
            groups.put(name, g);
            members.forEach(m -> groupOf.put(m, g));
        });
    }

    /** Runs the scenario; an {@link AssertionError} names the first expectation that failed. */
    static void run(RuleScenario scenario) {
        new RuleScenarioRun(scenario).steps();
    }

    private void steps() {
        for (Step step : scenario.steps()) {
            instances.keySet().forEach(n -> done.put(n, new ArrayList<>()));
            feed(step);
            instances.forEach((n, i) -> done.get(n).addAll(i.drainActions()));
            check(step);
        }
    }

    private void feed(Step step) {
        long now = ORIGIN + step.at();
        Ev ev = step.event();
        if (ev instanceof Ev.Timers) {
            fireTimersUntil(now);
            return;
        }
        VrrpInstance target = instances.get(step.target());
        Event event;
        if (ev instanceof Ev.Timer) {
            OptionalLong due = target.nextDeadline();
            if (due.isEmpty() || due.getAsLong() != now) {
                throw fail(step.line(), step.target() + "'s timer is due " + show(due) + ", not at " + time(now));
            }
            event = new Event.TimerDue(now);
        } else if (ev instanceof Ev.Start s) {
            event = new Event.Start(now, s.interfaceUp());
        } else if (ev instanceof Ev.Advert a) {
            VrrpAdvert advert = new VrrpAdvert(target.config().version(), target.config().vrid(), a.priority(),
                    a.intervalCentis(), AuthType.NONE, new byte[0], List.of(RuleScenarioParser.ip("192.0.2.100")));
            event = new Event.AdvertReceived(now, advert, a.from());
        } else if (ev instanceof Ev.Tracker t) {
            event = new Event.TrackerResult(now, t.id(), t.ok());
        } else if (ev instanceof Ev.TrackerValue t) {
            event = new Event.TrackerValue(now, t.id(), t.value());
        } else if (ev instanceof Ev.Link l) {
            event = new Event.InterfaceChanged(now, l.up());
        } else if (ev instanceof Ev.VipDeleted) {
            event = new Event.VipDeletedExternally(now);
        } else if (ev instanceof Ev.Promotion p) {
            event = new Event.PromotionDone(now, p.attempt(), p.ok(), p.reason());
        } else if (ev instanceof Ev.StepDown) {
            event = new Event.StepDown(now);
        } else if (ev instanceof Ev.Shutdown s) {
            event = new Event.Shutdown(now, s.release());
        } else if (ev instanceof Ev.Reload r) {
            UnaryOperator<InstanceConfig.Builder> change = r.change();
            event = new Event.Reload(now, change.apply(target.config().toBuilder()).build());
        } else {
            throw new IllegalStateException("unhandled event " + ev);
        }
        deliver(step.target(), event);
    }

    private void deliver(String name, Event event) {
        SyncGroup g = groupOf.get(name);
        if (g != null) {
            g.handle(name, event);
        } else {
            instances.get(name).handle(event);
        }
    }

    /** Every timer due by {@code until}, earliest first, as the loop's deadline queue delivers them. */
    private void fireTimersUntil(long until) {
        for (int guard = 0; guard < 100_000; guard++) {
            String next = null;
            long at = Long.MAX_VALUE;
            for (Map.Entry<String, VrrpInstance> e : instances.entrySet()) {
                OptionalLong d = e.getValue().nextDeadline();
                if (d.isPresent() && d.getAsLong() < at) {
                    at = d.getAsLong();
                    next = e.getKey();
                }
            }
            if (next == null || at > until) {
                return;
            }
            deliver(next, new Event.TimerDue(at));
            instances.forEach((n, i) -> done.get(n).addAll(i.drainActions()));
        }
        throw new IllegalStateException("timers keep firing before " + time(until));
    }

    // ------------------------------------------------------------------ checks

    private void check(Step step) {
        List<String> withEffects = new ArrayList<>();
        for (Expect x : step.expects()) {
            if (x instanceof Expect.Effects) {
                withEffects.add(x.target());
            }
            check(x);
        }
        // An instance the step says nothing about must have done nothing.
        for (String name : instances.keySet()) {
            if (!withEffects.contains(name) && !effects(name).isEmpty()) {
                throw fail(step.line(), name + " also did: " + String.join(", ", effects(name))
                        + " (add '" + name + " => ...')");
            }
        }
    }

    private void check(Expect x) {
        String n = x.target();
        if (x instanceof Expect.Effects e) {
            expect(x, String.join(", ", e.actions()), String.join(", ", effects(n)), "=> ");
        } else if (x instanceof Expect.State s) {
            expect(x, s.state(), instances.get(n).state(), "state ");
        } else if (x instanceof Expect.Priority p) {
            expect(x, p.priority(), instances.get(n).effectivePriority(), "effective priority ");
        } else if (x instanceof Expect.Deadline d) {
            OptionalLong want = d.at().isPresent() ? OptionalLong.of(ORIGIN + d.at().getAsLong()) : OptionalLong.empty();
            expect(x, show(want), show(instances.get(n).nextDeadline()), "deadline ");
        } else if (x instanceof Expect.Log l) {
            List<String> said = said(n);
            if (said.stream().noneMatch(s -> s.contains(l.text()))) {
                throw fail(x.line(), n + " did not log \"" + l.text() + "\"; it logged:\n  " + String.join("\n  ", said));
            }
        } else if (x instanceof Expect.Cause c) {
            List<Decision.Cause> causes = done.get(n).stream().filter(a -> a instanceof Action.StateChanged)
                    .map(a -> ((Action.StateChanged) a).why().cause()).toList();
            expect(x, c.causes(), causes, "cause ");
        } else if (x instanceof Expect.Master m) {
            InetAddress got = instances.get(n).masterAddress();
            expect(x, m.master() == null ? "none" : m.master().getHostAddress(),
                    got == null ? "none" : got.getHostAddress(), "master ");
        } else if (x instanceof Expect.GroupState g) {
            expect(x, g.state(), groups.get(n).state(), "group state ");
        } else {
            throw new IllegalStateException("unhandled expectation " + x);
        }
    }

    private void expect(Expect x, Object want, Object got, String what) {
        if (!Objects.equals(want, got)) {
            throw fail(x.line(), x.target() + " " + what + "\n  expected: " + want + "\n  actual:   " + got
                    + "\n  (logged: " + String.join(" | ", said(x.target())) + ")");
        }
    }

    private AssertionError fail(int line, String message) {
        return new AssertionError(scenario.where(line) + ": " + message);
    }

    private List<String> effects(String name) {
        return done.get(name).stream().filter(a -> !(a instanceof Action.Log)).map(RuleScenarioRun::render).toList();
    }

    private List<String> said(String name) {
        List<String> out = new ArrayList<>();
        for (Action a : done.getOrDefault(name, List.of())) { // a group has no log of its own
            if (a instanceof Action.Log l) {
                out.add(l.text());
            } else if (a instanceof Action.StateChanged c) {
                out.add(c.text());
            }
        }
        return out;
    }

    /** An action as the rule files write it. */
    static String render(Action a) {
        if (a instanceof Action.SendAdvert s) {
            return "advert " + s.priority();
        } else if (a instanceof Action.ReleaseAdvert) {
            return "release advert";
        } else if (a instanceof Action.Promote p) {
            return "promote " + p.attempt();
        } else if (a instanceof Action.AddVips) {
            return "add vips";
        } else if (a instanceof Action.RemoveVips) {
            return "remove vips";
        } else if (a instanceof Action.GarpBurst g) {
            return "garp " + g.count();
        } else if (a instanceof Action.Fence) {
            return "fence";
        } else if (a instanceof Action.Demote d) {
            return "demote to " + d.master().getHostAddress();
        } else if (a instanceof Action.Notify n) {
            return "notify " + n.state() + " " + n.priority();
        } else if (a instanceof Action.StateChanged c) {
            return c.from() + " -> " + c.to();
        }
        throw new IllegalStateException("no rendering for " + a);
    }

    private static String show(OptionalLong deadline) {
        return deadline.isPresent() ? time(deadline.getAsLong()) : "none";
    }

    /** A machine time as scenario time, as the rule files write it. */
    private static String time(long machineNanos) {
        return BigDecimal.valueOf(machineNanos - ORIGIN, 9).stripTrailingZeros().toPlainString() + "s";
    }
}
