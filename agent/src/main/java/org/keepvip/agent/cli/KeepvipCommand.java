package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The root {@code keepvip} command. Subcommands are listed in {@link #SUBCOMMANDS}.
 * Errors reach the user as one line, never as a stack trace.
 *
 * <p>At this level it also answers keepalived's own one-shot questions: {@code -t} (check the
 * configuration, as {@code check-config --check-interfaces}, so that {@code keepalived -t -f FILE}
 * in a script becomes {@code keepvip -t -f FILE} with the same exit codes), {@code --signum} and
 * {@code -v}. keepalived's daemon options belong to {@code keepvip run}; given here, the error says so.
 *
 * <p>Its picocli model is built in code, as check-config's and status's are ({@link Specs}: every
 * short command goes through it); the other commands are read from their annotations.
 */
public final class KeepvipCommand implements Runnable {

    /** Subcommands, in the order {@code --help} lists them (after {@code help}). */
    static final List<String> SUBCOMMANDS = List.of(
            "run", CheckConfigCommand.NAME, StatusCommand.NAME, "reload", "switchover", "events");

    /** The model of subcommand {@code name}: an annotated class, or a model built in code. */
    static Object model(String name) {
        return switch (name) {
            case "help" -> CommandLine.HelpCommand.class;
            case "run" -> RunCommand.class;
            case CheckConfigCommand.NAME -> new CheckConfigCommand().spec();
            case StatusCommand.NAME -> new StatusCommand().spec();
            case "reload" -> ReloadCommand.class;
            case "switchover" -> SwitchoverCommand.class;
            case "events" -> EventsCommand.class;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    KeepvipCommand() {
        spec.name("keepvip");
        spec.versionProvider(new VersionProvider());
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "done (with -t: the configuration is valid)");
        codes.put("1", "unknown --signum SIGFUNC");
        codes.put("2", "usage error");
        codes.put("4, 5, 6", "with -t: as keepvip check-config");
        spec.usageMessage()
                .sortOptions(false)
                .description("keepalived-compatible VRRP virtual-IP agent for Redis hosts.",
                        "keepvip reads keepalived.conf, speaks VRRP v2 and v3 next to keepalived, moves the virtual IPs"
                                + " with netlink, and makes Redis failover data-safe: it promotes Redis before announcing"
                                + " a VIP and fences it before releasing one. keepvip run is the daemon; the other"
                                + " commands check a configuration or ask the running daemon.")
                .exitCodeListHeading("%nExit codes (without a command):%n")
                .exitCodeList(codes);
        spec.addOption(Specs.flag("Check the configuration as keepalived -t does and exit with its code: the same as"
                + " keepvip check-config --check-interfaces.", "-t", "--config-test"));
        spec.addOption(Specs.option(java.nio.file.Path.class, "FILE",
                "With -t: the configuration file (default: " + CheckConfigCommand.DEFAULT_FILE + ").",
                "-f", "--use-file"));
        spec.addOption(Specs.option(String.class, "ID", "With -t: config-id for @ID lines.", "-i", "--config-id"));
        spec.addOption(Specs.option(String.class, "SIGFUNC", "Print the number of the signal that makes the daemon"
                + " do SIGFUNC (STOP, RELOAD, DATA or STATS) and exit, as keepalived --signum.", "--signum"));
        spec.addOption(OptionSpec.builder("-v", "--version").versionHelp(true)
                .description("Print the version and exit.").build());
        spec.addOption(Specs.help());
    }

    /** The exit code of -t or --signum, which {@link #run()} cannot return. */
    private int exitCode;

    /** keepalived's --signum names and the signal keepvip handles for each (SignalHandlers). */
    static final Map<String, String> SIGNALS = Map.of("STOP", "TERM", "RELOAD", "HUP", "DATA", "USR1", "STATS", "USR2");

    @Override
    public void run() {
        CommandLine cl = spec.commandLine();
        String signum = Specs.value(spec, "--signum");
        java.nio.file.Path file = Specs.value(spec, "-f");
        String configId = Specs.value(spec, "-i");
        if (signum != null) {
            printSignum(cl, signum);
            return;
        }
        if (Specs.isSet(spec, "-t")) {
            List<String> args = new ArrayList<>(List.of("--check-interfaces"));
            if (file != null) {
                args.addAll(List.of("-f", file.toString()));
            }
            if (configId != null) {
                args.addAll(List.of("-i", configId));
            }
            exitCode = cl.getSubcommands().get(CheckConfigCommand.NAME).execute(args.toArray(String[]::new));
            return;
        }
        if (file != null || configId != null) {
            throw new CommandLine.ParameterException(cl, "-f and -i belong to a command: keepvip run -f FILE"
                    + " (the daemon), keepvip check-config -f FILE, or keepvip -t -f FILE");
        }
        throw new CommandLine.ParameterException(cl, "Missing command: keepvip run, check-config, status, reload"
                + " or switchover (keepvip --help)");
    }

    private void printSignum(CommandLine cl, String signum) {
        String name = SIGNALS.get(signum.toUpperCase(Locale.ROOT));
        if (name == null) {
            cl.getErr().println("keepvip: unknown sigfunc " + signum + " (keepvip handles "
                    + String.join(", ", SIGNALS.keySet().stream().sorted().toList())
                    + "; for the state as JSON: keepvip status --json)");
            exitCode = 1;
            return;
        }
        cl.getOut().println(new sun.misc.Signal(name).getNumber());
        cl.getOut().flush();
    }

    /** Every subcommand, {@code help} first (where picocli's own listing puts it). */
    private static List<String> all() {
        List<String> all = new ArrayList<>(List.of("help"));
        all.addAll(SUBCOMMANDS);
        return all;
    }

    /** A fully configured command line with every subcommand: for help, the docs and the tests. */
    public static CommandLine newCommandLine() {
        return newCommandLine(all());
    }

    /**
     * The command line for {@code args}: the root and only the subcommand they name. picocli builds
     * an annotated subcommand's model by reflection when it is added, and every model gets a parser
     * of its own; {@code keepvip status} needs none of the others, nor {@code help} (a model and a
     * parser of its own). Every subcommand when the arguments name none, name {@code help}, or name
     * one anywhere but first (picocli then explains what is wrong); only check-config for
     * keepalived's {@code -t}.
     */
    public static CommandLine newCommandLine(String[] args) {
        return newCommandLine(subcommandsFor(args));
    }

    /** The names of the subcommands to build for {@code args}. */
    static List<String> subcommandsFor(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            return List.of(args[0]);
        }
        List<String> given = List.of(args);
        if (given.stream().noneMatch(SUBCOMMANDS::contains) && (given.contains("-t") || given.contains("--config-test"))) {
            return List.of(CheckConfigCommand.NAME);
        }
        return all();
    }

    private static CommandLine newCommandLine(List<String> subcommands) {
        CommandLine cl = new CommandLine(new KeepvipCommand().spec);
        for (String name : subcommands) {
            cl.addSubcommand(name, model(name));
        }
        Handlers handlers = new Handlers();
        cl.setExecutionStrategy(handlers);
        cl.setOverwrittenOptionsAllowed(true); // as getopt: a repeated option (-DD) is no error, the last value wins
        cl.setParameterExceptionHandler(handlers);
        cl.setExecutionExceptionHandler(handlers);
        return cl;
    }

    /**
     * How the command line runs, reports a usage error and reports a failure. A class, not lambdas:
     * the class-data archive leaves out any picocli class (Java 5 class files) that a lambda over
     * it made the JVM link while writing the archive, and with it OptionSpec and RunLast, which
     * every command then loaded and verified from the jar.
     */
    private static final class Handlers implements CommandLine.IExecutionStrategy,
            CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
        @Override
        public int execute(ParseResult parsed) {
            return KeepvipCommand.execute(parsed);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            return usageError(ex, args);
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parsed) {
            commandLine.getErr().println("keepvip: " + describe(ex));
            return ExitCodes.SOFTWARE;
        }
    }

    /** picocli's RunLast, after refusing root options given before a command (they would be ignored). */
    private static int execute(ParseResult parsed) {
        if (parsed.hasSubcommand()) {
            List<String> misplaced = new ArrayList<>();
            for (OptionSpec o : parsed.matchedOptions()) { // a loop: see Handlers
                if (!o.usageHelp() && !o.versionHelp()) {
                    misplaced.add(o.shortestName());
                }
            }
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
