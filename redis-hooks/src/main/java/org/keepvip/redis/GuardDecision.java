package org.keepvip.redis;

/**
 * A wipe-guard answer with the reason to log and show in status.
 *
 * @param outcome    allow, refuse, or allowed only because the operator forced it
 * @param reason     human reason
 * @param divergence what a full resync would discard, or null when nothing is at stake
 */
public record GuardDecision(Outcome outcome, String reason, SplitBrainReport divergence) {

    public enum Outcome { ALLOW, REFUSE, FORCED }

    public boolean allowed() {
        return outcome != Outcome.REFUSE;
    }

    static GuardDecision allow(String reason) {
        return new GuardDecision(Outcome.ALLOW, reason, null);
    }

    static GuardDecision refuse(String reason) {
        return new GuardDecision(Outcome.REFUSE, reason, null);
    }
}
