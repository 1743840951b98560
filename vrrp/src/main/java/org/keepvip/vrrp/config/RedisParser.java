package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.Set;

/** keepvip's {@code redis_instance NAME { ... }} block: syntax and validation only. */
final class RedisParser {
    private RedisParser() {}

    static void parse(ConfigParser p, Stmt block) {
        String name = p.blockName(block);
        if (name == null) {
            return;
        }
        String ctx = "redis_instance " + name;
        Args a = p.args;
        Diagnostics d = p.diags;
        String host = "127.0.0.1";
        int port = 6379;
        String user = null;
        String passwordFile = null;
        Boolean tls = null;
        String ca = null;
        String cert = null;
        String key = null;
        Duration interval = Duration.ofMillis(200);
        Duration timeout = Duration.ofMillis(250);
        int rise = 2;
        int fall = 2;
        int weight = 0;
        Duration promoteTimeout = Duration.ofSeconds(5);
        long maxLagBytes = 0;
        Duration maxLagSeconds = Duration.ZERO;
        RedisInstance.LagPenalty penalty = RedisInstance.LagPenalty.FAULT;
        boolean allowEmpty = false;
        boolean fence = true;
        Integer peerPort = null;
        boolean ok = true;
        for (Stmt s : block.block()) {
            String kw = s.keyword();
            if (!Keywords.REDIS.contains(kw)) {
                if (kw.equals("password")) {
                    d.error(s.origin, ctx + ": inline 'password' is not accepted (the config is often world-readable)"
                            + " - put it in a root-only file and use 'password_file'");
                    continue;
                }
                p.unknown(s, ctx, Keywords.REDIS, Set.of());
                continue;
            }
            if (!p.noBlock(s)) {
                continue;
            }
            switch (kw) {
                case "address" -> {
                    String v = a.string(s);
                    if (v == null) {
                        break;
                    }
                    String[] hp = hostPort(v);
                    if (hp == null) {
                        d.error(s.origin, ctx + ": address '" + v + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)");
                        ok = false;
                    } else {
                        host = hp[0];
                        port = Integer.parseInt(hp[1]);
                    }
                }
                case "user" -> user = a.string(s);
                case "password_file" -> passwordFile = a.string(s);
                case "tls" -> {
                    Boolean v = a.bool(s);
                    if (v != null) {
                        tls = v;
                    }
                }
                case "tls_ca_file" -> ca = a.string(s);
                case "tls_cert_file" -> cert = a.string(s);
                case "tls_key_file" -> key = a.string(s);
                case "interval" -> {
                    Duration v = a.seconds(s, Duration.ofMillis(10), Duration.ofSeconds(3600));
                    if (v != null) {
                        interval = v;
                    }
                }
                case "timeout" -> {
                    Duration v = a.seconds(s, Duration.ofMillis(10), Duration.ofSeconds(3600));
                    if (v != null) {
                        timeout = v;
                    }
                }
                case "rise" -> {
                    Integer v = a.integer(s, 1, 1000);
                    if (v != null) {
                        rise = v;
                    }
                }
                case "fall" -> {
                    Integer v = a.integer(s, 1, 1000);
                    if (v != null) {
                        fall = v;
                    }
                }
                case "weight" -> {
                    int[] w = p.weight(s, 254);
                    if (w != null) {
                        weight = ConfigParser.clamp253(w[0]);
                    }
                }
                case "promote_timeout" -> {
                    Duration v = a.seconds(s, Duration.ofMillis(100), Duration.ofSeconds(3600));
                    if (v != null) {
                        promoteTimeout = v;
                    }
                }
                case "max_lag_bytes" -> {
                    Long v = a.longValue(s, 0, Long.MAX_VALUE);
                    if (v != null) {
                        maxLagBytes = v;
                    }
                }
                case "max_lag_seconds" -> {
                    Duration v = a.seconds(s, Duration.ZERO, Duration.ofDays(1));
                    if (v != null) {
                        maxLagSeconds = v;
                    }
                }
                case "lag_penalty" -> {
                    String v = a.string(s);
                    if (v == null) {
                        break;
                    }
                    if (v.equals("fault")) {
                        penalty = RedisInstance.LagPenalty.FAULT;
                    } else {
                        Integer w = a.integer(s, v, -253, -1);
                        if (w != null) {
                            penalty = new RedisInstance.LagPenalty(false, w);
                        }
                    }
                }
                case "allow_empty_master" -> {
                    Boolean v = a.bool(s);
                    if (v != null) {
                        allowEmpty = v;
                    }
                }
                case "fence" -> {
                    Boolean v = a.bool(s);
                    if (v != null) {
                        fence = v;
                    }
                }
                case "peer_port" -> peerPort = a.integer(s, 1, 65535);
                default -> throw new IllegalStateException(kw);
            }
        }
        boolean tlsOn = tls != null ? tls : false;
        if (!tlsOn && (ca != null || cert != null || key != null)) {
            d.warning(block.origin, ctx + ": tls_* files are given but tls is off - they are not used");
        }
        if ((cert == null) != (key == null)) {
            d.error(block.origin, ctx + ": tls_cert_file and tls_key_file must be given together");
            ok = false;
        }
        if (timeout.compareTo(interval) > 0 && interval.compareTo(Duration.ofMillis(200)) != 0) {
            d.warning(block.origin, ctx + ": timeout " + Durations.format(timeout) + " s is longer than interval "
                    + Durations.format(interval) + " s - a slow Redis delays the next check");
        }
        if (!ok) {
            d.error(block.origin, ctx + " has errors - removing");
            return;
        }
        if (p.redis.containsKey(name)) {
            d.error(block.origin, "redis_instance " + name + " already defined - replacing the earlier one");
        }
        p.redis.put(name, new RedisInstance(name, host, port, user, passwordFile,
                tlsOn ? new RedisInstance.Tls(true, ca, cert, key) : RedisInstance.Tls.OFF, interval, timeout, rise,
                fall, weight, promoteTimeout, maxLagBytes, maxLagSeconds, penalty, allowEmpty, fence,
                peerPort != null ? peerPort : port, block.origin));
    }

    /** {@code host:port} or {@code [v6]:port} → {host, port}, or null. */
    static String[] hostPort(String v) {
        String host;
        String port;
        if (v.startsWith("[")) {
            int close = v.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
            if (IpLiteral.parse(host) == null || host.indexOf(':') < 0) {
                return null;
            }
        } else {
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || v.indexOf(':') != colon) {
                return null;
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (!host.matches("[A-Za-z0-9._-]+")) {
                return null;
            }
        }
        try {
            int n = Integer.parseInt(port);
            return n >= 1 && n <= 65535 ? new String[] {host, port} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
