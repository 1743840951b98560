package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** reload_time_file's line, as keepalived's parse_datetime() reads it. */
class ReloadTimeTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** 2026-12-06 10:30:00 in Paris (UTC+1). */
    static final Instant NOW = ZonedDateTime.of(2026, 12, 6, 10, 30, 0, 0, PARIS).toInstant();

    static long epoch(int y, int mo, int d, int h, int mi, int s, ZoneId z) {
        return ZonedDateTime.of(y, mo, d, h, mi, s, 0, z).toEpochSecond();
    }

    @Test
    void aTimeAloneIsTodayOrTomorrowInLocalTimeOrUtc() {
        assertThat(ReloadTime.parse("11:00:00", NOW, PARIS))
                .isEqualTo(new ReloadTime.At(epoch(2026, 12, 6, 11, 0, 0, PARIS), false));
        assertThat(ReloadTime.parse("10:00:00", NOW, PARIS)).as("passed today: tomorrow")
                .isEqualTo(new ReloadTime.At(epoch(2026, 12, 7, 10, 0, 0, PARIS), false));
        assertThat(ReloadTime.parse("10:00:00Z", NOW, PARIS)).as("10:00 UTC is 11:00 in Paris, still to come")
                .isEqualTo(new ReloadTime.At(epoch(2026, 12, 6, 10, 0, 0, ZoneOffset.UTC), false));
    }

    @Test
    void datesWithTwoOrFourDigitYears() {
        assertThat(ReloadTime.parse("2026-12-24 23:59:59", NOW, PARIS))
                .isEqualTo(new ReloadTime.At(epoch(2026, 12, 24, 23, 59, 59, PARIS), true));
        assertThat(ReloadTime.parse("27-01-02 03:04:05Z", NOW, PARIS))
                .isEqualTo(new ReloadTime.At(epoch(2027, 1, 2, 3, 4, 5, ZoneOffset.UTC), true));
    }

    @Test
    void refusalsInKeepalivedsWords() {
        assertThat(ReloadTime.parse("1:00:00", NOW, PARIS)).isEqualTo(new ReloadTime.Refused(
                "Reload time 1:00:00 format is incorrect - ignoring\nInvalid reload time '1:00:00' specified - ignoring",
                false));
        assertThat(((ReloadTime.Refused) ReloadTime.parse("24:00:00", NOW, PARIS)).log())
                .startsWith("Reload date/time 24:00:00 invalid - ignoring");
        assertThat(((ReloadTime.Refused) ReloadTime.parse("2027-02-30 10:00:00", NOW, PARIS)).log())
                .startsWith("Reload time 2027-02-30 10:00:00 is not valid - ignoring");
        assertThat(((ReloadTime.Refused) ReloadTime.parse(" 2026-12-24 10:00:00", NOW, PARIS)).log())
                .as("no leading blank").contains("format is incorrect");
        ReloadTime.Refused past = (ReloadTime.Refused) ReloadTime.parse("2026-12-06 10:29:59", NOW, PARIS);
        assertThat(past.past()).isTrue();
        assertThat(past.log()).isEqualTo("Reload time 2026-12-06 10:29:59 is in the past - ignoring\n"
                + "Reload date/time is in the past - ignoring");
        // 02:30 on 2027-03-28 does not exist in Paris (clocks go from 02:00 to 03:00).
        assertThat(((ReloadTime.Refused) ReloadTime.parse("2027-03-28 02:30:00", NOW, PARIS)).log())
                .startsWith("Reload time 2027-03-28 02:30:00 is not valid - ignoring");
    }
}
