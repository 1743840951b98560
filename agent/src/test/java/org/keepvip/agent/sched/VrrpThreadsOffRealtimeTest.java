package org.keepvip.agent.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.unix.Libc;

/** {@link VrrpThreads#offRealtime} on a real thread of this JVM (SCHED_RR needs root or CAP_SYS_NICE). */
class VrrpThreadsOffRealtimeTest {
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_RR = 2;
    private static final int RESET_ON_FORK = 0x4000_0000;

    @Test
    void aRealtimeThreadRunsTheWorkInTheDefaultPolicyAndGetsItsOwnBackAfterAFailureToo() throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                try {
                    Libc.sched_setscheduler(0, SCHED_RR | RESET_ON_FORK, new int[] {3});
                } catch (LastErrorException e) {
                    failure[0] = new org.opentest4j.TestAbortedException("no real-time policy here: " + e);
                    return;
                }
                int[] inside = new int[1];
                VrrpThreads.offRealtime(() -> inside[0] = Libc.sched_getscheduler(0));
                assertEquals(SCHED_OTHER, inside[0] & ~RESET_ON_FORK, "in the default policy while it runs");
                assertEquals(SCHED_RR | RESET_ON_FORK, Libc.sched_getscheduler(0), "its policy back after");
                int[] prio = new int[1];
                Libc.sched_getparam(0, prio);
                assertEquals(3, prio[0], "and its priority");
                assertThrows(IllegalStateException.class, () -> VrrpThreads.offRealtime(() -> {
                    throw new IllegalStateException("a demote that failed");
                }));
                assertEquals(SCHED_RR | RESET_ON_FORK, Libc.sched_getscheduler(0), "back after a failure too");
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof org.opentest4j.TestAbortedException a) {
            Assumptions.abort(a.getMessage());
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void aDefaultPolicyThreadRunsTheWorkAsItIs() throws Exception {
        int[] inside = new int[1];
        VrrpThreads.offRealtime(() -> inside[0] = Libc.sched_getscheduler(0));
        assertEquals(SCHED_OTHER, inside[0] & ~RESET_ON_FORK);
    }
}
