package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole configuration path: the preprocessor ({@code @ID},
 * {@code $VAR}, {@code ~SEQ}/{@code ~LST}, includes), the lexer, the tree builder, the block
 * parsers and the cross checks. As a plain test it replays the committed inputs in
 * {@code ConfigParseFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/testing.md).
 *
 * <p>An input is the main file's text; after a line {@value #SPLIT} comes the text of
 * {@code inc.conf} beside it, which the main file may include.
 */
class ConfigParseFuzzTest {
    static final String SPLIT = "#@@inc.conf@@";
    private static final String MAIN = "/etc/keepalived/keepalived.conf";

    @FuzzTest(maxDuration = "5m")
    void anyTextGivesDiagnosticsAndADumpThatReadsBackTheSame(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int split = text.indexOf("\n" + SPLIT + "\n");
        MemorySource source = new MemorySource();
        source.env.put("HOME", "/root");
        if (split >= 0) {
            source.file("/etc/keepalived/inc.conf", text.substring(split + SPLIT.length() + 2));
            text = text.substring(0, split + 1);
        }
        source.file(MAIN, text);

        ParseResult r = ConfigParser.parse(MAIN, source, null);
        for (Diagnostic d : r.diagnostics()) {
            assertThat(d.message()).as("a finding says what is wrong").isNotBlank()
                    .doesNotStartWith("internal parser error");
            assertThat(r.files()).as("%s points into a file that was read", d).contains(d.origin().file());
            String read = source.files.get(d.origin().file());
            int lines = read == null ? 0 : read.split("\n", -1).length;
            assertThat(d.origin().line()).as("%s names a line of its file (0: the whole file)", d).isBetween(0, lines);
        }
        if (r.config() == null) {
            assertThat(r.hasFatal()).isTrue();
            return;
        }
        // The effective configuration (-d) is a file keepvip reads back, to itself, with no error the
        // original did not have: none for a clean file; for one with errors, at most those that
        // describe what runs (an instance left without VIPs, two instances on one VRID).
        String dump = ConfigWriter.write(r.config());
        ParseResult again = ConfigParser.parse(MAIN, new MemorySource().file(MAIN, dump), null);
        java.util.Set<String> before = new java.util.HashSet<>();
        r.diagnostics().stream().filter(Diagnostic::isError).forEach(d -> before.add(d.message()));
        // Past Diagnostics.LIMIT findings the original's list is cut short, so it cannot be compared.
        if (r.diagnostics().size() <= Diagnostics.LIMIT) {
            assertThat(again.diagnostics()).as(dump).filteredOn(Diagnostic::isError)
                    .allMatch(d -> before.contains(d.message()), "an error the original file had too");
        }
        assertThat(ConfigWriter.write(again.config())).as("the dump of the dump").isEqualTo(dump);
    }
}
