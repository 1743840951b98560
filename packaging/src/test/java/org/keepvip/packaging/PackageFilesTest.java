package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped files themselves, whatever tools the machine has: the unit's settings, the sample
 * configuration (valid as shipped, and valid with its example uncommented), the defaults file.
 */
class PackageFilesTest {
    private static final Path ETC = Tools.top().resolve("etc");

    @Test
    void unitHasTheSettingsOperationsDocuments() throws Exception {
        List<String> unit = Files.readAllLines(ETC.resolve("keepvip.service"));
        assertThat(unit).contains(
                "Type=notify",
                "ExecStart=/usr/bin/keepvip run -f /etc/keepvip/keepalived.conf --dump-dir /run/keepvip $KEEPVIP_OPTIONS",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "KillSignal=SIGTERM",
                "Restart=on-failure",
                "RestartPreventExitStatus=2 4 5",
                "Wants=network-online.target",
                "After=network-online.target",
                "Conflicts=keepalived.service",
                "EnvironmentFile=-/etc/default/keepvip",
                "EnvironmentFile=-/etc/sysconfig/keepvip",
                "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW",
                "RuntimeDirectory=keepvip",
                "ProtectHome=yes",
                "PrivateTmp=yes",
                "WantedBy=multi-user.target");
        assertThat(unit).anyMatch(l -> l.startsWith("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW"));
        // The daemon gives its control socket to the keepvip group (read-only access for monitoring).
        assertThat(unit).anyMatch(l -> l.startsWith("CapabilityBoundingSet=") && l.contains(" CAP_CHOWN"));
        // run checks the configuration itself (with KEEPVIP_OPTIONS' -i); an ExecStartPre's failure
        // escapes RestartPreventExitStatus and would be restarted (PackageUnitRestartTest).
        assertThat(unit).noneMatch(l -> l.startsWith("ExecStartPre"));
        assertThat(unit).anyMatch(l -> l.matches("TimeoutStopSec=\\d+s"));
        // Console logging only (the journal stores stderr); syslog as well would log every line twice.
        assertThat(unit).noneMatch(l -> l.startsWith("ExecStart=") && (l.contains(" -S") || l.contains("--log-syslog")));
        assertThat(unit).noneMatch(l -> l.startsWith("NoNewPrivileges") || l.startsWith("User="));
    }

    @Test
    void defaultsFileSetsNoOptionsAndTheHeapCap() throws Exception {
        List<String> defaults = Files.readAllLines(ETC.resolve("keepvip.default"));
        assertThat(defaults).contains("KEEPVIP_OPTIONS=\"\"", "KEEPVIP_JAVA_OPTS=\"-Xmx128m\"");
        // The cap says what it rests on: the measured live set and RSS of 1,000 instances.
        assertThat(String.join("\n", defaults)).contains("1,000 VRRP instances keep about 13 MiB", "86-89 MiB",
                "docs/benchmarks.md");
        assertThat(defaults).allMatch(l -> l.isEmpty() || l.startsWith("#") || l.matches("KEEPVIP_[A-Z_]+=\".*\""));
    }

    @Test
    void sampleIsValidAndHoldsNoInstance() throws Exception {
        Tools.Result r = Tools.run("java", "-jar", Tools.agentJar().toString(), "check-config", "-f",
                ETC.resolve("keepalived.conf.sample").toString());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).contains("no vrrp_instance is configured").doesNotContain("error");
    }

    @Test
    void sampleWithItsExampleUncommentedIsValid() throws Exception {
        List<String> sample = Files.readAllLines(ETC.resolve("keepalived.conf.sample"));
        List<String> conf = new ArrayList<>();
        boolean global = false;
        boolean block = false;
        for (String line : sample) {
            if (line.startsWith("global_defs")) {
                global = true;
            }
            if (line.matches("# (redis|vrrp)_instance \\w+ \\{")) {
                block = true;
            }
            if (global) {
                conf.add(line);
                global = !line.equals("}");
            } else if (block) {
                conf.add(line.replaceFirst("^# ?", ""));
                block = !line.equals("# }");
            }
        }
        assertThat(conf).contains("vrrp_instance redis_6379 {", "redis_instance redis_6379 {");
        Path dir = Files.createTempDirectory("keepvip-sample");
        try {
            Path f = dir.resolve("keepalived.conf");
            Files.write(f, conf);
            Tools.Result r = Tools.run("java", "-jar", Tools.agentJar().toString(), "check-config", "-f", f.toString());
            assertThat(r.exit()).as("%s", r).isZero();
            assertThat(r.out()).isEmpty();
        } finally {
            Tools.deleteTree(dir);
        }
    }
}
