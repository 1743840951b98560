package org.keepvip.e2e.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and removes lab namespaces left by runs that crashed before cleaning up. A lab namespace is
 * named {@code kvlab<pid>_<run>_<role>}; it is stale when no process with that pid is alive, so
 * concurrent runs in other JVMs are never touched.
 */
public final class LabSweeper {
    /** The family every lab namespace belongs to. */
    public static final String FAMILY = "kvlab";
    private static final Pattern NAME = Pattern.compile("^" + FAMILY + "(\\d+)_[0-9a-z]{4}_[0-9a-z-]+$");

    private LabSweeper() {}

    /** All network namespaces, by name. */
    public static List<String> namespaces() {
        List<String> names = new ArrayList<>();
        for (String line : Commands.run(List.of("ip", "netns", "list"), Commands.DEFAULT_TIMEOUT).orThrow().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** Removes stale lab namespaces and the processes in them; returns the names removed. */
    public static List<String> sweepStale() {
        List<String> removed = new ArrayList<>();
        for (String ns : namespaces()) {
            Matcher m = NAME.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                deleteNamespace(ns);
                removed.add(ns);
            }
        }
        return removed;
    }

    /** Kills whatever runs in {@code ns}, then deletes it. */
    static void deleteNamespace(String ns) {
        CommandResult pids = Commands.run(List.of("ip", "netns", "pids", ns), Commands.DEFAULT_TIMEOUT);
        if (pids.ok()) {
            for (String pid : pids.stdout().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        CommandResult del = Commands.run(List.of("ip", "netns", "del", ns), Duration.ofSeconds(20));
        if (!del.ok() && namespaces().contains(ns)) {
            throw new LabException("cannot delete namespace " + ns + ": " + del.stderr().strip());
        }
    }
}
