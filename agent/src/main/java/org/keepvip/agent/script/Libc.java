package org.keepvip.agent.script;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Direct-mapped libc calls the script package needs (kill, user lookup, FIFO IO). */
final class Libc {
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    static final int ESRCH = 3;
    static final int EAGAIN = 11;
    static final int EPERM = 1;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static {
        Native.register("c");
    }

    private Libc() {}

    static native int kill(int pid, int sig) throws LastErrorException;

    static native int geteuid();

    static native int getegid();

    static native Pointer getpwnam(String name);

    static native Pointer getpwuid(int uid);

    static native Pointer getgrnam(String name);

    static native Pointer getgrgid(int gid);

    static native int mkfifo(String path, int mode) throws LastErrorException;

    static native int chown(String path, int uid, int gid) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /**
     * True if the process group {@code pgid} still has a running member. Zombies do not count:
     * a killed script's orphans wait for init to reap them, which can take a while in containers.
     */
    static boolean groupAlive(int pgid) {
        try {
            kill(-pgid, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
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
            kill(-pgid, sig);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
