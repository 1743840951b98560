package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The .deb that {@code build-packages.sh} built at {@code package}: its control fields, exactly
 * the expected files with their modes and owners, the conffiles, the maintainer scripts (sh -n,
 * shellcheck), and the unpacked tree working: the launcher runs {@code --version} and
 * {@code check-config} accepts the shipped sample. Never installs it. Skipped without dpkg-deb.
 */
class PackageDebTest {
    private static Path deb;
    private static Path tmp;
    private static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue(Tools.onPath("dpkg-deb"), "dpkg-deb not found: the .deb was not built, skipping its tests");
        deb = Tools.packages().resolve("keepvip_" + Tools.packageVersion() + "_all.deb");
        assertThat(deb).as("built by build-packages.sh at mvn package").isRegularFile();
        tmp = Files.createTempDirectory("keepvip-deb");
        root = tmp.resolve("root");
        Tools.Result x = Tools.run("dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(x.exit()).as("dpkg-deb -x: %s", x).isZero();
        Tools.Result e = Tools.run("dpkg-deb", "-e", deb.toString(), tmp.resolve("DEBIAN").toString());
        assertThat(e.exit()).as("dpkg-deb -e: %s", e).isZero();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Tools.deleteTree(tmp);
    }

    @Test
    void controlFields() throws Exception {
        Tools.Result r = Tools.run("dpkg-deb", "--field", deb.toString(), "Package", "Version", "Architecture", "Depends");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out().lines()).containsExactly(
                "Package: keepvip",
                "Version: " + Tools.packageVersion(),
                "Architecture: all",
                "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, libpcap0.8, util-linux (>= 2.32),"
                        + " passwd, libnftables1");
        Tools.Result info = Tools.run("dpkg-deb", "--info", deb.toString());
        assertThat(info.out()).contains("Maintainer: ", "Installed-Size: ", "Recommends: redis-tools, nftables", "Description: ",
                "Homepage: https://");
    }

    @Test
    void contentsAreExactlyTheLayoutWithModesAndRootOwner() throws Exception {
        Tools.Result r = Tools.run("dpkg-deb", "--contents", deb.toString());
        assertThat(r.exit()).as("%s", r).isZero();
        Map<String, String> actual = new TreeMap<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            assertThat(f[1]).as("owner of %s", line).isEqualTo("root/root");
            actual.put(f[f.length - 1], f[0]);
        }
        Map<String, String> expected = new TreeMap<>();
        String dir = "drwxr-xr-x";
        String exe = "-rwxr-xr-x";
        String file = "-rw-r--r--";
        for (String d : List.of("./", "./etc/", "./etc/default/", "./etc/keepvip/", "./lib/", "./lib/systemd/",
                "./lib/systemd/system/", "./usr/", "./usr/bin/", "./usr/libexec/", "./usr/libexec/keepvip/",
                "./usr/share/", "./usr/share/doc/", "./usr/share/doc/keepvip/", "./usr/share/doc/keepvip/examples/",
                "./usr/share/keepvip/", "./usr/share/keepvip/lib/", "./usr/share/man/", "./usr/share/man/man5/",
                "./usr/share/man/man8/", "./usr/share/bash-completion/", "./usr/share/bash-completion/completions/",
                "./usr/share/zsh/", "./usr/share/zsh/vendor-completions/",
                "./usr/share/lintian/", "./usr/share/lintian/overrides/")) {
            expected.put(d, dir);
        }
        for (String page : MAN_PAGES) {
            expected.put("./usr/share/man/" + page, file);
        }
        expected.put("./usr/share/bash-completion/completions/keepvip", file);
        expected.put("./usr/share/zsh/vendor-completions/_keepvip", file);
        expected.put("./etc/default/keepvip", file);
        expected.put("./etc/keepvip/keepalived.conf", "-rw-r-----");
        expected.put("./lib/systemd/system/keepvip.service", file);
        expected.put("./usr/bin/keepvip", exe);
        for (String h : List.of("check", "master", "backup", "fault", "stop")) {
            expected.put("./usr/libexec/keepvip/redis_" + h + ".sh", exe);
        }
        expected.put("./usr/libexec/keepvip/redis_common.sh", file);
        expected.put("./usr/libexec/keepvip/keepvip-cds", exe);
        for (String d : List.of("README.md", "README.packaging.md", "operations.md", "configuration.md", "status.schema.json",
                "metrics.md", "keepvip-alerts.yml", "keepvip-grafana-dashboard.json",
                "examples/keepalived.conf.redis-pair-node1", "examples/keepalived.conf.redis-pair-node2",
                "examples/keepalived.conf.unicast", "examples/keepalived.conf.ipv6", "copyright", "NOTICE", "changelog.gz")) {
            expected.put("./usr/share/doc/keepvip/" + d, file);
        }
        expected.put("./usr/share/lintian/overrides/keepvip", file);
        expected.put("./usr/share/keepvip/keepvip.jar", file);
        for (String jar : Tools.agentLibs()) {
            expected.put("./usr/share/keepvip/lib/" + jar, file);
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    /** Every command's page, generated from the CLI, and the configuration's, gzipped. */
    static final List<String> MAN_PAGES = List.of("man5/keepvip.conf.5.gz", "man8/keepvip.8.gz",
            "man8/keepvip-run.8.gz", "man8/keepvip-check-config.8.gz", "man8/keepvip-status.8.gz",
            "man8/keepvip-reload.8.gz", "man8/keepvip-switchover.8.gz", "man8/keepvip-events.8.gz");

    @Test
    void manPagesRenderWithoutWarnings() throws Exception {
        assumeTrue(Tools.onPath("man"), "man not found: skipped (apt-get install man-db)");
        for (String page : MAN_PAGES) {
            Path p = root.resolve("usr/share/man/" + page);
            assertThat(Tools.run("gzip", "-t", p.toString()).exit()).as("gzip -t %s", page).isZero();
            // man -l reads the .gz; --warnings makes groff report every problem on stderr.
            ProcessBuilder pb = new ProcessBuilder("man", "--warnings", "-l", p.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null")));
            pb.environment().put("MANWIDTH", "80");
            pb.environment().put("MAN_KEEP_FORMATTING", "0");
            Process proc = pb.start();
            String warnings = new String(proc.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(proc.waitFor()).as("man -l %s: %s", page, warnings).isZero();
            assertThat(warnings).as("man --warnings -l %s", page).isEmpty();
        }
        Tools.Result run = Tools.run(List.of("man", "-l", root.resolve("usr/share/man/man8/keepvip-run.8.gz").toString()),
                Map.of("MANWIDTH", "80", "MANPAGER", "cat", "PAGER", "cat"));
        assertThat(run.out()).contains("--dont-release-vrrp", "KEEPALIVED OPTIONS NOT TAKEN", "--checkers_pid");
        Tools.Result conf = Tools.run(List.of("man", "-l", root.resolve("usr/share/man/man5/keepvip.conf.5.gz").toString()),
                Map.of("MANWIDTH", "80", "MANPAGER", "cat", "PAGER", "cat"));
        assertThat(conf.out()).contains("redis_instance", "DIFFERENCES FROM KEEPALIVED");
    }

    @Test
    void bashCompletionFromThePackageCompletesCommandsAndOptions() throws Exception {
        String script = root.resolve("usr/share/bash-completion/completions/keepvip").toString();
        // Outside a real completion bash has no use for compopt; the rest is the shipped script as bash runs it.
        String probe = "source '" + script + "'; compopt() { :; }\n"
                + "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _complete_keepvip;"
                + " echo \"${COMPREPLY[*]}\"; }\n"
                + "complete_words keepvip che\ncomplete_words keepvip run --dont-release-v\n"
                + "complete_words keepvip run --chec\n";
        Tools.Result r = Tools.run("bash", "-c", probe);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out().lines()).containsExactly("check-config", "--dont-release-vrrp", "");
    }

    @Test
    void conffilesAreTheConfigurationAndTheDefaults() throws Exception {
        assertThat(Files.readAllLines(tmp.resolve("DEBIAN/conffiles")))
                .containsExactly("/etc/keepvip/keepalived.conf", "/etc/default/keepvip");
    }

    @Test
    void maintainerScriptsPassShNAndShellcheck() throws Exception {
        List<String> scripts = List.of("postinst", "prerm", "postrm");
        for (String s : scripts) {
            Path p = tmp.resolve("DEBIAN").resolve(s);
            assertThat(Files.isExecutable(p)).as(s).isTrue();
            Tools.Result n = Tools.run("sh", "-n", p.toString());
            assertThat(n.exit()).as("sh -n %s: %s", s, n).isZero();
        }
        assumeTrue(Tools.onPath("shellcheck"), "shellcheck not found: skipped");
        List<String> argv = new ArrayList<>(List.of("shellcheck", "-s", "sh"));
        scripts.forEach(s -> argv.add(tmp.resolve("DEBIAN").resolve(s).toString()));
        argv.add(root.resolve("usr/bin/keepvip").toString());
        argv.add(root.resolve("usr/libexec/keepvip/keepvip-cds").toString());
        Tools.Result sc = Tools.run(argv, Map.of());
        assertThat(sc.exit()).as("shellcheck: %s", sc).isZero();
    }

    @Test
    void maintainerScriptsUseTheDebianSystemdHelpersAndNeverStartOrRestart() throws Exception {
        String postinst = Files.readString(tmp.resolve("DEBIAN/postinst"));
        assertThat(postinst).contains("deb-systemd-helper enable keepvip.service", "deb-systemd-helper --quiet was-enabled",
                "deb-systemd-helper --quiet is-enabled keepalived.service", "daemon-reload",
                "groupadd --system --force keepvip");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            // Commands only: the messages printed to the administrator may name systemctl.
            List<String> commands = Files.readAllLines(tmp.resolve("DEBIAN").resolve(script)).stream()
                    .filter(l -> !l.trim().startsWith("#") && !l.contains("echo ")).toList();
            assertThat(commands).as(script).filteredOn(l -> l.contains("systemctl"))
                    .allMatch(l -> l.contains("systemctl --system daemon-reload"));
            assertThat(commands).as(script).noneMatch(l -> l.matches(".*deb-systemd-invoke (start|restart|try-restart).*"));
        }
        assertThat(Files.readString(tmp.resolve("DEBIAN/prerm"))).contains("deb-systemd-invoke stop keepvip.service");
        String postrm = Files.readString(tmp.resolve("DEBIAN/postrm"));
        assertThat(postrm).contains("deb-systemd-helper mask keepvip.service", "deb-systemd-helper purge keepvip.service",
                "\"${DPKG_ROOT:-}\"/var/cache/keepvip/keepvip.jsa", "rm -rf \"${DPKG_ROOT:-}\"/etc/keepvip");
    }

    @Test
    void postinstBuildsTheCdsArchiveAndAJdkUpdateTriggersARebuild() throws Exception {
        assertThat(Files.readAllLines(tmp.resolve("DEBIAN/triggers")).stream().filter(l -> !l.startsWith("#")))
                .containsExactly("interest-noawait /usr/lib/jvm");
        String postinst = Files.readString(tmp.resolve("DEBIAN/postinst"));
        assertThat(postinst).contains("if [ \"$1\" = triggered ]; then\n    if [ -z \"${DPKG_ROOT:-}\" ]; then\n"
                        + "        /usr/libexec/keepvip/keepvip-cds --if-stale || true\n",
                "if [ \"$1\" = configure ]; then\n    if [ -z \"${DPKG_ROOT:-}\" ]; then\n"
                        + "        /usr/libexec/keepvip/keepvip-cds || true\n");
    }

    @Test
    void md5sumsCoverEveryFileButTheConffilesAndMatch() throws Exception {
        List<String> sums = Files.readAllLines(tmp.resolve("DEBIAN/md5sums"));
        List<String> listed = sums.stream().map(l -> l.substring(34)).sorted().toList();
        List<String> files;
        try (var s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith("etc/")).sorted().toList();
        }
        assertThat(listed).containsExactlyElementsOf(files);
        Tools.Result check = Tools.run(List.of("sh", "-c", "cd \"$0\" && md5sum --check --quiet \"$1\"", root.toString(),
                tmp.resolve("DEBIAN/md5sums").toString()), Map.of());
        assertThat(check.exit()).as("%s", check).isZero();
    }

    @Test
    void copyrightRecordsEveryBundledJarWithALicenseText() throws Exception {
        String copyright = Files.readString(root.resolve("usr/share/doc/keepvip/copyright"));
        assertThat(copyright).startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n");
        List<String> paragraphs = List.of(copyright.split("\n\n"));
        List<String> patterns = new ArrayList<>();
        List<String> used = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String p : paragraphs) {
            String first = p.lines().findFirst().orElse("");
            String license = p.lines().filter(l -> l.startsWith("License: ")).findFirst().map(l -> l.substring(9)).orElse("");
            if (first.startsWith("Files: ")) {
                patterns.add(first.substring(7));
                used.addAll(List.of(license.split(" or | and ")));
            } else if (first.startsWith("License: ")) {
                assertThat(p.lines().count()).as("license %s has a text", license).isGreaterThan(1);
                texts.add(license);
            }
        }
        assertThat(patterns).first().isEqualTo("*");
        for (String jar : Tools.agentLibs()) {
            if (jar.startsWith("keepvip-")) {
                continue; // keepvip's own modules: Files: *
            }
            String path = "usr/share/keepvip/lib/" + jar;
            assertThat(patterns.subList(1, patterns.size())).as("a Files: stanza for %s", jar)
                    .anyMatch(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g).matches(Path.of(path)));
        }
        assertThat(texts).containsAll(used);
    }

    @Test
    void noticeHoldsEveryBundledJarsNoticeFile() throws Exception {
        String notice = Files.readString(root.resolve("usr/share/doc/keepvip/NOTICE"));
        int withNotice = 0;
        for (String jar : Tools.agentLibs()) {
            try (var j = new java.util.jar.JarFile(top().resolve("agent/target/lib").resolve(jar).toFile())) {
                var entry = j.stream().filter(e -> e.getName().matches("META-INF/NOTICE(\\.txt|\\.md)?")).findFirst();
                if (entry.isPresent()) {
                    withNotice++;
                    String text = new String(j.getInputStream(entry.get()).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(notice).contains("==> " + jar + " <==\n" + text.replace("\r", "").strip());
                }
            }
        }
        assertThat(withNotice).as("commons-pool2 has one today").isPositive();
    }

    @Test
    void changelogIsTheNativePackagesAndNamesThisVersion() throws Exception {
        Tools.Result log = Tools.run("gzip", "-dc", root.resolve("usr/share/doc/keepvip/changelog.gz").toString());
        assertThat(log.exit()).isZero();
        List<String> lines = log.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("keepvip (" + Tools.packageVersion() + ") unstable; urgency=medium");
        assertThat(lines).anyMatch(l -> l.matches(" -- .+ <.+@.+>  \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}"));
    }

    @Test
    void everyLintianOverrideSaysWhy() throws Exception {
        List<String> lines = Files.readAllLines(root.resolve("usr/share/lintian/overrides/keepvip"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("keepvip: ")) {
                assertThat(i).isPositive();
                assertThat(lines.get(i - 1)).as("the reason above %s", lines.get(i)).startsWith("# ").hasSizeGreaterThan(10);
            }
        }
    }

    private static Path top() {
        return Tools.top();
    }

    @Test
    void unpackedLauncherRunsTheVersion() throws Exception {
        Tools.Result r = Tools.run(List.of(root.resolve("usr/bin/keepvip").toString(), "--version"),
                Map.of("KEEPVIP_JAR", root.resolve("usr/share/keepvip/keepvip.jar").toString()));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out().trim()).isEqualTo("keepvip " + Tools.pomVersion());
    }

    @Test
    void shippedSamplePassesCheckConfigThroughTheLauncherAndTheAgentJar() throws Exception {
        String sample = root.resolve("etc/keepvip/keepalived.conf").toString();
        Tools.Result viaLauncher = Tools.run(
                List.of(root.resolve("usr/bin/keepvip").toString(), "check-config", "-f", sample),
                Map.of("KEEPVIP_JAR", root.resolve("usr/share/keepvip/keepvip.jar").toString()));
        assertThat(viaLauncher.exit()).as("%s", viaLauncher).isZero();
        Tools.Result viaAgent = Tools.run("java", "-jar", Tools.agentJar().toString(), "check-config", "-f", sample);
        assertThat(viaAgent.exit()).as("%s", viaAgent).isZero();
        assertThat(viaAgent.out()).as("no instance, so a started daemon does nothing")
                .contains("no vrrp_instance is configured");
    }

    @Test
    void unitFilePassesSystemdAnalyzeVerify() throws Exception {
        assumeTrue(Tools.onPath("systemd-analyze"), "systemd-analyze not found: skipped");
        // verify wants ExecStart's program to exist: point it at the unpacked launcher.
        String unit = Files.readString(root.resolve("lib/systemd/system/keepvip.service"))
                .replace("/usr/bin/keepvip", root.resolve("usr/bin/keepvip").toString());
        Path dir = Files.createDirectories(tmp.resolve("unit"));
        Path copy = dir.resolve("keepvip.service");
        Files.writeString(copy, unit);
        Tools.Result r = Tools.run(List.of("systemd-analyze", "verify", copy.toString()),
                Map.of("SYSTEMD_LOG_COLOR", "0"));
        assertThat(r.exit()).as("%s", r).isZero();
        // verify exits 0 on settings it ignores ("Failed to parse ..., ignoring"): no line may name the unit.
        assertThat(r.out()).doesNotContain("keepvip.service");
    }
}
