package org.keepvip.agent.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.keepvip.agent.cli.CheckConfigCommand;
import picocli.CommandLine;

/** The config corpus: where it is, the scripts it refers to, and running check-config on it. */
final class CorpusSupport {
    static final Path DIR = Path.of("src/test/resources/configs").toAbsolutePath();

    private CorpusSupport() {}

    static List<Path> confFiles() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    /**
     * A root-owned directory with the scripts the corpus names through ${_ENV KV_SCRIPTS}:
     * two good ones, one not executable, one in a world-writable directory.
     */
    static Path makeScripts() throws IOException {
        Path dir = Files.createTempDirectory("kvcfg");
        script(dir.resolve("chk_redis.sh"), "rwxr-xr-x");
        script(dir.resolve("notify.sh"), "rwxr-xr-x");
        script(dir.resolve("noexec.sh"), "rw-r--r--");
        Path unsafe = Files.createDirectory(dir.resolve("unsafe"));
        script(unsafe.resolve("unsafe.sh"), "rwxr-xr-x");
        Files.setPosixFilePermissions(unsafe, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    private static void script(Path p, String perms) throws IOException {
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Map<String, String> env(Path scripts) {
        return Map.of("KV_SCRIPTS", scripts.toString(), "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    }

    static ConfigChecker checker(Path scripts) {
        Map<String, String> env = env(scripts);
        return new ConfigChecker(new FileConfigSource(env), new ScriptDiagnostics(Users.system(), env));
    }

    /** The outcome of one check-config run through picocli. */
    record Run(int exit, String out, String err) {}

    static Run run(ConfigChecker checker, String... args) {
        CommandLine cl = new CommandLine(new CheckConfigCommand(checker).spec());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Extra arguments from a first line {@code # args: ...}. */
    static List<String> extraArgs(Path conf) throws IOException {
        byte[] head = Files.readAllBytes(conf);
        String text = new String(head, 0, Math.min(head.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        if (text.startsWith("# args:")) {
            String line = text.substring(7, text.indexOf('\n')).strip();
            out.addAll(List.of(line.split("\\s+")));
        }
        return out;
    }

    /** Paths made relative so the expectations do not depend on the checkout or temp dir. */
    static String normalize(String s, Path scripts) {
        return s.replace(DIR + "/", "").replace(scripts.toString(), "@SCRIPTS@");
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
