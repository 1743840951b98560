package org.keepvip.agent.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes one newline-terminated line on a socket channel with a deadline: Unix-domain
 * channels have no SO_TIMEOUT, so the channel is non-blocking and waits go through a selector.
 */
final class LineChannel {
    /** Requests and responses larger than this are refused. */
    static final int MAX_LINE = 1 << 20;

    private LineChannel() {}

    /** Thrown when the peer sends more than {@code max} bytes without a newline. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    /**
     * Reads up to the first newline (excluded), or to end of stream if it ends a non-empty line;
     * null on end of stream with nothing read.
     */
    static String readLine(SocketChannel ch, long deadlineNanos, int max) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(Math.min(max + 1, 8192));
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf.get(i);
                    if (b == '\n') {
                        return line.toString(StandardCharsets.UTF_8);
                    }
                    line.write(b);
                    if (line.size() > max) {
                        throw new LineTooLongException(max);
                    }
                }
                if (n == 0) {
                    waitFor(sel, deadlineNanos);
                }
            }
        }
    }

    /** Writes {@code line} and a newline. */
    static void writeLine(SocketChannel ch, String line, long deadlineNanos) throws IOException {
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_WRITE);
            while (buf.hasRemaining()) {
                if (ch.write(buf) == 0) {
                    waitFor(sel, deadlineNanos);
                }
            }
        }
    }

    private static void waitFor(Selector sel, long deadlineNanos) throws IOException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("timed out");
        }
        sel.select(left);
        sel.selectedKeys().clear();
    }
}
