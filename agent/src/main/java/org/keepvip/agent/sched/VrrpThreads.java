package org.keepvip.agent.sched;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.keepvip.agent.unix.Libc;
import org.keepvip.netlink.Errno;
import org.keepvip.vrrp.config.ProcessTuning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code vrrp_priority}, {@code vrrp_rt_priority}, {@code vrrp_rlimit_rttime},
 * {@code vrrp_no_swap}, {@code vrrp_cpu_affinity} and {@code max_auto_priority} ({@link ProcessTuning}) as keepalived's
 * lib/process.c, set_process_priorities, does for its VRRP process, with one difference: keepalived's
 * VRRP process is one thread, keepvip's VRRP work runs on the event loop and the hook lanes, so the
 * priority, the real-time policy and the CPU set go to those threads ({@link #tuneCurrentThread},
 * {@link #factory}) and not to the JIT, the collector or the log writers. Memory locking and the
 * real-time limit are per process.
 *
 * <p>The real-time policy is set with SCHED_RESET_ON_FORK, as keepalived does: a script or a thread
 * started from a real-time thread starts in the default policy. A refusal (no CAP_SYS_NICE, a
 * container without real-time budget) is logged once in keepalived's words and the daemon runs on.
 */
public final class VrrpThreads {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpThreads.class);

    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;
    private static final int SCHED_RR = 2;
    private static final int SCHED_RESET_ON_FORK = 0x4000_0000;
    private static final int PRIO_PROCESS = 0;
    private static final int RLIMIT_RTTIME = 15;
    private static final int MCL_CURRENT = 1;
    private static final int MCL_FUTURE = 2;
    private static final int MCL_ONFAULT = 4;

    /**
     * The lowest hard RLIMIT_RTTIME keepvip sets (µs). keepalived's default hard limit, 10 ms, killed
     * keepvip at its first takeover with Redis hooks in the soak run: a JVM thread that first runs a
     * path interprets it and loads its classes, tens of milliseconds without sleeping. The soft limit
     * (the logged warning) stays at half the configured value.
     */
    public static final long MIN_HARD_RTTIME_MICROS = 1_000_000;

    /** No tuning: every call does nothing. */
    public static final VrrpThreads NONE = new VrrpThreads(ProcessTuning.DEFAULT);

    private final ProcessTuning tuning;
    private volatile boolean refusalLogged;
    /** The real-time priority now: vrrp_rt_priority, raised by max_auto_priority. */
    private volatile int realtimePriority;
    private volatile boolean rttimeLimited;
    /** The kernel ids of the threads tuned so far, for a raise. */
    private final Set<Integer> tids = ConcurrentHashMap.newKeySet();

    public VrrpThreads(ProcessTuning tuning) {
        this.tuning = tuning;
        this.realtimePriority = tuning.realtimePriority();
    }

    public ProcessTuning tuning() {
        return tuning;
    }

    /** {@code struct sched_attr}, its first version (48 bytes), for sched_setattr(2). */
    @Structure.FieldOrder({"size", "policy", "flags", "nice", "priority", "runtime", "deadline", "period"})
    public static final class SchedAttr extends Structure {
        public int size = 48;
        public int policy;
        public long flags;
        public int nice;
        public int priority;
        public long runtime;
        public long deadline;
        public long period;
    }

    /**
     * The fair scheduler's time slice the VRRP threads ask for (ns; the kernel's floor). Since Linux
     * 6.12, sched_setattr's {@code sched_runtime} sets a SCHED_OTHER thread's slice, and a waking
     * thread with a shorter slice than the running one preempts it at once. With the default slice
     * (0.7 ms times 1 + log2 of the CPUs), a thread that wakes for its advert timer could wait a
     * whole slice behind a log writer or a metrics scrape on a busy CPU. Older kernels ignore it.
     */
    static final long SHORT_SLICE_NANOS = 100_000;

    /**
     * The per-process part, once at start: locks memory ({@code vrrp_no_swap}) and, with a real-time
     * priority, sets RLIMIT_RTTIME to half the limit (soft: SIGXCPU, logged) and the limit, but no less
     * than {@link #MIN_HARD_RTTIME_MICROS} (hard: the kernel kills the process), as keepalived does
     * but for that floor. A reload does not change any of it (nor does keepalived's).
     */
    public void applyToProcess() {
        if (tuning.noSwap()) {
            try {
                Libc.mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
                LOG.info("Process locked in memory (vrrp_no_swap)");
            } catch (LastErrorException | UnsatisfiedLinkError e) {
                LOG.info("Unable to lock process in memory - {}", reason(e));
            }
        }
        if (tuning.realtimePriority() > 0) {
            limitRealtime();
        }
    }

    private void limitRealtime() {
        if (rttimeLimited || tuning.rlimitRttimeMicros() <= 0) {
            return;
        }
        try {
            CpuLimitWarning.install();
            long soft = tuning.rlimitRttimeMicros() / 2; // warnings as the limit comes near
            long hard = Math.max(tuning.rlimitRttimeMicros(), MIN_HARD_RTTIME_MICROS);
            Libc.setrlimit(RLIMIT_RTTIME, new long[] {soft, hard});
            rttimeLimited = true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            LOG.warn("child process cannot set realtime rlimit - {}", reason(e));
        }
    }

    /**
     * The event loop's report that a timer fired {@code lateNanos} after it was due. With
     * {@code max_auto_priority}, a timer later than {@code min_auto_priority_delay} raises the VRRP
     * threads' real-time priority one step (to SCHED_RR 1 from the default policy), up to that
     * maximum, as keepalived's scheduler does (lib/scheduler.c, thread_fetch_next_queue, and
     * lib/process.c, increment_process_priority), with its log lines. Loop thread only.
     */
    public void timerLate(long lateNanos) {
        if (tuning.maxAutoPriority() <= 0 || lateNanos / 1000 <= tuning.minAutoPriorityDelayMicros()) {
            return;
        }
        long micros = lateNanos / 1000;
        LOG.info(String.format(Locale.ROOT, "A thread timer expired %d.%06d seconds ago",
                micros / 1_000_000, micros % 1_000_000));
        int current = realtimePriority;
        if (current >= tuning.maxAutoPriority()) {
            return;
        }
        int next = current == 0 ? ProcessTuning.MIN_RT_PRIORITY : current + 1;
        realtimePriority = next;
        limitRealtime();
        for (int tid : tids) {
            try {
                Libc.sched_setscheduler(tid, SCHED_RR | SCHED_RESET_ON_FORK, new int[] {next});
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.ESRCH) { // ESRCH: the thread has ended
                    LOG.warn("VRRP thread {}: cannot raise priority ({})", tid, reason(e));
                }
            }
        }
        LOG.info("Set realtime priority {}", next);
    }

    /**
     * Gives the calling thread the VRRP threads' nice value or real-time priority and CPU set. Called
     * first thing on the event loop and on each hook lane thread.
     */
    public void tuneCurrentThread() {
        if (realtimePriority == 0) {
            askForShortSlice();
        }
        if (tuning.isDefault()) {
            return;
        }
        List<String> refused = new ArrayList<>();
        int priority = realtimePriority;
        try {
            tids.add(Libc.gettid());
            if (priority > 0) {
                Libc.sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, new int[] {priority});
            } else if (tuning.nice() != 0) {
                // On Linux, PRIO_PROCESS with who 0 is the calling thread.
                Libc.setpriority(PRIO_PROCESS, 0, tuning.nice());
            }
        } catch (LastErrorException e) {
            refused.add(priority > 0 ? "cannot raise priority (" + reason(e) + ")"
                    : "Unable to set process priority to " + tuning.nice() + " - " + reason(e));
        }
        if (!tuning.cpus().isEmpty()) {
            try {
                long[] mask = new long[(ProcessTuning.MAX_CPU + 1) / 64];
                tuning.cpus().forEach(cpu -> mask[cpu / 64] |= 1L << (cpu % 64));
                Libc.sched_setaffinity(0, new NativeLong(mask.length * 8L), mask);
            } catch (LastErrorException e) {
                refused.add("unable to set cpu affinity to vrrp process (" + reason(e) + ")");
            }
        }
        if (!refused.isEmpty() && !refusalLogged) {
            refusalLogged = true;
            LOG.warn("VRRP thread {}: {}", Thread.currentThread().getName(), String.join("; ", refused));
        }
    }

    /** Work that may throw, run by {@link #offRealtime}. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} with the calling thread in the default policy when it is a real-time one, and
     * puts the thread back after. For hook work no takeover or release waits for: a demote runs after
     * the VIP has gone, and its first run in a process (or its first failure) loads and interprets
     * code for tens of milliseconds without sleeping, past the soft RLIMIT_RTTIME (SIGXCPU; the
     * kernel counts the time a real-time thread runs between sleeps) and ahead of every
     * default-policy thread on that CPU, the JVM's own among them. A thread not in a real-time
     * policy, or one the kernel will not move, runs {@code work} as it is.
     */
    public static void offRealtime(Work work) throws Exception {
        int policy;
        int[] param = new int[1];
        try {
            policy = Libc.sched_getscheduler(0);
            Libc.sched_getparam(0, param);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            work.run();
            return;
        }
        int base = policy & ~SCHED_RESET_ON_FORK;
        if (base != SCHED_RR && base != SCHED_FIFO) {
            work.run();
            return;
        }
        try {
            Libc.sched_setscheduler(0, SCHED_OTHER, new int[] {0});
        } catch (LastErrorException e) {
            work.run();
            return;
        }
        try {
            work.run();
        } finally {
            try {
                Libc.sched_setscheduler(0, policy, param);
            } catch (LastErrorException e) {
                LOG.warn("VRRP thread {}: cannot raise priority ({})", Thread.currentThread().getName(), reason(e));
            }
        }
    }

    /** See {@link #SHORT_SLICE_NANOS}; keeps the thread's policy and nice value. */
    private void askForShortSlice() {
        long number = Platform.isARM() ? 274 : Platform.isIntel() ? 314 : -1;
        if (number < 0) {
            return;
        }
        try {
            SchedAttr attr = new SchedAttr();
            attr.nice = Libc.getpriority(PRIO_PROCESS, 0); // sched_setattr sets the nice value too
            attr.runtime = SHORT_SLICE_NANOS;
            attr.write();
            Libc.syscall(new NativeLong(number), 0, attr.getPointer(), 0);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            LOG.debug("VRRP thread {}: the kernel keeps its default time slice ({})", Thread.currentThread().getName(),
                    reason(e));
        }
    }

    /**
     * A factory of daemon threads named {@code name} that tune themselves before running, and are
     * forgotten when they end (a lane of an instance a reload removed): a raise must not reach
     * whatever thread later gets the same id.
     */
    public ThreadFactory factory(String name) {
        return r -> {
            Thread t = new Thread(() -> {
                tuneCurrentThread();
                try {
                    r.run();
                } finally {
                    if (!tuning.isDefault()) {
                        tids.remove(Libc.gettid());
                    }
                }
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String reason(Throwable e) {
        if (e instanceof LastErrorException l) {
            return Errno.describe(l.getErrorCode());
        }
        return e.getMessage();
    }
}
