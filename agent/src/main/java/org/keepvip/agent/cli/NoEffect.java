package org.keepvip.agent.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Marks a keepalived option that keepvip accepts because what it asks for is always so here
 * ({@code -n}: keepvip never forks; {@code -P}: it runs VRRP only). Parsing is unchanged; the
 * marker lets the man page list these apart from the options that do something.
 */
public final class NoEffect implements CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec spec, ArgSpec arg, Map<String, Object> info) {
        return false; // picocli parses the option as usual
    }

    /** True for an option declared with this preprocessor. */
    static boolean isNoEffect(OptionSpec option) {
        return option.preprocessor() instanceof NoEffect;
    }
}
