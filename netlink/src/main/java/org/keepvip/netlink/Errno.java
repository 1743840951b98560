package org.keepvip.netlink;

/** The errno values this module looks at, with names for messages. Values are Linux's (asm-generic). */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;
    public static final int ETIMEDOUT = 110;
    public static final int EHOSTUNREACH = 113;

    /** "ENODEV (No such device)" for known values, "errno N" otherwise. */
    public static String describe(int errno) {
        String d = switch (errno) {
            case EPERM -> "EPERM (Operation not permitted)";
            case ENOENT -> "ENOENT (No such file or directory)";
            case ESRCH -> "ESRCH (No such process)";
            case EINTR -> "EINTR (Interrupted system call)";
            case EAGAIN -> "EAGAIN (Resource temporarily unavailable)";
            case ENOMEM -> "ENOMEM (Cannot allocate memory)";
            case EACCES -> "EACCES (Permission denied)";
            case EBUSY -> "EBUSY (Device or resource busy)";
            case EEXIST -> "EEXIST (File exists)";
            case ENODEV -> "ENODEV (No such device)";
            case EINVAL -> "EINVAL (Invalid argument)";
            case ERANGE -> "ERANGE (Numerical result out of range)";
            case EMSGSIZE -> "EMSGSIZE (Message too long)";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT (Protocol not supported)";
            case EOPNOTSUPP -> "EOPNOTSUPP (Operation not supported)";
            case EAFNOSUPPORT -> "EAFNOSUPPORT (Address family not supported by protocol)";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL (Cannot assign requested address)";
            case ENETDOWN -> "ENETDOWN (Network is down)";
            case ENETUNREACH -> "ENETUNREACH (Network is unreachable)";
            case ENOBUFS -> "ENOBUFS (No buffer space available)";
            case ETIMEDOUT -> "ETIMEDOUT (Connection timed out)";
            case ECONNREFUSED -> "ECONNREFUSED (Connection refused)";
            case EHOSTUNREACH -> "EHOSTUNREACH (No route to host)";
            default -> null;
        };
        return d != null ? d : "errno " + errno;
    }
}
