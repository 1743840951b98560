package org.keepvip.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distributions' own checkers on the built packages: lintian on the .deb and rpmlint on the
 * .rpm report no error and no warning. What remains is overridden in the package
 * (src/deb/lintian-overrides, installed) or in src/rpm/keepvip.rpmlintrc, each with its reason;
 * an override that no longer matches is reported too. Skipped without lintian or rpmlint.
 */
class PackageLintTest {

    @Test
    void lintianFindsNoErrorOrWarning() throws Exception {
        assumeTrue(Tools.onPath("dpkg-deb") && Tools.onPath("lintian"), "lintian or dpkg-deb not found: skipped");
        String deb = Tools.packages().resolve("keepvip_" + Tools.packageVersion() + "_all.deb").toString();
        // -I: info tags too, among them unused-override: every override still matches a tag.
        // (Not --show-overrides: with it, lintian 2.116 counts overridden tags towards --fail-on.)
        Tools.Result r = Tools.run(List.of("lintian", "--fail-on", "error,warning", "-I", "--tag-display-limit", "0", deb),
                Map.of());
        List<String> tags = r.out().lines().filter(l -> l.matches("[EWIPX]: .*")).toList();
        assertThat(tags).as("%s", r).noneMatch(l -> l.startsWith("E:") || l.startsWith("W:"))
                .noneMatch(l -> l.contains("unused-override") || l.contains("mismatched-override"));
        assertThat(r.exit()).as("%s", r).isZero();
    }

    @Test
    void rpmlintFindsNoErrorOrWarning() throws Exception {
        assumeTrue(Tools.onPath("rpmbuild") && Tools.onPath("rpmlint"), "rpmlint or rpmbuild not found: skipped");
        String rpm = Tools.packages().resolve("keepvip-" + Tools.packageVersion() + "-1.noarch.rpm").toString();
        String rc = Tools.top().resolve("packaging/src/rpm/keepvip.rpmlintrc").toString();
        Tools.Result r = Tools.run(List.of("rpmlint", "-r", rc, rpm), Map.of());
        assertThat(r.out()).as("%s", r).contains("1 packages and 0 specfiles checked; 0 errors, 0 warnings");
        assertThat(r.exit()).as("%s", r).isZero();
        // Without the filters it does find what they filter: they are in use.
        Tools.Result bare = Tools.run(List.of("rpmlint", rpm), Map.of());
        assertThat(bare.out()).contains("non-readable /etc/keepvip/keepalived.conf 640");
    }
}
