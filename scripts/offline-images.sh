#!/usr/bin/env bash
# Build the two images the lab needs in air-gapped mode from Debian packages only
# (no Docker registry is reachable): a Node.js base image and a registry:2 stand-in that runs
# as the non-root user registry (65532:65532). Each image is skipped when it already exists
# and is current (an outdated one, e.g. a registry image that runs as root, is rebuilt). Usage:
#   scripts/offline-images.sh [--self-test] [--print-mirror] [--with-dind] [--with-engines]
# --print-mirror prints the Debian mirror debootstrap would use, and exits (no docker, no root).
# --with-dind (or LAB_OFFLINE_DIND=1) also builds the Swarm node image (Debian's dockerd, ~400 MB)
#      that the three-node live test runs its nodes from; a learner's run does not need it.
# --with-engines (or LAB_OFFLINE_ENGINES=1) also builds the node images of Docker 26.1 (Debian trixie),
#      28.5 (sid) and 29 (built once with Go from the moby module), for the engines e2e test
#      (scripts/offline-engines.sh, which names their variables; ~850 MB, a cold build takes minutes).
# Env: LAB_OFFLINE_NODE_IMAGE, LAB_OFFLINE_REGISTRY_IMAGE, LAB_OFFLINE_DIND_IMAGE (tags),
#      LAB_DEBIAN_MIRROR (default: the first deb source of this machine's apt sources with bookworm
#      main), LAB_APT_ETC (apt config dir to read them from, default /etc/apt), LAB_SELFTEST_PORT
#      (--self-test port, default 5999).
set -euo pipefail

NODE_IMAGE="${LAB_OFFLINE_NODE_IMAGE:-docker-lab-offline/node:bookworm}"
REGISTRY_IMAGE="${LAB_OFFLINE_REGISTRY_IMAGE:-docker-lab-offline/registry:2}"
DIND_IMAGE="${LAB_OFFLINE_DIND_IMAGE:-docker-lab-offline/dind:bookworm}"
MIRROR="${LAB_DEBIAN_MIRROR:-}"
APT_ETC="${LAB_APT_ETC:-/etc/apt}"
SUITE=bookworm
# The registry image's user. 65532 is the usual "nonroot" id of minimal images: no login user
# of a typical host has it.
REGISTRY_UID=65532
# Built images carry VERSION_LABEL; an existing image with an older version is rebuilt (an image
# without the label counts as version 1). Registry 2: runs as $REGISTRY_UID, owns /var/lib/registry.
VERSION_LABEL=docker-lab.offline-image-version
NODE_IMAGE_VERSION=1
REGISTRY_IMAGE_VERSION=2
DIND_IMAGE_VERSION=1
SELFTEST_PORT="${LAB_SELFTEST_PORT:-5999}"
SELFTEST_LABEL=docker-lab.selftest=1
SELFTEST_TAG="localhost:${SELFTEST_PORT}/selftest:1"
# The lab's hardened container settings (CIS Docker Benchmark section 5): the self-test runs the
# registry with them, plus a named volume at /var/lib/registry.
HARDENED_RUN=(--read-only --tmpfs /tmp:rw,noexec,nosuid,size=16m --cap-drop ALL
  --security-opt no-new-privileges:true --memory 256m --memory-swap 256m --cpu-shares 512)

USAGE="usage: $0 [--self-test] [--print-mirror] [--with-dind] [--with-engines]"
SELF_TEST=0; PRINT_MIRROR=0
WITH_DIND=0; [[ "${LAB_OFFLINE_DIND:-0}" == 1 ]] && WITH_DIND=1
WITH_ENGINES=0; [[ "${LAB_OFFLINE_ENGINES:-0}" == 1 ]] && WITH_ENGINES=1
for arg in "$@"; do
  case "$arg" in
    --self-test) SELF_TEST=1 ;;
    --print-mirror) PRINT_MIRROR=1 ;;
    --with-dind) WITH_DIND=1 ;;
    --with-engines) WITH_ENGINES=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "offline-images.sh: ERROR: unknown argument '$arg'; $USAGE" >&2; exit 2 ;;
  esac
done

die() { echo "offline-images.sh: ERROR: $*" >&2; exit 1; }

# Prints the URI of the first enabled `deb` source that serves suite $1 with component main, in
# apt's reading order: $APT_ETC/sources.list, then sources.list.d/ by file name (one-line *.list
# and deb822 *.sources alike). A -security or -updates entry names another suite, so the URI is
# the main archive's. Only URIs debootstrap can fetch from count (http, https, ftp, file).
# Prints nothing when no source fits. Reads files only: no apt, no network.
apt_mirror() {
  local LC_ALL=C f files=()
  [[ -f "$APT_ETC/sources.list" ]] && files+=("$APT_ETC/sources.list")
  for f in "$APT_ETC"/sources.list.d/*.list "$APT_ETC"/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  (( ${#files[@]} )) || return 0
  # sources.list.d/ is read by name across both kinds: sort the basenames, keep sources.list first.
  mapfile -t files < <(printf '%s\n' "${files[@]}" | awk -v main="$APT_ETC/sources.list" \
    '{ n = $0; sub(/.*\//, "", n); print ($0 == main ? "0" : "1") "\t" n "\t" $0 }' | LC_ALL=C sort | cut -f3-)
  awk -v suite="$1" '
    function has(list, word,   n, a, i) {
      n = split(list, a, /[ \t]+/)
      for (i = 1; i <= n; i++) if (a[i] == word) return 1
      return 0
    }
    function usable(uri) { return uri ~ /^(https?|ftp):\/\/./ || uri ~ /^file:\/./ }
    function found(uri) { print uri; done = 1; exit }
    # deb822: one stanza (f[field] = value) ends at a blank line or at the end of its file.
    function flush(   n, a, i) {
      if (!done && has(f["types"], "deb") && has(f["suites"], suite) && has(f["components"], "main") \
          && tolower(f["enabled"]) !~ /^[ \t]*(no|false|off|0|disable|without)[ \t]*$/) {
        n = split(f["uris"], a, /[ \t]+/)
        for (i = 1; i <= n; i++) if (usable(a[i])) found(a[i])
      }
      split("", f); key = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^#/) next
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]/) { if (key != "") f[key] = f[key] " " $0; next }
      i = index($0, ":"); if (i == 0) next
      key = tolower(substr($0, 1, i - 1)); gsub(/[ \t]/, "", key)
      f[key] = substr($0, i + 1)
      next
    }
    {   # one-line: deb [ options ] uri suite component...
      line = $0; sub(/#.*/, "", line); sub(/^[ \t]+/, "", line)
      if (line !~ /^deb[ \t]/) next
      line = substr(line, 4); sub(/^[ \t]+/, "", line)
      if (substr(line, 1, 1) == "[") { i = index(line, "]"); if (i == 0) next; line = substr(line, i + 1) }
      n = split(line, w, " ")
      if (n >= 3 && w[2] == suite && usable(w[1])) for (i = 3; i <= n; i++) if (w[i] == "main") found(w[1])
    }
    END { flush() }
  ' "${files[@]}"
}

# Sets MIRROR for debootstrap: LAB_DEBIAN_MIRROR, else this machine's apt sources.
resolve_mirror() {
  [[ -n "$MIRROR" ]] && return 0
  MIRROR="$(apt_mirror "$SUITE")"
  [[ -n "$MIRROR" ]] || die "no Debian mirror: no enabled 'deb' source with suite $SUITE and component main in $APT_ETC/sources.list or $APT_ETC/sources.list.d/*.list|*.sources; set LAB_DEBIAN_MIRROR=<your Debian mirror URL>"
}

if (( PRINT_MIRROR )); then
  resolve_mirror
  echo "$MIRROR"
  exit 0
fi

T0=$SECONDS
step() { printf '[%4ds] %s\n' "$((SECONDS - T0))" "$*"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
size_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1000/1000}'; }

WORK=""
cleanup() {
  local rc=$?
  if (( SELF_TEST )); then
    # Self-test leftovers go even on failure: they hold the port and a bogus tag.
    docker ps -aq --filter "label=$SELFTEST_LABEL" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
    docker image rm "$SELFTEST_TAG" >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=$SELFTEST_LABEL" | xargs -r docker volume rm >/dev/null 2>&1 || true
  fi
  if [[ -n "$WORK" && -d "$WORK" ]]; then
    # A failed debootstrap can leave /proc, /sys or /dev mounted inside the rootfs:
    # unmount first (deepest first) so rm cannot reach the host's /proc or /dev.
    awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r \
      | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- preflight
command -v docker >/dev/null 2>&1 || die "docker CLI not found; run scripts/engine.sh up (installs docker.io)"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "no Docker engine answers; start one with: scripts/engine.sh up"

# Why existing image $1 must be rebuilt to reach version $2 (prints nothing when it is current).
# A registry image must also run as a non-root user ($3 = registry).
stale_reason() {
  local image="$1" want="$2" kind="${3:-}" have user why=()
  have="$(docker image inspect -f "{{index .Config.Labels \"$VERSION_LABEL\"}}" "$image")"
  [[ "$have" =~ ^[0-9]+$ ]] || have=1
  if [[ "$kind" == registry ]]; then
    user="$(docker image inspect -f '{{.Config.User}}' "$image")"
    [[ -z "$user" || "$user" == 0 || "$user" == 0:* || "$user" == root || "$user" == root:* ]] && why+=("it runs as root")
  fi
  (( have < want )) && why+=("$VERSION_LABEL $have, this script builds $want")
  local out="" w
  for w in "${why[@]}"; do out+="${out:+; }$w"; done
  echo "$out"
}

BUILD_NODE=1; BUILD_REG=1; OLD_REG_ID=""
if have_image "$NODE_IMAGE"; then
  why="$(stale_reason "$NODE_IMAGE" "$NODE_IMAGE_VERSION")"
  if [[ -n "$why" ]]; then step "rebuild $NODE_IMAGE: built by an older offline-images.sh ($why)"; else BUILD_NODE=0; fi
fi
if have_image "$REGISTRY_IMAGE"; then
  why="$(stale_reason "$REGISTRY_IMAGE" "$REGISTRY_IMAGE_VERSION" registry)"
  if [[ -n "$why" ]]; then
    step "rebuild $REGISTRY_IMAGE: built by an older offline-images.sh ($why)"
    OLD_REG_ID="$(docker image inspect -f '{{.Id}}' "$REGISTRY_IMAGE")"
  else
    BUILD_REG=0
  fi
fi

BUILD_DIND=0
if (( WITH_DIND )); then
  BUILD_DIND=1
  if have_image "$DIND_IMAGE"; then
    why="$(stale_reason "$DIND_IMAGE" "$DIND_IMAGE_VERSION")"
    if [[ -n "$why" ]]; then step "rebuild $DIND_IMAGE: built by an older offline-images.sh ($why)"; else BUILD_DIND=0; fi
  fi
fi

BUILD_TRIXIE=0; BUILD_SID=0
if (( WITH_ENGINES )); then
  # shellcheck source=scripts/offline-engines.sh
  source "$(dirname "${BASH_SOURCE[0]}")/offline-engines.sh"
  engines_plan
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/docker-lab-offline.XXXXXX")"

# Host tools. apt-get update runs at most once, and only if something is missing.
APT_UPDATED=0
apt_update_once() {
  (( APT_UPDATED )) && return 0
  [[ $EUID -eq 0 ]] || die "missing Debian packages and apt-get needs root; re-run with sudo"
  step "apt-get update"
  apt-get update -qq || die "apt-get update failed; check access to the Debian mirror"
  APT_UPDATED=1
}
apt_install() {
  apt_update_once
  step "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed; see apt output above"
}
need=()
if (( BUILD_NODE || BUILD_DIND || BUILD_TRIXIE || BUILD_SID )); then
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  # debootstrap verifies the Release signature with this keyring.
  [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || need+=(debian-archive-keyring)
fi
(( SELF_TEST )) && ! command -v curl >/dev/null 2>&1 && need+=(curl)
if (( ${#need[@]} )); then
  apt_install "${need[@]}"
fi

# Sets PKG_FILE to file $2 of Debian package $1: the host's copy when the package is installed,
# else extracted from the .deb. Not installing them on purpose: docker-registry's postinst
# starts a host registry service on :5000 (under systemd), and busybox-static replaces busybox.
pkg_file() {
  local pkg="$1" path="$2" dir="$WORK/debs"
  if dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' && [[ -x "$path" ]]; then
    PKG_FILE="$path"; return 0
  fi
  apt_update_once
  step "apt-get download $pkg (extract $path, host untouched)"
  mkdir -p "$dir/$pkg"
  (cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null) \
    || die "apt-get download $pkg failed; check access to the Debian mirror"
  dpkg-deb -x "$dir/${pkg}"_*.deb "$dir/$pkg" || die "cannot unpack $pkg .deb in $dir"
  [[ -x "$dir/$pkg$path" ]] || die "$pkg .deb has no $path"
  PKG_FILE="$dir/$pkg$path"
}

# ---------------------------------------------------------------- node image
# debootstrap $SUITE (or $BOOTSTRAP_SUITE from $BOOTSTRAP_MIRROR) minbase with packages $2 (comma-separated)
# into $1, then trim it to a runtime rootfs and check that it holds the commands $3.. (space-separated words).
debootstrap_trimmed() {
  local root="$1" include="$2" suite="${BOOTSTRAP_SUITE:-$SUITE}" mirror="${BOOTSTRAP_MIRROR:-}"; shift 2
  [[ $EUID -eq 0 ]] || die "debootstrap needs root; re-run with sudo"
  [[ -n "$mirror" ]] || { resolve_mirror; mirror="$MIRROR"; }
  step "debootstrap $suite minbase + $include from $mirror"
  if ! debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    [[ -f "$root/debootstrap/debootstrap.log" ]] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
    die "debootstrap failed (log above); check access to $mirror"
  fi

  step "trim rootfs ($(du -sm "$root" | cut -f1) MB before)"
  # Docs, man pages, translations, apt lists/caches and logs are dead weight in a runtime image.
  rm -rf "$root"/usr/share/{doc,man,info}/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
  # Keep locale.alias (read by glibc's setlocale); the rest are message catalogs.
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  find "$root/var/log" -type f -delete                        # keep dirs: apt/dpkg expect them
  rm -rf "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root/debootstrap"
  mkdir -p "$root/var/cache/apt/archives/partial" "$root/var/lib/apt/lists/partial"
  # debootstrap copies the host's resolv.conf/hostname; docker mounts its own at run time.
  : >"$root/etc/resolv.conf"; echo localhost >"$root/etc/hostname"
  # Device nodes come from the container runtime, not from the image.
  find "$root/dev" -mindepth 1 -delete 2>/dev/null || true
  local b
  for b in "$@"; do
    chroot "$root" /bin/sh -c "command -v $b" >/dev/null || die "rootfs lacks '$b'; debootstrap output is incomplete"
  done
}

build_node() {
  local root="$WORK/node-rootfs"
  debootstrap_trimmed "$root" nodejs sh node uname cat head tail more

  step "docker import -> $NODE_IMAGE ($(du -sm "$root" | cut -f1) MB rootfs)"
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_ENV=production' \
    --change 'CMD ["node"]' \
    --change "LABEL $VERSION_LABEL=$NODE_IMAGE_VERSION" \
    - "$NODE_IMAGE" >/dev/null || die "docker import of $NODE_IMAGE failed; check 'docker info' and free disk space"
  rm -rf --one-file-system "$root"
}

if (( BUILD_NODE )); then
  build_node
else
  step "skip $NODE_IMAGE (already present)"
fi
v="$(docker run --rm "$NODE_IMAGE" node -e 'console.log(process.version)')" \
  || die "$NODE_IMAGE cannot run node; remove it (docker image rm $NODE_IMAGE) and re-run"
step "ok $NODE_IMAGE: node $v, $(size_mb "$NODE_IMAGE")"

# ---------------------------------------------------------------- registry image
build_registry() {
  local root="$WORK/registry-rootfs" bin bb lib
  pkg_file docker-registry /usr/bin/docker-registry; bin="$PKG_FILE"
  pkg_file busybox-static /bin/busybox; bb="$PKG_FILE"
  step "assemble registry rootfs (docker-registry $($bin --version | awk '{print $NF}') + busybox-static)"
  mkdir -p "$root"/{bin,usr/bin,etc/docker/registry,var/lib/registry,tmp}
  chmod 1777 "$root/tmp"
  cp "$bin" "$root/usr/bin/docker-registry"
  # Copy each library ldd reports (incl. the dynamic loader) to the same path, dereferenced.
  local libs
  libs="$(ldd "$bin")" || die "ldd $bin failed; is it a dynamic executable for this architecture?"
  for lib in $(awk '/=> \// {print $3} /^[[:space:]]*\// {print $1}' <<<"$libs"); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib" || die "cannot copy $lib into the registry rootfs"
  done

  # busybox-static must really be static: nothing else in this rootfs would satisfy it.
  ! ldd "$bb" >/dev/null 2>&1 || die "$bb is not statically linked; use the busybox-static package's binary"
  cp "$bb" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  ln -s busybox "$root/bin/wget"
  ln -s /bin/busybox "$root/usr/bin/wget"

  # The registry runs as its own user; /var/lib/registry is its only writable path (see import).
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    "registry:x:$REGISTRY_UID:$REGISTRY_UID:registry:/var/lib/registry:/bin/false" \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' "registry:x:$REGISTRY_UID:" 'nogroup:x:65534:' >"$root/etc/group"
  # Lets Go's resolver use /etc/hosts then DNS without NSS plugins.
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  # Same content as the official registry:2 image's config (no auth section).
  cat >"$root/etc/docker/registry/config.yml" <<'EOF'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF

  step "docker import -> $REGISTRY_IMAGE ($(du -sm "$root" | cut -f1) MB rootfs, user registry $REGISTRY_UID:$REGISTRY_UID)"
  # Everything root-owned except /var/lib/registry, which the registry user owns: a named volume
  # first mounted there takes that ownership from the image (no root needed to build: tar sets it).
  local tarball="$WORK/registry-rootfs.tar"
  tar -C "$root" --numeric-owner --owner=0 --group=0 --exclude=./var/lib/registry -cf "$tarball" . \
    && tar -C "$root" --numeric-owner --owner="$REGISTRY_UID" --group="$REGISTRY_UID" --no-recursion \
      -rf "$tarball" ./var/lib/registry \
    || die "cannot pack the registry rootfs into $tarball; check free space in ${TMPDIR:-/tmp}"
  docker import \
    --change 'EXPOSE 5000' \
    --change 'VOLUME /var/lib/registry' \
    --change "USER $REGISTRY_UID:$REGISTRY_UID" \
    --change "LABEL $VERSION_LABEL=$REGISTRY_IMAGE_VERSION" \
    --change 'ENTRYPOINT ["/usr/bin/docker-registry"]' \
    --change 'CMD ["serve","/etc/docker/registry/config.yml"]' \
    "$tarball" "$REGISTRY_IMAGE" >/dev/null || die "docker import of $REGISTRY_IMAGE failed; check 'docker info' and free disk space"
  rm -f "$tarball"
  # The outdated image it replaces, unless a container still uses it or another tag names it.
  if [[ -n "$OLD_REG_ID" ]]; then
    docker image rm "$OLD_REG_ID" >/dev/null 2>&1 || step "kept the outdated image ${OLD_REG_ID#sha256:} (a container or another tag uses it)"
  fi
}

if (( BUILD_REG )); then
  build_registry
else
  step "skip $REGISTRY_IMAGE (already present)"
fi
v="$(docker run --rm "$REGISTRY_IMAGE" --version)" \
  || die "$REGISTRY_IMAGE cannot run docker-registry; remove it (docker image rm $REGISTRY_IMAGE) and re-run"
step "ok $REGISTRY_IMAGE: ${v##* }, user $(docker image inspect -f '{{.Config.User}}' "$REGISTRY_IMAGE"), $(size_mb "$REGISTRY_IMAGE")"

# ---------------------------------------------------------------- dind (Swarm node) image
# Only with --with-dind: Debian's dockerd in a container, one per node of the three-node live
# test (rig/swarmNodes.ts). Run it with --cap-add SYS_ADMIN --cap-add NET_ADMIN, seccomp and
# apparmor unconfined, -v /sys/fs/cgroup:/sys/fs/cgroup:rw and --tmpfs /var/lib/docker:exec; its
# arguments go to dockerd (e.g. --insecure-registry ADDR -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375).
# Makes rootfs $1 a dind node and imports it as image $2 (VERSION_LABEL $3), then removes the rootfs:
# its entrypoint runs dockerd with the words $4 (e.g. --storage-driver vfs) before the container's
# arguments. The iptables backend follows what the host kernel accepts (nf_tables, else legacy).
import_dind() {
  local root="$1" image="$2" version="$3" dockerd_args="$4"
  {
    cat <<'EOF'
#!/bin/sh
# docker-lab dind node: this image's dockerd with the arguments given.
set -e
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
if ! iptables -nL >/dev/null 2>&1 && iptables-legacy -nL >/dev/null 2>&1; then
  update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
  update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-legacy
fi
EOF
    echo "exec dockerd ${dockerd_args:+$dockerd_args }\"\$@\""
  } >"$root/usr/local/bin/dind-entrypoint"
  chmod 755 "$root/usr/local/bin/dind-entrypoint"

  step "docker import -> $image ($(du -sm "$root" | cut -f1) MB rootfs)"
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME /var/lib/docker' \
    --change 'EXPOSE 2375' \
    --change 'ENTRYPOINT ["/usr/local/bin/dind-entrypoint"]' \
    --change "LABEL $VERSION_LABEL=$version" \
    - "$image" >/dev/null || die "docker import of $image failed; check 'docker info' and free disk space"
  rm -rf --one-file-system "$root"
}

build_dind() {
  local root="$WORK/dind-rootfs"
  debootstrap_trimmed "$root" docker.io,iptables,ca-certificates,iproute2,procps \
    sh dockerd docker containerd runc iptables iptables-legacy ip
  # vfs: overlay2 cannot sit on the tmpfs the node's /var/lib/docker lives on.
  import_dind "$root" "$DIND_IMAGE" "$DIND_IMAGE_VERSION" "--storage-driver vfs"
}

if (( WITH_DIND )); then
  if (( BUILD_DIND )); then
    build_dind
  else
    step "skip $DIND_IMAGE (already present)"
  fi
  v="$(docker run --rm --entrypoint dockerd "$DIND_IMAGE" --version)" \
    || die "$DIND_IMAGE cannot run dockerd; remove it (docker image rm $DIND_IMAGE) and re-run with --with-dind"
  step "ok $DIND_IMAGE: ${v%%,*}, $(size_mb "$DIND_IMAGE")"
fi

# ---------------------------------------------------------------- engine node images
(( WITH_ENGINES )) && build_engines

# ---------------------------------------------------------------- self-test
if (( SELF_TEST )); then
  step "self-test: run $REGISTRY_IMAGE hardened (read-only, no capabilities) on 127.0.0.1:$SELFTEST_PORT"
  vol="$(docker volume create --label "$SELFTEST_LABEL" "docker-lab-selftest-registry-$$")" \
    || die "cannot create a docker volume for the self-test; check 'docker info'"
  cid="$(docker run -d --label "$SELFTEST_LABEL" "${HARDENED_RUN[@]}" -v "$vol:/var/lib/registry" \
    -p "127.0.0.1:$SELFTEST_PORT:5000" "$REGISTRY_IMAGE")" \
    || die "cannot start $REGISTRY_IMAGE; is port $SELFTEST_PORT free? (set LAB_SELFTEST_PORT)"
  for ((i = 0; ; i++)); do
    docker exec "$cid" wget -q -O /dev/null http://127.0.0.1:5000/v2/ 2>/dev/null && break
    if (( i >= 60 )) || [[ "$(docker inspect -f '{{.State.Running}}' "$cid")" != true ]]; then
      docker logs --tail 30 "$cid" >&2 || true
      die "registry container did not answer on :5000 within 30s (logs above)"
    fi
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$SELFTEST_PORT/v2/" >/dev/null \
    || die "registry answers inside the container but not on host port $SELFTEST_PORT; check the port publish / iptables"
  uid="$(docker exec "$cid" /bin/busybox id -u)" || die "cannot read the registry container's user id"
  [[ "$uid" != 0 ]] || die "the registry container runs as root; rebuild $REGISTRY_IMAGE (docker image rm $REGISTRY_IMAGE, re-run)"
  step "self-test: push $NODE_IMAGE as $SELFTEST_TAG"
  docker tag "$NODE_IMAGE" "$SELFTEST_TAG"
  docker push -q "$SELFTEST_TAG" >/dev/null || die "docker push $SELFTEST_TAG failed; see error above"
  curl -fsS "http://127.0.0.1:$SELFTEST_PORT/v2/selftest/tags/list" | grep -q '"1"' \
    || die "pushed tag not listed by the registry; push was not stored"
  docker rm -f -v "$cid" >/dev/null
  docker volume rm "$vol" >/dev/null
  docker image rm "$SELFTEST_TAG" >/dev/null
  step "self-test: ok (registry as uid $uid, read-only root, no capabilities: serves /v2/, push stored; container, volume and tag removed)"
fi

step "done"
