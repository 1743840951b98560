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
 * keepalived's script security checks (keepalived/core/notify.c, check_script_secure), as a function of the file system's metadata and
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
 *
 * <p>{@link #check} words the outcome for the script runner's log; {@link #examine} gives the
 * same finding as data, which check-config words as keepalived -t does.
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

    /** What can be wrong with a script, in the order the checks find it. */
    public enum Kind {
        NOT_ABSOLUTE, NO_SUCH_FILE, NOT_A_DIRECTORY, TOO_MANY_SYMLINKS, DANGLING_SYMLINK, NOT_A_REGULAR_FILE,
        NOT_SEARCHABLE, NOT_EXECUTABLE,
        /** A directory on the way is a symlink: insecure whoever runs the script. */
        SYMLINK_COMPONENT,
        /** The remaining kinds apply only when the script runs as root. */
        NOT_OWNED_BY_ROOT, GROUP_WRITABLE, OTHER_WRITABLE;

        /** True when the script could run but is insecure, false when it cannot run at all. */
        public boolean insecure() {
            return compareTo(SYMLINK_COMPONENT) >= 0;
        }
    }

    /** The first problem found: its kind and the path it is about (the script or a directory). */
    public record Problem(Kind kind, Path where) {}

    /**
     * The outcome as data.
     *
     * @param script the path checked: the given one, normalized, with a final symlink resolved
     * @param problem the first problem, or empty when the script is safe to run
     */
    public record Finding(Path script, Optional<Problem> problem) {}

    /** Checks the script at absolute path {@code script} for user {@code runAs}. */
    public static Verdict check(Path script, RunAs runAs) {
        Finding f = examine(script, runAs);
        if (f.problem().isEmpty()) {
            return new Verdict.Ok(f.script());
        }
        Problem p = f.problem().get();
        Path w = p.where();
        return switch (p.kind()) {
            case NOT_ABSOLUTE -> new Verdict.Missing(w + " is not an absolute path");
            case NO_SUCH_FILE -> new Verdict.Missing(w + ": No such file or directory");
            case NOT_A_DIRECTORY -> new Verdict.Missing(w + " is not a directory");
            case TOO_MANY_SYMLINKS -> new Verdict.Missing(w + ": too many levels of symbolic links");
            case DANGLING_SYMLINK -> new Verdict.Missing(w + ": dangling symlink");
            case NOT_A_REGULAR_FILE -> new Verdict.Missing(w + " is not a regular file");
            case NOT_SEARCHABLE -> new Verdict.Missing(w + " is not accessible by uid " + runAs.uid());
            case NOT_EXECUTABLE -> new Verdict.Missing(w + " is not executable by uid " + runAs.uid());
            case SYMLINK_COMPONENT -> new Verdict.Insecure("path component " + w + " is a symlink");
            case NOT_OWNED_BY_ROOT -> new Verdict.Insecure(w + " is not owned by root");
            case GROUP_WRITABLE, OTHER_WRITABLE -> new Verdict.Insecure(w + " is writable by a non-root group or by others");
        };
    }

    /** The same checks as {@link #check}, with the finding as data rather than words. */
    public static Finding examine(Path script, RunAs runAs) {
        if (!script.isAbsolute()) {
            return problem(script, Kind.NOT_ABSOLUTE, script);
        }
        return examine(script.normalize(), runAs, 0);
    }

    private static Finding problem(Path script, Kind kind, Path where) {
        return new Finding(script, Optional.of(new Problem(kind, where)));
    }

    private static Finding examine(Path script, RunAs runAs, int depth) {
        Path dir = script.getRoot();
        StatInfo[] dirs = new StatInfo[script.getNameCount()];
        dirs[0] = stat(dir);
        for (int i = 0; i < script.getNameCount() - 1; i++) {
            dir = dir.resolve(script.getName(i));
            StatInfo s = stat(dir);
            if (s == null) {
                return problem(script, Kind.NO_SUCH_FILE, dir);
            }
            if (s.type() == S_IFLNK) {
                return problem(script, Kind.SYMLINK_COMPONENT, dir);
            }
            if (s.type() != S_IFDIR) {
                return problem(script, Kind.NOT_A_DIRECTORY, dir);
            }
            dirs[i + 1] = s;
        }
        StatInfo file = stat(script);
        if (file == null) {
            return problem(script, Kind.NO_SUCH_FILE, script);
        }
        if (file.type() == S_IFLNK) {
            if (depth > 8) {
                return problem(script, Kind.TOO_MANY_SYMLINKS, script);
            }
            try {
                return examine(script.toRealPath(), runAs, depth + 1);
            } catch (IOException e) {
                return problem(script, Kind.DANGLING_SYMLINK, script);
            }
        }
        if (file.type() != S_IFREG) {
            return problem(script, Kind.NOT_A_REGULAR_FILE, script);
        }
        // Directories must be searchable by the run-as user.
        Path p = script.getRoot();
        for (int i = 0; i < dirs.length; i++) {
            if (!permits(dirs[i], runAs, 1)) {
                return problem(script, Kind.NOT_SEARCHABLE, p);
            }
            if (i < script.getNameCount() - 1) {
                p = p.resolve(script.getName(i));
            }
        }
        if (!permits(file, runAs, 1)) {
            return problem(script, Kind.NOT_EXECUTABLE, script);
        }
        boolean runsAsRoot = runAs.isRoot()
                || ((file.mode() & S_ISUID) != 0 && file.uid() == 0)
                || ((file.mode() & S_ISGID) != 0 && file.gid() == 0);
        if (runsAsRoot) {
            Path q = script.getRoot();
            for (int i = 0; i < dirs.length; i++) {
                Kind why = rootUnsafe(dirs[i]);
                if (why != null) {
                    return problem(script, why, q);
                }
                if (i < script.getNameCount() - 1) {
                    q = q.resolve(script.getName(i));
                }
            }
            Kind why = rootUnsafe(file);
            if (why != null) {
                return problem(script, why, script);
            }
        }
        return new Finding(script, Optional.empty());
    }

    private static Kind rootUnsafe(StatInfo s) {
        if (s.uid() != 0) {
            return Kind.NOT_OWNED_BY_ROOT;
        }
        if (s.type() == S_IFDIR && (s.mode() & S_ISVTX) != 0) {
            return null; // sticky directories, like /tmp, may be writable
        }
        if ((s.mode() & S_IWGRP) != 0 && s.gid() != 0) {
            return Kind.GROUP_WRITABLE;
        }
        return (s.mode() & S_IWOTH) != 0 ? Kind.OTHER_WRITABLE : null;
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
        Optional<Path> found = searchPath(command, path);
        found.ifPresent(abs -> log.warn(
                "WARNING - script `{}` resolved by path search to `{}`. Please specify full path.", command, abs));
        return found;
    }

    /**
     * The first executable regular file {@code name} in the directories of {@code path} (a
     * colon-separated list; empty entries skipped), made absolute; silent.
     */
    public static Optional<Path> searchPath(String name, String path) {
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().normalize());
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
