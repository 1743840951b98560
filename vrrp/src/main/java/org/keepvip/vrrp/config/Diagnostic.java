package org.keepvip.vrrp.config;

/**
 * One finding about the configuration, printed as {@code FILE:LINE: error|warning: message}.
 *
 * @param severity error or warning
 * @param category what kind of problem, which decides the {@code check-config} exit code
 * @param origin   file and line the finding refers to
 * @param message  the text, in keepalived's words where keepalived has them
 */
public record Diagnostic(Severity severity, Category category, Origin origin, String message) {

    /** Error or warning; warnings alone leave the configuration valid. */
    public enum Severity {
        ERROR, WARNING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The class of problem, mapped to keepalived's {@code -t} exit codes by the CLI. */
    public enum Category {
        /** Nothing usable: no file, binary file (exit 4). */
        FATAL,
        /** An ordinary configuration error or warning (exit 5 for errors). */
        CONFIG,
        /**
         * A configuration error that keepalived reports (its {@code -t} exits 5) but corrects and runs
         * with, as keepvip does: a one-member sync group, an advert_int rounded, a deprecated keyword
         * ignored. Exit 5 from check-config; the daemon logs it and starts (or reloads).
         */
        CORRECTED,
        /** A script that would not be run: missing, not executable, insecure (exit 6). */
        SCRIPT_SECURITY
    }

    public static Diagnostic error(Origin origin, String message) {
        return new Diagnostic(Severity.ERROR, Category.CONFIG, origin, message);
    }

    public static Diagnostic warning(Origin origin, String message) {
        return new Diagnostic(Severity.WARNING, Category.CONFIG, origin, message);
    }

    /** See {@link Category#CORRECTED}. */
    public static Diagnostic corrected(Origin origin, String message) {
        return new Diagnostic(Severity.ERROR, Category.CORRECTED, origin, message);
    }

    public static Diagnostic fatal(Origin origin, String message) {
        return new Diagnostic(Severity.ERROR, Category.FATAL, origin, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The one-line form: {@code FILE:LINE: error: message}. */
    public String format() {
        return origin.file() + ":" + origin.line() + ": " + severity + ": " + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
