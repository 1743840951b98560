package org.keepvip.redis;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Planned hand-over of the master role with zero acknowledged writes lost, in steps so that the
 * agent can move the VIP between promotion and release:
 *
 * <pre>{@code
 * try (Switchover s = Switchover.begin(oldMaster, replica, timeout)) {
 *     if (!s.pauseAndSync().ok()) return;   // nothing changed
 *     if (!s.promote().ok()) return;        // nothing changed (old master unpaused)
 *     moveVip();                             // agent's step
 *     s.complete();                          // old master -> replica, clients dropped, unpaused
 * }
 * }</pre>
 *
 * {@link #close()} makes an unfinished switchover safe: before promotion it unpauses the old master
 * (nothing changed); after promotion it completes the demotion, so two masters never accept writes.
 * The pause on the old master is given a lifetime longer than the whole budget, so a crashed agent
 * cannot leave it paused forever. Not thread-safe: one caller drives it.
 */
public final class Switchover implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Switchover.class);
    private static final long POLL_MILLIS = 2;

    private enum Stage { NEW, SYNCED, PROMOTED, DONE }

    private final RedisEndpoint oldMaster;
    private final RedisEndpoint replica;
    private final Duration timeout;
    private final long pauseMillis;
    private final long startNanos;
    private final long deadline;
    private Jedis oldConn;
    private Jedis newConn;
    private Stage stage = Stage.NEW;
    private long pausedAtNanos;
    private long syncedOffset = -1;

    private Switchover(RedisEndpoint oldMaster, RedisEndpoint replica, Duration timeout) {
        this.oldMaster = oldMaster;
        this.replica = replica;
        this.timeout = timeout;
        this.pauseMillis = 2 * timeout.toMillis() + 1000;
        this.startNanos = System.nanoTime();
        this.deadline = startNanos + timeout.toNanos();
    }

    /** Prepares a switchover from {@code oldMaster} to {@code replica}; nothing is sent yet. */
    public static Switchover begin(RedisEndpoint oldMaster, RedisEndpoint replica, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("switchover timeout " + timeout + " (expected: > 0)");
        }
        return new Switchover(oldMaster, replica, timeout);
    }

    /**
     * Checks roles and replication identity, pauses writes on the old master, and waits until the
     * replica has processed the old master's final offset. Aborts (unpausing) when it cannot within
     * the timeout.
     */
    public SwitchoverResult pauseAndSync() {
        requireStage(Stage.NEW);
        try {
            oldConn = RedisConnector.open(oldMaster);
            newConn = RedisConnector.open(replica);
            RedisInfo o = RedisInfo.parse(oldConn.info("replication"));
            RedisInfo n = RedisInfo.parse(newConn.info("replication"));
            if (o.role() != RedisInfo.Role.MASTER) {
                return abort(oldMaster.address() + " is not a master");
            }
            if (n.role() != RedisInfo.Role.REPLICA || !n.masterLinkUp() || !o.masterReplid().equals(n.masterReplid())) {
                return abort(replica.address() + " is not an in-sync replica of " + oldMaster.address()
                        + " (role " + n.role() + ", link " + (n.masterLinkUp() ? "up" : "down") + ")");
            }
            oldConn.clientPause(pauseMillis, ClientPauseMode.WRITE);
            pausedAtNanos = System.nanoTime();
            long target = RedisInfo.parse(oldConn.info("replication")).masterReplOffset();
            ReplicaCatchUp.Outcome caught = ReplicaCatchUp.await(newConn, o.masterReplid(), target, deadline);
            if (caught instanceof ReplicaCatchUp.Outcome.Behind behind) {
                return abort("replica " + replica.address() + " reached offset " + behind.seen() + " of " + target
                        + " within " + timeout.toMillis() + " ms; cannot guarantee zero loss");
            }
            if (caught instanceof ReplicaCatchUp.Outcome.Resyncing) {
                return abort("replica " + replica.address() + " was still in a full resync from " + oldMaster.address()
                        + " after " + timeout.toMillis() + " ms; cannot guarantee zero loss");
            }
            if (caught instanceof ReplicaCatchUp.Outcome.ReachedMaster) {
                return abort(replica.address() + " answers as " + oldMaster.address() + " itself; cannot guarantee zero loss");
            }
            if (caught instanceof ReplicaCatchUp.Outcome.NotFollowing gone) {
                return abort("replica " + replica.address() + " stopped following " + oldMaster.address()
                        + " while writes were paused (" + gone.why() + "); cannot guarantee zero loss");
            }
            // The master's offset must not have moved while we waited: the pause held.
            long after = RedisInfo.parse(oldConn.info("replication")).masterReplOffset();
            if (after != target) {
                return abort("old master offset moved from " + target + " to " + after + " while paused");
            }
            syncedOffset = target;
            stage = Stage.SYNCED;
            return new SwitchoverResult.Synced(target, "writes paused on " + oldMaster.address() + "; replica "
                    + replica.address() + " has offset " + target);
        } catch (RuntimeException e) {
            return abort("switchover preparation failed: " + describe(e));
        }
    }

    /** {@code REPLICAOF NO ONE} on the replica and confirm ROLE master. Aborts on failure. */
    public SwitchoverResult promote() {
        requireStage(Stage.SYNCED);
        try {
            if (System.nanoTime() - pausedAtNanos >= (pauseMillis - 500) * 1_000_000L) {
                return abort("write pause about to expire before promotion");
            }
            newConn.replicaofNoOne();
            if (!RedisNode.awaitRole(newConn, RedisInfo.Role.MASTER, null, -1, deadline)) {
                // Put it back under the old master; PSYNC continues since nothing was written.
                newConn.replicaof(oldMaster.host(), oldMaster.port());
                return abort(replica.address() + " did not report ROLE master in time");
            }
            stage = Stage.PROMOTED;
            return new SwitchoverResult.Promoted(syncedOffset, replica.address() + " promoted at offset "
                    + syncedOffset + "; " + oldMaster.address() + " still paused");
        } catch (RuntimeException e) {
            try {
                newConn.replicaof(oldMaster.host(), oldMaster.port());
            } catch (RuntimeException ignored) {
                // Best effort; abort() below unpauses the old master either way.
            }
            return abort("promotion of " + replica.address() + " failed: " + describe(e));
        }
    }

    /**
     * Demotes the old master to a replica of the new one while still paused, drops its normal
     * clients, then unpauses (its queued writes now fail with READONLY instead of being lost). Call
     * it promptly after {@link #promote()}: the pause lasts {@code 2 × timeout + 1 s}; writes taken
     * after it expired are reported in the detail.
     */
    public SwitchoverResult complete() {
        requireStage(Stage.PROMOTED);
        stage = Stage.DONE;
        StringBuilder problems = new StringBuilder();
        try {
            // If the VIP move outlasted the pause, the old master took writes the new one lacks: say so.
            long now = RedisInfo.parse(oldConn.info("replication")).masterReplOffset();
            if (now != syncedOffset) {
                problems.append("old master accepted ").append(now - syncedOffset)
                        .append(" bytes of writes after its pause expired; they are lost; ");
            }
        } catch (RuntimeException e) {
            problems.append("could not re-read the old master's offset: ").append(describe(e)).append("; ");
        }
        try {
            oldConn.replicaof(replica.host(), replica.port());
        } catch (RuntimeException e) {
            problems.append("REPLICAOF on old master failed: ").append(describe(e)).append("; ");
        }
        long killed = -1;
        try {
            killed = ClientKiller.killApplicationClients(oldConn);
        } catch (RuntimeException e) {
            problems.append("CLIENT KILL failed: ").append(describe(e)).append("; ");
        }
        try {
            oldConn.clientUnpause();
        } catch (RuntimeException e) {
            problems.append("CLIENT UNPAUSE failed (the pause expires by itself): ").append(describe(e));
        }
        closeConnections();
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        String detail = "switchover " + oldMaster.address() + " -> " + replica.address() + " done in " + ms
                + " ms at offset " + syncedOffset + ", " + killed + " client(s) of the old master dropped"
                + (problems.length() > 0 ? "; " + problems : "");
        LOG.info("{}", detail);
        return new SwitchoverResult.Completed(syncedOffset, ms, detail);
    }

    /** Safe end for any stage; see the class comment. */
    @Override
    public void close() {
        switch (stage) {
            case NEW, SYNCED -> abort("switchover abandoned before promotion");
            case PROMOTED -> complete();
            case DONE -> closeConnections();
            default -> throw new IllegalStateException(stage.name());
        }
    }

    private SwitchoverResult abort(String why) {
        stage = Stage.DONE;
        if (oldConn != null) {
            try {
                oldConn.clientUnpause();
            } catch (RuntimeException e) {
                why += "; CLIENT UNPAUSE failed (the pause expires within " + pauseMillis + " ms): " + describe(e);
            }
        }
        closeConnections();
        String detail = "switchover " + oldMaster.address() + " -> " + replica.address() + " aborted, nothing changed: " + why;
        LOG.warn("{}", detail);
        return new SwitchoverResult.Aborted(detail);
    }

    private static String describe(RuntimeException e) {
        return Failures.describe(e);
    }

    /**
     * One-step alternative using Redis's own {@code FAILOVER TO host port TIMEOUT ms} (Redis 6.2+):
     * Redis pauses writes, waits for the offset, demotes the old master and promotes the replica
     * itself. There is no point to move the VIP in between (clients on the old node get READONLY
     * until the VIP moves), but no write is lost. Without {@code FORCE}, Redis aborts the failover
     * and resumes writes when the replica does not catch up in time; this method then returns
     * {@link SwitchoverResult.Aborted}. {@code replica} must be the address the old master lists
     * for that replica ({@code slaveN:ip=…,port=…}).
     */
    public static SwitchoverResult viaFailoverCommand(RedisEndpoint oldMaster, RedisEndpoint replica, Duration timeout) {
        long start = System.nanoTime();
        // Redis's own timeout first, then a margin for it to finish or roll back.
        long deadline = start + timeout.toNanos() * 2 + 1_000_000_000L;
        try (Jedis o = RedisConnector.open(oldMaster); Jedis n = RedisConnector.open(replica)) {
            o.failover(redis.clients.jedis.params.FailoverParams.failoverParams()
                    .to(replica.host(), replica.port()).timeout(timeout.toMillis()));
            while (true) {
                // Role and failover state from one INFO reply, so they describe the same moment.
                String oText = o.info("replication");
                RedisInfo oi = RedisInfo.parse(oText);
                boolean idle = "no-failover".equals(failoverState(oText));
                RedisInfo ni = RedisInfo.parse(n.info("replication"));
                if (oi.role() == RedisInfo.Role.REPLICA && ni.role() == RedisInfo.Role.MASTER && idle) {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    String detail = "FAILOVER " + oldMaster.address() + " -> " + replica.address() + " done in "
                            + ms + " ms at offset " + ni.masterReplOffset();
                    LOG.info("{}", detail);
                    return new SwitchoverResult.Completed(ni.masterReplOffset(), ms, detail);
                }
                if (oi.role() == RedisInfo.Role.MASTER && idle) {
                    return new SwitchoverResult.Aborted("FAILOVER " + oldMaster.address() + " -> " + replica.address()
                            + " aborted by Redis (replica did not catch up within " + timeout.toMillis()
                            + " ms); nothing changed");
                }
                if (System.nanoTime() - deadline >= 0) {
                    try {
                        o.failoverAbort();
                    } catch (RuntimeException ignored) {
                        // It may have finished meanwhile; the message below says what we saw.
                    }
                    return new SwitchoverResult.Aborted("FAILOVER " + oldMaster.address() + " -> " + replica.address()
                            + " did not finish in time (old role " + oi.role() + ", new role " + ni.role() + ")");
                }
                RedisNode.pause(POLL_MILLIS);
            }
        } catch (RuntimeException e) {
            return new SwitchoverResult.Aborted("FAILOVER " + oldMaster.address() + " -> " + replica.address()
                    + " refused: " + describe(e));
        }
    }

    private static String failoverState(String infoText) {
        for (String line : infoText.split("\n")) {
            if (line.startsWith("master_failover_state:")) {
                return line.substring("master_failover_state:".length()).strip();
            }
        }
        return "no-failover";
    }

    private void requireStage(Stage want) {
        if (stage != want) {
            throw new IllegalStateException("switchover step out of order: at " + stage + ", expected " + want);
        }
    }

    private void closeConnections() {
        for (Jedis j : new Jedis[] {oldConn, newConn}) {
            if (j != null) {
                try {
                    j.close();
                } catch (RuntimeException ignored) {
                    // closing anyway
                }
            }
        }
        oldConn = null;
        newConn = null;
    }
}
