package org.keepvip.agent.packet;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CauseCountersTest {
    private final CauseCounters<DropReason> c =
            new CauseCounters<>(DropReason.class, LoggerFactory.getLogger(CauseCountersTest.class), "eth0");

    @Test
    void countsPerCauseAndReportsOnlyTheFirstOfEach() {
        assertThat(c.count(DropReason.NOT_VRRP, "protocol 17")).isTrue();
        assertThat(c.count(DropReason.NOT_VRRP, "protocol 17")).isFalse();
        assertThat(c.count(DropReason.FRAGMENT, "MF")).isTrue();
        assertThat(c.get(DropReason.NOT_VRRP)).isEqualTo(2);
        assertThat(c.get(DropReason.IP_TRUNCATED)).isZero();
        assertThat(c.total()).isEqualTo(3);
        assertThat(c.snapshot()).containsExactly(Map.entry(DropReason.FRAGMENT, 1L), Map.entry(DropReason.NOT_VRRP, 2L));

        c.rearmLogging();
        assertThat(c.count(DropReason.NOT_VRRP, "again")).isTrue();
    }

    @Test
    void concurrentCountsAreNotLost() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.count(DropReason.IP_TRUNCATED, "x");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(c.get(DropReason.IP_TRUNCATED)).isEqualTo(40_000);
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }
}
