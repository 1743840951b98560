package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
 * mask, and the command and monitor netlink sockets with the configured buffers (ss; the kernel
 * doubles what SO_RCVBUFFORCE asks for).
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
                    }
                    static_ipaddress {
                        %s/32
                    }
                    """.formatted(dumps, dumps, STATIC) + Configs.v2Multicast(131, 150, VIP, false);
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

            String sockets = lab.exec(a, "ss", "-f", "netlink", "-m").orThrow();
            System.out.println("[extras] netlink sockets in the node:\n" + sockets);
            assertThat(sockets).as("command socket: SO_RCVBUFFORCE 3000000").contains("rb6000000");
            assertThat(sockets).as("monitor socket: SO_RCVBUFFORCE 5000000").contains("rb10000000");
            assertThat(kv.process().output()).doesNotContain("cannot set").doesNotContain("\tat ");
        }
    }
}
