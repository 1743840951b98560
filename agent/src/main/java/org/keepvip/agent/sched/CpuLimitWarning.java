package org.keepvip.agent.sched;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Logs SIGXCPU, which the kernel sends when a real-time VRRP thread has run half its
 * {@code vrrp_rlimit_rttime} without sleeping, in keepalived's words (lib/signals.c, log_sigxcpu).
 * Without a handler SIGXCPU would end the JVM at the soft limit; the hard limit still does (SIGKILL),
 * as it does keepalived. The signal goes to the process, not to the thread that ran too long, so the
 * line names the real-time threads that were still running or runnable when it was handled: the
 * likely culprit (keepalived has one such thread; keepvip has the loop and the hook lanes). The
 * kernel raises the soft limit by a second at each signal (kernel/time/posix-cpu-timers.c,
 * check_thread_timers), so a process logs this about once in its life.
 */
final class CpuLimitWarning {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.sched");
    private static final String LINE = "VRRP process has used too much CPU time, vrrp_rlimit_rttime may need to be increased";
    private static final int SCHED_FIFO = 1;
    private static final int SCHED_RR = 2;
    private static volatile boolean installed;

    private CpuLimitWarning() {}

    static synchronized void install() {
        if (!installed) {
            Signal.handle(new Signal("XCPU"), s -> LOG.info("{}{}", LINE, running(Path.of("/proc/self/task"))));
            installed = true;
        }
    }

    /** One thread's scheduling facts from {@code /proc/PID/task/TID/stat}. */
    record ThreadStat(String name, char state, int policy, int rtPriority) {
        boolean realtime() {
            return policy == SCHED_FIFO || policy == SCHED_RR;
        }

        /** Parses a stat line; the name may hold spaces and parentheses, so fields count from the last ')'. */
        static Optional<ThreadStat> parse(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                return Optional.empty();
            }
            String[] f = stat.substring(close + 1).trim().split("\\s+");
            // f[0] is field 3 (state); rt_priority is field 40, policy field 41.
            if (f.length < 39 || f[0].isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ThreadStat(stat.substring(open + 1, close), f[0].charAt(0),
                        Integer.parseInt(f[38]), Integer.parseInt(f[37])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** " (real-time threads running: vrrp, hooks-VI_1)", or "" when none is found (or /proc is unreadable). */
    static String running(Path tasks) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path t : dir) {
                try {
                    ThreadStat.parse(Files.readString(t.resolve("stat")))
                            .filter(s -> s.realtime() && s.state() == 'R')
                            .ifPresent(s -> names.add(s.name()));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return names.isEmpty() ? "" : " (real-time threads running: " + String.join(", ", names) + ")";
    }
}
