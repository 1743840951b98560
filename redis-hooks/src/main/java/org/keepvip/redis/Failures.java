package org.keepvip.redis;

import java.net.SocketTimeoutException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Maps what Jedis throws to a {@link Verdict} with a message an operator can act on. */
public final class Failures {

    private Failures() {
    }

    /** Classifies a failure talking to {@code endpoint}. Never throws. */
    public static Verdict classify(RuntimeException e, RedisEndpoint endpoint) {
        String where = "Redis " + endpoint.address();
        String msg = String.valueOf(e.getMessage());
        if (e instanceof JedisAccessControlException || isAuthError(msg)) {
            return new Verdict.ConfigFault(where + " rejected our credentials ("
                    + firstLine(msg) + "); check the user and password file");
        }
        if (e instanceof JedisDataException) {
            if (msg.startsWith("LOADING")) {
                return new Verdict.NotReady(where + " is loading its dataset");
            }
            if (msg.startsWith("MASTERDOWN")) {
                return new Verdict.Failed(where + " replica cannot serve: link to its master is down");
            }
            return new Verdict.Failed(where + " answered with an error: " + firstLine(msg));
        }
        if (e instanceof JedisConnectionException) {
            if (timedOut(e)) {
                return new Verdict.Failed(where + " did not answer within "
                        + endpoint.readTimeout().toMillis() + " ms (hung or overloaded)");
            }
            if (hasCause(e, javax.net.ssl.SSLException.class)) {
                return new Verdict.ConfigFault(where + " TLS failure: " + firstLine(rootMessage(e)));
            }
            return new Verdict.Failed(where + " unreachable: " + firstLine(rootMessage(e)));
        }
        if (e instanceof IllegalArgumentException || hasCause(e, java.security.GeneralSecurityException.class)) {
            // Our settings (TLS stores, passwords of stores) are unusable: retrying will not help.
            return new Verdict.ConfigFault(where + " connection settings unusable: " + firstLine(rootMessage(e)));
        }
        return new Verdict.Failed(where + " failed: " + e.getClass().getSimpleName() + ": " + firstLine(msg));
    }

    /** One line describing {@code e}, without naming an endpoint. */
    public static String describe(RuntimeException e) {
        if (e instanceof JedisConnectionException && hasCause(e, SocketTimeoutException.class)) {
            return "no answer within the read timeout (hung or overloaded): " + firstLine(rootMessage(e));
        }
        return e.getClass().getSimpleName() + ": " + firstLine(rootMessage(e));
    }

    /** A read or connect that ran out of time (the server may be alive but hung), as opposed to a closed or refused connection. */
    static boolean timedOut(RuntimeException e) {
        return hasCause(e, SocketTimeoutException.class) || String.valueOf(e.getMessage()).contains("timed out");
    }

    static boolean isAuthError(String msg) {
        return msg.startsWith("NOAUTH") || msg.startsWith("WRONGPASS") || msg.startsWith("NOPERM")
                || (msg.startsWith("ERR") && msg.contains("AUTH") && msg.contains("without any password"))
                || msg.startsWith("ERR invalid password") || msg.startsWith("ERR invalid username-password");
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl >= 0 ? s.substring(0, nl).trim() : s.trim();
    }
}
