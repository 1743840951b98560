package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.daemon.VipSpec;

/**
 * Where the runtime switches refusal on and off, with recording ports: right before every remove
 * (stopped again at once for addresses that were not there, as in the start-up clean-up), and off
 * before every add, each on the instance's hook lane so that the kernel never adds an address while
 * it is being refused.
 */
class RefusalOrderTest {

    @Test
    void refusalStartsRightBeforeTheDeleteAndStopsBeforeTheVipReturns() throws Exception {
        Recorder calls = new Recorder();
        VipSpec spec = OneInstance.SPEC;
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(OneInstance.machine(), OneInstance.wire(),
                OneInstance.expectations(), List.of(spec), FakePorts.packets(), FakePorts.vips(calls),
                FakePorts.refusals(calls, Duration.ofSeconds(10)), null, (i, s, p) -> { }, loop::post);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            calls.await("add ");
            loop.post(OneInstance.higherPriorityAdvert());
            calls.await("remove " + List.of(spec) + " -> " + List.of(spec));
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).as("the lane finished what it was given").isTrue();
            runtime.close();
        }
        List<String> seen = calls.seen();
        // Start-up clean-up: the VIP was not there, so the answering that began before the delete
        // stops at once; then the takeover stops it (again) right before the add.
        assertThat(seen).startsWith("refuse VI_1 " + List.of(spec), "remove " + List.of(spec) + " -> []",
                "stop refusing " + List.of(spec), "stop refusing " + List.of(spec), "add " + List.of(spec));
        int release = seen.indexOf("remove " + List.of(spec) + " -> " + List.of(spec));
        assertThat(seen.get(release - 1)).as("answering starts right before the delete").isEqualTo("refuse VI_1 " + List.of(spec));
        assertThat(seen.subList(release + 1, seen.size())).as("and is not stopped after a real release")
                .noneMatch(s -> s.startsWith("stop refusing"));
        assertThat(runtime.counters()).containsEntry("refused_syn", 2L);
    }
}
