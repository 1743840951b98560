package org.keepvip.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * disable_local_igmp: no IGMP reports for link-local groups (224.0.0.x, so 224.0.0.18) while the
 * daemon runs, so a macvlan's join does not make switches learn the virtual MAC from a report; put
 * back at exit, as keepalived's set_disable_local_igmp() / reset_disable_local_igmp(). Read at start.
 */
final class LocalIgmp {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    /** keepalived/vrrp/vrrp_daemon.c: igmp_link_local_mcast_reports, which disable_local_igmp turns off. */
    private static final Path IGMP_LLM_REPORTS = Path.of("/proc/sys/net/ipv4/igmp_link_local_mcast_reports");

    private LocalIgmp() {}

    /** Turns the reports off if {@code c} asks and they are on; {@code track} takes what turns them back on. */
    static void disable(KeepalivedConfig c, Consumer<AutoCloseable> track) {
        if (!c.global().extras().disableLocalIgmp()) {
            return;
        }
        try {
            // readAllLines: a /proc file reports size 0, and readString may stop at its first read.
            String was = Files.readAllLines(IGMP_LLM_REPORTS).get(0).trim();
            if (was.equals("1")) {
                Files.writeString(IGMP_LLM_REPORTS, "0");
                track.accept(() -> {
                    try {
                        Files.writeString(IGMP_LLM_REPORTS, "1");
                    } catch (IOException e) {
                        LOG.info("Unable to write {} - {}", IGMP_LLM_REPORTS, e.getMessage());
                    }
                });
            }
        } catch (IOException e) {
            LOG.info("Unable to set {} - {}", IGMP_LLM_REPORTS, e.getMessage()); // keepalived logs and runs on
        }
    }
}
