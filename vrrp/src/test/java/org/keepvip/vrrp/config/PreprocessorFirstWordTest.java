package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** firstWord replaced {@code s.split("[ \t]", 2)[0]} on every line: it must give the same word. */
class PreprocessorFirstWordTest {
    @Test
    void sameAsTheSplitItReplaced() {
        for (String s : new String[] {"include /etc/x", "include\t/etc/x", "vrrp_instance", "a b c", "\tlead",
                " lead", "x\t", "includex y", "", "a  b", "\t \t"}) {
            assertThat(Preprocessor.firstWord(s)).as("[%s]", s).isEqualTo(s.split("[ \t]", 2)[0]);
        }
    }
}
