package org.keepvip.vrrp.state.rules;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;
import org.keepvip.vrrp.state.rules.RuleScenario.Ev;
import org.keepvip.vrrp.state.rules.RuleScenario.Expect;
import org.keepvip.vrrp.state.rules.RuleScenario.Step;

/** Reads a rule file (syntax: {@code rule-scenarios/README.md}); a mistake fails with its file and line. */
final class RuleScenarioParser {

    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)(s|ms|us|ns)");
    private static final Pattern CITATION = Pattern.compile("[a-z_]+\\.[ch] [a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*");
    private static final Pattern ACTION = Pattern.compile("advert \\d+|release advert|promote \\d+|add vips|remove vips"
            + "|garp \\d+|fence|demote to \\S+|notify (MASTER|BACKUP|FAULT|STOP) \\d+"
            + "|(INIT|BACKUP|MASTER|FAULT) -> (BACKUP|MASTER|FAULT|STOP)");

    private final String family;
    private final List<RuleScenario> out = new ArrayList<>();

    // the scenario being read
    private String title;
    private int titleLine;
    private List<String> keepalived;
    private Map<String, InstanceConfig.Builder> builders;
    private Map<String, List<TrackerSpec>> trackers;
    private Map<String, List<String>> groups;
    private List<Step> steps;
    private String lastInstance;
    private int line;

    private RuleScenarioParser(String family) {
        this.family = family;
    }

    static List<RuleScenario> parse(String family, String text) {
        RuleScenarioParser p = new RuleScenarioParser(family);
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            p.line = n + 1;
            String s = stripComment(lines[n]).strip();
            if (!s.isEmpty()) {
                p.read(s);
            }
        }
        p.finish();
        return p.out;
    }

    private void read(String s) {
        String[] w = s.split("\\s+");
        if (w[0].equals("scenario")) {
            finish();
            title = s.substring("scenario".length()).strip();
            titleLine = line;
            keepalived = new ArrayList<>();
            builders = new LinkedHashMap<>();
            trackers = new LinkedHashMap<>();
            groups = new LinkedHashMap<>();
            steps = new ArrayList<>();
            lastInstance = null;
            require(!title.isEmpty(), "a scenario needs a title");
            return;
        }
        require(title != null, "expected 'scenario TITLE' first");
        switch (w[0]) {
            case "keepalived" -> {
                String c = s.substring("keepalived".length()).strip();
                require(CITATION.matcher(c).matches(), "cite keepalived as 'keepalived FILE.c function[, function]'");
                keepalived.add(c);
            }
            case "instance" -> {
                require(steps.isEmpty(), "instances come before the first event");
                require(w.length >= 2, "instance NAME [settings]");
                lastInstance = w[1];
                // the address and VRID are fixed when a builder is made; the rest are settings
                List<String> rest = new ArrayList<>(List.of(w).subList(2, w.length));
                String address = take(rest, "address", "192.0.2.1");
                int vrid = Integer.parseInt(take(rest, "vrid", "51"));
                InstanceConfig.Builder b = InstanceConfig.builder(w[1], vrid, ip(address));
                settings(rest.toArray(String[]::new)).apply(b);
                require(builders.put(w[1], b) == null, "instance " + w[1] + " declared twice");
                trackers.put(w[1], new ArrayList<>());
            }
            case "track" -> {
                require(lastInstance != null && steps.isEmpty(), "track follows its instance, before the first event");
                require(w.length >= 4 && w[2].equals("weight"), "track ID weight W [reverse] [resigns]");
                List<String> flags = List.of(w).subList(4, w.length);
                require(List.of("reverse", "resigns").containsAll(flags), "track flags: reverse, resigns");
                TrackerSpec t = new TrackerSpec(w[1], Integer.parseInt(w[3]), flags.contains("reverse"));
                trackers.get(lastInstance).add(flags.contains("resigns") ? t.resigningMaster() : t);
            }
            case "sync_group" -> {
                require(w.length >= 3, "sync_group NAME INSTANCE...");
                List<String> members = List.of(w).subList(2, w.length);
                require(builders.keySet().containsAll(members), "sync_group names an undeclared instance");
                groups.put(w[1], members);
            }
            case "at" -> event(w);
            default -> expectation(w, s);
        }
    }

    private void event(String[] w) {
        require(!builders.isEmpty(), "declare an instance before the first event");
        require(steps.isEmpty() || !steps.get(steps.size() - 1).expects().isEmpty(),
                "the previous event has no expectations");
        require(w.length >= 3, "at TIME [INSTANCE] EVENT");
        long at = time(w[1]);
        require(steps.isEmpty() || at >= steps.get(steps.size() - 1).at(), "time goes backwards");
        int i = 2;
        String target = null;
        if (builders.containsKey(w[2])) {
            target = w[2];
            i = 3;
        } else if (builders.size() == 1) {
            target = builders.keySet().iterator().next();
        }
        List<String> e = List.of(w).subList(i, w.length);
        require(!e.isEmpty(), "which event?");
        Ev ev = switch (e.get(0)) {
            case "start" -> new Ev.Start(!e.equals(List.of("start", "link", "down")));
            case "advert" -> advert(e);
            case "timer" -> new Ev.Timer();
            case "timers" -> new Ev.Timers();
            case "tracker" -> tracker(e);
            case "link" -> new Ev.Link(word(e, 1, "up", "down").equals("up"));
            case "vip" -> {
                require(e.equals(List.of("vip", "deleted")), "vip deleted");
                yield new Ev.VipDeleted();
            }
            case "promotion" -> {
                require(e.size() >= 3, "promotion ATTEMPT ok|fails [REASON]");
                boolean ok = word(e, 2, "ok", "fails").equals("ok");
                yield new Ev.Promotion(Long.parseLong(e.get(1)), ok, String.join(" ", e.subList(3, e.size())));
            }
            case "step" -> {
                require(e.equals(List.of("step", "down")), "step down");
                yield new Ev.StepDown();
            }
            case "shutdown" -> new Ev.Shutdown(!e.equals(List.of("shutdown", "keeping", "vips")));
            case "reload" -> new Ev.Reload(settings(e.subList(1, e.size()).toArray(String[]::new)),
                    String.join(" ", e.subList(1, e.size())));
            default -> throw error("unknown event '" + String.join(" ", e) + "'");
        };
        require(target != null || ev instanceof Ev.Timers, "which instance? name it after the time");
        steps.add(new Step(line, at, target, ev, new ArrayList<>()));
    }

    private Ev advert(List<String> e) {
        // advert from IP priority P [interval T]
        require((e.size() == 5 || e.size() == 7) && e.get(1).equals("from") && e.get(3).equals("priority"),
                "advert from IP priority P [interval T]");
        int interval = 100;
        if (e.size() == 7) {
            require(e.get(5).equals("interval"), "advert ... interval T");
            interval = centis(e.get(6));
        }
        return new Ev.Advert(ip(e.get(2)), Integer.parseInt(e.get(4)), interval);
    }

    private Ev tracker(List<String> e) {
        require(e.size() >= 3, "tracker ID ok|fails, or tracker ID value N");
        if (e.get(2).equals("value")) {
            require(e.size() == 4, "tracker ID value N");
            return new Ev.TrackerValue(e.get(1), Long.parseLong(e.get(3)));
        }
        return new Ev.Tracker(e.get(1), word(e, 2, "ok", "fails").equals("ok"));
    }

    private void expectation(String[] w, String s) {
        require(!steps.isEmpty(), "an expectation before any event: '" + s + "'");
        Step step = steps.get(steps.size() - 1);
        int i = 0;
        String target = step.target();
        if (w[0].equals("group")) {
            require(w.length == 4 && groups.containsKey(w[1]) && w[2].equals("state"), "group NAME state STATE");
            step.expects().add(new Expect.GroupState(line, w[1], state(w[3])));
            return;
        }
        if (builders.containsKey(w[0])) {
            target = w[0];
            i = 1;
        }
        require(target != null, "which instance? name it first");
        require(w.length > i, "what is expected?");
        String rest = s.substring(s.indexOf(w[i]) + w[i].length()).strip();
        Expect x = switch (w[i]) {
            case "=>" -> new Expect.Effects(line, target, effects(rest));
            case "state" -> new Expect.State(line, target, state(rest));
            case "priority" -> new Expect.Priority(line, target, Integer.parseInt(rest));
            case "deadline" -> new Expect.Deadline(line, target,
                    rest.equals("none") ? OptionalLong.empty() : OptionalLong.of(time(rest)));
            case "log" -> {
                require(rest.length() > 2 && rest.startsWith("\"") && rest.endsWith("\""), "log \"TEXT\"");
                yield new Expect.Log(line, target, rest.substring(1, rest.length() - 1));
            }
            case "cause" -> new Expect.Cause(line, target, Arrays.stream(rest.split(",\\s*"))
                    .map(c -> Decision.Cause.valueOf(c.strip())).toList());
            case "master" -> new Expect.Master(line, target, rest.equals("none") ? null : ip(rest));
            default -> throw error("unknown line '" + s + "'");
        };
        step.expects().add(x);
    }

    private List<String> effects(String rest) {
        if (rest.equals("nothing")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String a : rest.split(",")) {
            String item = a.strip().replaceAll("\\s+", " ");
            require(ACTION.matcher(item).matches(), "unknown action '" + item + "' (see README.md)");
            out.add(item);
        }
        return out;
    }

    /** keepalived's keyword names for the settings of an instance (also used by reload). */
    private UnaryOperator<InstanceConfig.Builder> settings(String[] w) {
        List<UnaryOperator<InstanceConfig.Builder>> ops = new ArrayList<>();
        for (int k = 0; k < w.length; k++) {
            String key = w[k];
            boolean flag = switch (key) {
                case "nopreempt", "lower_prio_no_advert", "higher_prio_send_advert", "owner_ignore_adverts",
                        "dont_track_primary", "redis_hooks", "master_when_fault_clears" -> true;
                default -> false;
            };
            if (flag) {
                ops.add(switch (key) {
                    case "nopreempt" -> b -> b.nopreempt(true);
                    case "lower_prio_no_advert" -> b -> b.lowerPrioNoAdvert(true);
                    case "higher_prio_send_advert" -> b -> b.higherPrioSendAdvert(true);
                    case "owner_ignore_adverts" -> b -> b.ownerIgnoreAdverts(true);
                    case "dont_track_primary" -> b -> b.dontTrackPrimary(true);
                    case "redis_hooks" -> b -> b.redisHooks(true);
                    default -> b -> b.masterWhenFaultClears(true);
                });
                continue;
            }
            require(k + 1 < w.length, "setting " + key + " needs a value");
            String v = w[++k];
            ops.add(switch (key) {
                case "priority" -> b -> b.priority(Integer.parseInt(v));
                case "version" -> b -> b.version(Integer.parseInt(v));
                case "advert_int" -> b -> b.advertIntervalCentis(centis(v));
                case "state" -> b -> b.initialState(state(v));
                case "preempt_delay" -> b -> b.preemptDelay(duration(v));
                case "down_timer_adverts" -> b -> b.downTimerAdverts(Integer.parseInt(v));
                case "garp_master_repeat" -> b -> b.garpMasterRepeat(Integer.parseInt(v));
                case "garp_master_delay" -> b -> b.garpMasterDelay(duration(v));
                case "garp_lower_prio_repeat" -> b -> b.garpLowerPrioRepeat(Integer.parseInt(v));
                case "garp_lower_prio_delay" -> b -> b.garpLowerPrioDelay(duration(v));
                case "promotion_timeout" -> b -> b.promotionTimeout(duration(v));
                case "promotion_backoff" -> b -> b.promotionBackoff(duration(v));
                case "on_promotion_failure" -> b -> b.onPromotionFailure(InstanceConfig.PromotionFailure.valueOf(v));
                case "release_wait" -> b -> b.releaseWait(duration(v));
                default -> throw error("unknown setting '" + key + "'");
            });
        }
        return b -> {
            for (UnaryOperator<InstanceConfig.Builder> op : ops) {
                b = op.apply(b);
            }
            return b;
        };
    }

    private void finish() {
        if (title == null) {
            return;
        }
        line = titleLine;
        require(!keepalived.isEmpty(), "scenario '" + title + "' cites no keepalived source ('keepalived FILE.c function')");
        require(!steps.isEmpty(), "scenario '" + title + "' has no events");
        require(!steps.get(steps.size() - 1).expects().isEmpty(), "scenario '" + title + "': its last event has no expectations");
        for (Step s : steps) {
            line = s.line();
            require(s.expects().stream().anyMatch(x -> x instanceof Expect.Effects),
                    "every event says what the machine does ('=> ...' or '=> nothing')");
        }
        Map<String, InstanceConfig> instances = new LinkedHashMap<>();
        builders.forEach((name, b) -> {
            List<TrackerSpec> t = trackers.get(name);
            line = titleLine;
            try {
                instances.put(name, t.isEmpty() ? b.build() : b.trackers(t).build());
            } catch (IllegalArgumentException e) {
                throw error("instance " + name + ": " + e.getMessage());
            }
        });
        out.add(new RuleScenario(family, title, titleLine, List.copyOf(keepalived), instances, groups, List.copyOf(steps)));
        title = null;
    }

    // ------------------------------------------------------------------ values

    /** {@code 1s}, {@code 3.609375s}, {@code 250ms}, {@code 0}: nanoseconds. */
    private long time(String s) {
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = TIME.matcher(s);
        require(m.matches(), "a time is like 3.609375s, 250ms or 0, not '" + s + "'");
        int scale = switch (m.group(2)) {
            case "s" -> 9;
            case "ms" -> 6;
            case "us" -> 3;
            default -> 0;
        };
        BigDecimal ns = new BigDecimal(m.group(1)).movePointRight(scale);
        require(ns.stripTrailingZeros().scale() <= 0, "'" + s + "' is not a whole number of nanoseconds");
        return ns.longValueExact();
    }

    private Duration duration(String s) {
        return Duration.ofNanos(time(s));
    }

    private int centis(String s) {
        long ns = time(s);
        require(ns % 10_000_000L == 0, "an advert interval is whole centiseconds: " + s);
        return Math.toIntExact(ns / 10_000_000L);
    }

    private VrrpState state(String s) {
        try {
            return VrrpState.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw error("unknown state '" + s + "'");
        }
    }

    private String take(List<String> words, String key, String otherwise) {
        int k = words.indexOf(key);
        if (k < 0) {
            return otherwise;
        }
        require(k + 1 < words.size(), key + " needs a value");
        String v = words.remove(k + 1);
        words.remove(k);
        return v;
    }

    private String word(List<String> e, int k, String... allowed) {
        require(e.size() > k && List.of(allowed).contains(e.get(k)),
                "expected " + String.join(" or ", allowed) + " in '" + String.join(" ", e) + "'");
        return e.get(k);
    }

    static InetAddress ip(String s) {
        require0(s.matches("[0-9.]+|[0-9a-fA-F:]+"), "not an address: " + s);
        try {
            return InetAddress.getByName(s); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + s, e);
        }
    }

    private static String stripComment(String s) {
        boolean quoted = false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return s.substring(0, k);
            }
        }
        return s;
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw error(message);
        }
    }

    private static void require0(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("rule-scenarios/" + family + ".scenario:" + line + ": " + message);
    }
}
