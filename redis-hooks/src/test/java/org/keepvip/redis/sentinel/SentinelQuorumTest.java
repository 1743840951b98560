package org.keepvip.redis.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SentinelQuorumTest {
    private static final MasterAddress A = new MasterAddress("192.0.2.10", 6379);
    private static final MasterAddress B = new MasterAddress("192.0.2.11", 6379);

    private static SentinelQuorum three() {
        return new SentinelQuorum(List.of("s1:26379", "s2:26379", "s3:26379"));
    }

    @Test
    void aMasterNeedsAMajorityOfTheConfiguredSentinelsNotOfThoseReachable() {
        SentinelQuorum q = three();
        assertThat(q.verdict().reachable()).isZero();
        assertThat(q.update(0, SentinelReport.names(Optional.of(A))).master()).isEmpty();
        SentinelQuorum.Verdict v = q.update(1, SentinelReport.names(Optional.of(A)));
        assertThat(v.master()).contains(A);
        assertThat(v.majorityReachable()).isTrue();
        // One of two reachable Sentinels has switched: no majority names anyone.
        v = q.update(0, SentinelReport.names(Optional.of(B)));
        assertThat(v.master()).isEmpty();
        assertThat(v.majorityReachable()).isTrue();
        v = q.update(2, SentinelReport.names(Optional.of(B)));
        assertThat(v.master()).contains(B);
        assertThat(v.reachable()).isEqualTo(3);
    }

    @Test
    void anUnreachableSentinelsLastWordDoesNotCount() {
        SentinelQuorum q = three();
        q.update(0, SentinelReport.names(Optional.of(A)));
        q.update(1, SentinelReport.names(Optional.of(A)));
        SentinelQuorum.Verdict v = q.update(1, SentinelReport.unreachable("connection refused"));
        assertThat(v.master()).isEmpty();
        assertThat(v.majorityReachable()).isFalse();
        assertThat(v.summary()).startsWith("1 of 3 Sentinels reachable, no master named by a majority (2)")
                .contains("s2:26379 connection refused");
    }

    @Test
    void aSentinelThatDoesNotKnowTheMasterNameIsReachableButVotesForNobody() {
        SentinelQuorum q = three();
        q.update(0, SentinelReport.names(Optional.empty()));
        SentinelQuorum.Verdict v = q.update(1, SentinelReport.names(Optional.of(A)));
        assertThat(v.majorityReachable()).isTrue();
        assertThat(v.master()).isEmpty();
        assertThat(v.views()).contains("s1:26379 does not know the master name");
    }

    @Test
    void fiveSentinelsNeedThree() {
        SentinelQuorum q = new SentinelQuorum(List.of("1", "2", "3", "4", "5"));
        q.update(0, SentinelReport.names(Optional.of(A)));
        assertThat(q.update(1, SentinelReport.names(Optional.of(A))).master()).isEmpty();
        assertThat(q.update(4, SentinelReport.names(Optional.of(A))).master()).contains(A);
        assertThatThrownBy(() -> new SentinelQuorum(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void switchMessagesAndQueryRepliesAreParsedStrictly() {
        assertThat(MasterAddress.fromSwitchMessage("mymaster 192.0.2.10 6379 192.0.2.11 6379", "mymaster"))
                .contains(B);
        assertThat(MasterAddress.fromSwitchMessage("other 192.0.2.10 6379 192.0.2.11 6379", "mymaster")).isEmpty();
        assertThat(MasterAddress.fromSwitchMessage("mymaster 192.0.2.10 6379 192.0.2.11", "mymaster")).isEmpty();
        assertThat(MasterAddress.fromSwitchMessage("mymaster 192.0.2.10 6379 192.0.2.11 70000", "mymaster")).isEmpty();
        assertThat(MasterAddress.fromSwitchMessage(null, "mymaster")).isEmpty();
        assertThat(MasterAddress.fromSwitchMessage("m ::1 1 2001:db8::2 6380", "m"))
                .contains(new MasterAddress("2001:db8::2", 6380));
        assertThat(new MasterAddress("2001:db8::2", 6380).toString()).isEqualTo("[2001:db8::2]:6380");
        assertThat(MasterAddress.fromReply(List.of("192.0.2.10", "6379"))).contains(A);
        assertThat(MasterAddress.fromReply(null)).isEmpty();
        assertThat(MasterAddress.fromReply(List.of("192.0.2.10", "x"))).isEmpty();
    }
}
