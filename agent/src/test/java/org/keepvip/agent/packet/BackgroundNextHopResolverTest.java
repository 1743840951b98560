package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundNextHopResolverTest {
    static final InterfaceInfo ETH0 = new InterfaceInfo("eth0", 2, MacAddress.parse("02:00:00:01:00:0a"),
            Optional.empty(), Optional.empty());
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:01:00:0b");

    @Test
    void aBlockedLookupNeverHoldsTheCallerBeyondTheFirstWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InetAddress dead = InetAddress.getByName("192.0.2.99");
        try (var r = new BackgroundNextHopResolver((i, p) -> {
            await(release);
            return Optional.empty();
        }, Duration.ofSeconds(1), Duration.ofMillis(20))) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                assertThat(r.resolve(ETH0, dead)).isEmpty();
            }
            // one first wait of 20 ms, then immediate answers: far below 10 blocked lookups
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
            release.countDown();
        }
    }

    @Test
    void servesTheCachedMacAndKeepsItWhenARefreshFails() throws Exception {
        InetAddress peer = InetAddress.getByName("192.0.2.11");
        AtomicReference<Optional<MacAddress>> answer = new AtomicReference<>(Optional.of(PEER_MAC));
        AtomicInteger lookups = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        try (var r = new BackgroundNextHopResolver((i, p) -> {
            lookups.incrementAndGet();
            return answer.get();
        }, Duration.ofSeconds(1), Duration.ofSeconds(2), now::get)) {
            assertThat(r.resolve(ETH0, peer)).contains(PEER_MAC); // the first request waits for its lookup
            assertThat(r.resolve(ETH0, peer)).contains(PEER_MAC);
            assertThat(lookups).hasValue(1); // fresh: no new lookup

            answer.set(Optional.empty()); // the peer stops answering ARP
            now.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(r.resolve(ETH0, peer)).contains(PEER_MAC);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lookups.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(lookups).hasValue(2);
            assertThat(r.resolve(ETH0, peer)).as("last known MAC kept").contains(PEER_MAC);
        }
    }

    @Test
    void primingFillsTheCacheBeforeTheFirstAdvert() throws Exception {
        InetAddress peer = InetAddress.getByName("192.0.2.12");
        CountDownLatch looked = new CountDownLatch(1);
        try (var r = new BackgroundNextHopResolver((i, p) -> {
            looked.countDown();
            return Optional.of(PEER_MAC);
        }, Duration.ofSeconds(1), Duration.ZERO)) {
            r.prime(ETH0, peer);
            assertThat(looked.await(5, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Optional<MacAddress> mac = Optional.empty();
            while (mac.isEmpty() && System.nanoTime() < deadline) {
                mac = r.resolve(ETH0, peer);
            }
            assertThat(mac).contains(PEER_MAC);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
