package org.keepvip.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes a command's man page, section 8, in roff (the man macros) straight from its picocli model,
 * so that the page and {@code --help} cannot disagree. Sections: NAME, SYNOPSIS, DESCRIPTION,
 * COMMANDS (the root), OPTIONS, the keepalived options taken without effect ({@link NoEffect}) and
 * refused ({@link Refused}), EXIT STATUS, hand-written extra sections, SEE ALSO.
 *
 * <p>picocli-codegen's ManPageGenerator writes AsciiDoc, which needs asciidoctor (Ruby, or JRuby
 * through asciidoctorj) to become roff; the subset of roff a command page needs is small enough to
 * write directly, and {@code man --warnings} checks it in the tests.
 */
final class ManPage {
    private final CommandSpec spec;
    private final String version;
    private final String extraSections;
    private final StringBuilder out = new StringBuilder();

    private ManPage(CommandSpec spec, String version, String extraSections) {
        this.spec = spec;
        this.version = version;
        this.extraSections = extraSections;
    }

    /** The page name: keepvip, keepvip-run, keepvip-check-config... */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The page of {@code spec}; {@code extraSections} is roff inserted before SEE ALSO (may be empty). */
    static String render(CommandSpec spec, String version, String extraSections) {
        return new ManPage(spec, version, extraSections).render();
    }

    private String render() {
        String name = pageName(spec);
        line(".\\\" Generated from keepvip's command-line model (picocli) when keepvip is built; do not edit.");
        line(".TH " + minus(name.toUpperCase(Locale.ROOT)) + " 8 \"\" \"keepvip " + esc(version)
                + "\" \"System Administration\"");
        line(".ad l");
        line(".SH NAME");
        line(minus(name) + " \\- " + esc(firstSentence(spec))); // plain, for whatis and apropos
        synopsis();
        line(".SH DESCRIPTION");
        paragraphs(spec.usageMessage().description());
        commands();
        options("OPTIONS", o -> !o.hidden() && !NoEffect.isNoEffect(o), false);
        options("KEEPALIVED OPTIONS WITHOUT EFFECT", NoEffect::isNoEffect, false);
        if (spec.options().stream().anyMatch(Refused::isRefused)) {
            line(".SH KEEPALIVED OPTIONS NOT TAKEN");
            line("keepalived options that keepvip cannot honour.");
            line("Each is refused, exit status 2, with one line giving the reason or the keepvip way:");
            options(null, Refused::isRefused, true);
        }
        exitStatus();
        if (!extraSections.isBlank()) {
            out.append(extraSections.endsWith("\n") ? extraSections : extraSections + "\n");
        }
        seeAlso();
        return out.toString();
    }

    private void synopsis() {
        line(".SH SYNOPSIS");
        line(".SY \"" + escName(spec.qualifiedName()) + "\"");
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || NoEffect.isNoEffect(o)) {
                continue;
            }
            String param = o.arity().max() > 0 ? " " + esc(label(o)) : "";
            line(".OP " + escName(o.shortestName()) + param);
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                line(p.arity().min() == 0 ? ".RI [ " + esc(label(p)) + " ]" : ".I " + esc(label(p)));
            }
        }
        if (!spec.subcommands().isEmpty()) {
            line(".I command");
            line(".RI [ options ]");
        }
        line(".YS");
    }

    private void commands() {
        List<CommandLine> subs = spec.subcommands().values().stream()
                .filter(c -> !c.getCommandSpec().usageMessage().hidden() && !"help".equals(c.getCommandName()))
                .distinct().toList();
        if (subs.isEmpty()) {
            return;
        }
        line(".SH COMMANDS");
        for (CommandLine c : subs) {
            line(".TP");
            line(".B " + escName(c.getCommandName()));
            line(esc(capitalise(firstSentence(c.getCommandSpec()))) + ".");
            line("See");
            line(".BR " + escName(pageName(c.getCommandSpec())) + " (8).");
        }
    }

    private void options(String heading, Predicate<OptionSpec> which, boolean refused) {
        List<OptionSpec> chosen = spec.options().stream().filter(which).toList();
        if (chosen.isEmpty()) {
            return;
        }
        if (heading != null) {
            line(".SH " + heading);
        }
        for (OptionSpec o : chosen) {
            line(".TP");
            StringBuilder head = new StringBuilder();
            for (String n : o.names()) {
                head.append(head.length() == 0 ? "" : ", ").append("\\fB").append(escName(n)).append("\\fR");
            }
            if (o.arity().max() > 0 && !refused) {
                boolean optional = o.arity().min() == 0;
                head.append(optional ? "[=" : "=").append("\\fI").append(esc(label(o))).append("\\fR")
                        .append(optional ? "]" : "");
            }
            line(head.toString());
            String text = refused ? Refused.reason(o) + "." : description(o);
            line(esc(capitalise(text)));
        }
    }

    private void exitStatus() {
        var codes = spec.usageMessage().exitCodeList();
        if (codes.isEmpty()) {
            return;
        }
        line(".SH EXIT STATUS");
        codes.forEach((code, meaning) -> {
            line(".TP");
            line(".B " + esc(code.strip()));
            line(esc(capitalise(format(meaning))) + ".");
        });
    }

    private void seeAlso() {
        List<String> refs = new ArrayList<>();
        CommandSpec root = spec.root();
        if (root != spec) {
            refs.add(pageName(root) + " (8)");
        }
        for (CommandLine c : root.subcommands().values()) {
            CommandSpec s = c.getCommandSpec();
            if (s != spec && !"help".equals(s.name()) && !s.usageMessage().hidden() && !refs.contains(pageName(s) + " (8)")) {
                refs.add(pageName(s) + " (8)");
            }
        }
        refs.add("keepvip.conf (5)");
        refs.add("keepalived (8)");
        refs.add("keepalived.conf (5)");
        line(".SH SEE ALSO");
        for (int i = 0; i < refs.size(); i++) {
            String[] r = refs.get(i).split(" ");
            line(".BR " + escName(r[0]) + " " + r[1] + (i < refs.size() - 1 ? "," : ""));
        }
    }

    private void paragraphs(String[] text) {
        boolean first = true;
        for (String p : text) {
            if (!first) {
                line(".PP");
            }
            line(esc(format(p)));
            first = false;
        }
    }

    private static String firstSentence(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        String s = d.length == 0 ? spec.name() : format(d[0]);
        int dot = s.indexOf(". ");
        s = dot > 0 ? s.substring(0, dot) : s;
        s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** The option's description with picocli's variables filled in, as --help shows it. */
    private static String description(OptionSpec o) {
        String d = String.join(" ", o.description());
        String def = o.defaultValueString();
        return format(d.replace("${DEFAULT-VALUE}", def == null ? "" : def));
    }

    private static String label(CommandLine.Model.ArgSpec a) {
        return a.paramLabel().replace("<", "").replace(">", "");
    }

    private static String format(String s) {
        return s.replace("%n", " ").replace("%%", "%").strip();
    }

    /** The first letter in capitals, except in a name (keepvip, keepalived), which keeps its own spelling. */
    private static String capitalise(String s) {
        return s.isEmpty() || s.startsWith("keep") ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Text: a backslash is \e, and a line may not start with a control character. */
    static String esc(String s) {
        String e = s.replace("\\", "\\e");
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    /**
     * A name typed as is (option, command, file): its hyphens are minus signs, so copy and paste
     * works, and it is never hyphenated at a line end (\%).
     */
    static String escName(String s) {
        return "\\%" + minus(s);
    }

    /** Escaped text whose hyphens are minus signs. */
    static String minus(String s) {
        return esc(s).replace("-", "\\-");
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
