package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * default_interface, state_dump_file / stats_dump_file, umask and the netlink receive buffers, read
 * back from the kernel and the file system: a static_ipaddress without dev lands on the default
 * interface, the SIGUSR1/SIGUSR2 dumps at the configured paths, the pid file with the configured
 * mask (as the notify FIFO), the command and monitor netlink sockets with the configured buffers
 * (ss; the kernel doubles what SO_RCVBUFFORCE asks for), and with fifo_write_vrrp_states_on_reload
 * a reload writes the kept state to the notify FIFO again; the reload_file an updater created is
 * removed once the reload has read the files.
 */
class GlobalExtrasE2ETest {
    static final String VIP = "192.0.2.231";
    static final String STATIC = "198.51.100.231";

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("ss");
    }

    @Test
    void theKeywordsChangeInterfaceFilesAndSockets() throws Exception {
        try (Lab lab = Lab.builder().host("a").extraInterfaces(1).build()) {
            Node a = lab.node("a");
            Path dumps = Files.createDirectories(lab.tempDir().resolve("dumps"));
            Path pid = lab.tempDir().resolve("kv.pid");
            Path fifo = lab.tempDir().resolve("kv.fifo");
            Path reloadFile = lab.tempDir().resolve("kv.reload");
            String config = """
                    global_defs {
                        default_interface eth1
                        state_dump_file %s/state.txt
                        stats_dump_file %s/
                        umask IWGRP|IRGRP|IWOTH|IROTH
                        vrrp_netlink_cmd_rcv_bufs 3000000
                        vrrp_netlink_cmd_rcv_bufs_force
                        vrrp_netlink_monitor_rcv_bufs 5000000
                        vrrp_netlink_monitor_rcv_bufs_force true
                        vrrp_notify_fifo %s
                        fifo_write_vrrp_states_on_reload
                        reload_file %s
                    }
                    static_ipaddress {
                        %s/32
                    }
                    """.formatted(dumps, dumps, fifo, reloadFile, STATIC) + Configs.v2Multicast(131, 150, VIP, false);
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kv", config, "-p", pid.toString());
            Agents.awaitHolder(lab, VIP, a, Duration.ofSeconds(15));

            assertThat(lab.addressesByInterface(a).get("eth1")).as("eth1's addresses")
                    .anyMatch(s -> s.startsWith(STATIC + "/32"));
            assertThat(lab.addressesByInterface(a).get("eth0")).as("eth0's addresses")
                    .noneMatch(s -> s.startsWith(STATIC));

            kv.process().signal("USR1");
            Path state = dumps.resolve("state.txt");
            Await.until(Duration.ofSeconds(5), "data dump at " + state, () -> Files.exists(state));
            assertThat(Files.readString(state)).contains("VRRP Instance = VI_1");
            kv.process().signal("USR2");
            Path stats = dumps.resolve("keepvip.stats");
            Await.until(Duration.ofSeconds(5), "stats dump at " + stats, () -> Files.exists(stats));
            assertThat(Files.readString(stats)).contains("VRRP Instance: VI_1");

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pid))).as("pid file under umask 066")
                    .isEqualTo("rw-------");

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo))).as("FIFO: mkfifo 0644 under 066")
                    .isEqualTo("rw-------");

            // fifo_write_vrrp_states_on_reload: the MASTER the reload keeps is written again. keepvip
            // holds the FIFO open read-write, so the lines wait in it until this reader comes.
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = Files.newBufferedReader(fifo)) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            }, "fifo-reader");
            reader.setDaemon(true);
            reader.start();
            String master = "INSTANCE \"VI_1\" MASTER 150";
            Await.until(Duration.ofSeconds(5), "the transition on the FIFO " + lines, () -> lines.contains(master));
            // reload_file: an update process touches it before the reload and waits for its removal
            Files.writeString(reloadFile, "updating\n");
            kv.process().signal("HUP");
            Await.until(Duration.ofSeconds(10), "reload file removed once the files are read",
                    () -> !Files.exists(reloadFile));
            Await.until(Duration.ofSeconds(10), "the state written again after the reload " + lines,
                    () -> lines.stream().filter(master::equals).count() == 2);
            assertThat(lines).as("the FIFO").containsExactly("INSTANCE \"VI_1\" BACKUP 150", master, master);

            String sockets = lab.exec(a, "ss", "-f", "netlink", "-m").orThrow();
            System.out.println("[extras] netlink sockets in the node:\n" + sockets);
            assertThat(sockets).as("command socket: SO_RCVBUFFORCE 3000000").contains("rb6000000");
            assertThat(sockets).as("monitor socket: SO_RCVBUFFORCE 5000000").contains("rb10000000");
            assertThat(kv.process().output()).doesNotContain("cannot set").doesNotContain("\tat ");
        }
    }
}
