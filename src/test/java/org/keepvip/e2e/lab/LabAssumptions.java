package org.keepvip.e2e.lab;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips (never fails) a test that cannot build a lab here. */
public final class LabAssumptions {
    private LabAssumptions() {}

    /** Root and iproute2 are needed for any lab. */
    public static void assumeLabPossible() {
        Assumptions.assumeTrue(isRoot(), "lab tests need root (network namespaces)");
        Assumptions.assumeTrue(onPath("ip"), "lab tests need iproute2's ip");
    }

    /** Each named binary must be on the PATH. */
    public static void assumeBinaries(String... names) {
        for (String n : names) {
            Assumptions.assumeTrue(onPath(n), "needs " + n + " on the PATH");
        }
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // real, effective, ...
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
