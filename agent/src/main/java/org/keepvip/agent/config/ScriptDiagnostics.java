package org.keepvip.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keepvip.agent.script.RunAs;
import org.keepvip.agent.script.ScriptSecurity;
import org.keepvip.vrrp.config.DaemonScript;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.ScriptCommand;
import org.keepvip.vrrp.config.ScriptUser;
import org.keepvip.vrrp.config.SyncGroupSpec;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.VrrpScript;

/**
 * keepalived's script checks that can be made before running, applied to every script of a
 * configuration, with keepalived -t's verdicts (keepalived/vrrp/vrrp.c: check_vrrp_script_security(),
 * check_track_script_secure(); lib/notify.c: check_script_secure(), check_security(),
 * check_notify_script_secure()). The file checks are {@link ScriptSecurity}'s, shared with the
 * script runner.
 *
 * <ul>
 *   <li>A track script ({@code vrrp_script}) that is missing, or insecure under
 *       {@code enable_script_security}, is disabled with a configuration error (exit 5).
 *   <li>A notify script that is missing or not executable is disabled with a log line only: a
 *       warning (exit 0); keepvip cannot run it either.
 *   <li>When a script file exists and {@code enable_script_security} is not set: the
 *       {@code SECURITY VIOLATION} (exit 6). A missing script does not count.
 *   <li>Stricter than keepalived, because keepvip does not check again when it runs a script: a
 *       notify script keepalived disables as insecure, a track script that is not executable, and
 *       a {@code "</path"} file-open test are errors (docs/configuration.md, "Deliberate differences").
 * </ul>
 */
public final class ScriptDiagnostics {
    static final String DEFAULT_SCRIPT_USER = "keepalived_script";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Users users;
    private final Map<String, String> env;

    public ScriptDiagnostics(Users users, Map<String, String> env) {
        this.users = users;
        this.env = env;
    }

    /** Every script the configuration would run, with where it was configured. */
    public static List<ScriptCommand> scripts(KeepalivedConfig c) {
        List<ScriptCommand> out = new ArrayList<>();
        for (VrrpScript s : c.scripts()) {
            out.add(s.command());
        }
        out.addAll(notifyScripts(c));
        startStopScripts(c).forEach(d -> out.add(d.command()));
        return out;
    }

    /** startup_script and shutdown_script, those configured. */
    private static List<DaemonScript> startStopScripts(KeepalivedConfig c) {
        List<DaemonScript> out = new ArrayList<>();
        Optional.ofNullable(c.global().startupScript()).ifPresent(out::add);
        Optional.ofNullable(c.global().shutdownScript()).ifPresent(out::add);
        return out;
    }

    private static List<ScriptCommand> notifyScripts(KeepalivedConfig c) {
        List<ScriptCommand> out = new ArrayList<>();
        for (InstanceSpec i : c.instances()) {
            out.addAll(i.notifyScripts().all());
        }
        for (SyncGroupSpec g : c.syncGroups()) {
            out.addAll(g.notifyScripts().all());
        }
        if (c.global().notifyFifo() != null && c.global().notifyFifo().script() != null) {
            out.add(c.global().notifyFifo().script());
        }
        return out;
    }

    /** What the file checks found about one script, as keepalived's flags (SC_ISSCRIPT, SC_INSECURE). */
    private record Outcome(boolean isScript, boolean insecure) {
        static final Outcome NOT_FOUND = new Outcome(false, false);
    }

    public List<Diagnostic> check(KeepalivedConfig c) {
        return check(c, List.of());
    }

    /**
     * @param unused vrrp_script blocks nothing tracks: keepalived checks every vrrp_script, used or
     *               not, so these count too
     */
    public List<Diagnostic> check(KeepalivedConfig c, List<VrrpScript> unused) {
        List<Diagnostic> out = new ArrayList<>();
        boolean secure = c.global().enableScriptSecurity();
        ScriptUser global = c.global().scriptUser();
        if (global != null && (users.uid(global.user()).isEmpty()
                || (global.group() != null && users.groupId(global.group()).isEmpty()))) {
            // keepalived/core/global_parser.c: script_user_handler(), whether or not a script uses it.
            out.add(Diagnostic.error(c.global().origin(), "Error setting global script uid/gid (script_user "
                    + global.user() + (global.group() != null ? " " + global.group() : "") + ": "
                    + (users.uid(global.user()).isEmpty() ? "no user " + global.user() : "no group " + global.group())
                    + ")"));
        }
        Origin firstScript = null;
        boolean insecure = false;
        Set<String> checked = new HashSet<>();
        List<VrrpScript> tracks = new ArrayList<>(c.scripts());
        tracks.addAll(unused);
        for (VrrpScript vs : tracks) {
            Outcome o = checkOne(c, vs.command(), vs.name(), secure, out);
            firstScript = o.isScript() && firstScript == null ? vs.command().origin() : firstScript;
            insecure |= o.insecure();
        }
        for (ScriptCommand s : notifyScripts(c)) {
            if (!checked.add(s.program() + "|" + s.user())) {
                continue;
            }
            Outcome o = checkOne(c, s, null, secure, out);
            firstScript = o.isScript() && firstScript == null ? s.origin() : firstScript;
            insecure |= o.insecure();
        }
        if (!secure && firstScript != null) {
            out.add(0, new Diagnostic(Diagnostic.Severity.ERROR, Diagnostic.Category.SCRIPT_SECURITY, firstScript,
                    "SECURITY VIOLATION - scripts are being executed but script_security not enabled."
                            + (insecure ? " There are insecure scripts." : "")
                            + " (add enable_script_security to global_defs)"));
        }
        // keepalived/core/main.c: keepalived_main(), check_start_stop_script_secure(): its own verdict.
        Origin firstStartStop = null;
        boolean startStopInsecure = false;
        for (DaemonScript d : startStopScripts(c)) {
            Outcome o = checkOne(c, d.command(), null, secure, out);
            firstStartStop = o.isScript() && firstStartStop == null ? d.command().origin() : firstStartStop;
            startStopInsecure |= o.insecure();
        }
        if (!secure && firstStartStop != null) {
            out.add(new Diagnostic(Diagnostic.Severity.ERROR, Diagnostic.Category.SCRIPT_SECURITY, firstStartStop,
                    "SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled."
                            + (startStopInsecure ? " There are insecure scripts." : "")
                            + " (add enable_script_security to global_defs)"));
        }
        return out;
    }

    /**
     * Checks one script.
     *
     * @param trackName the vrrp_script's name for a track script, null for a notify script
     */
    private Outcome checkOne(KeepalivedConfig c, ScriptCommand s, String trackName, boolean secure,
                             List<Diagnostic> out) {
        String user = s.user();
        String group = s.group();
        boolean explicitUser = user != null;
        if (user == null && c.global().scriptUser() != null) {
            user = c.global().scriptUser().user();
            group = c.global().scriptUser().group();
            if (users.uid(user).isEmpty() || (group != null && users.groupId(group).isEmpty())) {
                return Outcome.NOT_FOUND; // reported once above; keepalived does not run the script
            }
        }
        if (user == null) {
            if (users.uid(DEFAULT_SCRIPT_USER).isPresent()) {
                user = DEFAULT_SCRIPT_USER;
            } else if (secure) {
                // lib/notify.c: get_default_script_user(): a configuration error, the script is not run.
                out.add(Diagnostic.error(s.origin(), "Unable to set default user " + DEFAULT_SCRIPT_USER
                        + " for script '" + s.program() + "' (it does not exist, and enable_script_security"
                        + " forbids falling back to root) - set script_user in global_defs"));
                return Outcome.NOT_FOUND;
            } else {
                user = "root";
            }
        }
        Optional<Integer> uid = users.uid(user);
        Optional<Integer> gid = group != null ? users.groupId(group) : users.gid(user);
        if (uid.isEmpty() || gid.isEmpty()) {
            // keepalived/vrrp/vrrp_parser.c: vrrp_vscript_user_handler() reports an error; a notify
            // script's user (lib/notify.c: notify_script_init()) is only logged, and the script dropped.
            String msg = "script '" + s.program() + "': " + (uid.isEmpty() ? "user '" + user + "'" : "group '" + group
                    + "'") + " does not exist - disabling";
            out.add(trackName != null || !explicitUser ? Diagnostic.error(s.origin(), msg)
                    : Diagnostic.warning(s.origin(), msg));
            return Outcome.NOT_FOUND;
        }
        if (s.program().matches("<\\s*/.*")) {
            // lib/notify.c: check_script_secure(): "</path" is a file-open test that keepalived hands to
            // /bin/sh; keepvip runs programs only, so it would never succeed.
            out.add(Diagnostic.error(s.origin(), "script '" + s.program() + "' is a shell redirection (a file-open"
                    + " test), which keepvip does not run - use a script that makes the test"));
            return Outcome.NOT_FOUND;
        }
        Path path = resolve(s, out);
        if (path == null) {
            return notFound(s, trackName, "not found in PATH", out);
        }
        RunAs runAs = new RunAs(user, uid.get(), gid.get(), false);
        ScriptSecurity.Finding f = ScriptSecurity.examine(path, runAs);
        if (f.problem().isEmpty()) {
            return new Outcome(true, false);
        }
        ScriptSecurity.Problem p = f.problem().get();
        String why = describe(p, runAs);
        return switch (p.kind()) {
            case NOT_ABSOLUTE, NO_SUCH_FILE, NOT_A_DIRECTORY, TOO_MANY_SYMLINKS, DANGLING_SYMLINK, NOT_SEARCHABLE ->
                    notFound(s, trackName, why, out);
            case NOT_EXECUTABLE -> {
                String msg = "WARNING - script '" + path + "' is not executable for user " + runAs.user();
                // keepalived quietly stops tracking such a script; keepvip's tracker would count every run
                // as a failure (priority or FAULT), so the configuration is refused instead (stricter).
                out.add(trackName != null ? Diagnostic.error(s.origin(), msg + " - keepalived ignores track script "
                        + trackName + ", keepvip would count it as failing")
                        : Diagnostic.warning(s.origin(), msg + " - disabling"));
                yield new Outcome(true, false);
            }
            case SYMLINK_COMPONENT -> {
                if (!runAs.isRoot()) {
                    // keepalived checks the path only for scripts run as root; keepvip reports it for any user.
                    out.add(Diagnostic.warning(s.origin(), "Insecure path for script '" + path + "' (" + why + ")"));
                    yield new Outcome(true, false);
                }
                // check_security(): a symlinked directory is the wrong file type, disabled even without
                // enable_script_security.
                inhibited(s, path, trackName, why, out);
                yield new Outcome(true, false);
            }
            case NOT_A_REGULAR_FILE -> {
                inhibited(s, path, trackName, why, out);
                yield new Outcome(true, false);
            }
            case NOT_OWNED_BY_ROOT, GROUP_WRITABLE, OTHER_WRITABLE -> {
                if (secure) {
                    inhibited(s, path, trackName, why, out);
                } else {
                    out.add(Diagnostic.warning(s.origin(), "Unsafe permissions found for script '" + path + "' ("
                            + why + ") - it would run as root"));
                }
                yield new Outcome(true, true);
            }
        };
    }

    private static Outcome notFound(ScriptCommand s, String trackName, String why, List<Diagnostic> out) {
        if (trackName != null) {
            out.add(Diagnostic.error(s.origin(), "Disabling track script " + trackName + " since not found/accessible"
                    + " ('" + s.program() + "': " + why + ")"));
        } else {
            out.add(Diagnostic.warning(s.origin(), "Script '" + s.program() + "' cannot be accessed (" + why
                    + ") - disabling"));
        }
        return Outcome.NOT_FOUND;
    }

    private static void inhibited(ScriptCommand s, Path path, String trackName, String why, List<Diagnostic> out) {
        if (trackName != null) {
            out.add(Diagnostic.error(s.origin(), "Disabling track script " + trackName + " due to insecure ('"
                    + path + "': " + why + ")"));
        } else {
            // keepalived disables the notify script (a log line only); keepvip does not disable scripts
            // when it runs, so it refuses the configuration instead (stricter).
            out.add(Diagnostic.error(s.origin(), "Unsafe permissions found for script '" + path + "' (" + why
                    + ") - keepalived disables it, keepvip would run it: fix the permissions or the path"));
        }
    }

    /** keepalived -t's words for why a script is refused. */
    private static String describe(ScriptSecurity.Problem p, RunAs runAs) {
        String where = "'" + p.where() + "'";
        return switch (p.kind()) {
            case NOT_ABSOLUTE -> "a relative path - specify the full path";
            case NO_SUCH_FILE, NOT_A_DIRECTORY, DANGLING_SYMLINK -> where + " does not exist";
            case TOO_MANY_SYMLINKS, NOT_A_REGULAR_FILE -> where + " is not a regular file";
            case NOT_SEARCHABLE -> where + " is not searchable by user " + runAs.user();
            case NOT_EXECUTABLE -> "not executable by user " + runAs.user();
            case SYMLINK_COMPONENT -> where + " is a symbolic link";
            case NOT_OWNED_BY_ROOT -> where + " is not owned by root";
            case GROUP_WRITABLE -> where + " is writable by its group";
            case OTHER_WRITABLE -> where + " is writable by others";
        };
    }

    /** A bare name is looked up in PATH, as keepalived does (with its warning); null if not found. */
    private Path resolve(ScriptCommand s, List<Diagnostic> out) {
        String prog = s.program();
        if (prog.contains("/")) {
            return Path.of(prog); // a relative one is reported by the file checks
        }
        Optional<Path> found = ScriptSecurity.searchPath(prog, env.getOrDefault("PATH", DEFAULT_PATH));
        found.ifPresent(p -> out.add(Diagnostic.warning(s.origin(),
                "script '" + prog + "' resolved by path search to '" + p + "'. Please specify full path.")));
        return found.orElse(null);
    }
}
