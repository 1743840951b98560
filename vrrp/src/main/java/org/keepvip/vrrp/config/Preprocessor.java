package org.keepvip.vrrp.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * keepalived's {@code read_line} (keepalived/core/parser.c): reads the main file and its includes through a
 * {@link ConfigSource} and yields tokenized lines with comments stripped, {@code @id} conditions
 * applied, {@code $NAME} definitions substituted and {@code ~SEQ}/{@code ~LST} expanded.
 */
final class Preprocessor {
    /** keepalived reads lines into a 1024-byte buffer (MAXBUF). */
    static final int MAX_LINE = 1024;
    private static final int MAX_INCLUDE_DEPTH = 32;
    private static final int MAX_SUBSTITUTION_ROUNDS = 32;
    /** Lines produced by one ~SEQ/~LST, a guard against ~SEQ(i,0,1,999999999). */
    private static final int MAX_SEQ = 10_000;
    private static final int BINARY_PROBE = 8000;
    private static final Pattern DEFINITION = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ConfigSource source;
    private final Diagnostics diags;
    private final String configId;
    private final Map<String, List<String>> defs = new HashMap<>();
    private final Deque<String> includeStack = new ArrayDeque<>();
    private final List<Line> out = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private String instanceName = "";
    /** global_defs' {@code include_check}: INCLUDE_* flags added to every include's own (keepalived/core/parser.c). */
    private int includeCheck;
    /** Set by {@code random_seed}: the generator of the {@code ${_RANDOM}} draws that follow. */
    private GlibcRandom seeded;

    Preprocessor(ConfigSource source, Diagnostics diags, String configId) {
        this.source = source;
        this.diags = diags;
        this.configId = configId;
    }

    /** The lines of the main file with includes spliced in, or null if the file is unusable. */
    List<Line> run(String mainFile) {
        ConfigSource.Content c = source.read(mainFile);
        Origin o = new Origin(mainFile, 0);
        files.add(mainFile);
        if (c instanceof ConfigSource.Missing) {
            diags.add(Diagnostic.fatal(o, "Configuration file '" + mainFile + "' does not exist"));
            return null;
        }
        if (c instanceof ConfigSource.Unreadable u) {
            diags.add(Diagnostic.fatal(o, "cannot read configuration file '" + mainFile + "': " + u.reason()));
            return null;
        }
        String text = ((ConfigSource.Text) c).text();
        int nul = binaryOffset(text);
        if (nul >= 0) {
            diags.add(Diagnostic.fatal(new Origin(mainFile, lineOf(text, nul)),
                    "not a text file (NUL byte at offset " + nul + ") - nothing parsed"));
            return null;
        }
        processText(mainFile, text);
        return out;
    }

    /** Sets the value of {@code ${_INSTANCE}} (the root {@code instance} keyword). */
    void instanceName(String name) {
        this.instanceName = name;
    }

    private static int binaryOffset(String text) {
        int idx = text.indexOf('\0');
        return idx >= 0 && idx < BINARY_PROBE ? idx : -1;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Every file read, in the order first read. */
    List<String> files() {
        return List.copyOf(files);
    }

    private void processText(String file, String text) {
        if (!files.contains(file)) {
            files.add(file);
        }
        includeStack.push(file);
        String[] raw = text.split("\n", -1);
        int n = raw.length;
        if (n > 0 && raw[n - 1].isEmpty()) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            Origin origin = new Origin(file, i + 1);
            String line = stripCr(raw[i]);
            if (line.indexOf('\0') >= 0) {
                diags.error(origin, "line contains NUL characters - ignoring");
                continue;
            }
            if (line.length() > MAX_LINE) {
                diags.error(origin, "line too long (" + line.length() + " characters, at most "
                        + MAX_LINE + ") - ignoring");
                continue;
            }
            String text0 = Lexer.decomment(line, origin, diags);
            if (text0.isEmpty()) {
                continue;
            }
            String t = applyCondition(text0, origin);
            if (t == null || t.isEmpty()) {
                continue;
            }
            // Only a line starting with '$' can be a definition: no Matcher for the others.
            Matcher def = t.charAt(0) == '$' ? DEFINITION.matcher(t) : null;
            if (def != null && def.matches()) {
                String value = def.group(2).stripLeading();
                List<String> lines = new ArrayList<>();
                while (value.endsWith("\\")) {
                    String part = value.substring(0, value.length() - 1).strip();
                    if (!part.isEmpty()) {
                        lines.add(part);
                    }
                    if (i + 1 >= n) {
                        value = "";
                        break;
                    }
                    i++;
                    value = Lexer.decomment(stripCr(raw[i]), new Origin(file, i + 1), diags);
                }
                if (!value.isEmpty()) {
                    lines.add(value);
                }
                defs.put(def.group(1), lines);
                continue;
            }
            if (t.startsWith("~SEQ") || t.startsWith("~LST")) {
                expandSequence(t, origin, file);
                continue;
            }
            emit(t, origin, file);
        }
        includeStack.pop();
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code @ID rest} keeps rest only if ID is the config-id; {@code @^ID} the reverse. */
    private String applyCondition(String t, Origin origin) {
        if (!t.startsWith("@")) {
            return t;
        }
        boolean negate = t.startsWith("@^");
        int start = negate ? 2 : 1;
        int end = start;
        while (end < t.length() && t.charAt(end) != ' ' && t.charAt(end) != '\t') {
            end++;
        }
        if (end == start || end == t.length()) {
            diags.error(origin, "conditional '" + t + "' needs an id and a space before the rest of the line - ignoring");
            return null;
        }
        String id = t.substring(start, end);
        return id.equals(configId) != negate ? t.substring(end).strip() : null;
    }

    /** Substitutes definitions, then splices includes or adds the line. */
    private void emit(String t, Origin origin, String file) {
        List<String> expanded = substituteLines(t, origin, file);
        for (String line : expanded) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.length() > MAX_LINE) {
                diags.error(origin, "line too long after substitution (" + s.length() + " characters) - ignoring");
                continue;
            }
            String first = firstWord(s);
            if (first.startsWith("include") && IncludeKind.of(first) != null) {
                include(IncludeKind.of(first), s.substring(first.length()).strip(), origin, file);
                continue;
            }
            if (first.equals("include_check")) {
                includeCheck(Lexer.tokenize(s), origin);
            } else if (first.equals("random_seed")) {
                randomSeed(Lexer.tokenize(s));
            }
            out.add(new Line(origin, Lexer.tokenize(s)));
        }
    }

    /**
     * {@code s} up to its first space or tab, as {@code s.split("[ \t]", 2)[0]} without compiling
     * a regular expression for every line (regex compiling was the largest group of samples in a
     * profile of check-config on 1,000 instances).
     */
    static String firstWord(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                return s.substring(0, i);
            }
        }
        return s;
    }

    /** A line that is only a multi-line definition expands to its lines; otherwise one line. */
    private List<String> substituteLines(String t, Origin origin, String file) {
        String name = null;
        if (t.startsWith("${") && t.endsWith("}")) {
            name = t.substring(2, t.length() - 1);
        } else if (t.startsWith("$")) {
            name = t.substring(1);
        }
        if (name != null && defs.containsKey(name) && defs.get(name).size() > 1) {
            List<String> result = new ArrayList<>();
            for (String l : defs.get(name)) {
                result.add(substitute(l, origin, file));
            }
            return result;
        }
        return List.of(substitute(t, origin, file));
    }

    /** Replaces {@code $NAME}, {@code ${NAME}} and the built-ins until nothing changes. */
    String substitute(String t, Origin origin, String file) {
        String cur = t;
        for (int round = 0; round < MAX_SUBSTITUTION_ROUNDS; round++) {
            if (cur.indexOf('$') < 0) {
                return cur;
            }
            String next = substituteOnce(cur, file);
            if (next.equals(cur)) {
                return cur;
            }
            if (next.length() > 4 * MAX_LINE) {
                diags.error(origin, "definition expands beyond " + MAX_LINE + " characters - ignoring line");
                return "";
            }
            cur = next;
        }
        diags.error(origin, "definitions nested more than " + MAX_SUBSTITUTION_ROUNDS + " deep (recursive definition?)");
        return cur;
    }

    private String substituteOnce(String t, String file) {
        StringBuilder sb = new StringBuilder(t.length());
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c != '$' || i + 1 >= t.length()) {
                sb.append(c);
                i++;
                continue;
            }
            if (t.charAt(i + 1) == '{') {
                int close = t.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                String inner = t.substring(i + 2, close);
                String value = lookup(inner, file);
                sb.append(value != null ? value : t.substring(i, close + 1));
                i = close + 1;
                continue;
            }
            Matcher m = NAME.matcher(t).region(i + 1, t.length());
            if (m.lookingAt()) {
                int end = m.end();
                boolean delimited = end == t.length() || " \t,)".indexOf(t.charAt(end)) >= 0;
                List<String> def = defs.get(m.group());
                if (delimited && def != null) {
                    sb.append(String.join(" ", def));
                } else {
                    sb.append(t, i, end);
                }
                i = end;
                continue;
            }
            sb.append(c);
            i++;
        }
        return sb.toString();
    }

    /** The value of {@code ${inner}}, or null to leave it as written. */
    private String lookup(String inner, String file) {
        String[] w = inner.strip().split("[ \t]+");
        switch (w[0]) {
            case "_PWD":
                return directoryOf(file);
            case "_INSTANCE":
                return instanceName;
            case "_HASH":
                return "#";
            case "_BANG":
                return "!";
            case "_ENV":
                return w.length > 1 ? source.env(w[1]).orElse("") : "";
            case "_RANDOM":
                long min = w.length > 1 ? parseLongOr(w[1], 0) : 0;
                long max = w.length > 2 ? parseLongOr(w[2], 32767) : 32767;
                if (max < min) {
                    return Long.toString(min);
                }
                return Long.toString(seeded != null ? seeded.next() % (max - min + 1) + min : source.random(min, max));
            default:
                List<String> def = defs.get(inner);
                return def == null ? null : String.join(" ", def);
        }
    }

    private static long parseLongOr(String s, long dflt) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Removes "." and resolves ".." components, as the kernel would (without symlinks). */
    static String normalize(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    static String directoryOf(String file) {
        int slash = file.lastIndexOf('/');
        return slash <= 0 ? "/" : file.substring(0, slash);
    }

    // ~SEQ(var,start,step,end) / ~SEQx(...) / ~LST(var,v1,v2,...) / ~LST({a,b},{1,2},...)
    private void expandSequence(String t, Origin origin, String file) {
        int open = t.indexOf('(');
        int close = matchingParen(t, open);
        if (open < 0 || close < 0) {
            diags.error(origin, "malformed '" + t.split("[ \t(]", 2)[0] + "': expected ~SEQ(var,start,step,end) or ~LST(var,value,...) - ignoring");
            return;
        }
        String head = t.substring(0, open);
        String params = substitute(t.substring(open + 1, close), origin, file);
        String rest = t.substring(close + 1).strip();
        List<String> vars = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        if (head.equals("~SEQ") || head.equals("~SEQx")) {
            String[] p = params.split(",", -1);
            int radix = head.equals("~SEQx") ? 16 : 10;
            long start;
            long step;
            long end;
            try {
                if (p.length == 4) {
                    start = Long.parseLong(p[1].strip(), radix);
                    step = Long.parseLong(p[2].strip(), radix);
                    end = Long.parseLong(p[3].strip(), radix);
                } else if (p.length == 3) {
                    start = Long.parseLong(p[1].strip(), radix);
                    step = 1;
                    end = Long.parseLong(p[2].strip(), radix);
                } else if (p.length == 2) {
                    start = 1;
                    step = 1;
                    end = Long.parseLong(p[1].strip(), radix);
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                diags.error(origin, "invalid " + head + " parameters '" + params + "' - ignoring");
                return;
            }
            if (step == 0 || (end - start) / step >= MAX_SEQ) {
                diags.error(origin, head + " would repeat the line more than " + MAX_SEQ + " times (or forever) - ignoring");
                return;
            }
            vars.add(p[0].strip());
            for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
                rows.add(List.of(radix == 16 ? Long.toHexString(v) : Long.toString(v)));
            }
        } else if (head.equals("~LST")) {
            List<String> groups = splitTopLevel(params);
            if (groups.size() < 2) {
                diags.error(origin, "~LST needs a variable and at least one value - ignoring");
                return;
            }
            vars.addAll(unbrace(groups.get(0)));
            for (String g : groups.subList(1, groups.size())) {
                List<String> vals = unbrace(g);
                if (vals.size() != vars.size()) {
                    diags.error(origin, "~LST value '" + g.strip() + "' has " + vals.size() + " values for " + vars.size() + " variables - ignoring");
                    return;
                }
                rows.add(vals);
            }
        } else {
            diags.error(origin, "unknown sequence '" + head + "' (expected ~SEQ, ~SEQx or ~LST) - ignoring");
            return;
        }
        for (String v : vars) {
            if (!NAME.matcher(v).matches()) {
                diags.error(origin, "invalid variable name '" + v + "' in " + head + " - ignoring");
                return;
            }
        }
        Map<String, List<String>> saved = new HashMap<>();
        for (String v : vars) {
            saved.put(v, defs.get(v));
        }
        for (List<String> row : rows) {
            for (int k = 0; k < vars.size(); k++) {
                defs.put(vars.get(k), List.of(row.get(k)));
            }
            if (rest.startsWith("~SEQ") || rest.startsWith("~LST")) {
                expandSequence(rest, origin, file);
            } else if (!rest.isEmpty()) {
                emit(rest, origin, file);
            }
        }
        for (String v : vars) {
            if (saved.get(v) == null) {
                defs.remove(v);
            } else {
                defs.put(v, saved.get(v));
            }
        }
    }

    private static int matchingParen(String t, int open) {
        if (open < 0) {
            return -1;
        }
        int depth = 0;
        for (int i = open; i < t.length(); i++) {
            if (t.charAt(i) == '(') {
                depth++;
            } else if (t.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static List<String> unbrace(String g) {
        String s = g.strip();
        if (s.startsWith("{") && s.endsWith("}")) {
            List<String> out = new ArrayList<>();
            for (String p : s.substring(1, s.length() - 1).split(",", -1)) {
                out.add(p.strip());
            }
            return out;
        }
        return List.of(s);
    }

    // ---- include ----

    /** keepalived's include_t (keepalived/core/parser.c): what an include treats as an error. */
    static final int INCLUDE_R = 1; // an unreadable match, a directory, an executable
    static final int INCLUDE_M = 2; // no file matches a path without wildcards
    static final int INCLUDE_W = 4; // no file matches, even with wildcards
    static final int INCLUDE_B = 8; // a brace alternative matches no file
    static final int INCLUDE_ALL = INCLUDE_R | INCLUDE_M | INCLUDE_W | INCLUDE_B;

    /** The include keyword family and how strict each one is (keepalived/core/parser.c, check_include()). */
    enum IncludeKind {
        INCLUDE("include", 0), INCLUDER("includer", INCLUDE_R), INCLUDEM("includem", INCLUDE_R | INCLUDE_M),
        INCLUDEW("includew", INCLUDE_R | INCLUDE_M | INCLUDE_W), INCLUDEB("includeb", INCLUDE_R | INCLUDE_B),
        INCLUDEA("includea", INCLUDE_ALL);

        final String word;
        final int flags;

        IncludeKind(String word, int flags) {
            this.word = word;
            this.flags = flags;
        }

        static IncludeKind of(String w) {
            for (IncludeKind k : values()) {
                if (k.word.equals(w)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * {@code include_check [[+|-]read|match|wildcard_match|brace_match ...]}, as keepalived's
     * include_check_set() (lib/parser.c): a plain word sets the checks (read and that one), {@code +}
     * adds one, {@code -} removes one, no word means all. It applies from this line on, to the includes
     * of this file and of the files they include; when an included file ends, the checks go back to what
     * they were when it was opened, so a setting inside an include does not leak out of it.
     */
    private void includeCheck(List<Token> words, Origin origin) {
        if (words.size() <= 1) {
            includeCheck = INCLUDE_ALL;
            return;
        }
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i).text();
            int sign = word.startsWith("-") ? -1 : word.startsWith("+") ? 1 : 0;
            String name = sign == 0 ? word : word.substring(1);
            if (sign == 0 && i > 1) {
                diags.error(origin, "Duplicate include_check '" + word + "' specified - ignoring");
                continue;
            }
            if (sign == 0) {
                includeCheck = 0;
            }
            int flag = switch (name) {
                case "read" -> INCLUDE_R;
                case "match" -> INCLUDE_M;
                case "wildcard_match" -> INCLUDE_W;
                case "brace_match" -> INCLUDE_B;
                default -> 0;
            };
            if (flag == 0) {
                diags.error(origin, "Unknown include_check type '" + name + "' - ignoring");
            } else if (sign == 0) {
                includeCheck = INCLUDE_R | flag;
            } else if (sign > 0) {
                includeCheck |= flag;
            } else {
                includeCheck &= ~flag;
            }
        }
    }

    /**
     * {@code random_seed N}: the {@code ${_RANDOM}} draws after this line come from glibc's generator
     * seeded with N, so the same file gives the same values at every start. keepalived's manual means
     * this; keepalived 2.2.7 itself re-seeds from the clock in init_data() (lib/parser.c) before the
     * line is read, so there the keyword changes nothing. A bad value is reported by the parser.
     */
    private void randomSeed(List<Token> words) {
        if (words.size() < 2) {
            return;
        }
        try {
            long v = Long.parseLong(words.get(1).text());
            if (v >= 0 && v <= 0xffffffffL) {
                seeded = new GlibcRandom(v);
            }
        } catch (NumberFormatException e) {
            // GlobalBuilder reports "random_seed X invalid"
        }
    }

    private void include(IncludeKind kind, String arg, Origin origin, String file) {
        if (arg.isEmpty()) {
            diags.error(origin, "'" + kind.word + "' is missing a file name");
            return;
        }
        String pattern = arg.startsWith("\"") && arg.endsWith("\"") && arg.length() > 1
                ? arg.substring(1, arg.length() - 1) : arg;
        if (!pattern.startsWith("/")) {
            pattern = directoryOf(file) + "/" + pattern;
        }
        pattern = normalize(pattern);
        List<String> alternatives = BraceExpansion.expand(pattern);
        List<String> matches = new ArrayList<>();
        boolean anyWildcard = false;
        for (String alt : alternatives) {
            boolean wildcard = alt.indexOf('*') >= 0 || alt.indexOf('?') >= 0 || alt.indexOf('[') >= 0;
            anyWildcard |= wildcard;
            List<String> m = wildcard ? source.glob(alt)
                    : (source.read(alt) instanceof ConfigSource.Missing ? List.of() : List.of(alt));
            if (m.isEmpty() && alternatives.size() > 1 && ((kind.flags | includeCheck) & INCLUDE_B) != 0) {
                diags.error(origin, kind.word + " '" + arg + "': brace alternative '" + alt + "' matches no file");
            }
            for (String s : m) {
                if (!matches.contains(s)) {
                    matches.add(s);
                }
            }
        }
        if (matches.isEmpty()) {
            String msg = kind.word + " '" + arg + "' matches no file";
            int checks = kind.flags | includeCheck;
            if ((checks & (anyWildcard ? INCLUDE_W : INCLUDE_M)) != 0) {
                diags.error(origin, msg);
            } else {
                diags.warning(origin, msg);
            }
            return;
        }
        for (String m : matches) {
            includeFile(kind, m, origin);
        }
    }

    private void includeFile(IncludeKind kind, String path, Origin origin) {
        if (includeStack.contains(path)) {
            diags.error(origin, "include loop: '" + path + "' is already being read - ignoring");
            return;
        }
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            diags.error(origin, "includes nested more than " + MAX_INCLUDE_DEPTH + " deep - ignoring '" + path + "'");
            return;
        }
        ConfigSource.Content c = source.read(path);
        if (c instanceof ConfigSource.Text text) {
            int nul = binaryOffset(text.text());
            if (nul >= 0) {
                // Read, so listed (the finding points into it, and a reload watches it).
                if (!files.contains(path)) {
                    files.add(path);
                }
                diags.error(new Origin(path, lineOf(text.text(), nul)),
                        "not a text file (NUL byte at offset " + nul + ") - include ignored");
                return;
            }
            int saved = includeCheck; // keepalived: open_glob_file() saves it, end_file() restores it
            processText(path, text.text());
            includeCheck = saved;
            return;
        }
        String why = c instanceof ConfigSource.Unreadable u ? u.reason() : "no such file";
        String msg = "cannot read included file '" + path + "': " + why;
        if (((kind.flags | includeCheck) & INCLUDE_R) != 0) {
            diags.error(origin, msg);
        } else {
            diags.warning(origin, msg);
        }
    }
}
