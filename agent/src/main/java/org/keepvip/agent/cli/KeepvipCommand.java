package org.keepvip.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code keepvip} command. Subcommands register themselves in {@link #SUBCOMMANDS}.
 * Errors reach the user as one line, never as a stack trace.
 */
@Command(
        name = "keepvip",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "keepalived-compatible VRRP virtual-IP agent for Redis hosts.",
        subcommands = {CommandLine.HelpCommand.class})
public final class KeepvipCommand implements Runnable {

    /** Subcommands, in the order {@code --help} lists them. */
    static final Object[] SUBCOMMANDS = {
            RunCommand.class, CheckConfigCommand.class, StatusCommand.class, ReloadCommand.class,
            SwitchoverCommand.class};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** A fully configured command line, shared by {@code main} and the tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new KeepvipCommand());
        for (Object sub : SUBCOMMANDS) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("keepvip: " + describe(ex));
            return ExitCodes.SOFTWARE;
        });
        return cl;
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }
}
