package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The check over TLS against a real redis-server with a throwaway CA (openssl). */
class TlsTest {

    private static final String MAKE_CERTS = String.join("\n",
            "set -euo pipefail",
            "cd \"$1\"",
            "for ca in ca other; do",
            "  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $ca.key -out $ca.crt -days 1 -subj /CN=kvtest-$ca 2>/dev/null",
            "done",
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null",
            "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext",
            "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1 -extfile san.ext 2>/dev/null");

    @Test
    void checkOverTlsAndUntrustedCertificateIsConfigFault() throws Exception {
        RedisServer.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path dir = Files.createTempDirectory("kvtls");
        try {
            Process p = new ProcessBuilder("bash", "-c", MAKE_CERTS, "make-certs", dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assumeTrue(p.exitValue() == 0, "certificate generation failed: " + out);
            trustStore(dir, "ca");
            trustStore(dir, "other");

            int tlsPort = RedisServer.freePort();
            try (RedisServer server = RedisServer.start("--tls-port", String.valueOf(tlsPort),
                    "--tls-cert-file", dir.resolve("srv.crt").toString(),
                    "--tls-key-file", dir.resolve("srv.key").toString(),
                    "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                    "--tls-auth-clients", "no")) {
                assertThat(server.port).isNotEqualTo(tlsPort);
                RedisEndpoint base = RedisEndpoint.of("127.0.0.1", tlsPort);
                TlsSettings trusted = new TlsSettings(dir.resolve("ca.p12"), "changeit".toCharArray(), null, null, true);
                TlsSettings untrusted = new TlsSettings(dir.resolve("other.p12"), "changeit".toCharArray(), null, null, true);
                try (RedisProbe good = RedisProbe.of(base.withTls(trusted));
                     RedisProbe bad = RedisProbe.of(base.withTls(untrusted))) {
                    RedisHealth h = good.check();
                    assertThat(h.verdict().ok()).as(h.summary()).isTrue();
                    assertThat(h.isMaster()).isTrue();
                    RedisHealth b = bad.check();
                    assertThat(b.verdict()).as(b.summary()).isInstanceOf(Verdict.ConfigFault.class);
                    assertThat(b.verdict().reason()).contains("TLS");
                }
                TlsSettings missing = new TlsSettings(dir.resolve("missing.p12"), "changeit".toCharArray(), null, null, true);
                try (RedisProbe m = RedisProbe.of(base.withTls(missing))) {
                    RedisHealth h = m.check();
                    assertThat(h.verdict()).as(h.summary()).isInstanceOf(Verdict.ConfigFault.class);
                    assertThat(h.verdict().reason()).contains("missing.p12");
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** {@code name.crt} (PEM) into a PKCS#12 trust store {@code name.p12}, password "changeit". */
    private static void trustStore(Path dir, String name) throws Exception {
        java.security.cert.Certificate cert;
        try (var in = Files.newInputStream(dir.resolve(name + ".crt"))) {
            cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", cert);
        try (var out = Files.newOutputStream(dir.resolve(name + ".p12"))) {
            ks.store(out, "changeit".toCharArray());
        }
    }
}
