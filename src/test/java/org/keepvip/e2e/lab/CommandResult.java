package org.keepvip.e2e.lab;

import java.util.List;

/**
 * The outcome of one command run to completion.
 *
 * @param command  argv, including the {@code ip netns exec NS} prefix
 * @param exitCode the process's exit code (-1 if it was killed at its timeout)
 * @param stdout   standard output
 * @param stderr   standard error
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns stdout, or throws with everything needed to see why the command failed. */
    public String orThrow() {
        if (!ok()) {
            throw new LabException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                    + "\nstdout: " + stdout.strip() + "\nstderr: " + stderr.strip());
        }
        return stdout;
    }
}
