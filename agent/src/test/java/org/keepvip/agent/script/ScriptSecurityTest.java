package org.keepvip.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.script.ScriptSecurity.Verdict;

class ScriptSecurityTest {
    private Path dir;
    private Path script;
    private RunAs nobody;

    @BeforeEach
    void setUp() throws Exception {
        // /tmp is root-owned and sticky, which the checks accept; the temp dir is 0700 root.
        dir = Files.createTempDirectory("kvt-sec").toRealPath();
        script = dir.resolve("check.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        chmod(script, "rwxr-xr-x");
        nobody = RunAs.resolve("nobody", Optional.empty());
    }

    @AfterEach
    void tearDown() throws Exception {
        ScriptTesting.deleteTree(dir);
    }

    private static void chmod(Path p, String perms) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    private static void chown(Path p, int uid) throws Exception {
        Files.setAttribute(p, "unix:uid", uid);
    }

    @Test
    void rootOwnedScriptInRootOwnedDirsIsOk() {
        assumeTrue(ScriptTesting.isRoot());
        assertThat(ScriptSecurity.check(script, RunAs.ROOT)).isEqualTo(new Verdict.Ok(script));
    }

    @Test
    void missingScript() {
        Verdict v = ScriptSecurity.check(dir.resolve("nope.sh"), RunAs.ROOT);
        assertThat(v).isInstanceOf(Verdict.Missing.class);
        assertThat(((Verdict.Missing) v).reason()).endsWith("nope.sh: No such file or directory");
    }

    @Test
    void relativePathIsRejected() {
        assertThat(ScriptSecurity.check(Path.of("check.sh"), RunAs.ROOT)).isInstanceOf(Verdict.Missing.class);
    }

    @Test
    void notExecutableByTheRunAsUser() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chmod(dir, "rwxr-xr-x");
        chmod(script, "rwxr--r--");
        assertThat(ScriptSecurity.check(script, nobody))
                .isEqualTo(new Verdict.Missing(script + " is not executable by uid " + nobody.uid()));
        chmod(script, "rw-r--r--");
        assertThat(ScriptSecurity.check(script, RunAs.ROOT)).isInstanceOf(Verdict.Missing.class);
    }

    @Test
    void directoryNotSearchableByTheRunAsUser() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chmod(dir, "rwx------");
        assertThat(ScriptSecurity.check(script, nobody))
                .isEqualTo(new Verdict.Missing(dir + " is not accessible by uid " + nobody.uid()));
        chmod(dir, "rwx--x--x");
        assertThat(ScriptSecurity.check(script, nobody)).isEqualTo(new Verdict.Ok(script));
    }

    @Test
    void rootRunScriptOwnedByAnotherUserIsInsecure() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chown(script, nobody.uid());
        assertThat(ScriptSecurity.check(script, RunAs.ROOT))
                .isEqualTo(new Verdict.Insecure(script + " is not owned by root"));
        // The same file is fine for a non-root user.
        chmod(dir, "rwxr-xr-x");
        assertThat(ScriptSecurity.check(script, nobody)).isEqualTo(new Verdict.Ok(script));
    }

    @Test
    void groupOrOtherWritableComponentsAreInsecureForRoot() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chmod(script, "rwxr-xrwx");
        assertThat(ScriptSecurity.check(script, RunAs.ROOT))
                .isEqualTo(new Verdict.Insecure(script + " is writable by a non-root group or by others"));
        chmod(script, "rwxr-xr-x");
        chmod(dir, "rwxrwxrwx");
        assertThat(ScriptSecurity.check(script, RunAs.ROOT))
                .isEqualTo(new Verdict.Insecure(dir + " is writable by a non-root group or by others"));
        // Sticky directories are allowed, like /tmp.
        Files.setAttribute(dir, "unix:mode", 01777);
        assertThat(ScriptSecurity.check(script, RunAs.ROOT)).isEqualTo(new Verdict.Ok(script));
        // Group-writable is fine when the group is root.
        chmod(dir, "rwxrwxr-x");
        assertThat(ScriptSecurity.check(script, RunAs.ROOT)).isEqualTo(new Verdict.Ok(script));
        Files.setAttribute(dir, "unix:gid", nobody.gid());
        assertThat(ScriptSecurity.check(script, RunAs.ROOT)).isInstanceOf(Verdict.Insecure.class);
    }

    @Test
    void setuidRootFileIsCheckedAsRootEvenForAnotherUser() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chmod(dir, "rwxrwxrwx");
        Files.setAttribute(script, "unix:mode", 04755);
        assertThat(ScriptSecurity.check(script, nobody)).isInstanceOf(Verdict.Insecure.class);
        Files.setAttribute(script, "unix:mode", 0755);
        assertThat(ScriptSecurity.check(script, nobody)).isEqualTo(new Verdict.Ok(script));
    }

    @Test
    void symlinkedDirectoryIsInsecureEvenForNonRoot() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        chmod(dir, "rwxr-xr-x");
        Path link = Files.createSymbolicLink(dir.resolve("linkdir"), dir);
        Path viaLink = link.resolve("check.sh");
        assertThat(ScriptSecurity.check(viaLink, nobody))
                .isEqualTo(new Verdict.Insecure("path component " + link + " is a symlink"));
    }

    @Test
    void finalSymlinkIsResolvedAndTheTargetChecked() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        Path link = Files.createSymbolicLink(dir.resolve("alias.sh"), script);
        assertThat(ScriptSecurity.check(link, RunAs.ROOT)).isEqualTo(new Verdict.Ok(script));
        chown(script, nobody.uid());
        assertThat(ScriptSecurity.check(link, RunAs.ROOT)).isInstanceOf(Verdict.Insecure.class);
    }

    @Test
    void mergedUsrBinIsASymlinkAsKeepalivedFound() {
        assumeTrue(Files.isSymbolicLink(Path.of("/bin")), "/bin is a real directory here");
        assertThat(ScriptSecurity.check(Path.of("/bin/true"), RunAs.ROOT))
                .isEqualTo(new Verdict.Insecure("path component /bin is a symlink"));
        assertThat(ScriptSecurity.check(Path.of("/usr/bin/true"), RunAs.ROOT)).isInstanceOf(Verdict.Ok.class);
    }

    @Test
    void examineNamesTheKindAndThePathItIsAbout() throws Exception {
        assumeTrue(ScriptTesting.isRoot());
        Path missing = dir.resolve("nope.sh");
        assertThat(ScriptSecurity.examine(missing, RunAs.ROOT).problem())
                .contains(new ScriptSecurity.Problem(ScriptSecurity.Kind.NO_SUCH_FILE, missing));
        chmod(dir, "rwxrwxrwx");
        assertThat(ScriptSecurity.examine(script, RunAs.ROOT).problem())
                .contains(new ScriptSecurity.Problem(ScriptSecurity.Kind.OTHER_WRITABLE, dir));
        chmod(dir, "rwxrwxr-x");
        Files.setAttribute(dir, "unix:gid", nobody.gid());
        assertThat(ScriptSecurity.examine(script, RunAs.ROOT).problem())
                .contains(new ScriptSecurity.Problem(ScriptSecurity.Kind.GROUP_WRITABLE, dir));
        assertThat(ScriptSecurity.Kind.GROUP_WRITABLE.insecure()).isTrue();
        assertThat(ScriptSecurity.Kind.NOT_EXECUTABLE.insecure()).isFalse();
        chmod(dir, "rwxr-xr-x");
        assertThat(ScriptSecurity.examine(script, RunAs.ROOT)).isEqualTo(new ScriptSecurity.Finding(script, Optional.empty()));
    }

    @Test
    void searchPathIsSilentAndSkipsEmptyEntries() {
        assertThat(ScriptSecurity.searchPath("sh", "/nonexistent::/usr/bin")).contains(Path.of("/usr/bin/sh"));
        assertThat(ScriptSecurity.searchPath("no-such-cmd-kv", "/usr/bin")).isEmpty();
    }

    @Test
    void bareNamesAreResolvedThroughPath() {
        assertThat(ScriptSecurity.resolveCommand("sh", "/nonexistent:/bin")).contains(Path.of("/bin/sh"));
        assertThat(ScriptSecurity.resolveCommand("no-such-cmd-kv", "/bin")).isEmpty();
        assertThat(ScriptSecurity.resolveCommand("/usr/bin/../bin/true", "")).contains(Path.of("/usr/bin/true"));
    }
}
