package org.keepvip.agent.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.keepvip.agent.events.EventRecord;
import org.keepvip.agent.events.EventRing;

/**
 * {@code events} on the control socket: an ok line, then one JSON line per decision-log record, oldest
 * first; without {@code follow} the connection closes after the last one, with it new records follow
 * as they are made until the client goes away or the daemon stops.
 */
final class EventStream {
    /** How often a follower with nothing to send checks that its client is still there. */
    private static final long IDLE_CHECK_MILLIS = 1000;

    private EventStream() {}

    static void serve(SocketChannel client, EventRing ring, Instant since, boolean follow, long writeTimeoutNanos,
            BooleanSupplier stopped) throws IOException, InterruptedException {
        LineChannel.writeLine(client, Json.LINE.toJson(ControlResponse.ok("events")), deadline(writeTimeoutNanos));
        long last = ring.lastSeq(); // what is newer than this and not listed below comes with the follow
        for (EventRecord r : ring.since(since)) {
            LineChannel.writeLine(client, Json.LINE.toJson(r), deadline(writeTimeoutNanos));
            last = r.seq();
        }
        if (!follow) {
            return;
        }
        while (!stopped.getAsBoolean()) {
            List<EventRecord> next = ring.after(last, IDLE_CHECK_MILLIS);
            for (EventRecord r : next) {
                LineChannel.writeLine(client, Json.LINE.toJson(r), deadline(writeTimeoutNanos));
                last = r.seq();
            }
            if (next.isEmpty() && gone(client)) {
                return;
            }
        }
    }

    private static long deadline(long timeoutNanos) {
        return System.nanoTime() + timeoutNanos;
    }

    /** The client closed its end (it sends nothing after its request). */
    private static boolean gone(SocketChannel client) throws IOException {
        client.configureBlocking(false);
        return client.read(ByteBuffer.allocate(1)) < 0;
    }
}
