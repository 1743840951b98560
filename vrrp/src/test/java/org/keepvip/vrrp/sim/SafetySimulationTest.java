package org.keepvip.vrrp.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Randomized, seeded runs of the in-memory LAN asserting keepvip's convergence property (with Redis for
 * instances with Redis hooks): once the network has been healthy long enough, exactly one MASTER per
 * VRID, the one keepalived would choose, holding the VIP, with a writable Redis that the backups
 * replicate from; and nothing changes any more. {@code -Dvrrp.sim.seed=N} replays one seed;
 * {@code -Dvrrp.sim.runs=N} changes the number of runs.
 */
class SafetySimulationTest {

    @Test
    void randomizedRunsConvergeToTheMasterKeepalivedWouldChoose() {
        String one = System.getProperty("vrrp.sim.seed");
        if (one != null) {
            assertThat(new RandomRun(Long.parseLong(one)).run()).isPositive();
            return;
        }
        int runs = Integer.getInteger("vrrp.sim.runs", 3000);
        long checks = 0;
        for (long seed = 1; seed <= runs; seed++) {
            checks += new RandomRun(seed).run();
        }
        // Each run checks every VRID after each of its three phases.
        assertThat(checks).isGreaterThanOrEqualTo(3L * runs);
        System.out.println("VRRP simulation: " + runs + " seeded runs, " + checks + " convergence checks passed");
    }

    @Test
    void randomizedSyncGroupRunsMoveBothVridsTogether() {
        String one = System.getProperty("vrrp.sim.groupSeed");
        if (one != null) {
            assertThat(new RandomGroupRun(Long.parseLong(one)).run()).isEqualTo(3);
            return;
        }
        int runs = Integer.getInteger("vrrp.sim.groupRuns", 1000);
        long checks = 0;
        for (long seed = 1; seed <= runs; seed++) {
            checks += new RandomGroupRun(seed).run();
        }
        assertThat(checks).isEqualTo(3L * runs);
        System.out.println("VRRP sync-group simulation: " + runs + " seeded runs, " + checks + " checks passed");
    }
}
