package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisInfoTest {

    @Test
    void parsesMasterWithReplicasAndKeyspace() {
        String text = "# Server\r\nredis_version:7.0.15\r\nrun_id:9f8e\r\nuptime_in_seconds:42\r\n"
                + "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
                + "slave0:ip=198.51.100.2,port=6380,state=online,offset=900,lag=0\r\n"
                + "slave1:ip=198.51.100.3,port=6381,state=wait_bgsave,offset=0,lag=1\r\n"
                + "master_replid:" + Snapshots.R1 + "\r\nmaster_repl_offset:1000\r\n"
                + "# Keyspace\r\ndb0:keys=5,expires=0,avg_ttl=0\r\ndb3:keys=7,expires=1,avg_ttl=9\r\n";
        RedisInfo i = RedisInfo.parse(text);
        assertThat(i.role()).isEqualTo(RedisInfo.Role.MASTER);
        assertThat(i.redisVersion()).isEqualTo("7.0.15");
        assertThat(i.runId()).isEqualTo("9f8e");
        assertThat(i.uptimeSeconds()).isEqualTo(42);
        assertThat(i.keys()).isEqualTo(12);
        assertThat(i.replicas()).extracting(RedisInfo.ConnectedReplica::port).containsExactly(6380, 6381);
        assertThat(i.replicas().get(0).state()).isEqualTo("online");
        assertThat(i.maxReplicaLagBytes()).isEqualTo(1000);
        assertThat(i.masterHost()).isNull();
        assertThat(i.slaveReplOffset()).isEqualTo(-1);
        assertThat(i.holdsData()).isTrue();
    }

    @Test
    void parsesReplicaWithLinkDown() {
        RedisInfo i = RedisInfo.parse(Snapshots.replica(Snapshots.R1, 555, 3, false, 17));
        assertThat(i.role()).isEqualTo(RedisInfo.Role.REPLICA);
        assertThat(i.masterHost()).isEqualTo("198.51.100.1");
        assertThat(i.masterPort()).isEqualTo(6379);
        assertThat(i.masterLinkUp()).isFalse();
        assertThat(i.masterLinkDownSinceSeconds()).isEqualTo(17);
        assertThat(i.dataOffset()).isEqualTo(555);
    }

    @Test
    void lagBytesOnlyWithinOneHistory() {
        RedisInfo master = RedisInfo.parse(Snapshots.master(Snapshots.R1, 1000, 5, 100));
        assertThat(RedisInfo.parse(Snapshots.replica(Snapshots.R1, 700, 5, true, -1)).lagBytesBehind(master)).isEqualTo(300);
        assertThat(RedisInfo.parse(Snapshots.replica(Snapshots.R2, 700, 5, true, -1)).lagBytesBehind(master)).isEqualTo(-1);
        assertThat(master.lagBytesBehind(master)).isEqualTo(-1);
    }

    @Test
    void ignoresUnknownFieldsAndMalformedLines() {
        RedisInfo i = RedisInfo.parse("garbage without colon\nrole:master\nfuture_field:xyz\n"
                + "uptime_in_seconds:notanumber\n:emptykey\ndbx:keys=4\ndb0:keys=oops\n");
        assertThat(i.role()).isEqualTo(RedisInfo.Role.MASTER);
        assertThat(i.uptimeSeconds()).isEqualTo(-1);
        assertThat(i.keys()).isZero();
        assertThat(i.loading()).isFalse();
    }

    @Test
    void emptyTextIsUnknownRole() {
        RedisInfo i = RedisInfo.parse("");
        assertThat(i.role()).isEqualTo(RedisInfo.Role.UNKNOWN);
        assertThat(i.holdsData()).isFalse();
    }

    @Test
    void loadingAndPersistenceErrorsDriveTheVerdict() {
        RedisEndpoint ep = RedisEndpoint.of("127.0.0.1", 6379);
        String ok = Snapshots.master(Snapshots.R1, 10, 1, 100);
        assertThat(JedisProbe.judge(RedisInfo.parse(ok), ep)).isInstanceOf(Verdict.Ok.class);
        assertThat(JedisProbe.judge(RedisInfo.parse(Snapshots.loading(ok)), ep)).isInstanceOf(Verdict.NotReady.class);
        assertThat(JedisProbe.judge(RedisInfo.parse(ok.replace("aof_last_write_status:ok", "aof_last_write_status:err")), ep))
                .isInstanceOf(Verdict.Failed.class).extracting(Verdict::reason).asString().contains("AOF");
        assertThat(JedisProbe.judge(RedisInfo.parse(ok.replace("rdb_last_bgsave_status:ok", "rdb_last_bgsave_status:err")), ep))
                .isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void endpointNeverPrintsThePassword() {
        RedisEndpoint ep = RedisEndpoint.of("::1", 6379).withUser("keepvip").withPassword("s3cret");
        assertThat(ep.toString()).doesNotContain("s3cret").contains("[::1]:6379", "user=keepvip");
    }
}
