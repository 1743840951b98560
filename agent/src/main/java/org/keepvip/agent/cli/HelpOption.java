package org.keepvip.agent.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for every subcommand. Not picocli's standard mixin: that one also brings
 * {@code -V, --version}, and {@code -V} is keepalived's {@code --dont-release-vrrp}; the version is
 * the top-level {@code keepvip --version} (keepalived's {@code -v}). The commands built in code
 * take the same option from {@link Specs#help()}.
 */
public final class HelpOption {
    static final String[] NAMES = {"-h", "--help"};
    static final String DESCRIPTION = "Show this help and exit.";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = DESCRIPTION)
    boolean help;
}
