package org.keepvip.agent.sched;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Logs SIGXCPU, which the kernel sends when a real-time VRRP thread has run half its
 * {@code vrrp_rlimit_rttime} without sleeping, in keepalived's words (lib/signals.c, log_sigxcpu).
 * Without a handler SIGXCPU would end the JVM at the soft limit; the hard limit still does (SIGKILL),
 * as it does keepalived.
 */
final class CpuLimitWarning {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.sched");
    private static volatile boolean installed;

    private CpuLimitWarning() {}

    static synchronized void install() {
        if (!installed) {
            Signal.handle(new Signal("XCPU"), s -> LOG.info(
                    "VRRP process has used too much CPU time, vrrp_rlimit_rttime may need to be increased"));
            installed = true;
        }
    }
}
