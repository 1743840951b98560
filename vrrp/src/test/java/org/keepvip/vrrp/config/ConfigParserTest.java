package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parser behaviour on in-memory files: grammar, meta features, defaults and cross-checks. */
class ConfigParserTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(MemorySource src) {
        return ConfigParser.parse(MAIN, src, null);
    }

    private static ParseResult parse(String text) {
        return parse(new MemorySource().file(MAIN, text));
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n" + body
                + "\n virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
    }

    @Test
    void defaultsFollowKeepalived() {
        ParseResult r = parse(instance(""));
        assertThat(r.diagnostics()).isEmpty();
        InstanceSpec vi = r.config().instances().get(0);
        assertThat(vi.priority()).isEqualTo(100);
        assertThat(vi.state()).isEqualTo(InitialState.BACKUP);
        assertThat(vi.version()).isEqualTo(2);
        assertThat(vi.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(vi.preempt()).isTrue();
        assertThat(vi.garp()).isEqualTo(GarpSettings.DEFAULT);
        assertThat(vi.advert()).isEqualTo(AdvertBehaviour.DEFAULT);
        assertThat(vi.accept()).isTrue();
        assertThat(vi.mcastGroup()).isEqualTo(IpLiteral.parse("224.0.0.18"));
        assertThat(r.config().global().routerId()).isEqualTo("node1.example.org");
    }

    @Test
    void stateMasterWithoutPriorityMeansOwnerAndClearsNopreempt() {
        ParseResult r = parse(instance(" state MASTER\n nopreempt"));
        InstanceSpec vi = r.config().instances().get(0);
        assertThat(vi.priority()).isEqualTo(255);
        assertThat(vi.preempt()).isTrue();
        assertThat(messages(r)).containsExactly(MAIN + ":5: error: (VI_1) nopreempt is incompatible with priority 255."
                + " resetting nopreempt");
    }

    @Test
    void unknownBlockIsSkippedWholeAndDoesNotCloseItsParent() {
        ParseResult r = parse(instance(" foo {\n  priority 1\n }\n priority 42"));
        assertThat(messages(r)).containsExactly(MAIN + ":4: error: unknown keyword 'foo' in vrrp_instance VI_1"
                + " (its block is skipped)");
        assertThat(r.config().instances().get(0).priority()).isEqualTo(42);
    }

    @Test
    void didYouMeanForSpellingAndCase() {
        assertThat(messages(parse(instance(" Nopreermpt")))).containsExactly(
                MAIN + ":4: error: unknown keyword 'Nopreermpt' in vrrp_instance VI_1 - did you mean 'nopreempt'?");
        assertThat(messages(parse("VRRP_INSTANCE x {\n}\n"))).containsExactly(
                MAIN + ":0: warning: no vrrp_instance is configured - keepvip would do nothing",
                MAIN + ":1: error: unknown keyword 'VRRP_INSTANCE' (its block is checked as 'vrrp_instance' but not used)"
                        + " - did you mean 'vrrp_instance'?",
                MAIN + ":1: error: (x) the virtual router id must be set - instance removed");
        assertThat(messages(parse(instance(" completely_different_word 1")))).containsExactly(
                MAIN + ":4: error: unknown keyword 'completely_different_word' in vrrp_instance VI_1");
    }

    @Test
    void unsupportedIsReportedOnce() {
        ParseResult r = parse(instance(" vrf blue\n vrf red"));
        assertThat(messages(r)).containsExactly(MAIN + ":4: warning: 'vrf' is not supported by keepvip - ignored");
        assertThat(r.hasErrors()).isFalse();
    }

    @Test
    void includeGlobBracesRelativeToTheIncludingFile() {
        MemorySource src = new MemorySource()
                .file(MAIN, "include conf.d/{a,b}.conf\ninclude conf.d/z*.conf\n")
                .file("/etc/keepvip/conf.d/a.conf", "include ../sub/vi.inc\n")
                .file("/etc/keepvip/sub/vi.inc", instance(""))
                .file("/etc/keepvip/conf.d/b.conf", "global_defs {\n router_id B\n}\n")
                .file("/etc/keepvip/conf.d/z1.conf", "global_defs {\n vrrp_version 3\n}\n");
        ParseResult r = parse(src);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().global().routerId()).isEqualTo("B");
        assertThat(r.config().global().vrrpVersion()).isEqualTo(3);
        assertThat(r.config().instances().get(0).origin()).isEqualTo(new Origin("/etc/keepvip/sub/vi.inc", 1));
    }

    @Test
    void includebNeedsEveryAlternative() {
        MemorySource src = new MemorySource()
                .file(MAIN, "includeb {a,b}.conf\n" + instance(""))
                .file("/etc/keepvip/a.conf", "");
        assertThat(messages(parse(src))).containsExactly(
                MAIN + ":1: error: includeb '{a,b}.conf': brace alternative '/etc/keepvip/b.conf' matches no file");
    }

    @Test
    void definitionsBuiltinsAndConditionals() {
        MemorySource src = new MemorySource().file(MAIN, """
                $P=77
                $IF=eth${_RANDOM 5 9}
                @node1 $P=88
                @^node1 $P=99
                vrrp_instance VI_1 {
                 interface $IF
                 virtual_router_id 9
                 priority $P
                 notify "${_ENV TOOLS}/n.sh ${_PWD}"
                 virtual_ipaddress {
                  192.0.2.9/24
                 }
                }
                """);
        src.env.put("TOOLS", "/opt/t");
        InstanceSpec vi = parse(src).config().instances().get(0);
        assertThat(vi.priority()).isEqualTo(88);
        assertThat(vi.interfaceName()).isEqualTo("eth7");
        assertThat(vi.notifyScripts().generic().argv()).containsExactly("/opt/t/n.sh", "/etc/keepvip");
        assertThat(ConfigParser.parse(MAIN, src, "other").config().instances().get(0).priority()).isEqualTo(99);
    }

    @Test
    void recursiveDefinitionIsReportedNotLooped() {
        ParseResult r = parse("$A=${B}\n$B=${A}\n" + instance(" priority $A"));
        assertThat(messages(r)).anyMatch(m -> m.contains("nested more than 32 deep"));
    }

    @Test
    void sequenceBombIsRefused() {
        ParseResult r = parse("~SEQ(i,1,1,100000000) vrrp_script s$i {\n}\n");
        assertThat(messages(r)).anyMatch(m -> m.contains("more than 10000 times"));
    }

    @Test
    void scriptArgvSecondSplit() {
        ParseResult r = parse("global_defs {\n script_user root\n}\nvrrp_script s {\n script \"/bin/x 'a b' c\\td\" \n weight -254\n}\n"
                + instance(" track_script {\n  s weight 10 reverse\n }"));
        VrrpScript s = r.config().scripts().get(0);
        assertThat(s.command().argv()).containsExactly("/bin/x", "a b", "c\td");
        assertThat(s.weight()).isEqualTo(-253);
        Tracked t = r.config().instances().get(0).tracking().scripts().get(0);
        assertThat(t.weight()).isEqualTo(10);
        assertThat(t.reverse()).isTrue();
    }

    @Test
    void syncGroupWithoutTrackingWeightZeroesWeights() {
        ParseResult r = parse("vrrp_script s {\n script /bin/true\n weight -20\n}\n" + instance(" track_script {\n  s\n }")
                + instance("").replace("VI_1", "VI_2").replace("eth0", "eth1")
                + "vrrp_sync_group G {\n group {\n  VI_1 VI_2\n }\n}\n");
        assertThat(r.config().instance("VI_1").orElseThrow().tracking().scripts().get(0).weight()).isZero();
        assertThat(messages(r)).anyMatch(m -> m.contains("ignoring weight of tracker s due to SYNC group"));
    }

    @Test
    void strictModeRejectsUnicastAndForcesBackup() {
        ParseResult r = parse("global_defs {\n vrrp_strict\n}\n" + instance(" state MASTER\n priority 100"));
        assertThat(r.config().instances().get(0).state()).isEqualTo(InitialState.BACKUP);
        assertThat(messages(r)).anyMatch(m -> m.contains("strict mode requires state MASTER only for the address owner"));
        ParseResult u = parse("global_defs {\n vrrp_strict\n}\n" + instance(" unicast_peer {\n  192.0.2.2\n }"));
        assertThat(u.config().instances()).isEmpty();
    }

    @Test
    void redisBlockDefaultsAndValidation() {
        ParseResult r = parse("redis_instance r {\n}\n" + instance(" track_redis {\n  r weight -70\n }"));
        assertThat(r.diagnostics()).isEmpty();
        RedisInstance ri = r.config().redis().get(0);
        assertThat(ri.host()).isEqualTo("127.0.0.1");
        assertThat(ri.port()).isEqualTo(6379);
        assertThat(ri.peerPort()).isEqualTo(6379);
        assertThat(ri.fence()).isTrue();
        assertThat(ri.allowEmptyMaster()).isFalse();
        assertThat(ri.lagPenalty()).isEqualTo(RedisInstance.LagPenalty.FAULT);
        assertThat(r.config().instances().get(0).tracking().redis().get(0).weight()).isEqualTo(-70);

        ParseResult bad = parse("redis_instance r {\n address [2001:db8::1]:6380\n tls on\n tls_cert_file /c\n"
                + " lag_penalty 5\n}\n" + instance(" track_redis {\n  r\n }"));
        assertThat(messages(bad)).contains(
                MAIN + ":1: error: redis_instance r: tls_cert_file and tls_key_file must be given together",
                MAIN + ":5: error: lag_penalty '5' is not valid - must be between -253 and -1");
    }

    @Test
    void sentinelModeIsParsedWithItsDefaults() {
        ParseResult r = parse("redis_instance r {\n sentinel {\n  192.0.2.10:26379\n  192.0.2.11:26379 [2001:db8::3]:26379\n }\n"
                + " sentinel_master mymaster\n sentinel_password_file /etc/keepvip/s.pass\n}\n"
                + instance(" track_redis {\n  r\n }"));
        assertThat(messages(r)).isEmpty();
        RedisInstance ri = r.config().redis().get(0);
        assertThat(ri.sentinelMode()).isTrue();
        RedisInstance.Sentinel s = ri.sentinel();
        assertThat(s.addresses()).containsExactly(new RedisInstance.HostPort("192.0.2.10", 26379),
                new RedisInstance.HostPort("192.0.2.11", 26379), new RedisInstance.HostPort("2001:db8::3", 26379));
        assertThat(s.masterName()).isEqualTo("mymaster");
        assertThat(s.passwordFile()).isEqualTo("/etc/keepvip/s.pass");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.tls()).isFalse();
        assertThat(s.announceHost()).isNull();
        assertThat(s.majority()).isEqualTo(2);
        assertThat(parse("redis_instance r {\n}\n" + instance(" track_redis {\n  r\n }")).config().redis().get(0)
                .sentinelMode()).isFalse();
        // What the writer prints parses back to the same settings, without findings.
        ParseResult again = parse(ConfigWriter.write(r.config()));
        assertThat(messages(again)).isEmpty();
        assertThat(again.config().redis().get(0).sentinel()).isEqualTo(s);
    }

    @Test
    void sentinelModeErrorsAreSpecific() {
        String track = instance(" track_redis {\n  r\n }");
        assertThat(messages(parse("redis_instance r {\n sentinel {\n  192.0.2.10:26379\n  192.0.2.11\n }\n}\n" + track)))
                .contains(MAIN + ":4: error: redis_instance r: sentinel address '192.0.2.11' is not HOST:PORT"
                                + " (IPv6 as [ADDR]:PORT)",
                        MAIN + ":1: error: redis_instance r: sentinel_master NAME is required with a sentinel block"
                                + " (the name of 'sentinel monitor NAME ...' in sentinel.conf)",
                        MAIN + ":1: error: redis_instance r has errors - removing");
        assertThat(messages(parse("redis_instance r {\n sentinel_master m\n}\n" + track))).contains(
                MAIN + ":2: error: redis_instance r: 'sentinel_master' needs a 'sentinel { HOST:PORT ... }' block"
                        + " listing the Sentinels");
        assertThat(messages(parse("redis_instance r {\n sentinel {\n  h:1\n  h:1\n }\n sentinel_master m\n"
                + " sentinel_auth_pass s3cret\n sentinel_timeout 0\n}\n" + track))).contains(
                MAIN + ":4: error: redis_instance r: sentinel h:1 is listed twice",
                MAIN + ":7: error: redis_instance r: inline 'sentinel_auth_pass' is not accepted (the config is often"
                        + " world-readable) - put it in a root-only file and use 'sentinel_password_file'");
        assertThat(messages(parse("redis_instance r {\n sentinel 192.0.2.1:26379\n sentinel_master m\n}\n" + track)))
                .contains(MAIN + ":2: error: redis_instance r: 'sentinel' takes a block of HOST:PORT addresses:"
                        + " sentinel { 192.0.2.10:26379 ... }");
        assertThat(messages(parse("redis_instance r {\n sentinel {\n  a:1 b:1\n }\n sentinel_master x/y\n}\n"
                + track))).anyMatch(m -> m.contains("sentinel_master 'x/y' is not a Sentinel master name"));
        assertThat(parse("redis_instance r {\n sentinel {\n }\n sentinel_master m\n}\n" + track).config().redis())
                .as("no Sentinel listed").isEmpty();
    }

    @Test
    void sentinelModeWarnsAboutQuorumAndIgnoredPairKeywords() {
        String track = instance(" track_redis {\n  r\n }");
        ParseResult two = parse("redis_instance r {\n sentinel {\n  a:1 b:1\n }\n sentinel_master m\n"
                + " max_lag_bytes 100\n peer_port 6380\n}\n" + track);
        assertThat(two.config().redis()).hasSize(1);
        assertThat(messages(two)).containsExactly(
                MAIN + ":1: warning: redis_instance r: 2 Sentinels cannot keep a majority when one is lost - every"
                        + " failure of one stops the VIP; Redis recommends at least 3 Sentinels on independent hosts",
                MAIN + ":1: warning: redis_instance r: max_lag_bytes/max_lag_seconds (Sentinel picks the replica to"
                        + " promote) is ignored in Sentinel mode",
                MAIN + ":1: warning: redis_instance r: peer_port (keepvip never runs REPLICAOF in Sentinel mode) is"
                        + " ignored in Sentinel mode");
        assertThat(messages(parse("redis_instance r {\n sentinel {\n  a:1 b:1 c:1 d:1\n }\n sentinel_master m\n}\n"
                + track))).containsExactly(MAIN + ":1: warning: redis_instance r: 4 Sentinels need 3 to agree, and"
                        + " survive no more losses than 3 would: an odd number is recommended");
    }

    @Test
    void minReplicasIsOffByDefaultParsesBothKeywordsAndRejectsBadValues() {
        String track = instance(" track_redis {\n  r\n }");
        RedisInstance off = parse("redis_instance r {\n}\n" + track).config().redis().get(0);
        assertThat(off.minReplicas()).isEqualTo(RedisInstance.MinReplicas.OFF);
        assertThat(off.minReplicas().managed()).isFalse();

        ParseResult on = parse("redis_instance r {\n min_replicas_to_write 1\n min_replicas_max_lag 3\n}\n" + track);
        assertThat(on.diagnostics()).isEmpty();
        assertThat(on.config().redis().get(0).minReplicas()).isEqualTo(new RedisInstance.MinReplicas(1, 3));
        assertThat(parse("redis_instance r {\n min_replicas_to_write 2\n}\n" + track).config().redis().get(0)
                .minReplicas()).as("Redis' own default lag").isEqualTo(new RedisInstance.MinReplicas(2, 10));

        assertThat(messages(parse("redis_instance r {\n min_replicas_to_write -1\n min_replicas_max_lag 0\n"
                + " min_replicas_max_lag 1.5\n}\n" + track)))
                .anyMatch(m -> m.startsWith(MAIN + ":2: error:") && m.contains("min_replicas_to_write"))
                .anyMatch(m -> m.startsWith(MAIN + ":3: error:") && m.contains("min_replicas_max_lag"))
                .anyMatch(m -> m.startsWith(MAIN + ":4: error:") && m.contains("min_replicas_max_lag"));
        assertThat(messages(parse("redis_instance r {\n min_replicas_max_lag 5\n}\n" + track))).containsExactly(
                MAIN + ":1: warning: redis_instance r: min_replicas_max_lag is given but min_replicas_to_write is 0 -"
                        + " min-replicas is not managed");
        ParseResult sentinel = parse("redis_instance r {\n sentinel {\n  a:1 b:1 c:1\n }\n sentinel_master m\n"
                + " min_replicas_to_write 1\n}\n" + track);
        assertThat(messages(sentinel)).contains(MAIN + ":1: warning: redis_instance r: min_replicas_to_write is"
                + " ignored in Sentinel mode (the Sentinel majority fences an isolated master; set min-replicas-* in"
                + " redis.conf if wanted)");
        assertThat(sentinel.config().redis().get(0).minReplicas().managed()).isFalse();
    }

    @Test
    void releasedVipRstDefaultsToTenSecondsParsesSecondsAndRejectsBadValues() {
        assertThat(parse(instance("")).config().global().releasedVipRst()).isEqualTo(Duration.ofSeconds(10));
        ParseResult r = parse("global_defs {\n released_vip_rst 2.5\n}\n" + instance(""));
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().global().releasedVipRst()).isEqualTo(Duration.ofMillis(2500));
        assertThat(parse("global_defs {\n released_vip_rst 0\n}\n" + instance("")).config().global()
                .releasedVipRst()).as("0 disables").isZero();

        ParseResult bad = parse("global_defs {\n released_vip_rst soon\n released_vip_rst -1\n"
                + " released_vip_rst 7200\n released_vip_rst\n}\n" + instance(""));
        assertThat(messages(bad)).containsExactly(
                MAIN + ":2: error: released_vip_rst 'soon' is not valid - must be between 0 and 3600 seconds",
                MAIN + ":3: error: released_vip_rst '-1' is not valid - must be between 0 and 3600 seconds",
                MAIN + ":4: error: released_vip_rst '7200' is not valid - must be between 0 and 3600 seconds",
                MAIN + ":5: error: Configuration line starting `released_vip_rst` is missing a parameter after keyword"
                        + " `released_vip_rst` at word position 2");
        assertThat(bad.config().global().releasedVipRst()).as("bad values keep the default")
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void dumpWritesReleasedVipRstAndReadsItBack() {
        for (String value : List.of("0", "0.25", "10", "30")) {
            ParseResult r = parse("global_defs {\n released_vip_rst " + value + "\n}\n" + instance(""));
            String dump = ConfigWriter.write(r.config());
            if (value.equals("10")) {
                // The default is left out, so a plain keepalived.conf dumps to one keepalived accepts.
                assertThat(dump).doesNotContain("released_vip_rst");
            } else {
                assertThat(dump).contains("    released_vip_rst " + value + "\n");
            }
            ParseResult again = parse(dump);
            assertThat(again.diagnostics()).as(dump).noneMatch(Diagnostic::isError);
            assertThat(again.config().global().releasedVipRst()).isEqualTo(r.config().global().releasedVipRst());
            assertThat(ConfigWriter.write(again.config())).isEqualTo(dump);
        }
    }

    @Test
    void metricsListenIsOffByDefaultParsesAddrPortAndRejectsBadValues() {
        assertThat(parse(instance("")).config().global().metricsListen()).as("off by default").isNull();
        ParseResult r = parse("global_defs {\n metrics_listen 127.0.0.1:9650\n}\n" + instance(""));
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().global().metricsListen()).hasToString("127.0.0.1:9650");
        assertThat(r.config().global().metricsListen().port()).isEqualTo(9650);
        assertThat(parse("global_defs {\n metrics_listen [2001:db8::1]:80\n}\n" + instance("")).config().global()
                .metricsListen()).hasToString("[2001:db8::1]:80");

        ParseResult bad = parse("global_defs {\n metrics_listen localhost:9650\n metrics_listen 127.0.0.1\n"
                + " metrics_listen 127.0.0.1:0\n metrics_listen 2001:db8::1:80\n metrics_listen 127.0.0.1:65536\n"
                + " metrics_listen [127.0.0.1]:80\n}\n" + instance(""));
        String form = "must be ADDR:PORT, e.g. 127.0.0.1:9650 or [::1]:9650";
        assertThat(messages(bad)).containsExactly(
                MAIN + ":2: error: metrics_listen 'localhost:9650' is not valid - " + form,
                MAIN + ":3: error: metrics_listen '127.0.0.1' is not valid - " + form,
                MAIN + ":4: error: metrics_listen '127.0.0.1:0' is not valid - " + form,
                MAIN + ":5: error: metrics_listen '2001:db8::1:80' is not valid - " + form,
                MAIN + ":6: error: metrics_listen '127.0.0.1:65536' is not valid - " + form,
                MAIN + ":7: error: metrics_listen '[127.0.0.1]:80' is not valid - " + form);
        assertThat(bad.config().global().metricsListen()).as("bad values leave metrics off").isNull();

        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("    metrics_listen 127.0.0.1:9650\n");
        assertThat(parse(dump).config().global().metricsListen()).isEqualTo(r.config().global().metricsListen());
        assertThat(ConfigWriter.write(parse(instance("")).config())).doesNotContain("metrics_listen");
    }

    @Test
    void neverThrowsOnHostileInput() {
        for (String s : new String[] {"", "{", "}", "{{{{", "\"", "$", "${", "~SEQ(", "~LST(,)", "@", "@^",
            "include", "vrrp_instance", "vrrp_instance {", "vrrp_instance a b {}", "\0\0", "\u0000x"}) {
            ParseResult r = parse(s);
            assertThat(r.diagnostics()).noneMatch(d -> d.message().startsWith("internal parser error"));
        }
    }

    @Test
    void aSyncGroupMemberRemovedByAnErrorLeavesTheGroupAndTheDump() {
        ParseResult r = parse("vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n}\n" + instance("")
                + "vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 9\n version 3\n}\n");
        assertThat(r.config().instances()).extracting(InstanceSpec::name).containsExactly("VI_1");
        assertThat(r.config().syncGroups()).singleElement()
                .satisfies(g -> assertThat(g.members()).containsExactly("VI_1"));
        assertThat(messages(r)).anyMatch(m -> m.contains("(VI_2) No VIP specified"))
                .anyMatch(m -> m.contains("Sync group G has only 1 virtual router(s)"));

        String dump = ConfigWriter.write(r.config());
        assertThat(dump).doesNotContain("VI_2");
        ParseResult again = parse(dump);
        assertThat(again.diagnostics()).noneMatch(d -> d.isError() && d.category() != Diagnostic.Category.CORRECTED);
        assertThat(ConfigWriter.write(again.config())).isEqualTo(dump);
    }

    @Test
    void aSyncGroupWhoseMembersAreAllRemovedIsRemoved() {
        ParseResult r = parse("vrrp_sync_group G {\n group {\n  VI_2\n }\n}\n"
                + "vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 9\n version 3\n}\n");
        assertThat(r.config().syncGroups()).isEmpty();
        assertThat(messages(r)).anyMatch(m -> m.contains("vrrp_sync_group G has no valid members - removing"));
    }
}
