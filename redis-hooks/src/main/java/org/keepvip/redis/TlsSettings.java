package org.keepvip.redis;

import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * TLS towards Redis ({@code tls-port}). Stores are PKCS#12 files (JKS is read too).
 *
 * @param trustStore         CA certificates to trust, or null for the JDK default trust store
 * @param trustStorePassword trust store password, or null
 * @param keyStore           client certificate and key (for {@code tls-auth-clients yes}), or null
 * @param keyStorePassword   key store password, or null
 * @param verifyHostname     check the server certificate's name against the endpoint host
 *                           (otherwise only that a trusted CA signed it)
 */
public record TlsSettings(java.nio.file.Path trustStore, char[] trustStorePassword, java.nio.file.Path keyStore,
                          char[] keyStorePassword, boolean verifyHostname) {

    /** Jedis's TLS options for these settings. */
    SslOptions sslOptions() {
        SslOptions.Builder b = SslOptions.builder()
                .sslVerifyMode(verifyHostname ? SslVerifyMode.FULL : SslVerifyMode.CA);
        if (trustStore != null) {
            b.truststore(trustStore.toFile(), trustStorePassword);
        }
        if (keyStore != null) {
            b.keystore(keyStore.toFile(), keyStorePassword);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "TlsSettings[trustStore=" + trustStore + ", keyStore=" + keyStore
                + ", verifyHostname=" + verifyHostname + "]";
    }
}
