package org.keepvip.agent.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A script to run: argv already split as keepalived splits it (docs/configuration.md, "File syntax"), and the user to run it as.
 *
 * @param name a name for logs (the vrrp_script name, or e.g. {@code notify_master})
 * @param argv the command and its arguments; {@code argv[0]} is a path or a name looked up in PATH
 * @param runAs the user to run as; empty runs as the daemon's own user
 */
public record ScriptCommand(String name, List<String> argv, Optional<RunAs> runAs) {
    public ScriptCommand {
        Objects.requireNonNull(name, "name");
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("script '" + name + "' has an empty command");
        }
        Objects.requireNonNull(runAs, "runAs");
    }

    /** A command run as the daemon's own user. */
    public static ScriptCommand of(String name, List<String> argv) {
        return new ScriptCommand(name, argv, Optional.empty());
    }

    /** This command with {@code extra} appended to argv (e.g. {@code notify}'s 4 arguments). */
    public ScriptCommand withArgs(List<String> extra) {
        var all = new ArrayList<>(argv);
        all.addAll(extra);
        return new ScriptCommand(name, all, runAs);
    }

    /** The command line as one string, for logs. */
    public String commandLine() {
        return String.join(" ", argv);
    }
}
