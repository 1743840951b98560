package org.keepvip.vrrp.config;

import java.util.List;

/**
 * A command line from the configuration ({@code script}, {@code notify_*}), split into argv the
 * way keepalived does (docs/configuration.md, "File syntax"), with the user and group it runs as.
 *
 * @param raw    the string as written (after definitions), for messages and {@code --dump}
 * @param argv   the argument vector; argv[0] is the program, never empty
 * @param user   run-as user, or null for the global {@code script_user}
 * @param group  run-as group, or null for the user's primary group
 * @param origin where it was configured
 */
public record ScriptCommandSpec(String raw, List<String> argv, String user, String group, Origin origin) {
    public ScriptCommandSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    /** The program: argv[0]. */
    public String program() {
        return argv.get(0);
    }
}
