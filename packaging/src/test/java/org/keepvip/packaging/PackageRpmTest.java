package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The RPM: without rpmbuild (as on a plain Debian CI) only the spec is checked — its %files
 * name every file the .deb ships (at the RPM locations) and its scriptlets pass sh -n; with
 * rpmbuild, the built .rpm's header, file list, modes, config files and scriptlets.
 */
class PackageRpmTest {
    private static final Path SPEC = Tools.top().resolve("packaging/src/rpm/keepvip.spec");

    private static String rpm() {
        return Tools.packages().resolve("keepvip-" + Tools.packageVersion() + "-1.noarch.rpm").toString();
    }

    @Test
    void specListsEveryShippedFile() throws Exception {
        String spec = Files.readString(SPEC);
        assertThat(spec).contains("Version:        %{kv_version}", "BuildArch:      noarch",
                "Requires:       (java-17-openjdk-headless or java-headless >= 1:17)", "Requires:       libpcap", "Requires:       nftables",
                "%config(noreplace) %attr(0640,root,root) /etc/keepvip/keepalived.conf",
                "%config(noreplace) %attr(0644,root,root) /etc/sysconfig/keepvip",
                "%attr(0755,root,root) /usr/bin/keepvip",
                "%attr(0644,root,root) /usr/lib/systemd/system/keepvip.service",
                "%attr(0644,root,root) /usr/libexec/keepvip/redis_common.sh",
                "%attr(0755,root,root) /usr/libexec/keepvip/keepvip-cds",
                "%transfiletriggerin -- /usr/lib/jvm\n/usr/libexec/keepvip/keepvip-cds --if-stale || :\n",
                "/usr/share/keepvip\n", "%doc /usr/share/doc/keepvip\n",
                "%license /usr/share/licenses/keepvip/LICENSE\n", "%license /usr/share/licenses/keepvip/copyright\n",
                "%license /usr/share/licenses/keepvip/NOTICE\n",
                "%systemd_post keepvip.service\n", "%systemd_preun keepvip.service\n", "%systemd_postun keepvip.service\n");
        assertThat(spec).as("no restart on upgrade: a restart hands the VIP to the peer").doesNotContain("%systemd_postun_with_restart ");
        assertThat(spec.lines().filter(l -> l.startsWith("License:")).findFirst().orElseThrow())
                .startsWith("License:        Apache-2.0 AND ");
        assertThat(spec).containsPattern("(?m)^URL: +https://");
        assertThat(spec).contains("%changelog\n* ").containsPattern("(?m)^\\* .+ <.+@.+> - " + java.util.regex.Pattern.quote(
                Tools.packageVersion() + "-1") + "$");
        for (String h : List.of("check", "master", "backup", "fault", "stop")) {
            assertThat(spec).contains("%attr(0755,root,root) /usr/libexec/keepvip/redis_" + h + ".sh");
        }
        assertThat(spec).contains("%attr(0644,root,root) /usr/share/man/man5/keepvip.conf.5.gz",
                "%attr(0644,root,root) /usr/share/man/man8/keepvip*.8.gz",
                "%attr(0644,root,root) /usr/share/bash-completion/completions/keepvip",
                "%attr(0644,root,root) /usr/share/zsh/site-functions/_keepvip");
    }

    @Test
    void specScriptletsPassShN() throws Exception {
        String spec = Files.readString(SPEC);
        // A section runs to the next section heading; its %systemd_* macro lines become ":" here (the
        // built .rpm's expanded scriptlets are checked in builtRpm).
        Matcher m = Pattern.compile("(?ms)^%(post|preun|postun|transfiletriggerin)(?: -- \\S+)?\\n(.*?)"
                + "(?=^%(?:post|preun|postun|transfiletriggerin|files|changelog)\\b)").matcher(spec);
        List<String> found = new ArrayList<>();
        Path dir = Files.createTempDirectory("keepvip-spec");
        try {
            while (m.find()) {
                found.add(m.group(1));
                Path s = dir.resolve(m.group(1));
                Files.writeString(s, "#!/bin/sh\n" + m.group(2).replaceAll("(?m)^%systemd_\\w+ .*$", ":"));
                Tools.Result n = Tools.run("sh", "-n", s.toString());
                assertThat(n.exit()).as("sh -n %%%s: %s", m.group(1), n).isZero();
                if (Tools.onPath("shellcheck")) {
                    Tools.Result sc = Tools.run("shellcheck", "-s", "sh", s.toString());
                    assertThat(sc.exit()).as("shellcheck %%%s: %s", m.group(1), sc).isZero();
                }
            }
        } finally {
            Tools.deleteTree(dir);
        }
        assertThat(found).containsExactly("post", "preun", "postun", "transfiletriggerin");
        assertThat(spec.lines().filter(l -> !l.trim().startsWith("#") && !l.contains("echo ")))
                .noneMatch(l -> l.contains("systemctl start") || l.contains("systemctl restart") || l.contains("try-restart"));
    }

    @Test
    void builtRpm() throws Exception {
        assumeTrue(Tools.onPath("rpmbuild") && Tools.onPath("rpm"),
                "rpmbuild not found: the .rpm was not built (build-packages.sh said so); only the spec was checked");
        assertThat(Path.of(rpm())).isRegularFile();
        Tools.Result q = Tools.run("rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}\\n", rpm());
        assertThat(q.out().trim()).isEqualTo("keepvip " + Tools.packageVersion() + " 1 noarch");
        Tools.Result req = Tools.run("rpm", "-qpR", rpm());
        assertThat(req.out().lines()).contains("(java-17-openjdk-headless or java-headless >= 1:17)", "libpcap");
        Tools.Result conf = Tools.run("rpm", "-qpc", rpm());
        assertThat(conf.out().lines()).containsExactlyInAnyOrder("/etc/keepvip/keepalived.conf", "/etc/sysconfig/keepvip");
        Tools.Result list = Tools.run("rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\\n]", rpm());
        List<String> lines = list.out().lines().toList();
        assertThat(lines).contains("-rwxr-xr-x root /usr/bin/keepvip", "-rw-r----- root /etc/keepvip/keepalived.conf",
                "-rw-r--r-- root /etc/sysconfig/keepvip", "-rw-r--r-- root /usr/lib/systemd/system/keepvip.service",
                "-rwxr-xr-x root /usr/libexec/keepvip/redis_check.sh",
                "-rw-r--r-- root /usr/share/keepvip/keepvip.jar");
        for (String jar : Tools.agentLibs()) {
            assertThat(lines).contains("-rw-r--r-- root /usr/share/keepvip/lib/" + jar);
        }
        assertThat(lines).allMatch(l -> l.split(" ")[1].equals("root"));
        // Same payload as the .deb: 52 paths less the Debian-only directories (/, /etc, /etc/default,
        // /lib/...), which an RPM does not own.
        assertThat(lines).noneMatch(l -> l.endsWith(" /etc/default/keepvip") || l.contains(" /lib/systemd"));
        assertThat(lines).contains("-rwxr-xr-x root /usr/libexec/keepvip/keepvip-cds");
        assertThat(lines).contains("-rw-r--r-- root /usr/share/man/man8/keepvip.8.gz",
                "-rw-r--r-- root /usr/share/man/man8/keepvip-run.8.gz",
                "-rw-r--r-- root /usr/share/man/man5/keepvip.conf.5.gz",
                "-rw-r--r-- root /usr/share/bash-completion/completions/keepvip",
                "-rw-r--r-- root /usr/share/zsh/site-functions/_keepvip");
        Tools.Result triggers = Tools.run("rpm", "-qp", "--filetriggers", rpm());
        assertThat(triggers.out()).contains("/usr/lib/jvm", "/usr/libexec/keepvip/keepvip-cds --if-stale");
        assertThat(lines).contains("-rw-r--r-- root /usr/share/licenses/keepvip/LICENSE",
                "-rw-r--r-- root /usr/share/licenses/keepvip/copyright", "-rw-r--r-- root /usr/share/licenses/keepvip/NOTICE");
        Tools.Result tags = Tools.run("rpm", "-qp", "--qf", "%{LICENSE}\\n%{URL}\\n", rpm());
        assertThat(tags.out().lines().toList().get(0)).startsWith("Apache-2.0 AND ");
        assertThat(tags.out().lines().toList().get(1)).startsWith("https://");
        assertThat(Tools.run("rpm", "-qp", "--changelog", rpm()).out().lines().findFirst().orElseThrow())
                .endsWith(" - " + Tools.packageVersion() + "-1");
        // The expanded scriptlets: the %systemd_* steps, no start or restart, and sh -n / shellcheck clean.
        String scripts = Tools.run("rpm", "-qp", "--scripts", rpm()).out();
        assertThat(scripts).contains("systemctl --no-reload preset keepvip.service",
                "systemctl --no-reload disable --now keepvip.service", "systemctl daemon-reload",
                "keepvip: left disabled: keepalived.service is enabled here");
        // Commands only: the messages to the administrator name systemctl restart.
        assertThat(scripts.lines().filter(l -> !l.trim().startsWith("#") && !l.contains("echo ")))
                .noneMatch(l -> l.contains("try-restart") || l.contains("systemctl start") || l.contains("systemctl restart"));
        Path dir = Files.createTempDirectory("keepvip-rpm-scripts");
        try {
            String[] parts = scripts.split("(?m)^\\S.* scriptlet \\(using /bin/sh\\):$");
            assertThat(parts.length).isGreaterThanOrEqualTo(4);
            for (int i = 1; i < parts.length; i++) {
                Path s = dir.resolve("scriptlet" + i);
                Files.writeString(s, "#!/bin/sh\n" + parts[i]);
                assertThat(Tools.run("sh", "-n", s.toString()).exit()).as("sh -n: %s", parts[i]).isZero();
                if (Tools.onPath("shellcheck")) {
                    Tools.Result sc = Tools.run("shellcheck", "-s", "sh", "-e", "SC2086", s.toString());
                    assertThat(sc.exit()).as("shellcheck: %s", sc).isZero();
                }
            }
        } finally {
            Tools.deleteTree(dir);
        }
    }
}
