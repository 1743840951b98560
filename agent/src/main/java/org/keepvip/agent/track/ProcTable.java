package org.keepvip.agent.track;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What /proc says about a process: its name (comm), parent, whether it is a zombie, and its
 * command line when asked for. keepalived reads the same files (keepalived/core/track_process.c:
 * read_procs, check_process); the command line only when a full_command tracker needs it, since
 * reading it touches the process's memory.
 */
final class ProcTable {
    private static final Path PROC = Path.of("/proc");

    /** One process; {@code cmdline} is null unless asked for. */
    record Info(int pid, int ppid, String comm, boolean zombie, byte[] cmdline) {}

    private ProcTable() {}

    /** Every process now running (zombies left out). */
    static List<Info> scan(boolean withCmdline) {
        List<Info> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || n.charAt(0) < '1' || n.charAt(0) > '9') {
                    continue;
                }
                int pid;
                try {
                    pid = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    continue;
                }
                info(pid, withCmdline).filter(i -> !i.zombie()).ifPresent(out::add);
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
        return out;
    }

    /** The process {@code pid}, if it still exists. */
    static Optional<Info> info(int pid, boolean withCmdline) {
        Path dir = PROC.resolve(Integer.toString(pid));
        String stat;
        try {
            stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        // "PID (COMM) S PPID ...": the name may hold spaces and parentheses; it ends at the last ')'.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 4 > stat.length()) {
            return Optional.empty();
        }
        String comm = stat.substring(open + 1, close);
        String[] rest = stat.substring(close + 2).split(" ", 3);
        if (rest.length < 2) {
            return Optional.empty();
        }
        int ppid;
        try {
            ppid = Integer.parseInt(rest[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        byte[] cmdline = null;
        if (withCmdline) {
            try (InputStream in = Files.newInputStream(dir.resolve("cmdline"))) {
                cmdline = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Info(pid, ppid, comm, rest[0].equals("Z"), cmdline));
    }
}
