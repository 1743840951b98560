package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.ScriptCommand;
import org.keepvip.vrrp.config.SyncGroup;
import org.keepvip.vrrp.config.VrrpInstance;
import org.keepvip.vrrp.config.VrrpScript;

/**
 * keepalived's script checks that can be made before running (§6.3, {@code check_script_secure}):
 * the script exists and is executable, and when it runs as root every path component is owned
 * by root and writable by nobody else. Findings are {@link Diagnostic.Category#SCRIPT_SECURITY}.
 */
public final class ScriptSecurity {
    static final String DEFAULT_SCRIPT_USER = "keepalived_script";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Users users;
    private final Map<String, String> env;

    public ScriptSecurity(Users users, Map<String, String> env) {
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
        if (uid.isEmpty()) {
            out.add(problem(s.origin(), "script '" + s.program() + "': user '" + user + "' does not exist"));
            return;
        }
        Path path = resolve(s, out);
        if (path == null) {
            return;
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
            out.add(problem(s.origin(), "script '" + path + "' does not exist"));
            return;
        }
        try {
            if (!Files.isRegularFile(path)) {
                out.add(problem(s.origin(), "script '" + path + "' is not a regular file"));
                return;
            }
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            int fileUid = (Integer) Files.getAttribute(path, "unix:uid");
            int fileGid = (Integer) Files.getAttribute(path, "unix:gid");
            boolean exec = uid.get() == 0 ? (mode & 0111) != 0
                    : fileUid == uid.get() ? (mode & 0100) != 0
                    : users.inGroup(user, fileGid) ? (mode & 0010) != 0 : (mode & 0001) != 0;
            if (!exec) {
                out.add(problem(s.origin(), "script '" + path + "' is not executable by user " + user));
                return;
            }
            if (uid.get() == 0) {
                String why = insecureReason(path);
                if (why != null) {
                    out.add(problem(s.origin(), "Unsafe permissions found for script '" + path + "' (" + why
                            + ") - it would run as root"));
                }
            }
        } catch (IOException | RuntimeException e) {
            out.add(problem(s.origin(), "cannot check script '" + path + "': " + e.getMessage()));
        }
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
        String pathVar = env.getOrDefault("PATH", DEFAULT_PATH);
        for (String dir : pathVar.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, prog);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, Diagnostic.Category.SCRIPT_SECURITY, s.origin(),
                        "script '" + prog + "' resolved by path search to '" + candidate
                                + "'. Please specify full path."));
                return candidate;
            }
        }
        out.add(problem(s.origin(), "script '" + prog + "' not found in PATH - specify the full path"));
        return null;
    }

    /**
     * Why a root-run script is unsafe, or null: each directory on the way must be a real
     * directory owned by root and not writable by group (unless group root) or others (unless
     * sticky); the file likewise.
     */
    static String insecureReason(Path script) throws IOException {
        Path abs = script.toAbsolutePath().normalize();
        Path cur = abs.getRoot();
        List<Path> chain = new ArrayList<>();
        chain.add(cur);
        for (Path part : abs) {
            cur = cur.resolve(part);
            chain.add(cur);
        }
        for (int i = 0; i < chain.size(); i++) {
            Path p = chain.get(i);
            boolean last = i == chain.size() - 1;
            if (!last && Files.isSymbolicLink(p)) {
                return "'" + p + "' is a symbolic link";
            }
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            int owner = (Integer) Files.getAttribute(p, "unix:uid");
            int gid = (Integer) Files.getAttribute(p, "unix:gid");
            boolean sticky = !last && (mode & 01000) != 0;
            if (owner != 0) {
                return "'" + p + "' is not owned by root";
            }
            if ((mode & 0020) != 0 && gid != 0 && !sticky) {
                return "'" + p + "' is writable by its group";
            }
            if ((mode & 0002) != 0 && !sticky) {
                return "'" + p + "' is writable by others";
            }
        }
        return null;
    }

    private static Diagnostic problem(Origin o, String message) {
        return new Diagnostic(Diagnostic.Severity.ERROR, Diagnostic.Category.SCRIPT_SECURITY, o, message);
    }
}
