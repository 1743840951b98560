package org.keepvip.agent.script;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.keepvip.agent.unix.Libc;

/** Signalling a script's process group and asking whether it still runs (the calls are {@link Libc}'s). */
final class ProcessGroups {

    private ProcessGroups() {}

    /**
     * True if the process group {@code pgid} still has a running member. Zombies do not count:
     * a killed script's orphans wait for init to reap them, which can take a while in containers.
     */
    static boolean groupAlive(int pgid) {
        try {
            Libc.kill(-pgid, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ESRCH) {
                return false;
            }
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
                if (f.length >= 3 && f[2].equals(Integer.toString(pgid)) && !f[0].equals("Z")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends {@code sig} to process group {@code pgid}; false if the group is gone. */
    static boolean killGroup(int pgid, int sig) {
        try {
            Libc.kill(-pgid, sig);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
