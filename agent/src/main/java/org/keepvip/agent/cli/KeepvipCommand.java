package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * The root {@code keepvip} command. Subcommands register themselves in {@link #SUBCOMMANDS}.
 * Errors reach the user as one line, never as a stack trace.
 *
 * <p>At this level it also answers keepalived's own one-shot questions: {@code -t} (check the
 * configuration, as {@code check-config --check-interfaces}, so that {@code keepalived -t -f FILE}
 * in a script becomes {@code keepvip -t -f FILE} with the same exit codes), {@code --signum} and
 * {@code -v}. keepalived's daemon options belong to {@code keepvip run}; given here, the error says so.
 */
@Command(
        name = "keepvip",
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"keepalived-compatible VRRP virtual-IP agent for Redis hosts.",
            "keepvip reads keepalived.conf, speaks VRRP v2 and v3 next to keepalived, moves the virtual IPs with"
                    + " netlink, and makes Redis failover data-safe: it promotes Redis before announcing a VIP and"
                    + " fences it before releasing one. keepvip run is the daemon; the other commands check a"
                    + " configuration or ask the running daemon."},
        exitCodeListHeading = "%nExit codes (without a command):%n",
        exitCodeList = {"0:done (with -t: the configuration is valid)", "1:unknown --signum SIGFUNC",
            "2:usage error", "4, 5, 6:with -t: as keepvip check-config"},
        subcommands = {CommandLine.HelpCommand.class})
public final class KeepvipCommand implements Runnable {

    /** Subcommands, in the order {@code --help} lists them. */
    static final Object[] SUBCOMMANDS = {
            RunCommand.class, CheckConfigCommand.class, StatusCommand.class, ReloadCommand.class,
            SwitchoverCommand.class, EventsCommand.class};

    @Option(names = {"-t", "--config-test"},
            description = "Check the configuration as keepalived -t does and exit with its code: the same as"
                    + " keepvip check-config --check-interfaces.")
    boolean configTest;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE",
            description = "With -t: the configuration file (default: " + CheckConfigCommand.DEFAULT_FILE + ").")
    Path file;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "With -t: config-id for @ID lines.")
    String configId;

    @Option(names = "--signum", paramLabel = "SIGFUNC",
            description = "Print the number of the signal that makes the daemon do SIGFUNC (STOP, RELOAD, DATA or"
                    + " STATS) and exit, as keepalived --signum.")
    String signum;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Spec
    CommandSpec spec;

    /** The exit code of -t or --signum, which {@link #run()} cannot return. */
    private int exitCode;

    /** keepalived's --signum names and the signal keepvip handles for each (SignalHandlers). */
    static final Map<String, String> SIGNALS = Map.of("STOP", "TERM", "RELOAD", "HUP", "DATA", "USR1", "STATS", "USR2");

    @Override
    public void run() {
        CommandLine cl = spec.commandLine();
        if (signum != null) {
            printSignum(cl);
            return;
        }
        if (configTest) {
            List<String> args = new ArrayList<>(List.of("--check-interfaces"));
            if (file != null) {
                args.addAll(List.of("-f", file.toString()));
            }
            if (configId != null) {
                args.addAll(List.of("-i", configId));
            }
            exitCode = cl.getSubcommands().get("check-config").execute(args.toArray(String[]::new));
            return;
        }
        if (file != null || configId != null) {
            throw new CommandLine.ParameterException(cl, "-f and -i belong to a command: keepvip run -f FILE"
                    + " (the daemon), keepvip check-config -f FILE, or keepvip -t -f FILE");
        }
        throw new CommandLine.ParameterException(cl, "Missing command: keepvip run, check-config, status, reload"
                + " or switchover (keepvip --help)");
    }

    private void printSignum(CommandLine cl) {
        String name = SIGNALS.get(signum.toUpperCase(Locale.ROOT));
        if (name == null) {
            cl.getErr().println("keepvip: unknown sigfunc " + signum + " (keepvip handles "
                    + String.join(", ", SIGNALS.keySet().stream().sorted().toList())
                    + "; for the state as JSON: keepvip status --json)");
            exitCode = 1;
            return;
        }
        cl.getOut().println(new Signal(name).getNumber());
        cl.getOut().flush();
    }

    /** A fully configured command line with every subcommand: for help, the docs and the tests. */
    public static CommandLine newCommandLine() {
        return newCommandLine(List.of(SUBCOMMANDS));
    }

    /**
     * The command line for {@code args}: the root and only the subcommand they name. picocli builds
     * each subcommand's model by reflection when it is added, the larger part of a short command's
     * start-up; {@code keepvip status} needs none of the others. Every subcommand when the arguments
     * name none, or name one anywhere but first (picocli then explains what is wrong); only
     * check-config for keepalived's {@code -t}.
     */
    public static CommandLine newCommandLine(String[] args) {
        return newCommandLine(subcommandsFor(args));
    }

    static List<Object> subcommandsFor(String[] args) {
        Map<String, Object> byName = new HashMap<>();
        for (Object sub : SUBCOMMANDS) {
            byName.put(((Class<?>) sub).getAnnotation(Command.class).name(), sub);
        }
        if (args.length > 0 && byName.containsKey(args[0])) {
            return List.of(byName.get(args[0]));
        }
        List<String> all = List.of(args);
        if (all.stream().noneMatch(byName::containsKey) && (all.contains("-t") || all.contains("--config-test"))) {
            return List.of(CheckConfigCommand.class);
        }
        return List.of(SUBCOMMANDS);
    }

    private static CommandLine newCommandLine(List<Object> subcommands) {
        CommandLine cl = new CommandLine(new KeepvipCommand());
        for (Object sub : subcommands) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionStrategy(KeepvipCommand::execute);
        cl.setOverwrittenOptionsAllowed(true); // as getopt: a repeated option (-DD) is no error, the last value wins
        cl.setParameterExceptionHandler(KeepvipCommand::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("keepvip: " + describe(ex));
            return ExitCodes.SOFTWARE;
        });
        return cl;
    }

    /** picocli's RunLast, after refusing root options given before a command (they would be ignored). */
    private static int execute(ParseResult parsed) {
        if (parsed.hasSubcommand()) {
            List<String> misplaced = parsed.matchedOptions().stream()
                    .filter(o -> !o.usageHelp() && !o.versionHelp()).map(OptionSpec::shortestName).toList();
            if (!misplaced.isEmpty()) {
                String sub = parsed.subcommand().commandSpec().name();
                throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(), String.join(", ", misplaced)
                        + " must follow the command: keepvip " + sub + " " + misplaced.get(0) + " ...");
            }
        }
        int code = new CommandLine.RunLast().execute(parsed);
        if (!parsed.hasSubcommand() && parsed.commandSpec().userObject() instanceof KeepvipCommand k && k.exitCode != 0) {
            return k.exitCode;
        }
        return code;
    }

    /**
     * A usage error: one line naming the command, then, for an unknown option, where it belongs
     * when another keepvip command has it (keepalived's -V is {@code run}'s), picocli's suggestions
     * for a typo, and where the help is. A refused keepalived option is its one line alone.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        CommandSpec spec = cl.getCommandSpec();
        if (ex.getArgSpec() instanceof OptionSpec o && Refused.isRefused(o)) {
            err.println(ex.getMessage());
        } else {
            String hint = ex instanceof CommandLine.UnmatchedArgumentException u ? elsewhere(cl, u) : "";
            err.println(spec.qualifiedName() + ": " + ex.getMessage() + hint);
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + spec.qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return spec.exitCodeOnInvalidInput();
    }

    /** "; -V is an option of keepvip run" when the first unknown option is another command's. */
    private static String elsewhere(CommandLine cl, CommandLine.UnmatchedArgumentException u) {
        String first = u.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
        if (first == null) {
            return "";
        }
        String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
        // Every command, also those this run did not build (newCommandLine(args)): an error is rare.
        CommandLine root = newCommandLine();
        boolean atRoot = cl.getParent() == null;
        if (!atRoot && root.getCommandSpec().findOption(name) != null
                && root.getCommandSpec().findOption(name).versionHelp()) {
            return "; the version is keepvip's own option: keepvip --version";
        }
        for (CommandLine sub : root.getSubcommands().values()) {
            OptionSpec o = sub.getCommandSpec().findOption(name);
            if ((atRoot || !sub.getCommandName().equals(cl.getCommandName())) && o != null && !o.hidden()) {
                return "; " + name + " (" + o.longestName() + ") is an option of keepvip " + sub.getCommandName();
            }
        }
        return "";
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.getClass().getSimpleName() : msg;
    }
}
