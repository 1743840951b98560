package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.Json;
import org.keepvip.agent.events.EventRecord;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * "Why did the VIP move?" answered from {@code keepvip events} alone: a real pair with real Redis,
 * the master's redis-server killed, and each node's decision log read through the CLI.
 */
class DecisionLogE2ETest {
    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server");
    }

    private static CommandResult events(RedisPair p, Node n, String... args) {
        String[] cmd = new String[5 + args.length];
        cmd[0] = "java";
        cmd[1] = "-jar";
        cmd[2] = RedisPair.JAR.toString();
        cmd[3] = "events";
        System.arraycopy(args, 0, cmd, 4, args.length);
        cmd[4 + args.length] = "--socket=" + p.socket(n);
        CommandResult r = p.lab.exec(n, Duration.ofSeconds(30), cmd);
        assertThat(r.exitCode()).as("keepvip events: %s", r).isZero();
        return r;
    }

    private static List<EventRecord> records(String jsonLines) {
        return jsonLines.lines().filter(l -> !l.isBlank()).map(l -> Json.LINE.fromJson(l, EventRecord.class)).toList();
    }

    private static Optional<EventRecord> find(List<EventRecord> rs, String kind, String what) {
        return rs.stream().filter(r -> r.kind().equals(kind) && r.what().startsWith(what)).reduce((x, y) -> y);
    }

    @Test
    void eachNodeSaysWhyTheVipMovedAndHowLongEachStepTook() throws Exception {
        try (RedisPair p = RedisPair.start("0.1")) {
            LabProcess follower = p.lab.start(p.b, "events-follow-b", "java", "-jar", RedisPair.JAR.toString(),
                    "events", "--follow", "--json", "--socket", p.socket(p.b).toString());
            // It prints what the ring holds first: b's start-up (INIT -> BACKUP) shows it is connected.
            Await.until(Duration.ofSeconds(20), "the follower printed b's start-up", () ->
                    follower.output().contains("INIT -> BACKUP"));

            p.killRedis(p.a);
            p.awaitVipOn(p.b, Duration.ofSeconds(10));
            // The takeover's record is made once its last step (notify) ran.
            EventRecord takeover = Await.value(Duration.ofSeconds(10), "b's takeover record", () ->
                    find(records(events(p, p.b, "--json").stdout()), "transition", "BACKUP -> MASTER"));

            assertThat(takeover.instance()).isEqualTo("VI_R");
            assertThat(takeover.redis()).isEqualTo("r6379");
            assertThat(takeover.inputs()).containsKeys("ownPriority", "basePriority", "timerMs")
                    .containsEntry("peer", p.a.ipv4());
            assertThat(takeover.steps()).extracting(EventRecord.Step::name)
                    .containsSubsequence("advert", "promote", "add_vips", "garp", "notify");
            assertThat(takeover.steps()).allSatisfy(s -> assertThat(s.error()).isNull());
            assertThat(takeover.totalMs()).isPositive()
                    .isGreaterThanOrEqualTo(takeover.steps().get(takeover.steps().size() - 1).endMs());
            assertThat(takeover.text()).startsWith("(VI_R) BACKUP -> MASTER because " + takeover.cause() + ": ");

            List<EventRecord> onB = records(events(p, p.b, "--json").stdout());
            EventRecord promote = find(onB, "promote", "promote ok").orElseThrow();
            assertThat(promote.inputs()).containsEntry("guard", "passed").containsEntry("endpoint", "127.0.0.1:6379")
                    .containsEntry("roleBefore", "replica").containsKey("offsetBefore");

            // a's release is recorded after a's own notify, on a's lane and a's decision thread: b can
            // have taken over (and recorded it) before then.
            EventRecord release = Await.value(Duration.ofSeconds(20), "a's release record", () ->
                    records(events(p, p.a, "--json").stdout()).stream().filter(r -> r.kind().equals("transition")
                            && r.what().startsWith("MASTER -> ")).reduce((x, y) -> y));
            List<EventRecord> onA = records(events(p, p.a, "--json").stdout());
            // a's check failed, so a resigned with a priority-0 advert: b's cause is that release.
            assertThat(release.cause()).isEqualTo("tracker_failed");
            assertThat(release.inputs()).containsEntry("trigger", "redis:r6379");
            assertThat(takeover.cause()).isEqualTo("master_released");
            assertThat(release.steps()).extracting(EventRecord.Step::name).contains("remove_vips");
            assertThat(find(onA, "fence", "fence")).isPresent();

            // The normal log keeps keepalived's line and adds the decision line.
            // The decision line is logged as the record is made, through the log's writer thread.
            String logB = p.awaitKeepvipLog(p.b, "(VI_R) Entering MASTER STATE", takeover.text());
            assertThat(logB).contains("(VI_R) Entering MASTER STATE").contains(takeover.text());

            Await.until(Duration.ofSeconds(10), "the follower printed the takeover", () ->
                    follower.output().contains(takeover.text().replace("\"", "\\\"").substring(0, 40)));
            assertThat(records(follower.output().lines().filter(l -> l.startsWith("{")).reduce("", (x, y) -> x + y + "\n")))
                    .extracting(EventRecord::seq).contains(takeover.seq());

            // --since: the takeover drops out once it is older than the window.
            Instant t = Instant.parse(takeover.time());
            Await.until(Duration.ofSeconds(10), "the takeover 2 s old", () -> Instant.now().isAfter(t.plusSeconds(2)));
            assertThat(records(events(p, p.b, "--json", "--since", "1s").stdout())).extracting(EventRecord::seq)
                    .doesNotContain(takeover.seq());
            assertThat(records(events(p, p.b, "--json", "--since", "1h").stdout())).extracting(EventRecord::seq)
                    .contains(takeover.seq());

            String raw = events(p, p.b, "--json").stdout().lines()
                    .filter(l -> l.contains("\"seq\":" + takeover.seq() + ",")).findFirst().orElseThrow();
            assertThat(raw).as("--json prints the daemon's line: integers stay integers")
                    .containsPattern("\"ownPriority\":\\d+,");
            System.out.println("[events-e2e] b's takeover, keepvip events --json: " + raw);
            System.out.println("[events-e2e] b's log around it:\n" + logB.lines()
                    .filter(l -> l.contains("(VI_R) Entering MASTER STATE") || l.contains(takeover.text())
                            || l.contains("promoted: ROLE master") || l.contains("setting VIPs"))
                    .reduce("", (x, y) -> x + y + "\n"));
            String textA = events(p, p.a).stdout();
            String textB = events(p, p.b).stdout();
            System.out.println("[events-e2e] keepvip events on a (its Redis killed):\n" + textA);
            System.out.println("[events-e2e] keepvip events on b:\n" + textB);
            assertThat(textB).contains(takeover.time() + " " + takeover.text());
            follower.stop(Duration.ofSeconds(2));
        }
    }
}
