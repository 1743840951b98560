package org.keepvip.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keepvip.agent.control.ControlHandler;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.ControlServer;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.events.EventRecord;
import org.keepvip.agent.events.EventRing;
import org.keepvip.agent.log.LogOutput;
import picocli.CommandLine;

/**
 * The representative run behind the class-data sharing (CDS) archive of the short commands; not a
 * command of keepvip. {@code keepvip-cds} (installed as /usr/libexec/keepvip/keepvip-cds, run by
 * the packages' maintainer scripts) runs it with {@code -XX:DumpLoadedClassList} and dumps the
 * classes it loaded into an archive that the launchers pass to every command but {@code run}.
 *
 * <p>It runs, in this one JVM and printing nothing, what an operator runs: check-config on a
 * representative file (plain, {@code --json}, {@code --dump}, a missing file), {@code --help},
 * {@code --version}, and status (table and {@code --json}), reload and events (text and
 * {@code --json}) against a control socket served here with a made-up snapshot and record, and
 * status for a daemon that is not running, by socket path and by name.
 *
 * <p>Usage: {@code java -cp keepvip.jar org.keepvip.agent.cli.CdsTraining DIR}, DIR an existing
 * scratch directory it may write into (a config file and a socket); exits 0 unless something broke.
 */
public final class CdsTraining {
    private CdsTraining() {}

    /** A configuration that touches most of the parser: scripts, Redis, tracking, v3, unicast, v6. */
    static final String CONFIG = """
            global_defs {
                router_id train
                enable_script_security
                script_user root
                vrrp_version 3
            }
            vrrp_script chk {
                script "/bin/true"
                interval 1
                weight -20
                fall 2
                rise 2
            }
            redis_instance redis_6379 {
                address 127.0.0.1:6379
                interval 0.2
                timeout 0.25
                weight -60
                max_lag_bytes 1048576
                lag_penalty -30
                fence on
            }
            vrrp_instance vi_1 {
                state BACKUP
                interface eth0
                virtual_router_id 61
                priority 150
                advert_int 0.05
                nopreempt
                virtual_ipaddress {
                    192.0.2.100/32 dev eth0
                    192.0.2.101/24
                }
                track_script {
                    chk
                }
                track_redis {
                    redis_6379
                }
                notify "/bin/true"
            }
            vrrp_instance vi_2 {
                interface eth1
                virtual_router_id 62
                priority 100
                unicast_src_ip 198.51.100.11
                unicast_peer {
                    198.51.100.12
                }
                virtual_ipaddress {
                    198.51.100.100/32
                }
            }
            vrrp_instance vi_6 {
                interface eth0
                virtual_router_id 63
                priority 100
                virtual_ipaddress {
                    2001:db8::10/128
                }
            }
            """;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CdsTraining DIR");
            System.exit(2);
        }
        train(Path.of(args[0]));
        LogOutput.flush(); // as Main does for the daemon: its Logback classes go into the archive too
    }

    /**
     * Runs the commands; {@code dir} receives a config file and a socket. Returns each command's
     * exit code, in order (a test checks that each took the path it is there for).
     */
    static List<Integer> train(Path dir) throws IOException {
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, CONFIG);
        String f = conf.toString();
        List<Integer> codes = new ArrayList<>();
        codes.add(run("check-config", "-f", f));
        codes.add(run("check-config", "--json", "-f", f));
        codes.add(run("check-config", "--dump", "-f", f));
        codes.add(run("check-config", "-f", dir.resolve("missing.conf").toString()));
        codes.add(run("--help"));
        codes.add(run("check-config", "--help"));
        codes.add(run("--version"));
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.start(socket, new Canned(), Duration.ofSeconds(5))) {
            codes.add(run("status", "--socket", socket.toString()));
            codes.add(run("status", "--json", "--socket", socket.toString()));
            codes.add(run("reload", "--socket", socket.toString()));
            codes.add(run("events", "--socket", socket.toString()));
            codes.add(run("events", "--json", "--since", "1h", "--socket", socket.toString()));
        }
        codes.add(run("status", "--socket", dir.resolve("none.sock").toString()));
        // The socket by the daemon's name, as a plain `keepvip status` finds it (DaemonPaths); a name
        // no daemon has, so that a daemon running on this host is never asked.
        codes.add(run("status", "--instance", "keepvip-cds-training"));
        loadDaemonClasses();
        return codes;
    }

    /** The daemon's classes, as scripts/record-daemon-classes listed them: loaded, not initialised. */
    static final String DAEMON_CLASSES = "daemon-classes.txt";

    /**
     * Loads (without initialising: no static initialiser runs, no native library is opened) the
     * classes {@code keepvip run} loads, so that the archive serves the daemon too: its start-up
     * and its memory (the classes' metadata mapped from the archive instead of built in the heap).
     * A class no longer in the jar is skipped. Returns how many were loaded.
     */
    static int loadDaemonClasses() throws IOException {
        int loaded = 0;
        ClassLoader loader = CdsTraining.class.getClassLoader();
        try (var in = CdsTraining.class.getResourceAsStream(DAEMON_CLASSES)) {
            if (in == null) {
                return 0;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // renamed or removed since the list was recorded: it is loaded the usual way
                }
            }
        }
        return loaded;
    }

    private static int run(String... args) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        CommandLine cl = KeepvipCommand.newCommandLine();
        cl.setOut(nowhere);
        cl.setErr(nowhere);
        return cl.execute(args);
    }

    /** A daemon's answers, made up. */
    private static final class Canned implements ControlHandler {
        @Override
        public StatusSnapshot status() {
            StatusSnapshot.Stats stats = new StatusSnapshot.Stats(10, 20, 1, 0, 0, 0, Map.of("ttl", 1L));
            StatusSnapshot.Instance vi = new StatusSnapshot.Instance("vi_1", "MASTER", 61, 3, "inet", "eth0", 150,
                    150, 50, List.of("192.0.2.100/32"), List.of("192.0.2.100/32"), "192.0.2.1", 150,
                    new StatusSnapshot.Redis("127.0.0.1:6379", "master", "ok", null, "eligible", "lag 0 bytes"),
                    List.of(new StatusSnapshot.Script("chk", "OK", 0, -20)), stats);
            return new StatusSnapshot("train", 1, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z",
                    "/etc/keepvip/keepalived.conf", List.of(vi), 0);
        }

        @Override
        public ControlResponse reload() {
            return ControlResponse.ok("reloaded");
        }

        @Override
        public ControlResponse switchover(String instance, String to) {
            return ControlResponse.error("not here");
        }

        @Override
        public EventRing events() {
            EventRing ring = new EventRing(1);
            ring.add(new EventRecord(1, Instant.now().toString(), "transition",
                    "vi_1", null, "BACKUP -> MASTER", "master_down_timer", Map.of("ownPriority", 150),
                    List.of(new EventRecord.Step("advert", 0.1, 0.1, null)), 0.1,
                    "(vi_1) BACKUP -> MASTER because master_down_timer"));
            return ring;
        }
    }
}
