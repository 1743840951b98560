package org.keepvip.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards Redis ({@code tls-port}). Stores are PKCS#12 or JKS files (type detected by the JDK).
 *
 * @param trustStore         CA certificates to trust, or null for the JDK default trust store
 * @param trustStorePassword trust store password, or null
 * @param keyStore           client certificate and key (for {@code tls-auth-clients yes}), or null
 * @param keyStorePassword   key store password, or null
 * @param verifyHostname     check the server certificate's name against the endpoint host
 */
public record TlsSettings(Path trustStore, char[] trustStorePassword, Path keyStore,
                          char[] keyStorePassword, boolean verifyHostname) {

    /** Builds the socket factory; a broken store is reported with its path. */
    public SSLSocketFactory socketFactory() {
        try {
            TrustManagerFactory tmf = null;
            if (trustStore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trustStore, trustStorePassword));
            }
            KeyManagerFactory kmf = null;
            if (keyStore != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Redis TLS setup failed: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                ks.load(in, password);
                return ks;
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[trustStore=" + trustStore + ", keyStore=" + keyStore
                + ", verifyHostname=" + verifyHostname + "]";
    }
}
