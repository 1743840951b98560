package org.keepvip.vrrp.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names {@code ip route} and {@code ip rule} accept for tables, protocols, scopes, TOS values
 * and route types (keepalived/lib/rttables.c): a number (decimal, 0x hex or 0 octal, as strtoul
 * base 0), a built-in name, or a name from the iproute2 file, read through the {@link ConfigSource}
 * the first time one is needed.
 */
final class RtNames {
    static final String TABLES_FILE = "/etc/iproute2/rt_tables";
    static final String PROTOS_FILE = "/etc/iproute2/rt_protos";
    static final String SCOPES_FILE = "/etc/iproute2/rt_scopes";
    static final String DSFIELD_FILE = "/etc/iproute2/rt_dsfield";

    private static final Map<String, Integer> TYPES = ordered("local", 2, "nat", 10, "broadcast", 3, "brd", 3,
            "anycast", 4, "multicast", 5, "prohibit", 8, "unreachable", 7, "blackhole", 6, "xresolve", 11,
            "unicast", 1, "throw", 9);
    private static final Map<String, Integer> PROTOS = ordered("none", 0, "redirect", 1, "kernel", 2, "boot", 3,
            "static", 4, "gated", 8, "ra", 9, "mrt", 10, "zebra", 11, "bird", 12, "babel", 42, "dnrouted", 13,
            "xorp", 14, "ntk", 15, "dhcp", 16);
    private static final Map<String, Integer> TABLES = ordered("default", 253, "main", 254, "local", 255);
    private static final Map<String, Integer> SCOPES = ordered("global", 0, "nowhere", 255, "host", 254,
            "link", 253, "site", 200);

    private final ConfigSource source;
    private final Map<String, Map<String, Long>> files = new HashMap<>();

    RtNames(ConfigSource source) {
        this.source = source;
    }

    /** A table id 0..2^32-1, or null. */
    Long table(String s) {
        return find(s, TABLES_FILE, TABLES, 0xFFFF_FFFFL);
    }

    /** See {@link ConfigSource#vrfTable}. */
    java.util.OptionalLong vrfTable(String name) {
        return source == null ? java.util.OptionalLong.empty() : source.vrfTable(name);
    }

    Long protocol(String s) {
        return find(s, PROTOS_FILE, PROTOS, 255);
    }

    Long scope(String s) {
        return find(s, SCOPES_FILE, SCOPES, 255);
    }

    Long dsfield(String s) {
        return find(s, DSFIELD_FILE, Map.of(), 255);
    }

    /** An RTN_* type by name or number 0..255 (keepalived's find_rttables_rtntype), or null. */
    static Integer type(String s) {
        Integer t = TYPES.get(s);
        if (t != null) {
            return t;
        }
        Long n = number(s);
        return n != null && n <= 255 ? n.intValue() : null;
    }

    static String typeName(int type) {
        return TYPES.entrySet().stream().filter(e -> e.getValue() == type && !e.getKey().equals("brd"))
                .map(Map.Entry::getKey).findFirst().orElse(Integer.toString(type));
    }

    static String scopeName(int scope) {
        return SCOPES.entrySet().stream().filter(e -> e.getValue() == scope).map(Map.Entry::getKey).findFirst()
                .orElse(Integer.toString(scope));
    }

    private Long find(String s, String file, Map<String, Integer> builtIn, long max) {
        Long n = number(s);
        if (n != null) {
            return n <= max ? n : null;
        }
        Long named = names(file, max).get(s);
        if (named != null) {
            return named;
        }
        Integer b = builtIn.get(s);
        return b == null ? null : b.longValue();
    }

    /** The file's "NUMBER NAME" lines; others are skipped, as keepalived skips them. */
    private Map<String, Long> names(String file, long max) {
        return files.computeIfAbsent(file, f -> {
            Map<String, Long> out = new HashMap<>();
            if (source != null && source.read(f) instanceof ConfigSource.Text t) {
                for (String line : t.text().split("\n")) {
                    int hash = line.indexOf('#');
                    String[] w = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
                    if (w.length == 2) {
                        Long id = number(w[0]);
                        if (id != null && id <= max) {
                            out.putIfAbsent(w[1], id);
                        }
                    }
                }
            }
            return out;
        });
    }

    /** strtoul(s, &end, 0) over the whole word, without a sign; null if not a number or above 2^32-1. */
    static Long number(String s) {
        if (s.isEmpty() || s.startsWith("-") || s.startsWith("+")) {
            return null;
        }
        try {
            long v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = Long.parseLong(s.substring(2), 16);
            } else if (s.length() > 1 && s.startsWith("0")) {
                v = Long.parseLong(s.substring(1), 8);
            } else {
                v = Long.parseLong(s);
            }
            return v >= 0 && v <= 0xFFFF_FFFFL ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, Integer> ordered(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }
}
