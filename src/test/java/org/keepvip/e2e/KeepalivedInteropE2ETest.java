package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * keepvip paired with Debian's real keepalived, both ways round, for v2
 * multicast with PASS and for v3 unicast. One master at a time, failover both ways, and keepalived
 * never complains about keepvip's packets.
 */
class KeepalivedInteropE2ETest {
    static final Duration TAKEOVER = Duration.ofSeconds(8);
    /** What keepalived logs about a packet it rejects (keepalived's vrrp.c, vrrp_check_packet). */
    static final Pattern COMPLAINT = Pattern.compile(
            "(?i)checksum|invalid|TTL|interval mismatch|passwd|auth|wrong VRRP version|too (short|long)");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("keepalived");
    }

    @Test
    void v2MulticastKeepvipMasterKeepalivedBackup() throws Exception {
        String vip = "192.0.2.210";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(61, 150, vip, false));
            LabProcess ka = Agents.keepalived(lab, b, "kab", Configs.v2Multicast(61, 100, vip, false));
            failoverBothWays(lab, vip, a, b, kv, ka, "MASTER");
        }
    }

    @Test
    void v2MulticastKeepalivedMasterKeepvipBackup() throws Exception {
        String vip = "192.0.2.211";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            LabProcess ka = Agents.keepalived(lab, a, "kaa", Configs.v2Multicast(62, 150, vip, false));
            Agents.Keepvip kv = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(62, 100, vip, false));
            failoverBothWays(lab, vip, a, b, kv, ka, "BACKUP");
        }
    }

    @Test
    void v3UnicastBothWays() throws Exception {
        String vip = "192.0.2.212";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kva",
                    Configs.v3Unicast(63, 150, "0.1", a.ipv4(), vip, b.ipv4()));
            LabProcess ka = Agents.keepalived(lab, b, "kab",
                    Configs.v3Unicast(63, 100, "0.1", b.ipv4(), vip, a.ipv4()));
            failoverBothWays(lab, vip, a, b, kv, ka, "MASTER");
        }
    }

    /**
     * old_unicast_checksum on both sides: keepvip sums its unicast adverts as keepalived before 1.3.6
     * did (pseudo-header to 224.0.0.18) and expects the same; keepalived told to do the same accepts
     * them (it drops a standard checksum then), and the pair fails over both ways.
     */
    @Test
    void v3UnicastOldChecksumBothWays() throws Exception {
        String vip = "192.0.2.213";
        String old = "version 3\n    old_unicast_checksum";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kvo",
                    Configs.v3Unicast(64, 150, "0.1", a.ipv4(), vip, b.ipv4()).replace("version 3", old));
            LabProcess ka = Agents.keepalived(lab, b, "kao",
                    Configs.v3Unicast(64, 100, "0.1", b.ipv4(), vip, a.ipv4()).replace("version 3", old));
            failoverBothWays(lab, vip, a, b, kv, ka, "MASTER");
        }
    }

    /** a (priority 150) holds the VIP; its cable is pulled, b takes over; plugged back, a preempts. */
    private static void failoverBothWays(Lab lab, String vip, Node a, Node b, Agents.Keepvip kv, LabProcess ka,
            String keepvipFirstState) throws Exception {
        awaitHolder(lab, vip, a, TAKEOVER, a, b);
        assertThat(kv.state()).contains(keepvipFirstState);
        lab.cutLink(a);
        awaitHolder(lab, vip, b, TAKEOVER, a, b);
        lab.restoreLink(a);
        awaitHolder(lab, vip, a, TAKEOVER, a, b);
        assertThat(ka.isAlive()).as("keepalived still running").isTrue();
        String log = Agents.read(ka.log());
        assertThat(log).contains("Entering BACKUP STATE");
        assertThat(log.lines().filter(l -> COMPLAINT.matcher(l).find()).toList())
                .as("keepalived complaints about keepvip's packets").isEmpty();
    }
}
