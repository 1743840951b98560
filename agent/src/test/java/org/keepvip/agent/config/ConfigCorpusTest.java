package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every file in test resources {@code configs/} is checked with {@code check-config} and must give
 * exactly the exit code and diagnostics in its sibling {@code .expected} file (first line
 * {@code exit N}, then stderr). Regenerate with {@code -Dkeepvip.rewrite=true} and review the diff.
 */
class ConfigCorpusTest {
    @RegisterExtension
    static final CorpusScripts scripts = new CorpusScripts();

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        List<Path> files = CorpusSupport.confFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(40);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    private static void check(Path conf) throws IOException {
        if (Files.readString(conf, java.nio.charset.StandardCharsets.ISO_8859_1).contains("KV_SCRIPTS")) {
            Assumptions.assumeTrue(CorpusSupport.isRoot(), "script security expectations assume root-owned temp dirs");
        }
        List<String> args = new ArrayList<>(List.of("-f", conf.toString()));
        args.addAll(CorpusSupport.extraArgs(conf));
        CorpusSupport.Run r = CorpusSupport.run(scripts.checker(), args.toArray(String[]::new));
        String actual = "exit " + r.exit() + "\n" + CorpusSupport.normalize(r.err(), scripts.dir());
        Path expectedFile = Path.of(conf.toString().replaceAll("\\.conf$", ".expected"));
        if (Boolean.getBoolean("keepvip.rewrite")) {
            Files.writeString(expectedFile, actual);
        }
        assertThat(expectedFile).as("expectation file").exists();
        assertThat(actual).isEqualTo(Files.readString(expectedFile));
        assertThat(r.out()).as("stdout without --dump/--json").isEmpty();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
