package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.state.Fx.S;
import static org.keepvip.vrrp.state.Fx.cfg;
import static org.keepvip.vrrp.state.Fx.started;

import java.util.List;
import org.junit.jupiter.api.Test;

/** track_file arithmetic (keepalived/trackers/track_file.c) and how an instance weighs a file's value. */
class FileValueTest {
    private static final long T0 = 1_000 * S;

    @Test
    void statusIsValueTimesWeightLimitedTo253AndFaultAtMinus254() {
        assertThat(FileValue.status(3, 10, false)).isEqualTo(30);
        assertThat(FileValue.status(3, 10, true)).isEqualTo(-30);
        assertThat(FileValue.status(-2, -5, false)).isEqualTo(10);
        assertThat(FileValue.status(100, 10, false)).isEqualTo(253);
        assertThat(FileValue.status(-25, 10, false)).isEqualTo(-250);
        assertThat(FileValue.status(-26, 10, false)).isEqualTo(FileValue.FAULT);
        assertThat(FileValue.status(-254, 1, false)).isEqualTo(FileValue.FAULT);
        assertThat(FileValue.status(-253, 1, false)).isEqualTo(-253);
        assertThat(FileValue.status(Integer.MAX_VALUE + 1L, 254, false)).isEqualTo(253);
        assertThat(FileValue.status(Integer.MIN_VALUE, 254, false)).isEqualTo(FileValue.FAULT);
    }

    @Test
    void weightZeroFaultsOnNonZeroAndReverseOnZero() {
        assertThat(FileValue.status(0, 0, false)).isEqualTo(0);
        assertThat(FileValue.status(7, 0, false)).isEqualTo(FileValue.FAULT);
        assertThat(FileValue.status(-1, 0, false)).isEqualTo(FileValue.FAULT);
        assertThat(FileValue.status(0, 0, true)).isEqualTo(FileValue.FAULT);
        assertThat(FileValue.status(7, 0, true)).isEqualTo(0);
    }

    @Test
    void parseFollowsStrtolBase0() {
        assertThat(FileValue.parse("42\n")).isEqualTo(new FileValue.Parsed.Number(42, true));
        assertThat(FileValue.parse("  -17 trailing")).isEqualTo(new FileValue.Parsed.Number(-17, true));
        assertThat(FileValue.parse("+5")).isEqualTo(new FileValue.Parsed.Number(5, true));
        assertThat(FileValue.parse("0x1f")).isEqualTo(new FileValue.Parsed.Number(31, true));
        assertThat(FileValue.parse("0X1F")).isEqualTo(new FileValue.Parsed.Number(31, true));
        assertThat(FileValue.parse("010")).isEqualTo(new FileValue.Parsed.Number(8, true));
        assertThat(FileValue.parse("09")).isEqualTo(new FileValue.Parsed.Number(0, true)); // octal stops at 9
        assertThat(FileValue.parse("0x")).isEqualTo(new FileValue.Parsed.Number(0, true));
        assertThat(FileValue.parse("")).isEqualTo(new FileValue.Parsed.Number(0, false));
        assertThat(FileValue.parse("abc")).isEqualTo(new FileValue.Parsed.Number(0, false));
        assertThat(FileValue.parse("-")).isEqualTo(new FileValue.Parsed.Number(0, false));
        assertThat(FileValue.parse("2147483648")).isEqualTo(new FileValue.Parsed.Number(2147483648L, true));
        assertThat(FileValue.parse("2147483649")).isInstanceOf(FileValue.Parsed.OutOfRange.class);
        assertThat(FileValue.parse("-2147483649")).isInstanceOf(FileValue.Parsed.OutOfRange.class);
        assertThat(FileValue.parse("99999999999999999999999")).isInstanceOf(FileValue.Parsed.OutOfRange.class);
    }

    @Test
    void valueAdjustsPriorityAndMinus254MeansFault() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("file:f", 10, false))).build(), T0);
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.handle(new Event.TrackerValue(T0, "file:f", 3));
        assertThat(i.effectivePriority()).isEqualTo(130);
        i.handle(new Event.TrackerValue(T0, "file:f", -5));
        assertThat(i.effectivePriority()).isEqualTo(50);
        i.handle(new Event.TrackerValue(T0, "file:f", 100));
        assertThat(i.effectivePriority()).isEqualTo(254); // 100 + 253, clamped to 254
        i.handle(new Event.TrackerValue(T0, "file:f", -26));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        assertThat(i.effectivePriority()).isEqualTo(100); // a faulting file contributes nothing
        i.handle(new Event.TrackerValue(T0, "file:f", -25));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.effectivePriority()).isEqualTo(1);
    }

    @Test
    void weightZeroFileWaitsInInitThenFaultsOnNonZero() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("file:f", 0, false))).build(), T0);
        assertThat(i.state()).isEqualTo(VrrpState.INIT);
        i.handle(new Event.TrackerValue(T0, "file:f", 0));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.effectivePriority()).isEqualTo(100);
        i.handle(new Event.TrackerValue(T0, "file:f", 1));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        i.handle(new Event.TrackerValue(T0, "file:f", 0));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void ownerIgnoresTheValueButNotItsFault() {
        VrrpInstance i = started(cfg(255, 1).trackers(List.of(new TrackerSpec("file:f", 10, false))).build(), T0);
        i.handle(new Event.TrackerValue(T0, "file:f", 5));
        assertThat(i.effectivePriority()).isEqualTo(255);
        i.handle(new Event.TrackerValue(T0, "file:f", -30));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
    }

    @Test
    void reloadKeepsTheValue() {
        InstanceConfig c = cfg(100, 1).trackers(List.of(new TrackerSpec("file:f", 10, false))).build();
        VrrpInstance i = started(c, T0);
        i.handle(new Event.TrackerValue(T0, "file:f", 2));
        i.handle(new Event.Reload(T0 + S, cfg(100, 1).trackers(List.of(new TrackerSpec("file:f", 20, false))).build()));
        assertThat(i.effectivePriority()).isEqualTo(140);
    }
}
