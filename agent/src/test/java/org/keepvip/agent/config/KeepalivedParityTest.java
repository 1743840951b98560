package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keepvip.vrrp.config.Diagnostic;

/**
 * check-config gives keepalived 2.2.7's {@code -t} exit code, and the substance of its message, on
 * keepalived's own doc/samples and on one crafted file per class of finding (test resources
 * {@code keepalived-parity/}, verdicts recorded in its {@code verdicts} file), except the
 * deliberate differences of docs/configuration.md, where keepvip's own code is asserted.
 * Where keepalived 2.2.7 itself is installed (and we are root), it is run too: on the parity
 * corpus to confirm the recording, and on the check-config corpus ({@code configs/}).
 */
class KeepalivedParityTest {
    static final Path PARITY = Path.of("src/test/resources/keepalived-parity").toAbsolutePath();
    /** keepalived -i for the recording: matches no {@code @ID} line of the samples. */
    static final String CONFIG_ID = "kv-parity-test";

    @RegisterExtension
    static final CorpusScripts scripts = new CorpusScripts();

    /** A recorded verdict: keepalived's exit code and the words check-config must report too. */
    record Verdict(String file, int exit, String phrase) {}

    /** Where keepvip's exit code differs on purpose: its own code, and why (docs/configuration.md). */
    record Different(int keepvip, String why) {}

    static final Map<String, Different> DIFFERENT = Map.of(
            "samples/keepalived.conf.fwmark", new Different(0, "LVS blocks are not checked (keepvip has no LVS)"),
            "samples/keepalived.conf.vrrp", new Different(5, "a duplicate VIP is an error"),
            "crafted/auth-type-ah.conf", new Different(5, "keepvip cannot speak AH: its peer would drop its adverts"),
            "crafted/includem-missing.conf", new Different(5, "keepalived 2.2.7 gives 6 for a missing includem file"),
            "crafted/missing-interface-and-script.conf",
            new Different(6, "keepvip reports the scripts too; keepalived stops at the missing interface"),
            "crafted/script-track-noexec-sec.conf",
            new Different(5, "keepalived ignores the tracker, keepvip would count it as failing"),
            "crafted/script-notify-unsafe-sec.conf",
            new Different(5, "keepalived disables the script, keepvip does not disable scripts when it runs"),
            "crafted/script-file-open-check.conf", new Different(5, "keepvip does not run shell redirections"));

    static List<Verdict> verdicts() throws IOException {
        List<Verdict> out = new ArrayList<>();
        for (String line : Files.readAllLines(PARITY.resolve("verdicts"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", 3);
            out.add(new Verdict(f[0], Integer.parseInt(f[1]), f.length > 2 ? f[2] : null));
        }
        return out;
    }

    @Test
    void everyParityFileHasAVerdict() throws IOException {
        Set<String> files = new TreeSet<>();
        for (String dir : List.of("samples", "crafted")) {
            try (Stream<Path> s = Files.list(PARITY.resolve(dir))) {
                s.forEach(p -> files.add(dir + "/" + p.getFileName()));
            }
        }
        assertThat(verdicts()).extracting(Verdict::file).containsExactlyInAnyOrderElementsOf(files);
        assertThat(files).filteredOn(f -> f.startsWith("samples/")).hasSize(25);
        assertThat(DIFFERENT.keySet()).isSubsetOf(files);
    }

    @TestFactory
    Stream<DynamicTest> sameVerdictsAsKeepalived() throws IOException {
        return verdicts().stream().map(v -> DynamicTest.dynamicTest(v.file(), () -> checkAgainst(v)));
    }

    private static void checkAgainst(Verdict v) throws IOException {
        Path file = PARITY.resolve(v.file());
        if (Files.readString(file, StandardCharsets.ISO_8859_1).contains("KV_SCRIPTS")) {
            Assumptions.assumeTrue(CorpusSupport.isRoot(), "script verdicts assume a root-owned scripts directory");
        }
        CheckResult r = scripts.checker().check(file.toString(), CONFIG_ID, KeepalivedLive.INTERFACES);
        Different d = DIFFERENT.get(v.file());
        assertThat(r.exitCode()).as("%s (keepalived 2.2.7: %d)%s", v.file(), v.exit(),
                d == null ? "" : ", deliberately different: " + d.why()).isEqualTo(d == null ? v.exit() : d.keepvip());
        if (v.phrase() != null) {
            assertThat(r.diagnostics()).extracting(Diagnostic::message).anyMatch(m -> m.contains(v.phrase()));
        }
        assertThat(r.diagnostics()).extracting(Diagnostic::message)
                .noneMatch(m -> m.contains("Exception") || m.contains("internal"));
    }

    /** The recording is keepalived 2.2.7's: run it again where it is installed. */
    @Test
    void recordingMatchesKeepalivedHere() throws Exception {
        Assumptions.assumeTrue(KeepalivedLive.available(), "keepalived, ip or root missing");
        Assumptions.assumeTrue(KeepalivedLive.version().contains("v2.2.7"), "another keepalived version");
        Path tmp = Files.createTempDirectory("kvparity");
        List<String> mismatches = new ArrayList<>();
        try (KeepalivedLive live = KeepalivedLive.start()) {
            for (Verdict v : verdicts()) {
                // keepalived 2.2.7 has no ${_ENV}: give it the path itself.
                String text = Files.readString(PARITY.resolve(v.file()), StandardCharsets.ISO_8859_1)
                        .replace("${_ENV KV_SCRIPTS}", scripts.dir().toString());
                Path copy = tmp.resolve(Path.of(v.file()).getFileName());
                Files.writeString(copy, text, StandardCharsets.ISO_8859_1);
                int theirs = live.configTest(copy, CONFIG_ID);
                if (theirs != v.exit()) {
                    mismatches.add(v.file() + ": recorded " + v.exit() + ", keepalived " + theirs);
                }
            }
        } finally {
            CorpusSupport.deleteTree(tmp);
        }
        assertThat(mismatches).isEmpty();
    }

    /** Where keepvip differs on purpose on the check-config corpus (docs/configuration.md). */
    private static final Map<String, String> CORPUS_DIFFERENT = Map.of(
            "err-bad-bool.conf", "keepalived 2.2.7 ignores vrrp_strict's argument",
            "err-binary-garbage.conf", "a binary file is fatal in keepvip",
            "err-duplicate-vip.conf", "a duplicate VIP is an error in keepvip",
            "err-duplicate-vip-instances.conf", "a duplicate VIP is an error in keepvip",
            "err-include-loop.conf", "keepalived skips the loop silently (too many open files)",
            "err-includem-nothing.conf", "keepalived 2.2.7 gives 6 for a missing includem file",
            "err-missing-argument.conf", "keepalived exits 2 at once",
            "warn-keepalived-sample.conf", "keepalived checks the LVS block that keepvip skips");

    /** The check-config corpus, live: same exit code as keepalived -t on every file it can read. */
    @Test
    void corpusSameExitCodesAsKeepalived() throws Exception {
        Assumptions.assumeTrue(KeepalivedLive.available(), "keepalived, ip or root missing");
        List<String> compared = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        try (KeepalivedLive live = KeepalivedLive.start()) {
            for (Path conf : CorpusSupport.confFiles()) {
                String name = conf.getFileName().toString();
                String text = new String(Files.readAllBytes(conf), StandardCharsets.ISO_8859_1);
                if (CORPUS_DIFFERENT.containsKey(name) || text.contains("redis") || text.contains("KV_SCRIPTS")
                        || text.startsWith("# args:")) {
                    continue; // keepvip's own keywords, or files that need keepvip's ${_ENV} or arguments
                }
                CheckResult ours = scripts.checker().check(conf.toString(), CONFIG_ID, KeepalivedLive.INTERFACES);
                int theirs = live.configTest(conf, CONFIG_ID);
                compared.add(name);
                if (theirs != ours.exitCode()) {
                    mismatches.add(name + ": keepalived " + theirs + ", keepvip " + ours.exitCode());
                }
            }
        }
        assertThat(compared).hasSizeGreaterThanOrEqualTo(30);
        assertThat(mismatches).isEmpty();
    }
}
