package org.keepvip.redis;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Drops the application's connections so clients reconnect through the VIP, but not keepvip's
 * own: {@code CLIENT KILL TYPE normal SKIPME yes} would spare only the calling connection and cut
 * keepvip's check and hook connections too, so the next REPLICAOF would fail once.
 */
final class ClientKiller {
    /** The name {@link RedisConnector} gives every keepvip connection. */
    static final String OWN_NAME = "keepvip";

    private ClientKiller() {}

    /**
     * Kills every normal client not named {@value #OWN_NAME} or {@code keepvip-*} (the agent's idle
     * liveness watch); returns how many were killed.
     */
    static long killApplicationClients(Jedis j) {
        long killed = 0;
        for (String id : applicationClientIds(j.clientList(ClientType.NORMAL))) {
            killed += j.clientKill(ClientKillParams.clientKillParams().id(id));
        }
        return killed;
    }

    /** The ids in a {@code CLIENT LIST} reply whose name is not keepvip's ({@value #OWN_NAME} or {@code keepvip-*}). */
    static List<String> applicationClientIds(String clientList) {
        List<String> ids = new ArrayList<>();
        for (String line : clientList.split("\n")) {
            String id = null;
            String name = "";
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("id=")) {
                    id = field.substring(3);
                } else if (field.startsWith("name=")) {
                    name = field.substring(5);
                }
            }
            if (id != null && !name.equals(OWN_NAME) && !name.startsWith(OWN_NAME + "-")) {
                ids.add(id);
            }
        }
        return ids;
    }
}
