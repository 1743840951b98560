package org.keepvip.vrrp.config;

/**
 * glibc's {@code random()} after {@code srandom(seed)} (the default TYPE_3 additive generator,
 * glibc stdlib/random_r.c), so that {@code random_seed N} gives {@code ${_RANDOM}} the values
 * keepalived's {@code get_random()} (lib/parser.c) would draw from the same seed. Pure: no clock,
 * the seed is the whole state.
 */
final class GlibcRandom {
    private static final int DEGREE = 31;
    private static final int SEPARATION = 3;
    private final int[] state = new int[DEGREE];
    private int front = SEPARATION;
    private int rear;

    GlibcRandom(long seed) {
        int word = (int) seed; // srandom takes an unsigned int, glibc stores it as int32_t
        if (word == 0) {
            word = 1; // glibc: "We must make sure the seed is not 0."
        }
        state[0] = word;
        for (int i = 1; i < DEGREE; i++) {
            // 16807 * word % 2147483647 without overflow (Schrage), as glibc computes it.
            int hi = word / 127773;
            int lo = word % 127773;
            word = 16807 * lo - 2836 * hi;
            if (word < 0) {
                word += 2147483647;
            }
            state[i] = word;
        }
        for (int i = 0; i < DEGREE * 10; i++) {
            next();
        }
    }

    /** The next value, 0..2^31-1. */
    long next() {
        state[front] += state[rear];
        long result = (state[front] >>> 1) & 0x7fffffffL;
        front = (front + 1) % DEGREE;
        rear = (rear + 1) % DEGREE;
        return result;
    }
}
