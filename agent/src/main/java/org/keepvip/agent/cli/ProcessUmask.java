package org.keepvip.agent.cli;

import com.sun.jna.Native;

/**
 * global_defs {@code umask}: the file-creation mask of the whole process, set through libc because
 * the JVM has no call for it (keepalived/core/global_parser.c: umask_handler() calls umask(2) too).
 */
final class ProcessUmask {
    static {
        Native.register("c");
    }

    private ProcessUmask() {}

    private static native int umask(int mask);

    /** Sets the mask; returns the previous one. */
    static int set(int mask) {
        return umask(mask & 0777);
    }
}
