#!/usr/bin/env bash
# Make sure a Docker engine answers (up) and stop it again only if we started it (down).
# Usage: scripts/engine.sh up|down
set -euo pipefail

# Fixed paths, not $TMPDIR: `sudo engine.sh up` and a later `engine.sh down` may see different TMPDIRs.
LOG=/tmp/docker-lab-dockerd.log
STATE=/tmp/docker-lab-engine.started   # holds the pid of the dockerd this script started
SOCK=/var/run/docker.sock
LOCAL_HOST="unix://$SOCK"   # where the dockerd this script starts listens
PIDFILE=/var/run/docker.pid
START_TIMEOUT=60
STOP_TIMEOUT=20

say() { echo "engine.sh: $*"; }
die() { echo "engine.sh: ERROR: $*" >&2; exit 1; }

# Is $1 a live (non-zombie) process whose command name is $2? Checking the name guards
# against recycled pids; checking the state avoids waiting on an unreaped zombie.
is_proc() {
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "${stat#*(}" == "$2) "* ]] || return 1
  [[ "${stat##*) }" != Z* && "${stat##*) }" != X* ]]
}

# Does any process listen on unix socket path $1? /proc/net/unix lists bound paths,
# which avoids needing fuser/ss on a minimal host. /var/run is a symlink to /run.
sock_held() {
  local p="$1" alt="${1/#\/var\/run\//\/run\/}"
  grep -qE " (${p//./\\.}|${alt//./\\.})$" /proc/net/unix 2>/dev/null
}

# Prints the server version, or fails. Honours DOCKER_HOST / the CLI context.
server_version() { timeout 10 docker "$@" version --format '{{.Server.Version}}' 2>/dev/null; }

now_ms() { date +%s%3N; }

# Remove a pid file whose process ($2 = expected command name) is gone.
clear_stale_pidfile() {
  local f="$1" name="$2" pid
  [[ -e "$f" ]] || return 0
  pid="$(tr -dc '0-9' <"$f" || true)"
  if ! is_proc "$pid" "$name"; then
    say "removing stale $f (pid '${pid}' is not a running $name)"
    rm -f "$f"
  fi
}

clear_stale_sock() {
  local s="$1"
  [[ -S "$s" ]] || return 0
  if ! sock_held "$s"; then
    say "removing stale socket $s (no process listens on it)"
    rm -f "$s"
  fi
}

# The engine the docker CLI (and so the lab) talks to: DOCKER_HOST, else the current context's endpoint.
target_host() {
  if [[ -n "${DOCKER_HOST:-}" ]]; then echo "$DOCKER_HOST"; return; fi
  docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || echo "$LOCAL_HOST"
}

# Is $1 the local socket the dockerd this script starts listens on? (/var/run is a symlink to /run.)
is_local_host() { [[ "$1" == "$LOCAL_HOST" || "$1" == "unix:///run/docker.sock" ]]; }

# How the docker CLI chose its engine, e.g. "DOCKER_HOST=tcp://h:2376" or "context default".
target_desc() {
  if [[ -n "${DOCKER_HOST:-}" ]]; then echo "DOCKER_HOST=$DOCKER_HOST"; return; fi
  echo "context $(docker context show 2>/dev/null || echo default)"
}

engine_desc() { echo "Docker Engine $1 ($(target_desc))"; }

cmd_up() {
  # 1. Engine binaries: install Debian's docker.io only if dockerd is missing.
  if ! command -v dockerd >/dev/null 2>&1; then
    [[ $EUID -eq 0 ]] || die "dockerd is not installed and installing it needs root; re-run with sudo"
    say "dockerd not found; installing Debian package docker.io"
    apt-get update -qq || die "apt-get update failed; check network access to the Debian mirror"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null \
      || die "apt-get install docker.io failed; see apt output above"
  fi
  command -v docker >/dev/null 2>&1 || die "docker CLI not found; install docker.io (apt-get install docker.io)"

  # 2. Already answering (ours, someone else's, or started by the package install)? Leave it.
  #    Asked the way the lab asks: through DOCKER_HOST or the current context.
  local v target ours
  target="$(target_host)"
  if v="$(server_version)"; then
    ours="$( [[ -f "$STATE" ]] && tr -dc '0-9' <"$STATE" || true)"
    if is_proc "$ours" dockerd; then
      say "$(engine_desc "$v") answers (started earlier by engine.sh, pid $ours)"
    else
      say "$(engine_desc "$v") answers; nothing to do"
    fi
    return 0
  fi

  # Only the local engine can be started here; another target that does not answer cannot be
  # fixed by starting a local dockerd (the lab would still talk to the target).
  if ! is_local_host "$target"; then
    local where lv
    where="$(target_desc)"
    [[ -n "${DOCKER_HOST:-}" ]] || where="$where at $target"
    if lv="$(server_version -H "$LOCAL_HOST")"; then
      die "$where does not answer, but the local Docker Engine $lv at $LOCAL_HOST does; not starting a second dockerd. Use it (unset DOCKER_HOST / docker context use default) or start the engine at $target"
    fi
    die "$where does not answer; start that engine, or unset DOCKER_HOST / docker context use default so engine.sh starts the local engine at $LOCAL_HOST"
  fi
  [[ $EUID -eq 0 ]] || die "no Docker engine answers at $LOCAL_HOST and starting dockerd needs root; re-run with sudo"

  # 3. A dockerd that runs but does not answer yet is probably still starting: wait for it.
  local pid="" started_here=0 running=""
  if [[ -e "$PIDFILE" ]]; then running="$(tr -dc '0-9' <"$PIDFILE" || true)"; fi
  if is_proc "$running" dockerd; then
    pid="$running"
    say "dockerd pid $pid is running but not answering yet; waiting for it at $LOCAL_HOST"
  else
    # 4. Leftovers of a crashed/killed daemon make a new dockerd refuse to start
    #    ("pid file found, ensure docker is not running") or dial a dead containerd.
    clear_stale_pidfile "$PIDFILE" dockerd
    clear_stale_sock "$SOCK"
    clear_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
    clear_stale_sock /var/run/docker/containerd/containerd.sock
    # dockerd uses a system containerd whenever this socket merely exists.
    clear_stale_sock /run/containerd/containerd.sock

    : >"$LOG"
    # setsid+nohup: the daemon must outlive this shell and CI step.
    setsid nohup dockerd >>"$LOG" 2>&1 </dev/null &
    pid=$!
    started_here=1
    say "starting the local engine at $LOCAL_HOST: dockerd pid $pid, log $LOG"
  fi

  # 5. Wait until the server answers on the local socket (the target, checked above to be local).
  local t0 waited
  t0="$(now_ms)"
  while ! v="$(server_version -H "$LOCAL_HOST")"; do
    waited=$(( ($(now_ms) - t0) / 1000 ))
    if ! is_proc "$pid" dockerd || (( waited >= START_TIMEOUT )); then
      echo "----- last 30 lines of $LOG -----" >&2
      tail -n 30 "$LOG" >&2 || true
      echo "---------------------------------" >&2
      is_proc "$pid" dockerd || die "dockerd (pid $pid) exited during startup; see log above"
      # Don't leave a hung daemon we started behind: the next `up` would only wait on it again.
      if (( started_here )); then kill -TERM "$pid" 2>/dev/null || true; fi
      die "dockerd (pid $pid) did not answer within ${START_TIMEOUT}s; see log above"
    fi
    sleep 0.5
  done
  local ms=$(( $(now_ms) - t0 ))
  if (( started_here )); then
    echo "$pid" >"$STATE"
  fi
  say "Docker Engine $v at $LOCAL_HOST answered after $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s (pid $pid)"
}

cmd_down() {
  if [[ ! -f "$STATE" ]]; then
    say "engine was not started by engine.sh (no $STATE); leaving it alone"
    return 0
  fi
  local pid
  pid="$(tr -dc '0-9' <"$STATE" || true)"
  if ! is_proc "$pid" dockerd; then
    say "dockerd pid '${pid}' started by engine.sh is already gone; removing $STATE"
    rm -f "$STATE"
    return 0
  fi
  say "stopping dockerd pid $pid (SIGTERM)"
  kill -TERM "$pid"
  local i
  for ((i = 0; i < STOP_TIMEOUT * 2; i++)); do
    is_proc "$pid" dockerd || break
    sleep 0.5
  done
  is_proc "$pid" dockerd && die "dockerd pid $pid still running after ${STOP_TIMEOUT}s; check $LOG or kill -9 $pid"
  rm -f "$STATE"
  say "dockerd stopped after ~$((i / 2))s"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) die "usage: $0 up|down (got '${1:-}')" ;;
esac
