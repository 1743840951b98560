package org.keepvip.agent.track;

import java.io.IOException;
import java.util.function.IntConsumer;

/** One tracked host's socket: sends a probe, reads the answers. Used by one thread. */
interface HostProbe extends AutoCloseable {
    /** The descriptor to poll for answers. */
    int fd();

    /** Sends probe number {@code seq}; a failure (no route, interface down) is an IOException. */
    void send(int seq) throws IOException;

    /**
     * Reads everything that arrived, without blocking; calls {@code answered} with the sequence
     * number of each answer to this probe ({@link ProbeFrames#ANY} where the message has none).
     */
    void drain(IntConsumer answered) throws IOException;

    @Override
    void close();
}
