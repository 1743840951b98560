package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** global_defs' include_check and random_seed, as keepalived's lib/parser.c applies them while reading. */
class IncludeCheckAndSeedTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";
    private static final String INSTANCE = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
            + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";

    private static ParseResult parse(MemorySource src) {
        return ConfigParser.parse(MAIN, src, null);
    }

    private static List<String> findings(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static boolean hasError(ParseResult r, String text) {
        return r.diagnostics().stream().anyMatch(d -> d.format().contains("error") && d.format().contains(text));
    }

    private static boolean hasWarning(ParseResult r, String text) {
        return r.diagnostics().stream().anyMatch(d -> d.format().contains("warning") && d.format().contains(text));
    }

    @Test
    void withoutIncludeCheckAMissingIncludeIsAWarning() {
        ParseResult r = parse(new MemorySource().file(MAIN, "include /etc/keepvip/missing.conf\n" + INSTANCE));
        assertThat(hasWarning(r, "matches no file")).as(findings(r).toString()).isTrue();
        assertThat(hasError(r, "matches no file")).isFalse();
    }

    @Test
    void bareIncludeCheckMakesEveryCheckAnError() {
        ParseResult r = parse(new MemorySource().file(MAIN, "global_defs {\n include_check\n}\n"
                + "include /etc/keepvip/missing.conf\ninclude /etc/keepvip/conf.d/*.conf\n" + INSTANCE));
        assertThat(r.diagnostics().stream().filter(d -> d.format().contains("error")
                && d.format().contains("matches no file")).count()).as(findings(r).toString()).isEqualTo(2);
    }

    @Test
    void matchLeavesAWildcardThatMatchesNothingAlone() {
        ParseResult r = parse(new MemorySource().file(MAIN, "global_defs {\n include_check match\n}\n"
                + "include /etc/keepvip/missing.conf\ninclude /etc/keepvip/conf.d/*.conf\n" + INSTANCE));
        assertThat(hasError(r, "'/etc/keepvip/missing.conf' matches no file")).as(findings(r).toString()).isTrue();
        assertThat(hasWarning(r, "'/etc/keepvip/conf.d/*.conf' matches no file")).as(findings(r).toString()).isTrue();
    }

    @Test
    void plusAndMinusAddAndRemoveOneCheck() {
        ParseResult r = parse(new MemorySource().file(MAIN, "global_defs {\n include_check +wildcard_match -match\n}\n"
                + "include /etc/keepvip/missing.conf\ninclude /etc/keepvip/conf.d/*.conf\n" + INSTANCE));
        assertThat(hasWarning(r, "'/etc/keepvip/missing.conf' matches no file")).as(findings(r).toString()).isTrue();
        assertThat(hasError(r, "'/etc/keepvip/conf.d/*.conf' matches no file")).as(findings(r).toString()).isTrue();
    }

    @Test
    void itAppliesFromItsLineOnAndASettingInsideAnIncludeEndsWithIt() {
        MemorySource src = new MemorySource()
                .file(MAIN, "include /etc/keepvip/a.conf\ninclude /etc/keepvip/missing1.conf\n"
                        + "global_defs {\n include_check\n}\ninclude /etc/keepvip/missing2.conf\n" + INSTANCE)
                .file("/etc/keepvip/a.conf", "global_defs {\n include_check\n}\ninclude /etc/keepvip/missing0.conf\n");
        ParseResult r = parse(src);
        assertThat(hasError(r, "missing0.conf' matches no file")).as(findings(r).toString()).isTrue();
        assertThat(hasWarning(r, "missing1.conf' matches no file")).as(findings(r).toString()).isTrue();
        assertThat(hasError(r, "missing2.conf' matches no file")).as(findings(r).toString()).isTrue();
    }

    @Test
    void badWordsAreKeepalivedsErrors() {
        ParseResult r = parse(new MemorySource().file(MAIN, "global_defs {\n include_check read sometimes\n"
                + " include_check exists\n}\n" + INSTANCE));
        assertThat(findings(r)).anyMatch(m -> m.contains("Duplicate include_check 'sometimes' specified - ignoring"))
                .anyMatch(m -> m.contains("Unknown include_check type 'exists' - ignoring"));
    }

    @Test
    void randomSeedMakesRandomRepeatableWithGlibcsValues() {
        // glibc: srandom(7); random() -> 1045618677, 1863967299 (gcc, Debian 12); each draw is random() % (max - min + 1) + min.
        String text = "global_defs {\n random_seed 7\n router_id r${_RANDOM}\n}\n"
                + "$B=${_RANDOM 100 199}\n"
                + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n priority $B\n"
                + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
        MemorySource src = new MemorySource().file(MAIN, text);
        src.nextRandom = 5; // the unseeded source: must not be asked
        ParseResult r = parse(src);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().global().routerId()).isEqualTo("r" + (1045618677L % 32768));
        assertThat(r.config().instances().get(0).priority()).isEqualTo((int) (1863967299L % 100 + 100));
    }

    @Test
    void glibcRandomMatchesGlibcForOtherSeeds() {
        // gcc on Debian 12: srandom(0) and srandom(1) give the same sequence; srandom(4294967295) its own.
        GlibcRandom zero = new GlibcRandom(0);
        assertThat(List.of(zero.next(), zero.next(), zero.next())).containsExactly(1804289383L, 846930886L, 1681692777L);
        GlibcRandom max = new GlibcRandom(4294967295L);
        assertThat(List.of(max.next(), max.next(), max.next())).containsExactly(254925627L, 1205188300L, 366127624L);
    }

    @Test
    void withoutASeedTheSourceDraws() {
        MemorySource src = new MemorySource().file(MAIN, "global_defs {\n router_id r${_RANDOM}\n}\n" + INSTANCE);
        src.nextRandom = 1234;
        assertThat(parse(src).config().global().routerId()).isEqualTo("r1234");
    }

    @Test
    void anInvalidSeedIsKeepalivedsError() {
        ParseResult r = parse(new MemorySource().file(MAIN, "global_defs {\n random_seed 4294967296\n}\n" + INSTANCE));
        assertThat(findings(r)).anyMatch(m -> m.contains("error") && m.contains("random_seed 4294967296 invalid"));
    }
}
