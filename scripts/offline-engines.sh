# Sourced by offline-images.sh for --with-engines: the node images of the engines learners run, each
# a dockerd in a container that tests/e2e/engines.test.ts (rig/engineNodes.ts) runs the lab on:
#   docker-lab-offline/dind:trixie  Debian trixie's docker.io (Docker 26.1)
#   docker-lab-offline/dind:sid     Debian sid's docker.io (Docker 28.5)
#   docker-lab-offline/dind:29      sid's image with the Docker 29 dockerd and docker-proxy built from the
#                                   Go module github.com/moby/moby/v2 (sid's containerd, runc and docker CLI)
# Uses offline-images.sh's step, die, have_image, stale_reason, size_mb, debootstrap_trimmed and import_dind.
# Env: LAB_OFFLINE_TRIXIE_IMAGE, LAB_OFFLINE_SID_IMAGE, LAB_OFFLINE_MOBY_IMAGE (tags), LAB_MOBY_VERSION
#      (module version, default below), LAB_MOBY_CACHE (where the built binaries are kept, default
#      ~/.cache/docker-lab/moby-<version>; the build takes minutes, so it runs once per machine and version).

TRIXIE_IMAGE="${LAB_OFFLINE_TRIXIE_IMAGE:-docker-lab-offline/dind:trixie}"
SID_IMAGE="${LAB_OFFLINE_SID_IMAGE:-docker-lab-offline/dind:sid}"
MOBY_IMAGE="${LAB_OFFLINE_MOBY_IMAGE:-docker-lab-offline/dind:29}"
ENGINE_IMAGE_VERSION=2
MOBY_MODULE=github.com/moby/moby/v2
MOBY_VERSION="${LAB_MOBY_VERSION:-v2.0.0-beta.24}"
MOBY_CACHE="${LAB_MOBY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-lab/moby-$MOBY_VERSION}"
# The module version a Docker 29 image was built from: another version means a rebuild.
MOBY_LABEL=docker-lab.moby-module
# dockerd needs containerd, runc, iptables and the docker CLI (a package of its own since trixie);
# docker load and docker exec in the node use that CLI. A seat's workstation is built on this image,
# and the exercises a student does there use curl.
ENGINE_PACKAGES=docker.io,docker-cli,iptables,ca-certificates,iproute2,procps,curl
ENGINE_COMMANDS=(sh dockerd docker containerd runc iptables iptables-legacy ip curl)

# Whether image $1 must be built (prints why, or "missing"); nothing when it is current. $2: the
# moby module version it must carry, for the Docker 29 image.
engine_stale() {
  local image="$1" module="${2:-}" why
  have_image "$image" || { echo missing; return 0; }
  why="$(stale_reason "$image" "$ENGINE_IMAGE_VERSION")"
  if [[ -n "$module" ]]; then
    local have
    have="$(docker image inspect -f "{{index .Config.Labels \"$MOBY_LABEL\"}}" "$image")"
    [[ "$have" == "$module" ]] || why+="${why:+; }$MOBY_LABEL '${have}', this script builds $module"
  fi
  echo "$why"
}

# Sets BUILD_TRIXIE, BUILD_SID and BUILD_MOBY (1: build it); reports every rebuild and its reason.
engines_plan() {
  local why
  BUILD_TRIXIE=0; BUILD_SID=0; BUILD_MOBY=0
  why="$(engine_stale "$TRIXIE_IMAGE")"; [[ -n "$why" ]] && { BUILD_TRIXIE=1; step "build $TRIXIE_IMAGE ($why)"; }
  why="$(engine_stale "$SID_IMAGE")"; [[ -n "$why" ]] && { BUILD_SID=1; step "build $SID_IMAGE ($why)"; }
  why="$(engine_stale "$MOBY_IMAGE" "$MOBY_VERSION")"; [[ -n "$why" ]] && { BUILD_MOBY=1; step "build $MOBY_IMAGE ($why)"; }
  # The Docker 29 image is a layer over the sid image: a new sid image means a new one too.
  (( BUILD_SID )) && BUILD_MOBY=1
  return 0
}

# The Debian mirror for suite $1: LAB_DEBIAN_MIRROR, else an apt source of that suite, else the
# bookworm one (a Debian archive serves every suite).
suite_mirror() {
  if [[ -z "${LAB_DEBIAN_MIRROR:-}" ]]; then
    local m; m="$(apt_mirror "$1")"
    [[ -n "$m" ]] && { echo "$m"; return 0; }
  fi
  resolve_mirror
  echo "$MIRROR"
}

# Builds node image $2 from Debian suite $1: its docker.io, run by an entrypoint that hands all its
# arguments to dockerd (the storage driver too: vfs on a tmpfs, overlay2 on a volume).
build_engine_image() {
  local suite="$1" image="$2" root="$WORK/engine-$1-rootfs"
  BOOTSTRAP_SUITE="$suite" BOOTSTRAP_MIRROR="$(suite_mirror "$suite")" \
    debootstrap_trimmed "$root" "$ENGINE_PACKAGES" "${ENGINE_COMMANDS[@]}"
  import_dind "$root" "$image" "$ENGINE_IMAGE_VERSION" ""
}

# Builds dockerd and docker-proxy of $MOBY_MODULE@$MOBY_VERSION into $MOBY_CACHE, unless they are
# there. The module has no version stamp of its own ("library-import"): the linker sets the one of
# its releases/versions.yaml (the last Docker release of its branch) with the module version after +.
build_moby_binaries() {
  if [[ -x "$MOBY_CACHE/dockerd" && -x "$MOBY_CACHE/docker-proxy" ]]; then
    step "cached: $MOBY_MODULE $MOBY_VERSION in $MOBY_CACHE"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "Go is needed once to build the Docker 29 engine ($MOBY_MODULE $MOBY_VERSION); install Go 1.26 or newer"
  step "go mod download $MOBY_MODULE@$MOBY_VERSION"
  local info dir last when pkg="$MOBY_MODULE/dockerversion" tmp="$MOBY_CACHE.tmp"
  info="$(go mod download -json "$MOBY_MODULE@$MOBY_VERSION")" || die "go mod download $MOBY_MODULE@$MOBY_VERSION failed; check the Go module proxy (go env GOPROXY)"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"$info")"
  when="$(sed -n 's/^[[:space:]]*"Time": "\(.*\)",*$/\1/p' <<<"$info")"
  last="$(awk '/^docker:/ {d = 1} d && $1 == "last:" {gsub(/"/, "", $2); print $2; exit}' "$dir/releases/versions.yaml" 2>/dev/null)"
  [[ -n "$last" ]] || die "$dir/releases/versions.yaml names no last Docker release; set LAB_MOBY_VERSION to a Docker 29 module version"
  local version="$last+moby-$MOBY_VERSION"
  step "go install dockerd, docker-proxy ($MOBY_VERSION, stamped $version; minutes, once per machine)"
  rm -rf "$tmp" && mkdir -p "$tmp"
  GOFLAGS=-mod=mod GOBIN="$tmp" go install \
    -ldflags "-X $pkg.Version=$version -X $pkg.GitCommit=$MOBY_VERSION -X $pkg.BuildTime=${when:-unknown}" \
    "$MOBY_MODULE/cmd/dockerd@$MOBY_VERSION" "$MOBY_MODULE/cmd/docker-proxy@$MOBY_VERSION" \
    || die "go install of $MOBY_MODULE $MOBY_VERSION failed (output above)"
  rm -rf "$MOBY_CACHE" && mv "$tmp" "$MOBY_CACHE"
}

# The Docker 29 image: the sid image with the module's dockerd and docker-proxy in place of sid's.
build_moby_image() {
  build_moby_binaries
  local cid
  cid="$(docker create --label "$MOBY_LABEL=$MOBY_VERSION" "$SID_IMAGE")" || die "cannot create a container of $SID_IMAGE"
  docker cp "$MOBY_CACHE/dockerd" "$cid:/usr/sbin/dockerd" >/dev/null \
    && docker cp "$MOBY_CACHE/docker-proxy" "$cid:/usr/sbin/docker-proxy" >/dev/null \
    && docker commit --change "LABEL $MOBY_LABEL=$MOBY_VERSION" "$cid" "$MOBY_IMAGE" >/dev/null
  local rc=$?
  docker rm -f -v "$cid" >/dev/null   # -v: the anonymous volume of the image's VOLUME /var/lib/docker
  (( rc == 0 )) || die "cannot make $MOBY_IMAGE from $SID_IMAGE and $MOBY_CACHE"
  step "docker commit -> $MOBY_IMAGE ($SID_IMAGE + dockerd and docker-proxy $MOBY_VERSION)"
}

# Builds what engines_plan found missing or outdated, then checks each image's dockerd runs.
build_engines() {
  (( BUILD_TRIXIE )) && build_engine_image trixie "$TRIXIE_IMAGE"
  (( BUILD_SID )) && build_engine_image sid "$SID_IMAGE"
  (( BUILD_MOBY )) && build_moby_image
  local image v
  for image in "$TRIXIE_IMAGE" "$SID_IMAGE" "$MOBY_IMAGE"; do
    v="$(docker run --rm --entrypoint dockerd "$image" --version)" \
      || die "$image cannot run dockerd; remove it (docker image rm $image) and re-run with --with-engines"
    step "ok $image: ${v%%,*}, $(size_mb "$image")"
  done
}
