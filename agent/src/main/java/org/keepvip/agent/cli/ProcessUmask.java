package org.keepvip.agent.cli;

import com.sun.jna.Native;
import org.keepvip.agent.unix.Libc;

/**
 * global_defs {@code umask}: the file-creation mask of the whole process, set through libc because
 * the JVM has no call for it (keepalived/core/global_parser.c: umask_handler() calls Libc.umask(2) too).
 */
final class ProcessUmask {

    private ProcessUmask() {}

    /** Sets the mask; returns the previous one. */
    static int set(int mask) {
        return Libc.umask(mask & 0777);
    }
}
