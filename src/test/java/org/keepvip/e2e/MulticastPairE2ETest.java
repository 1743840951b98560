package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * Two keepvip nodes, VRRPv2 multicast with PASS. Election, failover on a
 * pulled cable, preemption back, and no preemption with {@code nopreempt}; each step checks who
 * holds the VIP and that a client reaches it (ARP included).
 */
class MulticastPairE2ETest {
    static final String VIP = "192.0.2.200";
    /** master_down_interval at priority 100 and 1 s adverts is 3.61 s; allow JVM start and scheduling. */
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void electsHigherPriorityFailsOverOnLinkLossAndPreemptsBack() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node c = lab.client();
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(51, 150, VIP, false));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(51, 100, VIP, false));

            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            assertThat(ka.state()).contains("MASTER");
            Await.until(Duration.ofSeconds(3), "b sees a as master", () -> kb.state().orElse("").equals("BACKUP")
                    && a.ipv4().equals(instance(kb).masterAddress()));
            assertClientReaches(lab, c, a);

            lab.cutLink(a);
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            assertThat(kb.state()).contains("MASTER");
            assertClientReaches(lab, c, b);

            lab.restoreLink(a);
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "b back to BACKUP", () -> kb.state().orElse("").equals("BACKUP"));
            assertClientReaches(lab, c, a);
            assertThat(ka.instance().stats().becameMaster()).isEqualTo(2);
            assertThat(kb.instance().stats().becameMaster()).isEqualTo(1);
        }
    }

    @Test
    void nopreemptLeavesTheRunningMasterInPlace() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(52, 150, VIP, true));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(52, 100, VIP, true));
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);

            lab.cutLink(a);
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            lab.restoreLink(a);
            // a hears b's adverts again and, with nopreempt, accepts the lower priority master.
            Await.until(Duration.ofSeconds(5), "a BACKUP under b", () -> ka.state().orElse("").equals("BACKUP")
                    && b.ipv4().equals(instance(ka).masterAddress()));
            long advertsBefore = instance(ka).stats().advertsReceived();
            // Without nopreempt a would take over after its down timer (3.41 s); give it twice that.
            Await.until(Duration.ofSeconds(10), "a keeps accepting b's adverts for 7 s",
                    () -> instance(ka).stats().advertsReceived() >= advertsBefore + 7);
            assertThat(Agents.holds(lab, b, VIP)).isTrue();
            assertThat(Agents.holds(lab, a, VIP)).isFalse();
            assertThat(ka.state()).contains("BACKUP");
            assertThat(kb.state()).contains("MASTER");
        }
    }

    static org.keepvip.agent.control.StatusSnapshot.Instance instance(Agents.Keepvip k) {
        try {
            return k.instance();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The client pings the VIP and its ARP entry points at {@code holder}'s MAC. */
    static void assertClientReaches(Lab lab, Node client, Node holder) {
        Await.until(Duration.ofSeconds(5), "client reaches the VIP at " + holder.name() + "'s MAC", () ->
                lab.reachable(client, VIP)
                        && lab.neighbourMac(client, VIP).map(m -> m.equalsIgnoreCase(holder.mac())).orElse(false));
    }

    @Test
    void garpMasterRefreshReannouncesTheVipWhileMaster() throws Exception {
        String vip = "192.0.2.204";
        try (Lab lab = Lab.builder().host("a").client().build()) {
            Node a = lab.node("a");
            Node c = lab.client();
            String conf = Configs.v2Multicast(56, 150, vip, false).replace("advert_int 1",
                    "advert_int 1\n    garp_master_delay 0\n    garp_master_repeat 1\n    garp_master_refresh 1");
            Agents.keepvip(lab, a, "kva", conf);
            Await.until(TAKEOVER, "a holds the VIP", () -> Agents.holds(lab, a, vip));
            var capture = lab.start(c, "arp", "tcpdump", "-l", "-n", "-i", "eth0", "arp");
            // tcpdump: "Request who-has VIP (ff:ff:ff:ff:ff:ff) tell VIP" — a GARP asks for its own address.
            // One a second from the refresh alone (no second burst: garp_master_delay 0).
            Await.until(Duration.ofSeconds(6), "3 refresh GARPs seen by the client", () -> Agents.read(capture.log())
                    .lines().filter(l -> l.contains("who-has " + vip + " ") && l.endsWith("tell " + vip + ", length 28"))
                    .count() >= 3);
        }
    }
}
