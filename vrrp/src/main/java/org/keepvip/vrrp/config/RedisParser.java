package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        PairParts f = new PairParts(p, block, ctx);
        SentinelParts sp = new SentinelParts();
        for (Stmt s : block.block()) {
            read(p, s, ctx, f, sp);
        }
        f.check();
        RedisInstance.Sentinel sentinel = sp.build(p, block, ctx, f.tlsOn());
        if (sp.bad) {
            f.ok = false;
        }
        if (sentinel != null) {
            f.sentinelMode();
        }
        Diagnostics d = p.diags;
        if (!f.ok) {
            d.error(block.origin, ctx + " has errors - removing");
            return;
        }
        if (p.redis.containsKey(name)) {
            d.error(block.origin, "redis_instance " + name + " already defined - replacing the earlier one");
        }
        p.redis.put(name, f.build(name, sentinel));
    }

    /** One statement of the block: to the Sentinel parts, the check's timing or the pair's keywords. */
    private static void read(ConfigParser p, Stmt s, String ctx, PairParts f, SentinelParts sp) {
        String kw = s.keyword();
        if (!Keywords.REDIS.contains(kw)) {
            if (kw.equals("password") || kw.equals("sentinel_auth_pass") || kw.equals("sentinel_password")) {
                String file = kw.equals("password") ? "password_file" : "sentinel_password_file";
                p.diags.error(s.origin, ctx + ": inline '" + kw + "' is not accepted (the config is often world-readable)"
                        + " - put it in a root-only file and use '" + file + "'");
                return;
            }
            p.unknown(s, ctx, Keywords.REDIS, Set.of());
            return;
        }
        if (kw.equals("sentinel")) {
            sp.block(p, s, ctx);
            return;
        }
        if (!p.noBlock(s)) {
            return;
        }
        if (kw.startsWith("sentinel_")) {
            sp.keyword(p, s, ctx);
            return;
        }
        if (f.timing.read(p.args, s)) {
            return;
        }
        f.keyword(s);
    }

    /** The keywords of one redis_instance outside its Sentinel settings, as they are read. */
    private static final class PairParts {
        private final ConfigParser p;
        private final Stmt block;
        private final String ctx;
        String host = "127.0.0.1";
        int port = 6379;
        String user;
        String passwordFile;
        Boolean tls;
        String ca;
        String cert;
        String key;
        final TrackerTiming timing;
        int weight = 0;
        Duration promoteTimeout = Duration.ofSeconds(5);
        long maxLagBytes = 0;
        Duration maxLagSeconds = Duration.ZERO;
        RedisInstance.LagPenalty penalty = RedisInstance.LagPenalty.FAULT;
        boolean allowEmpty = false;
        boolean fence = true;
        Integer peerPort;
        int minReplicasToWrite = 0;
        Integer minReplicasMaxLag;
        /** Something given was wrong: the redis_instance is removed rather than run half-configured. */
        boolean ok = true;

        PairParts(ConfigParser p, Stmt block, String ctx) {
            this.p = p;
            this.block = block;
            this.ctx = ctx;
            timing = new TrackerTiming(Duration.ofMillis(200), Duration.ofMillis(250), 2, 2, block.origin);
        }

        void keyword(Stmt s) {
            Args a = p.args;
            switch (s.keyword()) {
                case "address" -> address(s);
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
                default -> limits(s);
            }
        }

        /** The lag, empty-master, fence, peer and min-replicas keywords. */
        private void limits(Stmt s) {
            Args a = p.args;
            switch (s.keyword()) {
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
                case "lag_penalty" -> lagPenalty(s);
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
                case "min_replicas_to_write" -> {
                    Integer v = a.integer(s, 0, 16);
                    if (v != null) {
                        minReplicasToWrite = v;
                    }
                }
                case "min_replicas_max_lag" -> {
                    // Redis counts a replica's lag in whole seconds.
                    Integer v = a.integer(s, 1, 3600);
                    if (v != null) {
                        minReplicasMaxLag = v;
                    }
                }
                default -> throw new IllegalStateException(s.keyword());
            }
        }

        private void address(Stmt s) {
            String v = p.args.string(s);
            if (v == null) {
                return;
            }
            String[] hp = hostPort(v);
            if (hp == null) {
                p.diags.error(s.origin, ctx + ": address '" + v + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)");
                ok = false;
            } else {
                host = hp[0];
                port = Integer.parseInt(hp[1]);
            }
        }

        private void lagPenalty(Stmt s) {
            String v = p.args.string(s);
            if (v == null) {
                return;
            }
            if (v.equals("fault")) {
                penalty = RedisInstance.LagPenalty.FAULT;
            } else {
                Integer w = p.args.integer(s, v, -253, -1);
                if (w != null) {
                    penalty = new RedisInstance.LagPenalty(false, w);
                }
            }
        }

        boolean tlsOn() {
            return tls != null ? tls : false;
        }

        /** What only the whole block shows: TLS files without TLS, a timeout past the interval, min-replicas. */
        void check() {
            Diagnostics d = p.diags;
            if (!tlsOn() && (ca != null || cert != null || key != null)) {
                d.warning(block.origin, ctx + ": tls_* files are given but tls is off - they are not used");
            }
            if ((cert == null) != (key == null)) {
                d.error(block.origin, ctx + ": tls_cert_file and tls_key_file must be given together");
                ok = false;
            }
            Duration interval = timing.interval;
            Duration timeout = timing.timeout;
            if (timeout.compareTo(interval) > 0 && interval.compareTo(Duration.ofMillis(200)) != 0) {
                d.warning(block.origin, ctx + ": timeout " + Durations.format(timeout) + " s is longer than interval "
                        + Durations.format(interval) + " s - a slow Redis delays the next check");
            }
            if (minReplicasMaxLag != null && minReplicasToWrite == 0) {
                d.warning(block.origin, ctx + ": min_replicas_max_lag is given but min_replicas_to_write is 0 -"
                        + " min-replicas is not managed");
            }
        }

        /** With Sentinels: what pair mode uses is ignored, said once each. */
        void sentinelMode() {
            sentinelModeWarnings(p.diags, block, ctx, maxLagBytes, maxLagSeconds, allowEmpty, peerPort, weight);
            if (minReplicasToWrite > 0) {
                p.diags.warning(block.origin, ctx + ": min_replicas_to_write is ignored in Sentinel mode (the Sentinel"
                        + " majority fences an isolated master; set min-replicas-* in redis.conf if wanted)");
                minReplicasToWrite = 0;
            }
        }

        RedisInstance build(String name, RedisInstance.Sentinel sentinel) {
            return new RedisInstance(name, host, port, user, passwordFile,
                    tlsOn() ? new RedisInstance.Tls(true, ca, cert, key) : RedisInstance.Tls.OFF, timing.interval,
                    timing.timeout, timing.rise, timing.fall, weight, promoteTimeout, maxLagBytes, maxLagSeconds,
                    penalty, allowEmpty, fence, peerPort != null ? peerPort : port,
                    new RedisInstance.MinReplicas(minReplicasToWrite,
                            minReplicasMaxLag != null ? minReplicasMaxLag : RedisInstance.MinReplicas.OFF.maxLagSeconds()),
                    sentinel, block.origin);
        }
    }

    /** What pair mode uses and Sentinel mode ignores, because Sentinel chooses and reconfigures the replicas. */
    private static void sentinelModeWarnings(Diagnostics d, Stmt block, String ctx, long maxLagBytes,
            Duration maxLagSeconds, boolean allowEmpty, Integer peerPort, int weight) {
        List<String> ignored = new ArrayList<>();
        if (weight != 0) {
            ignored.add("weight " + weight + " (a failing check is FAULT: priorities decide nothing)");
        }
        if (maxLagBytes > 0 || !maxLagSeconds.isZero()) {
            ignored.add("max_lag_bytes/max_lag_seconds (Sentinel picks the replica to promote)");
        }
        if (allowEmpty) {
            ignored.add("allow_empty_master (Sentinel reconfigures the replicas)");
        }
        if (peerPort != null) {
            ignored.add("peer_port (keepvip never runs REPLICAOF in Sentinel mode)");
        }
        for (String i : ignored) {
            d.warning(block.origin, ctx + ": " + i + " is ignored in Sentinel mode");
        }
    }

    /** The {@code sentinel} block and {@code sentinel_*} keywords of one redis_instance, as they are read. */
    private static final class SentinelParts {
        final List<RedisInstance.HostPort> addresses = new ArrayList<>();
        boolean blockSeen;
        String master;
        String user;
        String passwordFile;
        boolean tls;
        Duration timeout = Duration.ofSeconds(1);
        RedisInstance.HostPort announce;
        /** Something given was wrong: the redis_instance is removed rather than run half-configured. */
        boolean bad;
        final List<Stmt> keywords = new ArrayList<>();

        void block(ConfigParser p, Stmt s, String ctx) {
            if (!s.hasBlock() || s.argCount() != 0) {
                p.diags.error(s.origin, ctx + ": 'sentinel' takes a block of HOST:PORT addresses: sentinel {"
                        + " 192.0.2.10:26379 ... }");
                bad = true;
                return;
            }
            blockSeen = true;
            for (Stmt.Word w : s.blockWords()) {
                String[] hp = hostPort(w.text());
                if (hp == null) {
                    p.diags.error(w.origin(), ctx + ": sentinel address '" + w.text()
                            + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)");
                    bad = true;
                    continue;
                }
                RedisInstance.HostPort a = new RedisInstance.HostPort(hp[0], Integer.parseInt(hp[1]));
                if (addresses.contains(a)) {
                    p.diags.error(w.origin(), ctx + ": sentinel " + a + " is listed twice");
                    bad = true;
                    continue;
                }
                addresses.add(a);
            }
        }

        void keyword(ConfigParser p, Stmt s, String ctx) {
            keywords.add(s);
            Args a = p.args;
            switch (s.keyword()) {
                case "sentinel_master" -> {
                    String v = a.string(s);
                    if (v != null && !v.matches("[A-Za-z0-9._:-]+")) {
                        p.diags.error(s.origin, ctx + ": sentinel_master '" + v
                                + "' is not a Sentinel master name (letters, digits, '.', '_', ':', '-')");
                        bad = true;
                    } else if (v != null) {
                        master = v;
                    }
                }
                case "sentinel_user" -> user = a.string(s);
                case "sentinel_password_file" -> passwordFile = a.string(s);
                case "sentinel_tls" -> {
                    Boolean v = a.bool(s);
                    if (v != null) {
                        tls = v;
                    }
                }
                case "sentinel_timeout" -> {
                    Duration v = a.seconds(s, Duration.ofMillis(100), Duration.ofSeconds(60));
                    if (v != null) {
                        timeout = v;
                    }
                }
                case "sentinel_announce_address" -> {
                    String v = a.string(s);
                    String[] hp = v == null ? null : hostPort(v);
                    if (v != null && hp == null) {
                        p.diags.error(s.origin, ctx + ": sentinel_announce_address '" + v
                                + "' is not HOST:PORT (IPv6 as [ADDR]:PORT)");
                        bad = true;
                    } else if (hp != null) {
                        announce = new RedisInstance.HostPort(hp[0], Integer.parseInt(hp[1]));
                    }
                }
                default -> throw new IllegalStateException(s.keyword());
            }
        }

        /** The Sentinel settings, or null in pair mode (and after an error, which sets {@link #bad}). */
        RedisInstance.Sentinel build(ConfigParser p, Stmt block, String ctx, boolean tlsOn) {
            Diagnostics d = p.diags;
            if (!blockSeen) {
                if (!keywords.isEmpty()) {
                    d.error(keywords.get(0).origin, ctx + ": '" + keywords.get(0).keyword()
                            + "' needs a 'sentinel { HOST:PORT ... }' block listing the Sentinels");
                    bad = true;
                }
                return null;
            }
            if (addresses.isEmpty() && !bad) {
                d.error(block.origin, ctx + ": the sentinel block lists no Sentinel");
                bad = true;
            }
            if (master == null && keywords.stream().noneMatch(k -> k.keyword().equals("sentinel_master"))) {
                d.error(block.origin, ctx + ": sentinel_master NAME is required with a sentinel block (the name"
                        + " of 'sentinel monitor NAME ...' in sentinel.conf)");
                bad = true;
            }
            if (bad) {
                return null;
            }
            if (addresses.size() < 3) {
                d.warning(block.origin, ctx + ": " + addresses.size() + " Sentinel" + (addresses.size() == 1 ? "" : "s")
                        + " cannot keep a majority when one is lost - every failure of one stops the VIP;"
                        + " Redis recommends at least 3 Sentinels on independent hosts");
            } else if (addresses.size() % 2 == 0) {
                d.warning(block.origin, ctx + ": " + addresses.size() + " Sentinels need " + (addresses.size() / 2 + 1)
                        + " to agree, and survive no more losses than " + (addresses.size() - 1)
                        + " would: an odd number is recommended");
            }
            if (tls && !tlsOn) {
                d.warning(block.origin, ctx + ": sentinel_tls on uses the block's tls_* files; without 'tls on'"
                        + " none are set and the system trust store is used");
            }
            return new RedisInstance.Sentinel(addresses, master, user, passwordFile, tls, timeout,
                    announce == null ? null : announce.host(), announce == null ? 0 : announce.port());
        }
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
