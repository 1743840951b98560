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
 * check-config's wording of the shared §6.3 check for the cases the corpus (which runs scripts
 * as root) does not reach: a non-root script user.
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
        assertThat(messages(tmp, "nobody", script.toString())).containsExactly("script '" + script
                + "' is not accessible by user nobody ('" + scripts.dir() + "' is not searchable)");
    }

    @Test
    void symlinkedDirectoryIsInsecureForANonRootUserToo(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isSymbolicLink(Path.of("/bin")), "/bin is a real directory here");
        assumeTrue(Users.system().uid("nobody").isPresent(), "no user nobody");
        assertThat(messages(tmp, "nobody", "/bin/true"))
                .containsExactly("Insecure path for script '/bin/true' ('/bin' is a symbolic link)");
        assertThat(messages(tmp, "root", "/bin/true")).containsExactly(
                "Unsafe permissions found for script '/bin/true' ('/bin' is a symbolic link) - it would run as root");
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
    }
}
