package org.keepvip.agent.firewall;

import java.io.IOException;

/** Runs nft commands as one transaction (libnftables, or a recorder in tests). */
public interface NftRunner extends AutoCloseable {
    /** Runs {@code commands}; returns nft's output, or throws with nft's error text (nothing changed). */
    String run(String commands) throws IOException;

    @Override
    void close();
}
