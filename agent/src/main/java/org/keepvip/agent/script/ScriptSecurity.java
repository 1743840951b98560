package org.keepvip.agent.script;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's script security checks (§6.3), as a function of the file system's metadata and
 * the run-as user, with no agent state: the config checker can call it too.
 *
 * <ul>
 *   <li>Missing, not a regular file, a directory on the way not searchable, or not executable by
 *       the run-as user: {@link Verdict.Missing}.
 *   <li>A directory on the way that is a symlink: {@link Verdict.Insecure}, whoever runs it (a
 *       final symlink is resolved, as keepalived's {@code realpath}, and the target checked).
 *   <li>Run as root (uid or gid 0, or a setuid/setgid-root file): every component must be owned by
 *       root and not writable by others, nor by its group unless that group is root; directories
 *       with the sticky bit may be writable. Otherwise {@link Verdict.Insecure}.
 * </ul>
 * Supplementary groups are not considered for the executable check.
 */
public final class ScriptSecurity {
    private static final Logger log = LoggerFactory.getLogger(ScriptSecurity.class);

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_ISUID = 04000;
    private static final int S_ISGID = 02000;
    private static final int S_ISVTX = 01000;
    private static final int S_IWGRP = 020;
    private static final int S_IWOTH = 02;

    private ScriptSecurity() {}

    /** The outcome of a check. */
    public sealed interface Verdict {
        /** Safe to run; {@code resolved} is the path with a final symlink resolved. */
        record Ok(Path resolved) implements Verdict {}

        /** Runs, but others could change what runs as root (disabled with enable_script_security). */
        record Insecure(String reason) implements Verdict {}

        /** Cannot run: missing, inaccessible or not executable. */
        record Missing(String reason) implements Verdict {}
    }

    /** Checks the script at absolute path {@code script} for user {@code runAs}. */
    public static Verdict check(Path script, RunAs runAs) {
        if (!script.isAbsolute()) {
            return new Verdict.Missing(script + " is not an absolute path");
        }
        return check(script.normalize(), runAs, 0);
    }

    private static Verdict check(Path script, RunAs runAs, int depth) {
        Path dir = script.getRoot();
        StatInfo[] dirs = new StatInfo[script.getNameCount()];
        dirs[0] = stat(dir);
        for (int i = 0; i < script.getNameCount() - 1; i++) {
            dir = dir.resolve(script.getName(i));
            StatInfo s = stat(dir);
            if (s == null) {
                return new Verdict.Missing(dir + ": No such file or directory");
            }
            if (s.type() == S_IFLNK) {
                return new Verdict.Insecure("path component " + dir + " is a symlink");
            }
            if (s.type() != S_IFDIR) {
                return new Verdict.Missing(dir + " is not a directory");
            }
            dirs[i + 1] = s;
        }
        StatInfo file = stat(script);
        if (file == null) {
            return new Verdict.Missing(script + ": No such file or directory");
        }
        if (file.type() == S_IFLNK) {
            if (depth > 8) {
                return new Verdict.Missing(script + ": too many levels of symbolic links");
            }
            try {
                return check(script.toRealPath(), runAs, depth + 1);
            } catch (IOException e) {
                return new Verdict.Missing(script + ": dangling symlink");
            }
        }
        if (file.type() != S_IFREG) {
            return new Verdict.Missing(script + " is not a regular file");
        }
        // Directories must be searchable by the run-as user.
        Path p = script.getRoot();
        for (int i = 0; i < dirs.length; i++) {
            if (!permits(dirs[i], runAs, 1)) {
                return new Verdict.Missing(p + " is not accessible by uid " + runAs.uid());
            }
            if (i < script.getNameCount() - 1) {
                p = p.resolve(script.getName(i));
            }
        }
        if (!permits(file, runAs, 1)) {
            return new Verdict.Missing(script + " is not executable by uid " + runAs.uid());
        }
        boolean runsAsRoot = runAs.isRoot()
                || ((file.mode() & S_ISUID) != 0 && file.uid() == 0)
                || ((file.mode() & S_ISGID) != 0 && file.gid() == 0);
        if (runsAsRoot) {
            Path q = script.getRoot();
            for (int i = 0; i < dirs.length; i++) {
                String why = rootUnsafe(dirs[i]);
                if (why != null) {
                    return new Verdict.Insecure(q + " " + why);
                }
                if (i < script.getNameCount() - 1) {
                    q = q.resolve(script.getName(i));
                }
            }
            String why = rootUnsafe(file);
            if (why != null) {
                return new Verdict.Insecure(script + " " + why);
            }
        }
        return new Verdict.Ok(script);
    }

    private static String rootUnsafe(StatInfo s) {
        if (s.uid() != 0) {
            return "is not owned by root";
        }
        boolean writable = (s.mode() & S_IWOTH) != 0 || ((s.mode() & S_IWGRP) != 0 && s.gid() != 0);
        boolean sticky = s.type() == S_IFDIR && (s.mode() & S_ISVTX) != 0;
        return writable && !sticky ? "is writable by a non-root group or by others" : null;
    }

    /** Whether {@code runAs} has permission bit {@code bit} (1 = x) on {@code s}, as access(2). */
    private static boolean permits(StatInfo s, RunAs runAs, int bit) {
        int mode = s.mode();
        if (runAs.uid() == 0) {
            return s.type() == S_IFDIR || (mode & (bit | bit << 3 | bit << 6)) != 0;
        }
        if (s.uid() == runAs.uid()) {
            return (mode & bit << 6) != 0;
        }
        if (s.gid() == runAs.gid()) {
            return (mode & bit << 3) != 0;
        }
        return (mode & bit) != 0;
    }

    /**
     * Resolves a bare command name through {@code pathEnv} as keepalived does, with its warning;
     * a name with a slash is returned as an absolute path.
     */
    public static Optional<Path> resolveCommand(String command, String pathEnv) {
        if (command.contains("/")) {
            return Optional.of(Path.of(command).toAbsolutePath().normalize());
        }
        String path = pathEnv == null || pathEnv.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : pathEnv;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                Path abs = candidate.toAbsolutePath().normalize();
                log.warn("WARNING - script `{}` resolved by path search to `{}`. Please specify full path.",
                        command, abs);
                return Optional.of(abs);
            }
        }
        return Optional.empty();
    }

    private record StatInfo(int uid, int gid, int mode) {
        int type() {
            return mode & S_IFMT;
        }
    }

    private static StatInfo stat(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
            return new StatInfo((Integer) a.get("uid"), (Integer) a.get("gid"), (Integer) a.get("mode"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
