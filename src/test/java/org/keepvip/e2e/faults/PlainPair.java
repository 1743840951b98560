package org.keepvip.e2e.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * Two keepvip daemons in one lab, a (priority 150, MASTER) and b (priority 100, BACKUP), one VRRPv3
 * instance VI_F on eth0 with one VIP: the pair the fault tests disturb. Everything lives in the lab
 * (namespaces, sockets, configs, logs), so a run shares nothing with another.
 */
final class PlainPair {
    static final String HOME = System.getProperty("keepvip.home", "../..");
    static final Path JAR = Path.of(HOME, "agent/target/keepvip-agent.jar");

    final Lab lab;
    final Node a;
    final Node b;
    final String vip;
    final int advertMs;
    final LabProcess ka;
    final LabProcess kb;
    final Path socketA;
    final Path socketB;

    /**
     * Starts the pair; {@code launcherA} (may be empty) goes before {@code java} on a's command line
     * (e.g. {@code env LD_PRELOAD=...}); {@code extraA} after {@code run} (e.g. {@code -g FILE}).
     */
    PlainPair(Lab lab, String vip, int vrid, int advertMs, List<String> launcherA, List<String> extraA) {
        this(lab, vip, vrid, advertMs, launcherA, extraA, List.of());
    }

    /** As above, with {@code launcherB} before b's {@code java}. */
    PlainPair(Lab lab, String vip, int vrid, int advertMs, List<String> launcherA, List<String> extraA,
            List<String> launcherB) {
        this.lab = lab;
        this.a = lab.node("a");
        this.b = lab.node("b");
        this.vip = vip;
        this.advertMs = advertMs;
        this.socketA = lab.tempDir().resolve("kv-a.sock");
        this.socketB = lab.tempDir().resolve("kv-b.sock");
        this.ka = launch(a, "kv-a", config(vrid, 150), socketA, launcherA, extraA);
        awaitAnswering(ka, socketA);
        Await.until(Duration.ofSeconds(15), vip + " on a", () -> lab.hasAddress(a, vip));
        this.kb = launch(b, "kv-b", config(vrid, 100), socketB, launcherB, List.of());
        awaitAnswering(kb, socketB);
        Await.until(Duration.ofSeconds(15), "b BACKUP", () -> "BACKUP".equals(state(socketB)));
    }

    private LabProcess launch(Node n, String label, String config, Path socket, List<String> launcher,
            List<String> extra) {
        Path conf = lab.writeFile(label + ".conf", config);
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("java", "-jar", JAR.toString(), "run", "-f", conf.toString(), "--socket",
                socket.toString()));
        cmd.addAll(extra);
        return lab.start(n, label, cmd.toArray(String[]::new));
    }

    private static void awaitAnswering(LabProcess p, Path socket) {
        Await.until(Duration.ofSeconds(30), p.label() + " answering (log " + p.log() + ")", () -> {
            if (!p.isAlive()) {
                throw new AssertionError(p.label() + " exited: " + p.output());
            }
            return state(socket) != null;
        });
    }

    private String config(int vrid, int priority) {
        return """
                vrrp_instance VI_F {
                    state %s
                    interface eth0
                    version 3
                    virtual_router_id %d
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(priority == 150 ? "MASTER" : "BACKUP", vrid, priority,
                java.math.BigDecimal.valueOf(advertMs, 3).stripTrailingZeros().toPlainString(), vip);
    }

    /** b's down timer: 3 × advert interval + skew, skew = (256 − 100) / 256 × advert interval. */
    double masterDownMs() {
        return 3.0 * advertMs + (256 - 100) * advertMs / 256.0;
    }

    /** The instance's state, null when the daemon does not answer. */
    static String state(Path socket) {
        try {
            return instance(socket).state();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static StatusSnapshot.Instance instance(Path socket) throws IOException {
        return new ControlClient(socket, Duration.ofSeconds(3)).status().instances().get(0);
    }

    /** How often b became MASTER since it started (its status counter). */
    long takeoversByB() throws IOException {
        return instance(socketB).stats().becameMaster();
    }

    long takeoversByA() throws IOException {
        return instance(socketA).stats().becameMaster();
    }
}
