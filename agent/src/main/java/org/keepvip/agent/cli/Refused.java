package org.keepvip.agent.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A keepalived option keepvip cannot honour: declared hidden, with this preprocessor, and with the
 * reason (or the keepvip way to get the same) as its description. Using it is a usage error of one
 * line, before its value is read, e.g. {@code keepvip run: -C, --check: LVS health checkers are out
 * of scope: keepvip runs VRRP only}. The man page lists these options from the same declarations.
 */
public final class Refused implements CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec spec, ArgSpec arg, Map<String, Object> info) {
        throw new CommandLine.ParameterException(spec.commandLine(), message(spec, (OptionSpec) arg), arg, null);
    }

    /** The one line: command, option names, reason. */
    static String message(CommandSpec spec, OptionSpec option) {
        return spec.qualifiedName() + ": keepalived's " + String.join(", ", option.names()) + ": "
                + reason(option);
    }

    /** The reason: the option's description, without its final full stop. */
    static String reason(OptionSpec option) {
        String d = String.join(" ", option.description()).strip();
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    /** True for an option declared with this preprocessor. */
    static boolean isRefused(OptionSpec option) {
        return option.preprocessor() instanceof Refused;
    }
}
