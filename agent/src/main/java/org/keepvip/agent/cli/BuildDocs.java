package org.keepvip.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Build step, not a command: writes the man pages and shell completion of {@code keepvip} from the
 * picocli model, which the packages install. Run by the agent's pom at {@code package}:
 * {@code BuildDocs SOURCES OUT VERSION}.
 * <ul>
 * <li>{@code OUT/man/keepvip.8} and {@code OUT/man/keepvip-COMMAND.8} ({@link ManPage}), with the
 *     roff in {@code SOURCES/NAME.8.sections} added before SEE ALSO when that file exists;</li>
 * <li>the hand-written complete pages in SOURCES ({@code *.5}, {@code *.8}) copied beside them;</li>
 * <li>{@code OUT/completion/keepvip.bash} (picocli.AutoComplete) and {@code OUT/completion/_keepvip},
 *     the same for zsh through its bashcompinit.</li>
 * </ul>
 */
public final class BuildDocs {
    private BuildDocs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: BuildDocs SOURCES OUT VERSION");
            System.exit(2);
        }
        List<Path> written = write(Path.of(args[0]), Path.of(args[1]), args[2]);
        System.out.println("keepvip: wrote " + written.size() + " man pages and completion files in " + args[1]);
    }

    /** Writes everything; returns the files written. */
    static List<Path> write(Path sources, Path out, String version) throws IOException {
        Path man = Files.createDirectories(out.resolve("man"));
        Path completion = Files.createDirectories(out.resolve("completion"));
        List<Path> written = new ArrayList<>();
        CommandLine root = KeepvipCommand.newCommandLine();
        List<CommandLine> commands = new ArrayList<>();
        commands.add(root);
        root.getSubcommands().values().stream()
                .filter(c -> !"help".equals(c.getCommandName()) && !c.getCommandSpec().usageMessage().hidden())
                .distinct().forEach(commands::add);
        for (CommandLine c : commands) {
            String name = ManPage.pageName(c.getCommandSpec());
            Path extra = sources.resolve(name + ".8.sections");
            String sections = Files.isRegularFile(extra) ? Files.readString(extra) : "";
            written.add(write(man.resolve(name + ".8"), ManPage.render(c.getCommandSpec(), version, sections)));
        }
        try (Stream<Path> s = Files.list(sources)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches(".*\\.[1-8]")).sorted().toList()) {
                written.add(write(man.resolve(p.getFileName().toString()), Files.readString(p)));
            }
        }
        // Sourced, never run: no #! line (lintian: bash-completion-with-hashbang).
        String bash = AutoComplete.bash("keepvip", KeepvipCommand.newCommandLine()).replaceFirst("^#![^\n]*\n", "");
        written.add(write(completion.resolve("keepvip.bash"), bash));
        written.add(write(completion.resolve("_keepvip"), zsh(bash)));
        return written;
    }

    /**
     * The zsh completion function file: zsh autoloads it from its fpath at the first completion of
     * keepvip. picocli's bash script turns on bashcompinit under zsh and registers its function
     * (for the later completions); the last line completes this first one.
     */
    static String zsh(String bash) {
        Matcher shellSetUp = SHELL_SET_UP.matcher(bash);
        if (!shellSetUp.find()) {
            throw new IllegalStateException("picocli's bash script no longer starts with its shell set-up block");
        }
        return "#compdef keepvip\n"
                + "# keepvip's completion for zsh: the bash completion (generated from the same command-line model)\n"
                + "# through zsh's bashcompinit.\n"
                + bash.substring(0, shellSetUp.start())
                + "\nautoload -U +X bashcompinit && bashcompinit\n"
                + bash.substring(shellSetUp.end())
                + "\n_bash_complete -F _complete_keepvip -o default\n";
    }

    /**
     * The script's set-up for bash and, under zsh, {@code setopt COMPLETE_ALIASES} and an alias for
     * compopt: options of the user's whole shell, which a packaged completion function must leave
     * alone. Without the alias the script's {@code type compopt && compopt ...} skips the call, as
     * bashcompinit has no compopt anyway.
     */
    private static final Pattern SHELL_SET_UP =
            Pattern.compile("(?s)\nif \\[ -n \"\\$BASH_VERSION\" \\]; then\n.*?\nfi\n");

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
