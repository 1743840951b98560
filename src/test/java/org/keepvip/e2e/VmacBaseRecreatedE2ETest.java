package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * An instance's interface deleted and made again: the kernel deletes the VMAC with it; when the
 * interface is back, the VMAC is made again on it, as keepalived makes it (keepalived/vrrp/vrrp_if.c:
 * update_added_interface(), recreate_vmac_thread()), and the instance resumes: it takes the VIP back
 * onto the new VMAC, advertises from it, and hears a better peer again.
 */
class VmacBaseRecreatedE2ETest {
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump");
    }

    static String config(int priority, boolean vmac) {
        return """
                vrrp_instance VI_V {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 1
                    %s
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(VmacE2ETest.VRID, priority, vmac ? "use_vmac" : "", VmacE2ETest.VIP);
    }

    @Test
    void theVmacComesBackWithItsInterfaceAndTheInstanceResumes() throws Exception {
        String vip = VmacE2ETest.VIP;
        String vmacName = VmacE2ETest.VMAC_NAME;
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(150, true));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", config(100, false));
            VmacE2ETest.awaitHolder(lab, a, a, b);
            Map<String, String> link = VmacE2ETest.link(lab, a);
            int before = VmacE2ETest.ifindex(lab, a, vmacName);

            lab.deleteInterface(a);
            assertThat(VmacE2ETest.link(lab, a)).as("the kernel deletes the macvlan with its base").isEmpty();
            VmacE2ETest.awaitHolder(lab, b, a, b);
            Await.until(TAKEOVER, "a FAULT without its interface", () -> ka.state().orElse("").equals("FAULT"));

            lab.addInterfaceAgain(a);
            try {
                Await.until(Duration.ofSeconds(20), vmacName + " made again on the new eth0", () -> {
                    int now = VmacE2ETest.ifindex(lab, a, vmacName);
                    return now > 0 && now != before && VmacE2ETest.link(lab, a).equals(link);
                });
                VmacE2ETest.awaitHolder(lab, a, a, b);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; a's links: " + lab.exec(a, "ip", "-d", "link").stdout()
                        + "\nlog:\n" + Agents.read(ka.process().log()), e);
            }
            assertThat(lab.addressesByInterface(a).get(vmacName)).contains(vip + "/24");
            assertThat(VmacE2ETest.ownAdvertSourceMacs(lab, a, 2)).as("adverts from the new macvlan")
                    .containsOnly(VmacE2ETest.VMAC);
            Await.until(TAKEOVER, "b BACKUP", () -> kb.state().orElse("").equals("BACKUP"));

            // a hears its peer on the new interface: b, made better by a reload, takes over and a yields.
            Files.writeString(kb.config(), config(200, false));
            kb.process().signal("HUP");
            VmacE2ETest.awaitHolder(lab, b, a, b);
            Await.until(TAKEOVER, "a BACKUP", () -> ka.state().orElse("").equals("BACKUP"));
            String log = ka.process().awaitOccurrences("Success creating VMAC interface " + vmacName, 2);
            assertThat(log.split("Success creating VMAC interface " + vmacName, -1)).as(log).hasSize(3);

            ka.process().stop(Duration.ofSeconds(10));
            assertThat(VmacE2ETest.link(lab, a)).as("the new macvlan is removed at exit").isEmpty();
        }
    }
}
