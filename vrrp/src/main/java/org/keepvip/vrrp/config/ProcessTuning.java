package org.keepvip.vrrp.config;

import java.util.List;

/**
 * How the VRRP work is scheduled and kept in memory: {@code vrrp_priority}, {@code vrrp_rt_priority},
 * {@code vrrp_rlimit_rttime}, {@code vrrp_no_swap}, {@code vrrp_cpu_affinity}, {@code max_auto_priority}
 * and {@code min_auto_priority_delay} in {@code global_defs}
 * (keepalived/core/global_parser.c), with keepalived's defaults. keepalived applies them to its VRRP
 * process (lib/process.c, set_process_priorities); keepvip to the threads that do its VRRP work, the
 * event loop and the hook lanes (docs/configuration.md).
 *
 * @param nice                vrrp_priority: the nice value, -20..19 (0: unchanged); ignored with a
 *                            real-time priority, as keepalived does
 * @param realtimePriority    vrrp_rt_priority: SCHED_RR priority 1..99, or 0 (none)
 * @param rlimitRttimeMicros  vrrp_rlimit_rttime: with a real-time priority, how long (µs) such a thread
 *                            may run without sleeping; the kernel warns at half of it and kills at it;
 *                            0 = no limit (keepalived's default: 10,000)
 * @param noSwap              vrrp_no_swap: lock the process's memory (mlockall)
 * @param cpus                vrrp_cpu_affinity: the CPUs the VRRP threads may run on (empty: any)
 * @param maxAutoPriority     max_auto_priority: when a timer fires late, the real-time priority is
 *                            raised one step at a time up to this (0: never)
 * @param minAutoPriorityDelayMicros min_auto_priority_delay: how late (µs) a timer must fire for that
 */
public record ProcessTuning(int nice, int realtimePriority, long rlimitRttimeMicros, boolean noSwap,
                            List<Integer> cpus, int maxAutoPriority, long minAutoPriorityDelayMicros) {
    /** keepalived's RT_RLIMIT_DEFAULT (keepalived/include/process.h). */
    public static final long DEFAULT_RLIMIT_RTTIME_MICROS = 10_000;
    /** sched_get_priority_min/max(SCHED_RR) on Linux. */
    public static final int MIN_RT_PRIORITY = 1;
    public static final int MAX_RT_PRIORITY = 99;
    /** A cpu_set_t holds CPUs 0..1023 (CPU_SETSIZE). */
    public static final int MAX_CPU = 1023;

    /** keepalived's default min_auto_priority_delay (keepalived/core/global_data.c): one second. */
    public static final long DEFAULT_MIN_AUTO_PRIORITY_DELAY_MICROS = 1_000_000;

    public static final ProcessTuning DEFAULT = new ProcessTuning(0, 0, DEFAULT_RLIMIT_RTTIME_MICROS, false,
            List.of(), 0, DEFAULT_MIN_AUTO_PRIORITY_DELAY_MICROS);

    public ProcessTuning {
        cpus = List.copyOf(cpus);
    }

    /** True when nothing differs from how the daemon runs without these keywords. */
    public boolean isDefault() {
        return nice == 0 && realtimePriority == 0 && !noSwap && cpus.isEmpty() && maxAutoPriority == 0;
    }
}
