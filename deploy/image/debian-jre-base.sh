#!/usr/bin/env bash
# A Java 17 JRE base image made from Debian's own packages (bookworm's openjdk-17-jre-headless), for a host that
# reaches Debian's archive but no container registry, as this project's CI: Jib's pull of eclipse-temurin:17-jre
# there fails with "Unknown host registry-1.docker.io". Writes a `docker save` tar that Jib takes as its base:
#   deploy/image/debian-jre-base.sh target/jre-base.tar
#   mvn -B package -Pimage -DskipTests -Dimage.base=tar://$PWD/target/jre-base.tar
# Needs root and debootstrap (apt-get install debootstrap); about a minute and 200 MB of download.
set -euo pipefail
out=$(realpath -m "${1:?usage: debian-jre-base.sh OUT.tar}")
suite=${SUITE:-bookworm}
# the archive apt already uses here, unless MIRROR says otherwise
mirror=${MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)}
mirror=${mirror:-$(awk '$1 == "deb" && $2 !~ /^\[/ && $3 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)}
[ -n "$mirror" ] || { echo "debian-jre-base: no Debian archive found in apt's sources; set MIRROR" >&2; exit 1; }

arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# what a runtime image never reads: downloaded packages, package lists, documentation
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
       "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/* "$rootfs"/tmp/*
# the image's user (image.user in pom.xml) by name, so the JVM has a home and `id` shows a name
echo 'wbxt:x:10001:0:webex-event-router:/data:/usr/sbin/nologin' >>"$rootfs/etc/passwd"

tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
java_home=/usr/lib/jvm/java-17-openjdk-$arch
[ -x "$rootfs$java_home/bin/java" ] || { echo "debian-jre-base: no $java_home/bin/java in the image" >&2; exit 1; }
cat >"$work/config.json" <<JSON
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created_by":"deploy/image/debian-jre-base.sh: debootstrap $suite minbase + openjdk-17-jre-headless"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["wbxt-jre-base:17"],"Layers":["layer.tar"]}]' >"$work/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$work" -cf "$out" manifest.json config.json layer.tar
echo "debian-jre-base: $out ($(du -h "$out" | cut -f1), Java home $java_home)"
