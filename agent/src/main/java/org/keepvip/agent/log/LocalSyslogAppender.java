package org.keepvip.agent.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.jna.LastErrorException;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.keepvip.agent.unix.UnixDatagram;

/**
 * Logback appender that writes to the local syslog socket ({@code /dev/log}, where rsyslog and
 * journald listen) as an AF_UNIX datagram client, like glibc's {@code syslog(3)}; the record format
 * is {@link SyslogFormat}'s. Not Logback's own SyslogAppender: that one speaks UDP to port 514,
 * where nothing listens by default.
 *
 * <p>Why a socket of our own rather than libc's {@code openlog}/{@code syslog("%s", msg)}: glibc's
 * {@code syslog} sends without {@code MSG_DONTWAIT}, so a syslog daemon that stops reading blocks
 * the caller (here: the event loop); it returns nothing, so drops cannot be counted or reported;
 * its socket path is fixed at {@code /dev/log}, so no test can receive what it sends; and
 * {@code openlog} keeps the ident pointer, which JNA would have to pin. The record format is
 * glibc's, so receivers see no difference.
 *
 * <p>Logging never stops or stalls the daemon. Sends do not wait: a full socket buffer drops the
 * record. A missing socket, or one whose daemon went away (a restarted rsyslog makes a new
 * {@code /dev/log}), drops records until a reconnect succeeds; reconnects are tried at most once
 * per {@code retryMillis}. Every dropped record is counted ({@link #dropped()}); the console gets
 * one line when syslog becomes unreachable, one when it is back, and at most one a minute about a
 * full buffer.
 */
public final class LocalSyslogAppender extends AppenderBase<ILoggingEvent> {
    /** Where glibc's syslog(3) sends, and where rsyslog and journald (systemd-journald-dev-log.socket) listen. */
    public static final String DEFAULT_SOCKET = "/dev/log";
    public static final String DEFAULT_IDENT = "keepvip";

    private static final long FULL_WARNING_EVERY = TimeUnit.MINUTES.toNanos(1);

    private String socketPath = DEFAULT_SOCKET;
    private String ident = DEFAULT_IDENT;
    private SyslogFacility facility = SyslogFacility.DAEMON;
    private ZoneId zone = ZoneId.systemDefault();
    private long pid = ProcessHandle.current().pid();
    private long retryMillis = 1000;
    private PrintStream console = System.err;
    private LongSupplier nanoClock = System::nanoTime;

    private SyslogFormat format;
    private int fd = -1;
    private long nextConnect;
    private boolean unreachable;
    private long droppedWhileUnreachable;
    private long lastFullWarning;
    private boolean warnedFull;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public void setSocketPath(String socketPath) {
        this.socketPath = socketPath;
    }

    public void setIdent(String ident) {
        this.ident = ident;
    }

    public void setFacility(SyslogFacility facility) {
        this.facility = facility;
    }

    void setZone(ZoneId zone) {
        this.zone = zone;
    }

    void setPid(long pid) {
        this.pid = pid;
    }

    void setRetryMillis(long retryMillis) {
        this.retryMillis = retryMillis;
    }

    void setConsole(PrintStream console) {
        this.console = console;
    }

    void setNanoClock(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public String socketPath() {
        return socketPath;
    }

    public String ident() {
        return ident;
    }

    public SyslogFacility facility() {
        return facility;
    }

    /** Records the syslog socket accepted. */
    public long sent() {
        return sent.get();
    }

    /** Records dropped: socket missing or refusing, buffer full, or an unusable path. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        format = new SyslogFormat(facility, ident, pid, zone);
        nextConnect = nanoClock.getAsLong();
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        synchronized (this) {
            UnixDatagram.closeQuietly(fd);
            fd = -1;
        }
    }

    // AppenderBase.doAppend holds this appender's lock: one sender at a time, and no call here waits.
    @Override
    protected void append(ILoggingEvent event) {
        for (byte[] d : format.datagrams(event)) {
            sendOne(d);
        }
    }

    private void sendOne(byte[] datagram) {
        if (fd < 0 && !connect()) {
            drop();
            return;
        }
        LastErrorException failure = trySend(datagram);
        if (failure == null) {
            return;
        }
        int errno = failure.getErrorCode();
        if (errno == UnixDatagram.EAGAIN || errno == UnixDatagram.ENOBUFS) {
            drop();
            warnFull();
            return;
        }
        if (errno == UnixDatagram.EMSGSIZE) {
            drop(); // the receiver's limit is below ours; the next, shorter record may pass
            return;
        }
        // The daemon went away (ECONNREFUSED, ENOTCONN, ...): reconnect once at once, as glibc does.
        UnixDatagram.closeQuietly(fd);
        fd = -1;
        nextConnect = nanoClock.getAsLong();
        if (connect()) {
            failure = trySend(datagram);
            if (failure == null) {
                return;
            }
            UnixDatagram.closeQuietly(fd);
            fd = -1;
        }
        unreachable(failure.getMessage());
        drop();
    }

    /** Null when sent, otherwise the failure (with errno). */
    private LastErrorException trySend(byte[] datagram) {
        try {
            UnixDatagram.send(fd, datagram, datagram.length);
            sent.incrementAndGet();
            if (unreachable) {
                unreachable = false;
                console.println("keepvip: syslog: logging to " + socketPath + " again ("
                        + droppedWhileUnreachable + " messages dropped)");
            }
            return null;
        } catch (LastErrorException e) {
            return e;
        }
    }

    private boolean connect() {
        long now = nanoClock.getAsLong();
        if (now - nextConnect < 0) {
            return false;
        }
        nextConnect = now + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        int s = -1;
        try {
            s = UnixDatagram.open();
            UnixDatagram.connect(s, socketPath);
            fd = s;
            return true;
        } catch (LastErrorException | IllegalArgumentException e) {
            UnixDatagram.closeQuietly(s);
            unreachable(e.getMessage());
            return false;
        }
    }

    private void unreachable(String why) {
        if (!unreachable) {
            unreachable = true;
            droppedWhileUnreachable = 0;
            console.println("keepvip: syslog: cannot log to " + socketPath + " (" + why
                    + "); dropping messages, retrying every " + retryMillis + " ms");
        }
    }

    private void drop() {
        dropped.incrementAndGet();
        droppedWhileUnreachable++;
    }

    private void warnFull() {
        long now = nanoClock.getAsLong();
        if (!warnedFull || now - lastFullWarning >= FULL_WARNING_EVERY) {
            warnedFull = true;
            lastFullWarning = now;
            console.println("keepvip: syslog: " + socketPath + " is full, messages dropped (" + dropped.get()
                    + " so far)");
        }
    }
}
