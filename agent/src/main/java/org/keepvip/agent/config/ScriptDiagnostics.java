package org.keepvip.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keepvip.agent.script.RunAs;
import org.keepvip.agent.script.ScriptSecurity;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.ScriptCommand;
import org.keepvip.vrrp.config.SyncGroup;
import org.keepvip.vrrp.config.VrrpInstance;
import org.keepvip.vrrp.config.VrrpScript;

/**
 * keepalived's script checks that can be made before running (keepalived/core/notify.c, {@code check_script_secure})
 * applied to every script of a configuration, worded as keepalived -t words them: the run-as
 * user, PATH lookup, and the file checks of {@link ScriptSecurity} (the one implementation, shared
 * with the script runner). Findings are {@link Diagnostic.Category#SCRIPT_SECURITY}.
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
        for (VrrpInstance i : c.instances()) {
            out.addAll(i.notifyScripts().all());
        }
        for (SyncGroup g : c.syncGroups()) {
            out.addAll(g.notifyScripts().all());
        }
        if (c.global().notifyFifo() != null && c.global().notifyFifo().script() != null) {
            out.add(c.global().notifyFifo().script());
        }
        return out;
    }

    public List<Diagnostic> check(KeepalivedConfig c) {
        List<Diagnostic> out = new ArrayList<>();
        List<ScriptCommand> scripts = scripts(c);
        if (scripts.isEmpty()) {
            return out;
        }
        boolean secure = c.global().enableScriptSecurity();
        if (!secure) {
            out.add(problem(scripts.get(0).origin(),
                    "SECURITY VIOLATION - scripts are being executed but script_security not enabled."
                            + " (add enable_script_security to global_defs)"));
        }
        List<String> checked = new ArrayList<>();
        for (ScriptCommand s : scripts) {
            String key = s.program() + "|" + s.user();
            if (checked.contains(key)) {
                continue;
            }
            checked.add(key);
            checkOne(c, s, secure, out);
        }
        return out;
    }

    private void checkOne(KeepalivedConfig c, ScriptCommand s, boolean secure, List<Diagnostic> out) {
        String user = s.user();
        if (user == null && c.global().scriptUser() != null) {
            user = c.global().scriptUser().user();
        }
        if (user == null) {
            if (users.uid(DEFAULT_SCRIPT_USER).isPresent()) {
                user = DEFAULT_SCRIPT_USER;
            } else if (secure) {
                // keepalived reports this as a configuration error (exit 5), not a security one.
                out.add(Diagnostic.error(s.origin(), "Unable to set default user " + DEFAULT_SCRIPT_USER
                        + " for script '" + s.program() + "' (it does not exist, and enable_script_security"
                        + " forbids falling back to root) - set script_user in global_defs"));
                return;
            } else {
                user = "root";
            }
        }
        Optional<Integer> uid = users.uid(user);
        Optional<Integer> gid = users.gid(user);
        if (uid.isEmpty() || gid.isEmpty()) {
            out.add(problem(s.origin(), "script '" + s.program() + "': user '" + user + "' does not exist"));
            return;
        }
        Path path = resolve(s, out);
        if (path == null) {
            return;
        }
        RunAs runAs = new RunAs(user, uid.get(), gid.get(), false);
        ScriptSecurity.Finding f = ScriptSecurity.examine(path, runAs);
        f.problem().ifPresent(p -> out.add(problem(s.origin(), describe(path, p, runAs))));
    }

    /** keepalived -t's words for a finding about {@code path}. */
    private static String describe(Path path, ScriptSecurity.Problem p, RunAs runAs) {
        String script = "script '" + path + "'";
        String where = "'" + p.where() + "'";
        return switch (p.kind()) {
            case NOT_ABSOLUTE -> script + " is a relative path - specify the full path";
            case NO_SUCH_FILE, NOT_A_DIRECTORY, DANGLING_SYMLINK -> script + " does not exist";
            case TOO_MANY_SYMLINKS, NOT_A_REGULAR_FILE -> script + " is not a regular file";
            case NOT_SEARCHABLE -> script + " is not accessible by user " + runAs.user() + " (" + where
                    + " is not searchable)";
            case NOT_EXECUTABLE -> script + " is not executable by user " + runAs.user();
            case SYMLINK_COMPONENT -> runAs.isRoot() ? unsafe(script, where + " is a symbolic link")
                    : "Insecure path for " + script + " (" + where + " is a symbolic link)";
            case NOT_OWNED_BY_ROOT -> unsafe(script, where + " is not owned by root");
            case GROUP_WRITABLE -> unsafe(script, where + " is writable by its group");
            case OTHER_WRITABLE -> unsafe(script, where + " is writable by others");
        };
    }

    private static String unsafe(String script, String why) {
        return "Unsafe permissions found for " + script + " (" + why + ") - it would run as root";
    }

    /** A bare name is looked up in PATH, as keepalived does (with its warning). */
    private Path resolve(ScriptCommand s, List<Diagnostic> out) {
        String prog = s.program();
        if (prog.startsWith("/")) {
            return Path.of(prog);
        }
        if (prog.contains("/")) {
            out.add(problem(s.origin(), "script '" + prog + "' is a relative path - specify the full path"));
            return null;
        }
        Optional<Path> found = ScriptSecurity.searchPath(prog, env.getOrDefault("PATH", DEFAULT_PATH));
        if (found.isPresent()) {
            out.add(new Diagnostic(Diagnostic.Severity.WARNING, Diagnostic.Category.SCRIPT_SECURITY, s.origin(),
                    "script '" + prog + "' resolved by path search to '" + found.get()
                            + "'. Please specify full path."));
            return found.get();
        }
        out.add(problem(s.origin(), "script '" + prog + "' not found in PATH - specify the full path"));
        return null;
    }

    private static Diagnostic problem(Origin o, String message) {
        return new Diagnostic(Diagnostic.Severity.ERROR, Diagnostic.Category.SCRIPT_SECURITY, o, message);
    }
}
