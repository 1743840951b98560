package org.keepvip.agent.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuLimitWarningTest {
    /** A stat line as the kernel writes it, with the given name, state, rt_priority and policy. */
    private static String stat(int tid, String name, char state, int rtPriority, int policy) {
        StringBuilder s = new StringBuilder(tid + " (" + name + ") " + state);
        for (int field = 4; field <= 52; field++) {
            s.append(' ').append(field == 40 ? rtPriority : field == 41 ? policy : 7);
        }
        return s.append('\n').toString();
    }

    @Test
    void parsesNameWithSpacesAndParenthesesAndThePolicy() {
        var s = CpuLimitWarning.ThreadStat.parse(stat(12, "C1 Compiler (x)", 'R', 0, 3)).orElseThrow();
        assertEquals("C1 Compiler (x)", s.name());
        assertEquals('R', s.state());
        assertEquals(3, s.policy());
        var rt = CpuLimitWarning.ThreadStat.parse(stat(13, "hooks-VI_1", 'S', 20, 2)).orElseThrow();
        assertTrue(rt.realtime());
        assertEquals(20, rt.rtPriority());
    }

    @Test
    void malformedLinesAreSkipped() {
        assertTrue(CpuLimitWarning.ThreadStat.parse("12 (x R 1 2").isEmpty());
        assertTrue(CpuLimitWarning.ThreadStat.parse("12 (x) R 1 2").isEmpty());
    }

    @Test
    void namesOnlyTheRealtimeThreadsStillRunning(@TempDir Path tasks) throws Exception {
        write(tasks, 1, stat(1, "vrrp", 'S', 20, 2));
        write(tasks, 2, stat(2, "hooks-VI_1", 'R', 20, 2));
        write(tasks, 3, stat(3, "C2 CompilerThre", 'R', 0, 0));
        Files.createDirectories(tasks.resolve("4")); // ended before its stat was read
        assertEquals(" (real-time threads running: hooks-VI_1)", CpuLimitWarning.running(tasks));
        assertEquals("", CpuLimitWarning.running(tasks.resolve("absent")));
    }

    @Test
    void readsThisProcess() {
        // No thread of the test JVM is real-time: nothing named, nothing thrown.
        assertEquals("", CpuLimitWarning.running(Path.of("/proc/self/task")));
    }

    private static void write(Path tasks, int tid, String stat) throws Exception {
        Path d = Files.createDirectories(tasks.resolve(String.valueOf(tid)));
        Files.writeString(d.resolve("stat"), stat);
    }
}
