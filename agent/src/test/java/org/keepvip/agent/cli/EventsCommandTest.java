package org.keepvip.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EventsCommandTest {
    private final EventsCommand.DurationConverter d = new EventsCommand.DurationConverter();

    @Test
    void sinceTakesTheUsualDurationWords() {
        assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(d.convert("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d.convert("45")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void anythingElseIsAClearUsageError() {
        for (String bad : new String[] {"", "m", "10x", "-5m", "1h 30m", "1.5h"}) {
            assertThatThrownBy(() -> d.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void aBadSinceIsAUsageError() {
        CommandLine cl = KeepvipCommand.newCommandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertThat(cl.execute("events", "--since", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
    }

    @Test
    void aDaemonThatIsNotRunningIsExitCodeThree() {
        CommandLine cl = KeepvipCommand.newCommandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute("events", "--socket", "/nonexistent/keepvip.sock");
        assertThat(code).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(err.toString()).contains("keepvip is not running");
    }
}
