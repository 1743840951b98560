package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.vrrp.config.Diagnostic;

/**
 * check-config's script checks: keepalived -t's verdict for each class of script problem (a track
 * script and a notify script are judged differently), and the wording for the cases the corpus
 * (which runs scripts as root) does not reach: a non-root script user.
 */
class ScriptDiagnosticsTest {
    @RegisterExtension
    static final CorpusScripts scripts = new CorpusScripts();

    private static List<String> messages(Path tmp, String scriptUser, String script) throws IOException {
        Path conf = tmp.resolve("keepalived.conf");
        Files.writeString(conf, "global_defs {\n    enable_script_security\n    script_user " + scriptUser + "\n}\n"
                + "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n"
                + "    notify_master \"" + script + "\"\n    virtual_ipaddress {\n        192.0.2.51/24\n    }\n}\n");
        CheckResult r = scripts.checker().check(conf.toString(), null, false);
        return r.diagnostics().stream().map(Diagnostic::message).toList();
    }

    @Test
    void directoryNotSearchableByTheScriptUser(@TempDir Path tmp) throws IOException {
        assumeTrue(CorpusSupport.isRoot() && Users.system().uid("nobody").isPresent(), "needs root and user nobody");
        // The corpus scripts' directory is a 0700 temp directory owned by root.
        Path script = scripts.dir().resolve("chk_redis.sh");
        assertThat(messages(tmp, "nobody", script.toString())).containsExactly("Script '" + script
                + "' cannot be accessed ('" + scripts.dir() + "' is not searchable by user nobody) - disabling");
    }

    @Test
    void symlinkedDirectoryIsInsecureForANonRootUserToo(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isSymbolicLink(Path.of("/bin")), "/bin is a real directory here");
        assumeTrue(Users.system().uid("nobody").isPresent(), "no user nobody");
        assertThat(messages(tmp, "nobody", "/bin/true"))
                .containsExactly("Insecure path for script '/bin/true' ('/bin' is a symbolic link)");
        // lib/notify.c: check_security(): a symlinked directory is the wrong file type, disabled even
        // without enable_script_security.
        assertThat(messages(tmp, "root", "/bin/true")).containsExactly("Unsafe permissions found for script"
                + " '/bin/true' ('/bin' is a symbolic link) - keepalived disables it, keepvip would run it: fix the"
                + " permissions or the path");
    }

    /** check-config on one instance with {@code body} in it, after {@code head} (global_defs, vrrp_script). */
    private static CheckResult check(Path tmp, String head, String body) throws IOException {
        Path conf = tmp.resolve("keepalived.conf");
        Files.writeString(conf, head + "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n" + body
                + "\n    virtual_ipaddress {\n        192.0.2.51/24\n    }\n}\n");
        return scripts.checker().check(conf.toString(), null, false);
    }

    private static final String SECURE = "global_defs {\n    enable_script_security\n    script_user root\n}\n";

    private static String track(String script) {
        return "vrrp_script chk {\n    script \"" + script + "\"\n}\n";
    }

    private static final String TRACKED = "    track_script {\n        chk\n    }";

    private static List<String> lines(CheckResult r) {
        return r.diagnostics().stream().map(d -> d.severity() + ": " + d.message()).toList();
    }

    @Test
    void missingNotifyScriptIsAWarningAndNoSecurityViolation(@TempDir Path tmp) throws IOException {
        CheckResult r = check(tmp, "", "    notify_master \"/nonexistent-kv/notify.sh\"");
        assertThat(r.exitCode()).isZero();
        assertThat(lines(r)).containsExactly("warning: Script '/nonexistent-kv/notify.sh' cannot be accessed"
                + " ('/nonexistent-kv' does not exist) - disabling");
    }

    @Test
    void missingTrackScriptIsAConfigurationError(@TempDir Path tmp) throws IOException {
        CheckResult r = check(tmp, track("/nonexistent-kv/chk.sh"), TRACKED);
        assertThat(r.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        assertThat(lines(r)).containsExactly("error: Disabling track script chk since not found/accessible"
                + " ('/nonexistent-kv/chk.sh': '/nonexistent-kv' does not exist)");
    }

    @Test
    void aScriptThatExistsWithoutScriptSecurityIsTheViolation(@TempDir Path tmp) throws IOException {
        assumeTrue(CorpusSupport.isRoot(), "the scripts' directory must be root's");
        CheckResult r = check(tmp, "", "    notify_master \"" + scripts.dir().resolve("noexec.sh") + "\"");
        assertThat(r.exitCode()).isEqualTo(CheckResult.SCRIPT_SECURITY);
        assertThat(lines(r)).containsExactly(
                "error: SECURITY VIOLATION - scripts are being executed but script_security not enabled."
                        + " (add enable_script_security to global_defs)",
                "warning: WARNING - script '" + scripts.dir().resolve("noexec.sh") + "' is not executable for user"
                        + " root - disabling");
        // keepalived checks every vrrp_script, tracked or not.
        CheckResult unused = check(tmp, track(scripts.dir().resolve("chk_redis.sh").toString()), "");
        assertThat(unused.exitCode()).isEqualTo(CheckResult.SCRIPT_SECURITY);
    }

    @Test
    void insecureScriptsByRoleAndScriptSecurity(@TempDir Path tmp) throws IOException {
        assumeTrue(CorpusSupport.isRoot(), "the scripts' directory must be root's");
        String unsafe = scripts.dir().resolve("unsafe/unsafe.sh").toString();
        CheckResult trackSecure = check(tmp, SECURE + track(unsafe), TRACKED);
        assertThat(trackSecure.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        assertThat(lines(trackSecure)).containsExactly("error: Disabling track script chk due to insecure ('" + unsafe
                + "': '" + scripts.dir().resolve("unsafe") + "' is writable by others)");
        // keepalived disables it and exits 0; keepvip does not disable scripts when it runs: an error.
        CheckResult notifySecure = check(tmp, SECURE, "    notify_master \"" + unsafe + "\"");
        assertThat(notifySecure.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        CheckResult notifyOpen = check(tmp, "", "    notify_master \"" + unsafe + "\"");
        assertThat(notifyOpen.exitCode()).isEqualTo(CheckResult.SCRIPT_SECURITY);
        assertThat(lines(notifyOpen).get(0)).endsWith("not enabled. There are insecure scripts."
                + " (add enable_script_security to global_defs)");
    }

    @Test
    void notExecutableIsAWarningForNotifyAndAnErrorForATracker(@TempDir Path tmp) throws IOException {
        assumeTrue(CorpusSupport.isRoot(), "the scripts' directory must be root's");
        String noexec = scripts.dir().resolve("noexec.sh").toString();
        assertThat(check(tmp, SECURE, "    notify_master \"" + noexec + "\"").exitCode()).isZero();
        CheckResult tracked = check(tmp, SECURE + track(noexec), TRACKED);
        assertThat(tracked.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        assertThat(lines(tracked)).containsExactly("error: WARNING - script '" + noexec + "' is not executable for"
                + " user root - keepalived ignores track script chk, keepvip would count it as failing");
    }

    @Test
    void aFileOpenTestIsRefused(@TempDir Path tmp) throws IOException {
        CheckResult r = check(tmp, SECURE + track("</etc/hostname"), TRACKED);
        assertThat(r.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        assertThat(lines(r)).containsExactly("error: script '</etc/hostname' is a shell redirection (a file-open"
                + " test), which keepvip does not run - use a script that makes the test");
    }

    @Test
    void scriptUserAndGroupThatDoNotExist(@TempDir Path tmp) throws IOException {
        CheckResult global = check(tmp, "global_defs {\n    script_user root kv-no-such-group\n}\n", "");
        assertThat(global.exitCode()).isEqualTo(CheckResult.CONFIG_ERROR);
        assertThat(lines(global)).containsExactly("error: Error setting global script uid/gid"
                + " (script_user root kv-no-such-group: no group kv-no-such-group)");
        CheckResult notify = check(tmp, SECURE, "    notify_master \"/bin/sh\" kv-no-such-user");
        assertThat(notify.exitCode()).isZero();
        assertThat(lines(notify)).containsExactly(
                "warning: script '/bin/sh': user 'kv-no-such-user' does not exist - disabling");
    }

    @Test
    void usersGivesUidAndPrimaryGid() {
        Users u = new Users(List.of("kv:x:1001:1002::/home/kv:/bin/sh", "bad:x:zz:7::/:/bin/sh"), List.of());
        assertThat(u.uid("kv")).contains(1001);
        assertThat(u.gid("kv")).contains(1002);
        assertThat(u.uid("root")).contains(0);
        assertThat(u.gid("root")).contains(0);
        assertThat(u.uid("bad")).isEmpty();
        assertThat(u.gid("bad")).contains(7);
        assertThat(u.gid("nobody-kv")).isEmpty();
        Users g = new Users(List.of(), List.of("redis:x:115:", "bad:x:q:"));
        assertThat(g.groupId("redis")).contains(115);
        assertThat(g.groupId("root")).contains(0);
        assertThat(g.groupId("bad")).isEmpty();
        assertThat(g.groupId("none")).isEmpty();
    }
}
