package org.keepvip.agent.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.keepvip.agent.unix.Libc;

/** Small helpers shared by the script tests. */
final class ScriptTesting {
    private ScriptTesting() {}

    static boolean isRoot() {
        return Libc.geteuid() == 0;
    }

    /** Polls {@code cond} until it holds or {@code millis} pass; returns the last value. */
    static boolean await(long millis, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - end < 0) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return cond.getAsBoolean();
    }

    static boolean processExists(long pid) {
        // A zombie is as good as gone: it no longer runs.
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    static long readPid(Path file) throws InterruptedException {
        await(5000, () -> {
            try {
                return Files.size(file) > 0 && Files.readString(file).endsWith("\n");
            } catch (IOException e) {
                return false;
            }
        });
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new AssertionError("no pid in " + file, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
