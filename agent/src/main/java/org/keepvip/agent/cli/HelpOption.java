package org.keepvip.agent.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for every subcommand. Not picocli's standard mixin: that one also brings
 * {@code -V, --version}, and {@code -V} is keepalived's {@code --dont-release-vrrp}; the version is
 * the top-level {@code keepvip --version} (keepalived's {@code -v}).
 */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
