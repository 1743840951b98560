package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The man pages and completion BuildDocs writes at package, as the packages install them: every
 * command has a page that man renders without a warning, and both shells complete from the files.
 */
class BuildDocsTest {
    @TempDir
    static Path out;

    @BeforeAll
    static void build() throws IOException {
        BuildDocs.write(Path.of("../docs/man").toAbsolutePath().normalize(), out, "9.9.9-TEST");
    }

    record Result(int exit, String out, String err) {}

    private static Result run(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Path stdout = Files.createTempFile(out, "out", ".txt");
        Path stderr = Files.createTempFile(out, "err", ".txt");
        Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv + ": " + Files.readString(stdout));
        }
        return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void oneSectionEightPageForKeepvipAndEachCommandAndTheConfigurationPage() throws IOException {
        try (var s = Files.list(out.resolve("man"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("keepvip.8",
                    "keepvip-run.8", "keepvip-check-config.8", "keepvip-status.8", "keepvip-reload.8",
                    "keepvip-switchover.8", "keepvip-events.8", "keepvip.conf.5");
        }
        String run = Files.readString(out.resolve("man/keepvip-run.8"));
        assertThat(run).startsWith(".\\\" Generated").contains(".TH KEEPVIP\\-RUN 8 \"\" \"keepvip 9.9.9-TEST\"",
                ".SH SIGNALS", ".SH EXIT STATUS", "\\fB\\%\\-V\\fR, \\fB\\%\\-\\-dont\\-release\\-vrrp\\fR");
    }

    @Test
    void everyPageRendersWithoutAWarning() throws Exception {
        assumeTrue(onPath("man"), "man not found: skipped (apt-get install man-db groff-base)");
        try (var s = Files.list(out.resolve("man"))) {
            for (Path page : s.toList()) {
                Result r = run(List.of("man", "--warnings", "-l", page.toString()), Map.of("MANWIDTH", "80"));
                assertThat(r.exit()).as("%s: %s", page, r.err()).isZero();
                assertThat(r.err()).as("man --warnings -l %s", page.getFileName()).isEmpty();
                assertThat(r.out()).as("%s", page).contains("NAME", "SEE ALSO");
            }
        }
        Result keepvip = run(List.of("man", "-l", out.resolve("man/keepvip.8").toString()),
                Map.of("MANWIDTH", "80", "MANPAGER", "cat"));
        // Every command, with its page named; the options as --help has them.
        for (String c : List.of("run", "check-config", "status", "reload", "switchover")) {
            assertThat(keepvip.out()).contains("keepvip-" + c + "(8)");
        }
        assertThat(keepvip.out()).contains("-t, --config-test", "--signum=SIGFUNC", "-v, --version");
    }

    @Test
    void bashCompletesCommandsAndVisibleOptionsOnly() throws Exception {
        assumeTrue(onPath("bash"), "bash not found");
        String script = out.resolve("completion/keepvip.bash").toString();
        assertThat(Files.readString(Path.of(script))).as("sourced, not run: no #!").doesNotStartWith("#!");
        String probe = "source '" + script + "'; compopt() { :; }\n"
                + "c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _complete_keepvip;"
                + " echo \"${COMPREPLY[*]}\"; }\n"
                + "c keepvip sw\nc keepvip run --dont-release-v\nc keepvip run -S loc\nc keepvip run --snm\n"
                + "c keepvip status --js\n";
        Result r = run(List.of("bash", "--norc", "-c", probe), Map.of());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out().lines()).containsExactly("switchover", "--dont-release-vrrp",
                "local0 local1 local2 local3 local4 local5 local6 local7", "", "--json");
    }

    @Test
    void zshCompletesThroughItsFunctionFile() throws Exception {
        assumeTrue(onPath("zsh"), "zsh not found: skipped (apt-get install zsh)");
        Path fpath = Files.createDirectories(out.resolve("zsh-functions"));
        Files.copy(out.resolve("completion/_keepvip"), fpath.resolve("_keepvip"));
        assertThat(Files.readString(fpath.resolve("_keepvip"))).startsWith("#compdef keepvip\n")
                .as("no option of the user's shell is changed").doesNotContain("COMPLETE_ALIASES", "alias compopt");
        // An interactive zsh in a pseudo-terminal, as a user has it: Tab after a prefix; zpty -r with a
        // pattern waits for the completed word (or the 30 s limit of run()).
        String script = "zmodload zsh/zpty\n"
                + "zpty z 'zsh -f -i'\n"
                + "zpty -w z \"PS1='> '; fpath=(" + fpath + " \\$fpath); autoload -U compinit;"
                + " compinit -u -d " + out.resolve("zcompdump") + "; keepvip() { :; }\"\n"
                + "zpty -w -n z $'keepvip run --dont-release-v\\t'\n"
                + "zpty -r z seen '*--dont-release-vrrp*' && print completed-run-option\n"
                + "zpty -w -n z $'\\C-u keepvip swi\\t'\n"
                + "zpty -r z seen '*keepvip switchover*' && print completed-command\n"
                + "zpty -d z\n";
        Result r = run(List.of("zsh", "-f", "-c", script), Map.of("TERM", "dumb"));
        assertThat(r.out().lines()).as("%s", r).containsExactly("completed-run-option", "completed-command");
    }
}
