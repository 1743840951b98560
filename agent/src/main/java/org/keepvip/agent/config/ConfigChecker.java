package org.keepvip.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetNamespace;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigSource;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.ParseResult;

/**
 * Loads and checks a configuration as {@code keepalived -t} does: parse, cross-check, script
 * security, optionally interfaces. Never throws. The daemon uses it to load its config too.
 */
public final class ConfigChecker {
    private final ConfigSource source;
    private final ScriptDiagnostics security;

    public ConfigChecker(ConfigSource source, ScriptDiagnostics security) {
        this.source = source;
        this.security = security;
    }

    /** On the real host: file system, environment, /etc/passwd. */
    public static ConfigChecker forHost() {
        Map<String, String> env = System.getenv();
        return new ConfigChecker(new FileConfigSource(env), new ScriptDiagnostics(Users.system(), env));
    }

    /**
     * @param file            the main file (made absolute here)
     * @param configId        {@code -i}, or null for the host name
     * @param checkInterfaces verify that named interfaces exist (keepalived -t does)
     */
    public CheckResult check(String file, String configId, boolean checkInterfaces) {
        return check(file, configId, checkInterfaces ? ConfigChecker::interfacesFor : c -> null,
                ConfigChecker::privateMacvlansFor);
    }

    /**
     * @param interfaces the interfaces that exist, or null not to check them (tests give a fixed
     *                   set, to judge a file as on a host with those interfaces)
     */
    public CheckResult check(String file, String configId, Set<String> interfaces) {
        return check(file, configId, c -> interfaces, c -> Set.of());
    }

    private CheckResult check(String file, String configId,
                              Function<KeepalivedConfig, Set<String>> existing,
                              Function<KeepalivedConfig, Set<String>> privateMacvlans) {
        String abs = file;
        List<Diagnostic> all = new ArrayList<>();
        try {
            abs = Path.of(file).toAbsolutePath().normalize().toString();
            ParseResult r = ConfigParser.parse(abs, source, configId);
            all.addAll(r.diagnostics());
            if (r.config() != null) {
                all.addAll(security.check(r.config(), r.unusedScripts()));
                Set<String> interfaces = existing.apply(r.config());
                if (interfaces != null) {
                    all.addAll(InterfaceCheck.check(r.config(), interfaces, abs));
                    Set<String> macvlans = privateMacvlans.apply(r.config());
                    if (macvlans != null) {
                        all.addAll(InterfaceCheck.vmacNames(r.config(), interfaces, macvlans));
                    }
                }
            }
            all = ParseResult.sort(all, r.files());
            return new CheckResult(abs, r.config(), all, CheckResult.exitCode(r.config(), all));
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            all.add(Diagnostic.fatal(new Origin(abs, 0), "internal error while checking ("
                    + e.getClass().getSimpleName() + ") - please report this configuration"));
            return new CheckResult(abs, null, all, CheckResult.FATAL);
        }
    }

    /**
     * The interfaces of the namespace the daemon would run in: keepalived -t enters net_namespace
     * before it checks (keepalived/core/main.c: keepalived_main()). Read on a thread inside it,
     * which needs CAP_SYS_ADMIN; without, a missing namespace or no permission, this process's.
     */
    static Set<String> interfacesFor(KeepalivedConfig c) {
        String ns = c.host().netNamespace();
        if (ns != null) {
            try {
                return NetNamespace.call(ns, () -> interfaces(Path.of("/proc/thread-self/net/dev")));
            } catch (Exception e) {
                // checked as here; the daemon itself reports a namespace it cannot enter
            }
        }
        return interfaces();
    }

    /**
     * The private-mode macvlans of the namespace the daemon would run in (netlink: /proc does not
     * say what kind an interface is); only asked when a use_vmac names an interface. Null when
     * netlink cannot be asked.
     */
    static Set<String> privateMacvlansFor(KeepalivedConfig c) {
        if (c.instances().stream().noneMatch(i -> i.vmac() != null && i.vmac().name() != null)) {
            return Set.of();
        }
        Callable<Set<String>> read = () -> {
            try (NetlinkClient nl = NetlinkClient.open()) {
                Set<String> out = new HashSet<>();
                nl.links().stream().filter(Link::isPrivateMacvlan).forEach(l -> out.add(l.name()));
                return out;
            }
        };
        try {
            String ns = c.host().netNamespace();
            return ns != null ? NetNamespace.call(ns, read) : read.call();
        } catch (Exception e) {
            return null; // unknown: not judged, rather than every name called a clash
        }
    }

    /**
     * Interface names of this process's network namespace, from /proc/self/net/dev: /sys/class/net
     * shows the namespace that mounted sysfs, which is not this one when net_namespace moved us.
     */
    static Set<String> interfaces() {
        return interfaces(Path.of("/proc/self/net/dev"));
    }

    private static Set<String> interfaces(Path netDev) {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(netDev)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    out.add(line.substring(0, colon).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no procfs: nothing exists as far as we can tell
        }
        return out;
    }
}
