package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigSource;
import org.keepvip.vrrp.config.ConfigWriter;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.ParseResult;

/**
 * Seeded random mutations of the corpus produce diagnostics only: no exception escapes the
 * parser (it would turn into an "internal parser error"), the dumper or the security check.
 * And parsing time grows linearly with the input.
 */
class ConfigFuzzTest {
    private static final long SEED = 20261122L;
    private static final int ROUNDS = 2500;
    private static final String[] VOCAB = {"{", "}", "\"", "'", "#", "!", "\\", "$", "${", "$X=", "${_RANDOM 1 5}",
        "${_ENV HOME}", "~SEQ(i,1,1,3) ", "~LST(a,{1,2},3)", "@node1 ", "@^x ", "include ", "includea *.conf",
        "vrrp_instance", "vrrp_script", "global_defs", "virtual_ipaddress", "track_script", "redis_instance",
        "unicast_peer", "priority", "weight", "255", "0", "-254", "999999999999999999999", "1e9", "::", "::1/129",
        "192.0.2.1/33", "dev", "brd", "+", "state", "MASTER", "version 3", "authentication", "auth_type AH",
        "\0", "\r", "\t", "\u00e9", "\ud83d\ude00", "\uFFFD", "track_redis { r1 weight -300 }", "group {", "}}}}",
        "{{{{", "script \"/usr/bin/true 'unterminated", "address [::1]:0", "tls on", "lag_penalty fault"};

    /** Reads the main file from memory, everything else (includes) from disk. */
    private record OverlaySource(String main, String text, ConfigSource disk) implements ConfigSource {
        @Override
        public Content read(String path) {
            return path.equals(main) ? new Text(text) : disk.read(path);
        }

        @Override
        public List<String> glob(String pattern) {
            return disk.glob(pattern);
        }

        @Override
        public String hostName() {
            return "node1.example";
        }

        @Override
        public Optional<String> env(String name) {
            return disk.env(name);
        }

        @Override
        public long random(long min, long max) {
            return min;
        }
    }

    @Test
    void mutationsGiveDiagnosticsNeverExceptions() throws IOException {
        List<Path> files = CorpusSupport.confFiles();
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            texts.add(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        FileConfigSource disk = new FileConfigSource(Map.of("HOME", "/root"));
        ScriptDiagnostics security = new ScriptDiagnostics(Users.system(), Map.of());
        Random rnd = new Random(SEED);
        int withErrors = 0;
        int placed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int which = rnd.nextInt(texts.size());
            String mutated = mutate(texts.get(which), rnd);
            String main = files.get(which).toString();
            String context = "round " + round + " of seed " + SEED + " on " + files.get(which).getFileName();
            ParseResult r = ConfigParser.parse(main, new OverlaySource(main, mutated, disk), null);
            assertThat(r.diagnostics()).as(context)
                    .noneMatch(d -> d.message().startsWith("internal parser error"));
            if (r.config() != null) {
                assertThat(ConfigWriter.write(r.config())).as(context).isNotEmpty();
                security.check(r.config());
            }
            int lines = mutated.split("\n", -1).length;
            for (Diagnostic d : r.diagnostics()) {
                assertThat(d.format()).as(context).doesNotContain("\n");
                if (d.origin().file().equals(main)) {
                    assertThat(d.origin().line()).as("%s: %s names a line of the file (0: the whole file)", context, d)
                            .isBetween(0, lines);
                    placed += d.origin().line() > 0 ? 1 : 0;
                }
            }
            if (r.hasErrors()) {
                withErrors++;
            }
        }
        // The mutations must actually break things, or this test proves nothing.
        assertThat(withErrors).isGreaterThan(ROUNDS / 4);
        assertThat(placed).as("diagnostics placed on a line of the mutated file").isGreaterThan(ROUNDS / 4);
    }

    static String mutate(String text, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            int pos = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    int end = Math.min(sb.length(), pos + 1 + rnd.nextInt(40));
                    sb.delete(pos, end);
                }
                case 1 -> sb.insert(pos, VOCAB[rnd.nextInt(VOCAB.length)] + (rnd.nextBoolean() ? " " : "\n"));
                case 2, 3 -> {
                    List<String> lines = new ArrayList<>(Arrays.asList(sb.toString().split("\n", -1)));
                    int a = rnd.nextInt(lines.size());
                    int b = rnd.nextInt(lines.size());
                    if (rnd.nextBoolean()) {
                        lines.add(b, lines.get(a));
                    } else {
                        String t = lines.get(a);
                        lines.set(a, lines.get(b));
                        lines.set(b, t);
                    }
                    sb = new StringBuilder(String.join("\n", lines));
                }
                case 4 -> sb.setLength(pos);
                case 5 -> {
                    if (pos < sb.length()) {
                        sb.setCharAt(pos, (char) rnd.nextInt(rnd.nextBoolean() ? 128 : 0x3000));
                    }
                }
                default -> {
                    for (int k = rnd.nextInt(30); k > 0; k--) {
                        sb.insert(Math.min(pos, sb.length()), (char) rnd.nextInt(256));
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * Doubling the input twice must not multiply the work by much more than four: a complexity
     * guard, not a speed target. It compares this thread's CPU time, so a busy machine that
     * deschedules the test does not count as work.
     */
    @Test
    void parsingTimeIsLinear() {
        String small = instances(1500);
        String large = instances(6000);
        assertThat(large.length()).isGreaterThan(3 * small.length());
        for (int i = 0; i < 3; i++) {
            parseTime(small); // warm up the JIT
        }
        long ts = best(small);
        long tl = best(large);
        double ratio = (double) tl / ts;
        double sizeRatio = (double) large.length() / small.length();
        assertThat(ratio).as("time ratio %.1f for size ratio %.1f", ratio, sizeRatio).isLessThan(sizeRatio * 3);
    }

    private static long best(String text) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            best = Math.min(best, parseTime(text));
        }
        return best;
    }

    private static long parseTime(String text) {
        String main = "/fuzz/keepalived.conf";
        ConfigSource src = new OverlaySource(main, text, new FileConfigSource(Map.of()));
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = cpu.getCurrentThreadCpuTime();
        ParseResult r = ConfigParser.parse(main, src, null);
        long t = cpu.getCurrentThreadCpuTime() - t0;
        assertThat(r.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        return t;
    }

    static String instances(int n) {
        StringBuilder sb = new StringBuilder("global_defs {\n    router_id fuzz\n}\n");
        for (int i = 0; i < n; i++) {
            sb.append("vrrp_instance VI_").append(i).append(" {\n    interface eth").append(i)
                    .append("\n    virtual_router_id ").append(i % 255 + 1).append("\n    priority 100\n")
                    .append("    virtual_ipaddress {\n        2001:db8:").append(Integer.toHexString(i))
                    .append("::1/64 dev eth").append(i).append("\n    }\n}\n");
        }
        return sb.toString();
    }
}
