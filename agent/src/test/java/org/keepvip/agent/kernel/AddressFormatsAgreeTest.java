package org.keepvip.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.keepvip.netlink.Addresses;
import org.keepvip.vrrp.config.IpLiteral;

/**
 * netlink and vrrp may not depend on each other, so each prints addresses with its own copy of
 * the RFC 5952 formatter ({@link Addresses#format}, {@link IpLiteral#format}). The agent sees both
 * and logs both (a VIP as netlink names it, a peer as the config does): here they must agree, on
 * every pattern of zero groups and on random addresses, and each must read back as the address.
 */
class AddressFormatsAgreeTest {

    @Test
    void everyZeroGroupPatternIsPrintedAlike() throws Exception {
        for (int zeros = 0; zeros < 256; zeros++) {
            byte[] b = new byte[16];
            for (int g = 0; g < 8; g++) {
                if ((zeros & (1 << g)) == 0) {
                    b[2 * g] = (byte) (g == 0 ? 0x20 : 0);
                    b[2 * g + 1] = (byte) (0x10 + g);
                }
            }
            assertAgree(InetAddress.getByAddress(b));
        }
    }

    @Test
    void randomAddressesOfBothFamiliesArePrintedAlike() throws Exception {
        Random random = new Random(5952);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[i % 4 == 0 ? 4 : 16];
            random.nextBytes(b);
            for (int k = 0; k < b.length; k++) {
                if (random.nextInt(3) == 0) {
                    b[k] = 0; // runs of zero groups, which random bytes alone hardly make
                }
            }
            assertAgree(InetAddress.getByAddress(b));
        }
    }

    private static void assertAgree(InetAddress a) {
        String netlink = Addresses.format(a);
        assertThat(IpLiteral.format(a)).as("%s", netlink).isEqualTo(netlink);
        assertThat(IpLiteral.parse(netlink)).as("%s reads back", netlink).isEqualTo(a);
    }
}
