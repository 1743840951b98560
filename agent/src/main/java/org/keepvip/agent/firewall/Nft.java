package org.keepvip.agent.firewall;

import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * One libnftables context: each {@link #run} is one library call, which the library sends to the
 * kernel as one nf_tables transaction (all or nothing). Calls are serialised: a context is not
 * thread-safe, and the instances' hook lanes share this one.
 */
public final class Nft implements NftRunner {
    /** What to install when the library is missing. */
    public static final String PACKAGE = "libnftables1 (Debian, Ubuntu; the nftables package on RPM systems)";

    private final Libnftables lib;
    private Pointer ctx;

    private Nft(Libnftables lib, Pointer ctx) {
        this.lib = lib;
        this.ctx = ctx;
    }

    /**
     * Opens a context in the calling thread's network namespace (the daemon's, once it has entered
     * {@code net_namespace}).
     *
     * @throws IOException naming {@link #PACKAGE} when the library cannot be loaded
     */
    public static Nft open() throws IOException {
        Libnftables lib;
        try {
            lib = Libnftables.load();
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("libnftables cannot be loaded - install the package " + PACKAGE + " ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        Pointer ctx = lib.nft_ctx_new(Libnftables.CTX_DEFAULT);
        if (ctx == null) {
            throw new IOException("nft_ctx_new failed");
        }
        lib.nft_ctx_buffer_output(ctx);
        lib.nft_ctx_buffer_error(ctx);
        return new Nft(lib, ctx);
    }

    @Override
    public synchronized String run(String commands) throws IOException {
        if (ctx == null) {
            throw new IOException("nftables context closed");
        }
        int rc = lib.nft_run_cmd_from_buffer(ctx, commands);
        String out = lib.nft_ctx_get_output_buffer(ctx);
        String err = lib.nft_ctx_get_error_buffer(ctx);
        if (rc != 0) {
            String why = err == null || err.isBlank() ? "nft_run_cmd_from_buffer returned " + rc : err.strip();
            throw new IOException(why);
        }
        return out == null ? "" : out;
    }

    @Override
    public synchronized void close() {
        if (ctx != null) {
            lib.nft_ctx_free(ctx);
            ctx = null;
        }
    }
}
