/*
 * LD_PRELOAD shim for ClockStepE2ETest: steps CLOCK_REALTIME of one process by the number of
 * seconds written in the file named by WALLCLOCK_OFFSET_FILE (re-read at most every 50 ms of
 * monotonic time); every other clock goes straight to libc. A machine-wide `date -s` would disturb
 * every other test on the host; libfaketime slows a JVM's start about tenfold.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static long offset_s;
static struct timespec read_at;

static void refresh(void) {
    struct timespec now;
    real_clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - read_at.tv_sec) * 1000 + (now.tv_nsec - read_at.tv_nsec) / 1000000;
    if (read_at.tv_sec != 0 && ms < 50) {
        return;
    }
    read_at = now;
    const char *path = getenv("WALLCLOCK_OFFSET_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (f) {
        long v;
        if (fscanf(f, "%ld", &v) == 1) {
            offset_s = v;
        }
        fclose(f);
    }
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    if (!real_clock_gettime) {
        real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
    }
    int rc = real_clock_gettime(id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
        refresh();
        ts->tv_sec += offset_s;
    }
    return rc;
}

int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    int rc = clock_gettime(CLOCK_REALTIME, &ts);
    if (rc == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    (void) tz;
    return rc;
}

time_t time(time_t *t) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t) {
        *t = ts.tv_sec;
    }
    return ts.tv_sec;
}
