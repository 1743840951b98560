package org.keepvip.agent;

import org.keepvip.agent.cli.KeepvipCommand;
import picocli.CommandLine;

/** Entry point of /usr/bin/keepvip. The only place in keepvip that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(KeepvipCommand.newCommandLine().execute(args));
    }
}
