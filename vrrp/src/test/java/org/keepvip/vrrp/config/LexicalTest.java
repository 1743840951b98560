package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pure pieces: comments, tokens, script split, IP literals, suggestions, braces. */
class LexicalTest {
    @Test
    void commentsOutsideDoubleQuotesOnly() {
        Diagnostics d = new Diagnostics();
        Origin o = new Origin("f", 1);
        assertThat(Lexer.decomment("auth_pass abc#def", o, d)).isEqualTo("auth_pass abc");
        assertThat(Lexer.decomment("auth_pass 'a!b'", o, d)).isEqualTo("auth_pass 'a");
        assertThat(Lexer.decomment("auth_pass \"a#b\" # c", o, d)).isEqualTo("auth_pass \"a#b\"");
        assertThat(Lexer.decomment("x a\\#b", o, d)).isEqualTo("x a#b");
        assertThat(d.toList()).isEmpty();
        Lexer.decomment("script \"abc", o, d);
        assertThat(d.toList()).extracting(Diagnostic::message).containsExactly("Unterminated quote 'script \"abc'");
    }

    @Test
    void tokensSplitBracesOutsideQuotes() {
        assertThat(Lexer.tokenize("kw { a \"b { c\" }")).extracting(Token::text)
                .containsExactly("kw", "{", "a", "b { c", "}");
        assertThat(Lexer.tokenize("x{y}")).extracting(Token::text).containsExactly("x", "{", "y", "}");
    }

    @Test
    void scriptSplitIsShellLikeWithoutAShell() {
        assertThat(ScriptSplitter.split("/p/s.sh 'a b' x", null)).containsExactly("/p/s.sh", "a b", "x");
        assertThat(ScriptSplitter.split("a\"b c\"'d'", null)).containsExactly("ab cd");
        assertThat(ScriptSplitter.split("x \\x41\\101\\n", null)).containsExactly("x", "AA\n");
        String[] err = new String[1];
        assertThat(ScriptSplitter.split("x 'open", err)).isNull();
        assertThat(err[0]).contains("unterminated single quote");
    }

    @Test
    void ipLiterals() {
        assertThat(IpLiteral.format(IpLiteral.parse("192.0.2.1"))).isEqualTo("192.0.2.1");
        assertThat(IpLiteral.format(IpLiteral.parse("2001:DB8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
        // Java turns IPv4-mapped IPv6 addresses into IPv4 ones.
        assertThat(IpLiteral.format(IpLiteral.parse("::ffff:192.0.2.1"))).isEqualTo("192.0.2.1");
        assertThat(IpLiteral.format(IpLiteral.parse("::"))).isEqualTo("::");
        assertThat(IpLiteral.format(IpLiteral.parse("fe80::1:0:0:1"))).isEqualTo("fe80::1:0:0:1");
        for (String bad : List.of("256.1.1.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", "::g",
                "eth0", "", "1.2.3.04444", ":1:2:3:4:5:6:7")) {
            assertThat(IpLiteral.parse(bad)).as(bad).isNull();
        }
        assertThat(IpLiteral.isLinkLocal6(IpLiteral.parse("fe80::1"))).isTrue();
    }

    @Test
    void suggestions() {
        List<String> known = List.of("nopreempt", "preempt", "priority", "vrrp_script");
        assertThat(Suggest.nearest("Nopreermpt", known)).isEqualTo("nopreempt");
        assertThat(Suggest.nearest("VRRP_SCRIPT", known)).isEqualTo("vrrp_script");
        assertThat(Suggest.nearest("prioirty", known)).isEqualTo("priority");
        assertThat(Suggest.nearest("xyz", known)).isNull();
    }

    @Test
    void braceExpansion() {
        assertThat(BraceExpansion.expand("/a/{x,y}/{1,2}.conf")).containsExactly("/a/x/1.conf", "/a/x/2.conf",
                "/a/y/1.conf", "/a/y/2.conf");
        assertThat(BraceExpansion.expand("/a/{x}.conf")).containsExactly("/a/{x}.conf");
    }

    @Test
    void durations() {
        assertThat(Durations.format(java.time.Duration.ofMillis(250))).isEqualTo("0.25");
        assertThat(Durations.format(java.time.Duration.ofSeconds(5))).isEqualTo("5");
    }
}
