package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.Json;
import org.keepvip.agent.events.EventRecord;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * The control socket for monitoring users: real accounts, made for this run and deleted after it,
 * run the real CLI. A member of the control group reads status and events but may not reload or
 * switch over; a user outside it cannot connect at all; root may do everything.
 */
class ControlAccessE2ETest {
    static final String VIP = "192.0.2.202";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("groupadd", "useradd", "userdel", "groupdel", "runuser");
    }

    /** Runs a short host command (account tools, outside any namespace); returns its exit code. */
    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                System.out.println("[access-e2e] " + String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a host command as root; fails the test when it fails. */
    private static void host(String... cmd) {
        assertThat(run(cmd)).as(String.join(" ", cmd)).isZero();
    }

    private static CommandResult keepvipAs(Lab lab, Node n, String user, Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "java", "-jar",
                Agents.JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        cmd.add("--socket=" + socket);
        return lab.exec(n, Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    @Test
    void groupMembersReadStatusAndEventsOnlyRootChangesAndOthersCannotConnect() throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String group = "kvg" + id;
        String reader = "kvin" + id;
        String outsider = "kvout" + id;
        // As systemd's RuntimeDirectory: root's, 0750; the daemon gives it to the control group.
        Path dir = Path.of("/run/kvtest-" + id);
        List<Runnable> undo = new ArrayList<>();
        try {
            host("groupadd", group);
            undo.add(0, () -> run("groupdel", group));
            host("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", group, reader);
            undo.add(0, () -> run("userdel", reader));
            host("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", outsider);
            undo.add(0, () -> run("userdel", outsider));
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            undo.add(0, () -> run("rm", "-rf", dir.toString()));

            try (Lab lab = Lab.builder().host("a").build()) {
                Node a = lab.node("a");
                Path socket = dir.resolve("keepvip.sock");
                Path conf = lab.writeFile("kv.conf", Configs.v3Multicast(54, 150, "0.1", VIP));
                LabProcess kv = lab.start(a, "kv", "java", "-jar", Agents.JAR.toString(), "run", "-f", conf.toString(),
                        "--socket", socket.toString(), "--control-group", group);
                ControlClient rootClient = new ControlClient(socket, Duration.ofSeconds(3));
                Await.until(Duration.ofSeconds(20), "MASTER (log " + kv.log() + ")", () -> {
                    try {
                        return rootClient.status().instances().get(0).state().equals("MASTER");
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(Files.readAttributes(socket, PosixFileAttributes.class).group().getName()).isEqualTo(group);
                assertThat(Files.readAttributes(dir, PosixFileAttributes.class).group().getName()).isEqualTo(group);

                CommandResult status = keepvipAs(lab, a, reader, socket, "status");
                assertThat(status.exitCode()).as("%s", status).isZero();
                assertThat(status.stdout()).contains("VI_1").contains("MASTER");
                CommandResult events = keepvipAs(lab, a, reader, socket, "events", "--json");
                assertThat(events.exitCode()).as("%s", events).isZero();
                List<EventRecord> records = events.stdout().lines().map(l -> Json.LINE.fromJson(l, EventRecord.class))
                        .toList();
                assertThat(records).anyMatch(r -> r.what().equals("BACKUP -> MASTER"));

                CommandResult reload = keepvipAs(lab, a, reader, socket, "reload");
                assertThat(reload.exitCode()).as("%s", reload).isNotZero();
                assertThat(reload.stderr()).contains("permission denied: reload is for root only (user " + reader);
                CommandResult switchover = keepvipAs(lab, a, reader, socket, "switchover", "VI_1", "--to", "192.0.2.99");
                assertThat(switchover.exitCode()).as("%s", switchover).isNotZero();
                assertThat(switchover.stderr()).contains("permission denied: switchover is for root only");

                CommandResult outside = keepvipAs(lab, a, outsider, socket, "status");
                assertThat(outside.exitCode()).as("%s", outside).isEqualTo(1);
                assertThat(outside.stderr()).contains("permission denied on control socket " + socket);
                assertThat(keepvipAs(lab, a, outsider, socket, "events").stderr()).contains("permission denied");

                assertThat(rootClient.reload().ok()).as("root reloads").isTrue();
                assertThat(kv.awaitOutput("Control command reload refused to user " + reader))
                        .contains("Control command reload refused to user " + reader)
                        .doesNotContain("stays root-only");
            }
        } finally {
            undo.forEach(Runnable::run);
        }
        assertThat(run("getent", "group", group)).as("group deleted").isNotZero();
        assertThat(run("id", reader)).as("user deleted").isNotZero();
        assertThat(dir).doesNotExist();
    }
}
