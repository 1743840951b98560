package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.net.InetAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * Two keepvip nodes speaking VRRPv3 over IPv6 multicast. Adverts leave from
 * the link-local address to ff02::12 with hop limit 255; the client pings the IPv6 VIP, and after
 * each move its neighbour cache points at the new holder before it sends anything, which only the
 * holder's unsolicited NA (Override flag) can have done.
 */
class Ipv6E2ETest {
    static final String VIP = "2001:db8:1::200";
    /** master_down_interval at priority 100 and 0.5 s adverts is 1.8 s; allow JVM start and scheduling. */
    static final Duration TAKEOVER = Duration.ofSeconds(6);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump", "ping");
    }

    @Test
    void electsFailsOverAndAnnouncesTheIpv6VipWithUnsolicitedNa() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node c = lab.client();
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v3Ipv6(73, 150, VIP));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v3Ipv6(73, 100, VIP));

            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            assertThat(ka.state()).contains("MASTER");
            Await.until(Duration.ofSeconds(3), "b BACKUP under a's link-local address", () ->
                    kb.state().orElse("").equals("BACKUP")
                            && String.valueOf(MulticastPairE2ETest.instance(kb).masterAddress()).startsWith("fe80:"));
            String aLinkLocal = kb.instance().masterAddress();

            // One advert as the wire carries it: link-local source, ff02::12, hop limit 255, VRRPv3.
            String advert = lab.exec(c, Duration.ofSeconds(5), "tcpdump", "-c", "1", "-n", "-v", "-i", "eth0",
                    "ip6 proto 112").orThrow();
            assertThat(advert).contains("hlim 255").contains(" > ff02::12: VRRPv3")
                    .contains("vrid 73").contains("prio 150");
            Matcher source = Pattern.compile("(\\S+) > ff02::12:").matcher(advert);
            assertThat(source.find()).isTrue();
            assertThat(InetAddress.getByName(source.group(1))).as("advert source")
                    .isEqualTo(InetAddress.getByName(aLinkLocal));

            assertClientReaches(lab, c, a);

            lab.cutLink(a);
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            assertThat(kb.state()).contains("MASTER");
            // Before the client sends a thing: the stale entry (a's MAC) was overridden by b's NA.
            awaitNeighbour(lab, c, b, Duration.ofSeconds(2));
            assertClientReaches(lab, c, b);

            lab.restoreLink(a);
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "b back to BACKUP", () -> kb.state().orElse("").equals("BACKUP"));
            awaitNeighbour(lab, c, a, Duration.ofSeconds(2));
            assertClientReaches(lab, c, a);
            assertThat(ka.instance().stats().becameMaster()).isEqualTo(2);
            assertThat(kb.instance().stats().becameMaster()).isEqualTo(1);
            assertThat(kb.instance().stats().drops()).as("b dropped none of a's adverts").isEmpty();
        }
    }

    static void awaitNeighbour(Lab lab, Node client, Node holder, Duration timeout) {
        Await.until(timeout, "client's neighbour entry for " + VIP + " is " + holder.name() + "'s MAC", () ->
                lab.neighbourMac(client, VIP).map(m -> m.equalsIgnoreCase(holder.mac())).orElse(false));
    }

    /** ping -6 answers and the client's neighbour entry for the VIP is {@code holder}'s MAC. */
    static void assertClientReaches(Lab lab, Node client, Node holder) {
        Await.until(Duration.ofSeconds(5), "client pings " + VIP + " at " + holder.name() + "'s MAC", () -> {
            CommandResult ping = lab.exec(client, Duration.ofSeconds(3), "ping", "-6", "-c", "1", "-W", "1", VIP);
            return ping.ok() && lab.neighbourMac(client, VIP).map(m -> m.equalsIgnoreCase(holder.mac())).orElse(false);
        });
    }
}
