package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged keepvip.service under a real systemd: a configuration error at start fails the unit
 * once, without a restart loop, and the config-id given in KEEPVIP_OPTIONS reaches the check.
 * The host's systemd runs as PID 1 of private namespaces ({@code src/test/sh/systemd-sandbox}: the
 * host's files read-only, tmpfs /run, /tmp and /var, a network namespace with only lo, units from a
 * test directory only, a cgroup of its own), so the unit reaches nothing on the host; the units get
 * DefaultDependencies=no, so that manager starts nothing else (no sysinit.target). As a control, the unit's former shape
 * (ExecStartPre=check-config) is shown to loop. Needs root, unshare, nsenter, systemd and cgroup v2;
 * skipped otherwise.
 */
class PackageUnitRestartTest {
    private static final String ID = "kv" + UUID.randomUUID().toString().substring(0, 8);
    private static Path dir;
    private static Path tree;
    private static Path units;
    private static Path cgroup;
    private static Process sandbox;
    private static long managerPid;

    @BeforeAll
    static void startManager() throws Exception {
        assumeTrue(Tools.onPath("dpkg-deb"), "dpkg-deb not found: no .deb to take the unit from");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root: cannot make namespaces");
        assumeTrue(Tools.onPath("unshare") && Tools.onPath("nsenter") && Files.isExecutable(Path.of("/lib/systemd/systemd")),
                "unshare, nsenter or /lib/systemd/systemd missing (util-linux, systemd)");
        Path cgroup2 = cgroup2Mount();
        assumeTrue(cgroup2 != null, "no cgroup v2 hierarchy mounted");
        // Not under /tmp: the unit has PrivateTmp=yes, so its processes would not see the tree.
        dir = Files.createDirectories(Tools.packages().resolve("unit-restart-" + ID));
        tree = dir.resolve("root");
        Path deb = Tools.packages().resolve("keepvip_" + Tools.packageVersion() + "_all.deb");
        Tools.Result x = Tools.run("dpkg-deb", "-x", deb.toString(), tree.toString());
        assertThat(x.exit()).as("dpkg-deb -x: %s", x).isZero();
        units = Files.createDirectories(dir.resolve("units"));
        Files.writeString(units.resolve("sandbox.target"), "[Unit]\nDescription=keepvip test sandbox\nDefaultDependencies=no\n");

        cgroup = cgroup2.resolve(ownCgroup().substring(1)).resolve("keepvip-test-" + ID);
        Files.createDirectory(cgroup);
        Path script = Tools.top().resolve("packaging/src/test/sh/systemd-sandbox");
        sandbox = new ProcessBuilder("/bin/bash", script.toString(), cgroup.toString(), units.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sandbox.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        managerPid = awaitManager();
    }

    @AfterAll
    static void stopManager() throws Exception {
        if (managerPid > 0) {
            Tools.run("kill", "-KILL", Long.toString(managerPid)); // PID 1 of the namespace: all of it ends
        }
        if (sandbox != null) {
            sandbox.destroyForcibly();
            sandbox.waitFor();
        }
        if (cgroup != null && Files.isDirectory(cgroup)) {
            awaitEmpty(cgroup);
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(cgroup)) {
                dirs = s.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).toList();
            }
            for (Path d : dirs) {
                Files.delete(d); // cgroup directories: rmdir, their files go with them
            }
        }
        Tools.deleteTree(dir);
    }

    @Test
    void configurationErrorUnderTheConfigIdFromKeepvipOptionsFailsOnceWithoutRestart() throws Exception {
        // Valid for any other config-id; with -i ID (given in KEEPVIP_OPTIONS only) an error: exit 5.
        Path conf = dir.resolve("error.conf");
        Files.writeString(conf, Files.readString(tree.resolve("etc/keepvip/keepalived.conf"))
                + "@" + ID + " vrrp_instance VI_1 {\n@" + ID + "     virtual_router_id 300\n@" + ID + " }\n");
        Tools.Result control = Tools.run(List.of(tree.resolve("usr/bin/keepvip").toString(), "check-config", "-f",
                conf.toString()), Map.of("KEEPVIP_JAR", tree.resolve("usr/share/keepvip/keepvip.jar").toString()));
        assertThat(control.exit()).as("valid without the config-id: %s", control).isZero();

        String unit = packagedUnit("error", conf, "-i " + ID);
        Tools.Result start = systemctl("start", unit);
        assertThat(start.exit()).as("start fails: %s", start).isNotZero();
        Map<String, String> p = show(unit);
        assertThat(p).as("%s", status(unit))
                .containsEntry("ActiveState", "failed")
                .containsEntry("SubState", "failed") // not auto-restart: no restart is scheduled
                .containsEntry("Result", "exit-code")
                .containsEntry("ExecMainStatus", "5")
                .containsEntry("NRestarts", "0");
    }

    @Test
    void missingConfigurationFailsOnceWithoutRestart() throws Exception {
        String unit = packagedUnit("missing", dir.resolve("no-such.conf"), "");
        assertThat(systemctl("start", unit).exit()).isNotZero();
        assertThat(show(unit)).as("%s", status(unit))
                .containsEntry("SubState", "failed")
                .containsEntry("ExecMainStatus", "4")
                .containsEntry("NRestarts", "0");
    }

    @Test
    void controlTheFormerExecStartPreCheckLoopsOnTheSameError() throws Exception {
        // What the unit did before: a failing ExecStartPre is restarted, RestartPreventExitStatus
        // notwithstanding (it applies to the main process only). Proves this harness sees a loop.
        Path conf = dir.resolve("error-pre.conf");
        Files.writeString(conf, "vrrp_instance VI_1 {\n    virtual_router_id 300\n}\n");
        String name = "keepvip-" + ID + "-former.service";
        String launcher = tree.resolve("usr/bin/keepvip").toString();
        Files.writeString(units.resolve(name), "[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\n"
                + "Environment=KEEPVIP_JAR=" + tree.resolve("usr/share/keepvip/keepvip.jar") + "\n"
                + "ExecStartPre=" + launcher + " check-config -f " + conf + "\n"
                + "ExecStart=" + launcher + " run -f " + conf + "\n"
                + "Restart=on-failure\nRestartSec=2s\nRestartPreventExitStatus=4 5\n");
        assertThat(systemctl("daemon-reload").exit()).isZero();
        systemctl("start", name);
        long deadline = System.nanoTime() + 60_000_000_000L;
        int restarts = 0;
        while (restarts < 2 && System.nanoTime() < deadline) {
            restarts = Integer.parseInt(show(name).getOrDefault("NRestarts", "0"));
            Thread.sleep(250); // polling a counter systemd offers no event for
        }
        systemctl("stop", name);
        assertThat(restarts).as("the former unit restarts a configuration error: %s", status(name)).isGreaterThanOrEqualTo(2);
    }

    /** The packaged unit with test paths: the unpacked launcher, CONF, and KEEPVIP_OPTIONS=OPTIONS. */
    private static String packagedUnit(String suffix, Path conf, String options) throws Exception {
        String name = "keepvip-" + ID + "-" + suffix + ".service";
        Path defaults = dir.resolve(suffix + ".default");
        Files.writeString(defaults, "KEEPVIP_OPTIONS=\"" + options + "\"\n");
        String unit = Files.readString(tree.resolve("lib/systemd/system/keepvip.service"));
        assertThat(unit.lines()).noneMatch(l -> l.startsWith("ExecStartPre"));
        unit = unit.replace("/usr/bin/keepvip", tree.resolve("usr/bin/keepvip").toString())
                .replace("/etc/keepvip/keepalived.conf", conf.toString())
                .replace("EnvironmentFile=-/etc/default/keepvip", "EnvironmentFile=" + defaults)
                .replace("[Service]\n", "[Service]\nEnvironment=KEEPVIP_JAR=" + tree.resolve("usr/share/keepvip/keepvip.jar") + "\n")
                // The sandbox must not boot sysinit.target (tmpfiles, journald, udev): only this unit.
                .replace("[Unit]\n", "[Unit]\nDefaultDependencies=no\n");
        Files.writeString(units.resolve(name), unit);
        Tools.Result reload = systemctl("daemon-reload");
        assertThat(reload.exit()).as("daemon-reload: %s", reload).isZero();
        return name;
    }

    private static Tools.Result systemctl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(managerPid), "-m", "-p", "systemctl"));
        argv.addAll(List.of(args));
        return Tools.run(argv, Map.of("SYSTEMD_COLORS", "0", "SYSTEMD_PAGER", ""));
    }

    private static Map<String, String> show(String unit) throws Exception {
        Tools.Result r = systemctl("show", unit, "-p", "ActiveState", "-p", "SubState", "-p", "Result", "-p",
                "ExecMainStatus", "-p", "NRestarts");
        Map<String, String> p = new HashMap<>();
        r.out().lines().filter(l -> l.contains("=")).forEach(l -> p.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return p;
    }

    private static String status(String unit) throws Exception {
        return systemctl("status", "--no-pager", "-l", unit).out();
    }

    /** Waits for the sandbox's systemd to answer; returns its host PID. */
    private static long awaitManager() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertThat(sandbox.isAlive()).as("systemd-sandbox exited: %s", Files.readString(dir.resolve("sandbox.log"))).isTrue();
            Path children = Path.of("/proc/" + sandbox.pid() + "/task/" + sandbox.pid() + "/children");
            String c = Files.exists(children) ? Files.readString(children).trim() : "";
            if (!c.isEmpty()) {
                managerPid = Long.parseLong(c.split(" ")[0]);
                Tools.Result r = systemctl("is-system-running", "--wait");
                if (r.out().contains("running") || r.out().contains("degraded")) {
                    return managerPid;
                }
            }
            Thread.sleep(100); // the manager's socket has no event to wait on from outside
        }
        throw new AssertionError("systemd did not come up in the sandbox: " + Files.readString(dir.resolve("sandbox.log")));
    }

    private static void awaitEmpty(Path cg) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !Files.readString(cg.resolve("cgroup.events")).contains("populated 0")) {
            Thread.sleep(50);
        }
    }

    private static Path cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return Path.of(f[1]);
            }
        }
        return null;
    }

    /** This process's cgroup v2 path ("0::/path"). */
    private static String ownCgroup() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/cgroup")).stream().filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3)).findFirst().orElse("/");
    }
}
