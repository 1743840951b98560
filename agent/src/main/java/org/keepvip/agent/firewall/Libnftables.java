package org.keepvip.agent.firewall;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few calls of libnftables (Debian package libnftables1; in the {@code nftables} package on
 * RPM systems) that run nft commands from a buffer, with the output and errors kept in the
 * context instead of printed (libnftables(3)).
 */
interface Libnftables extends Library {
    /** NFT_CTX_DEFAULT. */
    int CTX_DEFAULT = 0;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    /** Runs the commands as one transaction; 0 when all went in, nothing changed otherwise. */
    int nft_run_cmd_from_buffer(Pointer ctx, String buf);

    /**
     * Loads the library, by its development name or, where only the runtime package is installed
     * (libnftables.so.1 without the .so link), by its soname.
     */
    static Libnftables load() {
        try {
            return Native.load("nftables", Libnftables.class);
        } catch (UnsatisfiedLinkError first) {
            try {
                return Native.load("libnftables.so.1", Libnftables.class);
            } catch (UnsatisfiedLinkError second) {
                first.addSuppressed(second);
                throw first;
            }
        }
    }
}
