package org.keepvip.e2e.lab;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: the way lab tests wait for the network, never a bare sleep. */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {}

    /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, POLL, what, condition);
    }

    /**
     * As {@link #until(Duration, String, BooleanSupplier)}, checking every {@code poll}: for a probe
     * that costs enough (e.g. a thousand addresses listed) to compete with what it watches.
     */
    public static void until(Duration timeout, Duration poll, String what, BooleanSupplier condition) {
        value(timeout, poll, what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits until {@code probe} gives a value and returns it; fails with {@code what} after {@code timeout}. */
    public static <T> T value(Duration timeout, String what, Supplier<Optional<T>> probe) {
        return value(timeout, POLL, what, probe);
    }

    /** As {@link #value(Duration, String, Supplier)}, probing every {@code poll}. */
    public static <T> T value(Duration timeout, Duration poll, String what, Supplier<Optional<T>> probe) {
        long pollNanos = poll.toNanos();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pollNanos);
        }
    }
}
