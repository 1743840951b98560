package org.keepvip.agent.latency;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.keepvip.agent.unix.Libc;

/**
 * Moves threads that do background work out of the default scheduling policy, so that waking up
 * never lets them take the CPU of the event loop or of a hook lane.
 *
 * <p>Why: Linux's fair scheduler lets a thread that wakes after a long sleep run ahead of one that
 * has been busy, and the loop is busy right before a takeover (it polls the last 2 ms). A takeover
 * wakes the log writer (the loop queues "Entering MASTER STATE") and the JIT (the takeover path is
 * code a backup has not run for a while); on a host with two CPUs either one was seen, with
 * {@code perf sched}, holding the CPU the hook lane needed for the VIP add, or the loop's, for up to
 * 0.5 ms. A {@link Policy#BATCH} thread cannot preempt anyone on wake-up but keeps its fair share, so
 * its work is only delayed, never starved. An unprivileged process may move its own threads into it
 * (only leaving needs CAP_SYS_NICE), and threads such a thread starts inherit it.
 *
 * <p>Not {@link Policy#IDLE} for Java threads: a safepoint waits until every Java thread that is
 * running Java code reaches it, so a starved SCHED_IDLE thread under CPU load stops the whole JVM,
 * the event loop included (an 0.8 s advert gap was measured that way).
 */
public final class BackgroundThreads {
    /** Linux scheduling policies ({@code sched(7)}). */
    public enum Policy {
        /** {@code SCHED_OTHER}: the default. */
        OTHER(0),
        /** {@code SCHED_BATCH}: fair share, no wake-up preemption. */
        BATCH(3),
        /** {@code SCHED_IDLE}: lowest weight; any other thread preempts it. */
        IDLE(5);

        final int value;

        Policy(int value) {
            this.value = value;
        }

        /** The policy a kernel value stands for, if it is one of these. */
        public static Optional<Policy> of(int value) {
            return Arrays.stream(values()).filter(p -> p.value == value).findFirst();
        }
    }

    private static final Path TASKS = Path.of("/proc/self/task");

    private BackgroundThreads() {}

    /** A thread of this process, by the kernel's thread id and its 15-character name. */
    public record Task(int tid, String name) {}

    /** The threads of this process, as {@code /proc/self/task} lists them now. */
    public static List<Task> tasks() throws IOException {
        List<Task> tasks = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(TASKS)) {
            for (Path dir : dirs) {
                try {
                    String comm = Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
                    tasks.add(new Task(Integer.parseInt(dir.getFileName().toString()), comm));
                } catch (IOException | NumberFormatException gone) {
                    // The thread ended while we listed it.
                }
            }
        }
        return tasks;
    }

    /** The kernel keeps the first 15 bytes of a thread's name. */
    static final int NAME_LENGTH = 15;

    /**
     * Moves every thread whose name starts with one of {@code prefixes} into {@code policy} and returns
     * the names of those moved; a prefix is cut to the kernel's 15 characters, as the names are. A
     * thread that ended meanwhile is skipped; any other refusal is thrown.
     */
    public static List<String> move(List<String> prefixes, Policy policy) throws IOException {
        List<String> cut = prefixes.stream().map(p -> p.length() > NAME_LENGTH ? p.substring(0, NAME_LENGTH) : p)
                .toList();
        List<String> moved = new ArrayList<>();
        for (Task t : tasks()) {
            if (cut.stream().anyMatch(t.name()::startsWith) && setPolicy(t.tid(), policy)) {
                moved.add(t.name());
            }
        }
        return moved;
    }

    /** The scheduling policy of thread {@code tid} of this process, if it still exists. */
    public static Optional<Policy> policyOf(int tid) throws IOException {
        try {
            int value = Libc.sched_getscheduler(tid);
            return Optional.of(Policy.of(value).orElseThrow(() -> new IOException("thread " + tid
                    + " has real-time or unknown scheduling policy " + value)));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return Optional.empty();
            }
            throw new IOException("sched_getscheduler(" + tid + "): errno " + e.getErrorCode(), e);
        }
    }

    private static final int ESRCH = 3;

    /** False if the thread has gone. */
    private static boolean setPolicy(int tid, Policy policy) throws IOException {
        try {
            Libc.sched_setscheduler(tid, policy.value, new int[] {0});
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            throw new IOException("sched_setscheduler(" + tid + ", SCHED_" + policy + "): errno " + e.getErrorCode(), e);
        }
    }
}
