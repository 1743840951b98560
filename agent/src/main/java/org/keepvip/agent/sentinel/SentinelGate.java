package org.keepvip.agent.sentinel;

import java.util.Optional;
import java.util.function.Predicate;
import org.keepvip.redis.sentinel.MasterAddress;
import org.keepvip.redis.sentinel.SentinelQuorum;

/**
 * Whether this host may serve the VIP in Sentinel mode: a majority of the configured Sentinels names
 * this host's Redis as master, and that Redis' own {@code ROLE} says master. Anything else (too few
 * Sentinels reachable, no majority, another host named, a ROLE not yet master) keeps the instance in
 * FAULT. Holds the latest Sentinel verdict and ROLE; reports a change once. Thread-safe.
 */
public final class SentinelGate {

    /**
     * @param up     this host is the named master
     * @param reason why, in one line
     */
    public record Decision(boolean up, String reason) {}

    private final Predicate<MasterAddress> isLocal;
    private SentinelQuorum.Verdict verdict;
    private Boolean roleMaster;
    private Decision last;

    /** @param isLocal whether a master address Sentinel names is this host's Redis */
    public SentinelGate(Predicate<MasterAddress> isLocal) {
        this.isLocal = isLocal;
    }

    /** The pure rule. {@code roleMaster} is null while the local ROLE is not known. */
    static Decision decide(SentinelQuorum.Verdict v, Predicate<MasterAddress> isLocal, Boolean roleMaster) {
        if (!v.majorityReachable()) {
            return new Decision(false, "only " + v.reachable() + " of " + v.configured() + " Sentinels reachable, "
                    + v.majority() + " needed");
        }
        Optional<MasterAddress> m = v.master();
        if (m.isEmpty()) {
            return new Decision(false, "no master named by a majority (" + v.majority() + ") of the Sentinels");
        }
        if (!isLocal.test(m.get())) {
            return new Decision(false, "Sentinels name " + m.get() + " as master, not this host");
        }
        if (roleMaster == null) {
            return new Decision(false, "Sentinels name this host's Redis " + m.get() + " master; its ROLE is unknown");
        }
        if (!roleMaster) {
            return new Decision(false, "Sentinels name this host's Redis " + m.get()
                    + " master but its ROLE is not master");
        }
        return new Decision(true, "Sentinels name this host's Redis " + m.get() + " master and ROLE says master");
    }

    /** A new Sentinel verdict; the decision when it changed. */
    public synchronized Optional<Decision> onVerdict(SentinelQuorum.Verdict v) {
        verdict = v;
        return changed();
    }

    /** The local ROLE (true: master) as just read; the decision when it changed. */
    public synchronized Optional<Decision> onRole(boolean master) {
        roleMaster = master;
        return changed();
    }

    /** The current decision (down before the first verdict). */
    public synchronized Decision current() {
        return verdict == null ? new Decision(false, "no Sentinel has answered yet")
                : decide(verdict, isLocal, roleMaster);
    }

    /** Whether the latest verdict names this host's Redis, whatever its ROLE. */
    public synchronized boolean namesThisHost() {
        return verdict != null && verdict.majorityReachable() && verdict.master().filter(isLocal).isPresent();
    }

    /** The latest verdict, for logs and status. */
    public synchronized Optional<SentinelQuorum.Verdict> verdict() {
        return Optional.ofNullable(verdict);
    }

    private Optional<Decision> changed() {
        if (verdict == null) {
            return Optional.empty();
        }
        Decision d = decide(verdict, isLocal, roleMaster);
        if (last != null && last.up() == d.up()) {
            last = d;
            return Optional.empty();
        }
        last = d;
        return Optional.of(d);
    }
}
