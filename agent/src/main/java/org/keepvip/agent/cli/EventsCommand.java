package org.keepvip.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keepvip events}: the running daemon's decision log, from its in-memory ring. */
@Command(name = "events",
        description = {"Show the decision log of the running daemon: one record per VRRP state change and per Redis"
                + " action (promote, fence, demote, switchover, split brain), with what happened, why (the"
                + " inputs that decided it) and how long each step took. The daemon keeps the last 1000."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the daemon answered (with --follow: it stopped)",
            "1:the daemon did not answer properly (timeout, permission, protocol error)",
            "2:usage error (an unknown option or a bad value)",
            "3:the daemon is not running (as systemctl status)"})
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as they are made.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line, for tools.")
    boolean json;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Only records from the last DURATION: 90s, 15m, 2h, 1d, 1h30m, 500ms.")
    Duration since;

    @picocli.CommandLine.Mixin
    SocketOptions sockets = new SocketOptions();

    @Option(names = "--timeout", paramLabel = "MS", description = "Answer timeout in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs = 5000;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant from = since == null ? null : Instant.now().minus(since);
        return ControlCall.run(spec, sockets.path(), Duration.ofMillis(timeoutMs), client -> {
            if (json) {
                client.eventLines(from, follow, line -> { // as the daemon wrote it
                    out.println(line);
                    out.flush();
                });
            } else {
                client.events(from, follow, r -> {
                    out.println(r.time() + " " + r.text());
                    out.flush();
                });
            }
            return ExitCodes.OK;
        });
    }

    /** 90s, 15m, 2h, 1d, 1h30m, 500ms; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = PART.matcher(v);
            Duration d = Duration.ZERO;
            int end = 0;
            while (end < v.length() && m.find(end) && m.start() == end) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = d.plus(switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                });
                end = m.end();
            }
            if (end == 0 || end != v.length()) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a duration (examples: 90s, 15m, 2h, 1d, 1h30m, 500ms)");
            }
            return d;
        }
    }
}
