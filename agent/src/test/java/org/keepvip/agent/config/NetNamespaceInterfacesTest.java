package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.vrrp.config.Diagnostic;

/** check-config --check-interfaces judges a net_namespace file by that namespace's interfaces, as keepalived -t. */
class NetNamespaceInterfacesTest {
    @TempDir
    Path dir;

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + new String(p.getInputStream().readAllBytes()))
                .isZero();
    }

    @Test
    void theInterfacesCheckedAreTheNamespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (ip netns)");
        String ns = "kvcc" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 100_000;
        ip("netns", "add", ns);
        try {
            ip("-n", ns, "link", "add", "kvin0", "type", "veth", "peer", "name", "kvin1");
            String body = "vrrp_instance VI_1 {\n interface kvin0\n virtual_router_id 1\n"
                    + " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n";
            Path inside = Files.writeString(dir.resolve("in.conf"), "net_namespace " + ns + "\n" + body);
            Path outside = Files.writeString(dir.resolve("out.conf"), body);
            CheckResult in = ConfigChecker.forHost().check(inside.toString(), null, true);
            assertThat(in.diagnostics()).extracting(Diagnostic::format).isEmpty();
            CheckResult out = ConfigChecker.forHost().check(outside.toString(), null, true);
            assertThat(out.diagnostics()).extracting(Diagnostic::format)
                    .anyMatch(m -> m.contains("interface kvin0 for vrrp_instance VI_1 doesn't exist"));
        } finally {
            ip("netns", "del", ns);
        }
    }
}
