package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * {@code released_vip_rst}: after a node releases a VIP, a client whose neighbour entry still points
 * at that node gets "connection refused" at once instead of a black hole until its connect timeout.
 * The client's entry for the VIP is pinned to a's MAC ({@code nud permanent}), so its SYNs keep going
 * to a whatever b's GARPs say; a releases the VIP through a reload that lowers its priority (its
 * keepvip keeps running), and b takes over.
 */
class ReleasedVipRstE2ETest {
    static final String VIP = "192.0.2.210";
    static final int PORT = 6390;
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void aSynToTheReleasedVipIsRefusedAtOnce() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Agents.Keepvip ka = holdThenRelease(lab, 61, "");
            Node c = lab.client();
            // The causal assertion: with 5 s to connect, only a RST ends the attempt early.
            assertThatThrownBy(() -> connect(lab, c, Duration.ofSeconds(5)))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
            assertThat(ka.instance().stats().refusedSyn()).as("RSTs a sent").isGreaterThanOrEqualTo(1);
            assertThat(ka.instance().stats().refuseRateLimited()).isZero();
            assertThat(ka.process().awaitOutput("(VI_1) answering TCP connections to released VIPs with RST for 10 s"))
                    .contains("(VI_1) answering TCP connections to released VIPs with RST for 10 s");

            // Within the window a takes the VIP back: the refusal must have stopped before the add,
            // so the same client (still pinned to a) is served again, not refused.
            long refused = ka.instance().stats().refusedSyn();
            Files.writeString(ka.config(), config(61, 150));
            ka.process().signal("HUP");
            awaitHolder(lab, VIP, lab.node("a"), TAKEOVER, lab.node("a"), lab.node("b"));
            assertThat(connect(lab, c, Duration.ofSeconds(5))).as("echo through a once it holds the VIP again")
                    .isEqualTo(42);
            assertThat(ka.instance().stats().refusedSyn()).as("no RST once the VIP is back").isEqualTo(refused);
        }
    }

    @Test
    void withReleasedVipRstZeroTheSynIsStillBlackHoled() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Agents.Keepvip ka = holdThenRelease(lab, 62, "global_defs {\n    released_vip_rst 0\n}\n");
            // A negative check, so a short timeout: the SYN goes to a, whose kernel drops it.
            assertThatThrownBy(() -> connect(lab, lab.client(), Duration.ofSeconds(1)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(ka.instance().stats().refusedSyn()).isZero();
            assertThat(Agents.read(ka.process().log())).doesNotContain("answering TCP connections");
        }
    }

    /**
     * Listeners on both hosts, a MASTER with the VIP (a connect through it works and echoes a byte:
     * no RST while a holds the VIP), the client pinned to a's MAC, then a's reload to priority 50 and
     * b's takeover. Returns a once it has released the VIP.
     */
    private static Agents.Keepvip holdThenRelease(Lab lab, int vrid, String globalDefs) throws Exception {
        Node a = lab.node("a");
        Node b = lab.node("b");
        Node c = lab.client();
        listen(lab, a);
        listen(lab, b);
        Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", globalDefs + config(vrid, 150));
        Agents.keepvip(lab, b, "kvb", globalDefs + config(vrid, 100));
        awaitHolder(lab, VIP, a, TAKEOVER, a, b);
        lab.exec(c, "ip", "neigh", "replace", VIP, "lladdr", a.mac(), "dev", c.ifname(), "nud", "permanent")
                .orThrow();
        assertThat(connect(lab, c, Duration.ofSeconds(5))).as("echo through a while it holds the VIP")
                .isEqualTo(42);

        Files.writeString(ka.config(), globalDefs + config(vrid, 50));
        ka.process().signal("HUP");
        awaitHolder(lab, VIP, b, TAKEOVER, a, b);
        Await.until(Duration.ofSeconds(5), "a BACKUP", () -> ka.state().orElse("").equals("BACKUP"));
        assertThat(lab.neighbourMac(c, VIP)).as("the client still sends to a").contains(a.mac());
        return ka;
    }

    /** VRRPv3 at 0.2 s: b takes over ~0.7 s after a drops below it. */
    private static String config(int vrid, int priority) {
        return Configs.v3Multicast(vrid, priority, "0.2", VIP);
    }

    /** A TCP echo of one byte on every address of {@code node}, port {@link #PORT}. */
    private static void listen(Lab lab, Node node) throws Exception {
        ServerSocket server = lab.track(lab.inNamespace(node, () -> new ServerSocket(PORT)));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    int v = s.getInputStream().read();
                    s.getOutputStream().write(v);
                } catch (IOException e) {
                    // closed with the lab, or a client gone: keep serving until closed
                }
            }
        }, "echo-" + node.name());
        t.setDaemon(true);
        t.start();
    }

    /** Connects from {@code client} to VIP:PORT, sends 42 and returns the echo. */
    private static int connect(Lab lab, Node client, Duration timeout) throws Exception {
        return lab.inNamespace(client, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(VIP, PORT), (int) timeout.toMillis());
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(42);
                out.flush();
                return in.read();
            }
        });
    }
}
