package org.keepvip.agent;

import org.keepvip.agent.cli.CliLogging;
import org.keepvip.agent.cli.KeepvipCommand;
import org.keepvip.agent.log.LogOutput;
import picocli.CommandLine;

/** Entry point of /usr/bin/keepvip. The only place in keepvip that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = KeepvipCommand.newCommandLine(args).execute(args);
        if (!CliLogging.selected()) { // CliLogging writes each line at once: nothing to flush, no Logback to start
            LogOutput.flush();
        }
        System.exit(status);
    }
}
