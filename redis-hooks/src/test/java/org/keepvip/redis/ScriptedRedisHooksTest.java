package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScriptedRedisHooksTest {

    @Test
    void replaysHealthAndResultsAndRecordsCalls() {
        RedisEndpoint ep = RedisEndpoint.of("198.51.100.1", 6379);
        RedisHealth ok = ScriptedRedisHooks.healthFromInfo(ep, Snapshots.master(Snapshots.R1, 10, 1, 100));
        RedisHealth loading = ScriptedRedisHooks.healthFromInfo(ep, Snapshots.loading(Snapshots.master(Snapshots.R1, 10, 1, 1)));
        try (ScriptedRedisHooks h = new ScriptedRedisHooks(ep, ok)) {
            h.thenHealth(loading).thenResult(new HookResult.Refused("guard"));
            assertThat(h.check().verdict()).isInstanceOf(Verdict.NotReady.class);
            assertThat(h.check().verdict()).isInstanceOf(Verdict.NotReady.class);
            assertThat(h.promote(Optional.empty(), Duration.ofSeconds(1))).isInstanceOf(HookResult.Refused.class);
            assertThat(h.fence(Duration.ofSeconds(5), Optional.empty())).isInstanceOf(HookResult.Done.class);
            assertThat(h.calls()).containsExactly("check", "check", "promote", "fence 5000ms");
        }
    }
}
