#!/usr/bin/env bash
# Builds target/keepvip_VERSION_all.deb (dpkg-deb) and target/keepvip-VERSION-1.noarch.rpm
# (rpmbuild) from the agent's jar and lib/, scripts/ and etc/. Run by Maven at `package`; offline.
# A missing dpkg-deb or rpmbuild skips that package with a message, it is not an error.
# Usage: build-packages.sh POM_VERSION   (0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
out=$here/target
pom_version=${1:?usage: build-packages.sh POM_VERSION}
version=${pom_version//-/\~} # '~' sorts before the release in dpkg and rpm: 0.1.0~SNAPSHOT < 0.1.0

jar=$top/agent/target/keepvip-agent.jar
lib=$top/agent/target/lib
[[ -f $jar && -d $lib ]] || { echo "packaging: $jar or $lib missing: build the agent first" >&2; exit 1; }

# stage ROOT FLAVOR: the installed tree; FLAVOR deb or rpm (unit and defaults locations differ).
stage() {
    local root=$1 flavor=$2 unitdir defaults
    rm -rf "$root"
    if [[ $flavor == deb ]]; then
        unitdir=lib/systemd/system defaults=etc/default/keepvip
    else
        unitdir=usr/lib/systemd/system defaults=etc/sysconfig/keepvip
    fi
    install -d -m 0755 "$root"/usr/bin "$root"/usr/share/keepvip/lib "$root"/usr/libexec/keepvip \
        "$root"/etc/keepvip "$root/$unitdir" "$root/$(dirname "$defaults")" \
        "$root"/usr/share/doc/keepvip/examples
    install -m 0644 "$jar" "$root"/usr/share/keepvip/keepvip.jar
    install -m 0644 "$lib"/*.jar "$root"/usr/share/keepvip/lib/
    install -m 0755 "$top"/scripts/keepvip-installed "$root"/usr/bin/keepvip
    local h
    for h in check master backup fault stop; do
        install -m 0755 "$top/scripts/redis_$h.sh" "$root"/usr/libexec/keepvip/
    done
    install -m 0644 "$top"/scripts/redis_common.sh "$root"/usr/libexec/keepvip/ # sourced, not run
    install -m 0755 "$top"/scripts/keepvip-cds "$root"/usr/libexec/keepvip/keepvip-cds
    install -m 0640 "$top"/etc/keepalived.conf.sample "$root"/etc/keepvip/keepalived.conf
    install -m 0644 "$top"/etc/keepvip.default "$root/$defaults"
    install -m 0644 "$top"/etc/keepvip.service "$root/$unitdir"/keepvip.service
    install -m 0644 "$top"/README.md "$top"/docs/operations.md "$top"/docs/configuration.md \
        "$root"/usr/share/doc/keepvip/
    install -m 0644 "$here"/README.md "$root"/usr/share/doc/keepvip/README.packaging.md
    install -m 0644 "$top"/etc/keepalived.conf.redis-pair-node1 "$top"/etc/keepalived.conf.redis-pair-node2 \
        "$top"/etc/keepalived.conf.unicast "$top"/etc/keepalived.conf.ipv6 "$root"/usr/share/doc/keepvip/examples/
    licenses "$root" "$flavor"
    # Reproducible: every file dated as the jar, whatever the checkout's times.
    find "$root" -exec touch -h -r "$jar" {} +
}

# licenses ROOT FLAVOR: the copyright record of keepvip and of every bundled jar (src/deb/copyright,
# machine-readable) and the bundled jars' own NOTICE files; a .deb has them in its doc directory
# (Debian's common-licenses has the Apache-2.0 text), an .rpm in /usr/share/licenses/keepvip with
# LICENSE. The Debian changelog goes in the doc directory as changelog.gz (a native package: the
# version has no Debian revision); the .rpm's is the spec's %changelog.
licenses() {
    local root=$1 flavor=$2 dir
    if [[ $flavor == deb ]]; then
        dir=$root/usr/share/doc/keepvip
        gzip -9n <"$here"/src/deb/changelog >"$dir"/changelog.gz
        chmod 0644 "$dir"/changelog.gz
    else
        dir=$root/usr/share/licenses/keepvip
        install -d -m 0755 "$dir"
        install -m 0644 "$top"/LICENSE "$dir"/LICENSE
    fi
    install -m 0644 "$here"/src/deb/copyright "$dir"/copyright
    install -m 0644 "$out"/NOTICE "$dir"/NOTICE
}

# notices: the NOTICE files of the bundled jars (META-INF/NOTICE*), which their Apache-2.0
# licenses require to be passed on, under one heading each.
notices() {
    local lib_jar notice
    echo "NOTICE files of the third-party libraries bundled in /usr/share/keepvip/lib"
    echo "(their copyright and licenses: the copyright file beside this one)."
    for lib_jar in "$lib"/*.jar; do
        notice=$(jar tf "$lib_jar" | grep -E '^META-INF/NOTICE(\.txt|\.md)?$' | head -n 1 || true)
        [[ -n $notice ]] || continue
        printf '\n==> %s <==\n' "${lib_jar##*/}"
        rm -rf "$out/notice" && mkdir -p "$out/notice"
        (cd "$out/notice" && jar xf "$lib_jar" "$notice")
        tr -d '\r' <"$out/notice/$notice"
    done
    rm -rf "$out/notice"
}

mkdir -p "$out"
rm -f "$out"/keepvip_*.deb "$out"/keepvip-*.rpm
notices >"$out"/NOTICE

if command -v dpkg-deb >/dev/null 2>&1; then
    root=$out/deb-root
    stage "$root" deb
    install -d -m 0755 "$root"/DEBIAN "$root"/usr/share/lintian/overrides
    # Each override says why, in src/deb/lintian-overrides.
    install -m 0644 "$here"/src/deb/lintian-overrides "$root"/usr/share/lintian/overrides/keepvip
    touch -r "$jar" "$root"/usr/share/lintian "$root"/usr/share/lintian/overrides "$root"/usr/share/lintian/overrides/keepvip
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" "$here"/src/deb/control >"$root"/DEBIAN/control
    install -m 0644 "$here"/src/deb/conffiles "$here"/src/deb/triggers "$root"/DEBIAN/
    # md5sums of every file but the conffiles (dpkg records theirs itself), as dh_md5sums writes it.
    (cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' \
        | LC_ALL=C sort -z | xargs -0 md5sum) >"$root"/DEBIAN/md5sums
    chmod 0644 "$root"/DEBIAN/md5sums
    install -m 0755 "$here"/src/deb/postinst "$here"/src/deb/prerm "$here"/src/deb/postrm "$root"/DEBIAN/
    deb=$out/keepvip_${version}_all.deb
    dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
    echo "packaging: built $deb"
else
    echo "packaging: dpkg-deb not found: skipping the .deb (it comes with the dpkg package: build on Debian or Ubuntu)"
fi

if command -v rpmbuild >/dev/null 2>&1; then
    root=$out/rpm-root
    stage "$root" rpm
    top_rpm=$out/rpmbuild
    rm -rf "$top_rpm"
    mkdir -p "$top_rpm"
    rpmbuild -bb --quiet --define "_topdir $top_rpm" --define "kv_version $version" \
        --define "kv_stage $root" --define "_rpmdir $out" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
        "$here"/src/rpm/keepvip.spec >"$out"/rpmbuild.log 2>&1 \
        || { cat "$out"/rpmbuild.log >&2; exit 1; }
    echo "packaging: built $out/keepvip-$version-1.noarch.rpm"
else
    echo "packaging: rpmbuild not found: skipping the .rpm (apt-get install rpm, or build on an RPM system)"
fi
