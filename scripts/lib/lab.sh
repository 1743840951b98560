# shellcheck shell=bash
# Helpers for throw-away network-namespace labs (scripts/demo, scripts/bench-failover). Sourced.
#
# A lab is a switch namespace with a bridge and host namespaces hung on it by veth pairs. Every name
# carries a per-run prefix, addresses come from 192.0.2.0/24, nothing touches the root namespace's
# interfaces, and lab_cleanup (installed as the EXIT trap by lab_init) removes every process,
# namespace and temp file the lab made, also on failure or Ctrl-C.

LAB_ID=""        # per-run prefix of every namespace name
LAB_DIR=""       # per-run temp dir (configs, logs, pid files, sockets)
LAB_SW=""        # the switch namespace
LAB_NS=()        # namespaces to delete
LAB_PIDS=()      # processes to stop
export TZ=UTC    # ip -ts prints local time; keep it comparable with EPOCHREALTIME

lab_die() { echo "error: $*" >&2; exit 1; }

# lab_init PREFIX: checks root and tools, makes the temp dir and installs the cleanup trap.
lab_init() {
  [ "$(id -u)" -eq 0 ] || lab_die "must run as root: the lab uses network namespaces"
  local t
  for t in ip bash date; do command -v "$t" >/dev/null || lab_die "missing command: $t"; done
  LAB_ID="$1$$$(printf '%04x' "$RANDOM")"
  LAB_DIR=$(mktemp -d "/tmp/$LAB_ID.XXXXXX")
  trap lab_cleanup EXIT
  trap 'echo "interrupted" >&2; exit 130' INT
  trap 'echo "terminated" >&2; exit 143' TERM
}

# lab_cleanup: TERM every started process (KILL after 7 s), delete namespaces and the temp dir.
lab_cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  for pid in "${LAB_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 70; i++)); do
    local alive=0
    for pid in "${LAB_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${LAB_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  # Reap them here, with stderr closed, so bash prints no "Killed" job notices.
  for pid in "${LAB_PIDS[@]}"; do { wait "$pid"; } 2>/dev/null || true; done
  local ns
  for ns in "${LAB_NS[@]}"; do
    # Processes still inside (e.g. ones a daemon forked) would keep it busy.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  [ -n "$LAB_DIR" ] && rm -rf "$LAB_DIR"
  exit "$rc"
}

# lab_name NAME: the namespace name of lab node NAME.
lab_name() { echo "$LAB_ID-$1"; }

# lab_ns NAME: makes namespace $LAB_ID-NAME with lo up.
lab_ns() {
  local ns="$LAB_ID-$1"
  ip netns add "$ns" || lab_die "cannot create namespace $ns"
  LAB_NS+=("$ns")
  ip -n "$ns" link set lo up
}

# lab_switch: makes the switch namespace with bridge br0 (STP off: ports forward at once).
lab_switch() {
  lab_ns sw
  LAB_SW="$LAB_ID-sw"
  ip -n "$LAB_SW" link add br0 type bridge stp_state 0 forward_delay 0
  ip -n "$LAB_SW" link set br0 up
}

# lab_host NAME ADDR/LEN: makes host namespace $LAB_ID-NAME with eth0 on the switch (switch port
# "p-NAME").
lab_host() {
  local ns="$LAB_ID-$1" port="p-$1"
  lab_ns "$1"
  ip -n "$LAB_SW" link add "$port" type veth peer name eth0 netns "$ns"
  ip -n "$LAB_SW" link set "$port" master br0 up
  ip -n "$ns" addr add "$2" dev eth0
  ip -n "$ns" link set eth0 up
}

# lab_cut NAME / lab_mend NAME: take host NAME's switch port down / up (a pulled cable: the host
# sees carrier loss, the others stop hearing it).
lab_cut() { ip -n "$LAB_SW" link set "p-$1" down; }
lab_mend() { ip -n "$LAB_SW" link set "p-$1" up; }

# lab_spawn NS LOG CMD...: runs CMD in namespace NS in the background, output to LOG; sets LAB_PID.
LAB_PID=""
lab_spawn() {
  local ns=$1 log=$2
  shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
  LAB_PID=$!
  LAB_PIDS+=("$LAB_PID")
}

# lab_stop PID: TERM it and wait up to 7 s (KILL after).
lab_stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 70; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  { wait "$pid"; } 2>/dev/null || true
}

# lab_has_addr NS ADDR: true if ADDR is configured on any interface of NS.
lab_has_addr() { ip -n "$1" -o -4 addr show 2>/dev/null | grep -q " inet $2/"; }

# lab_wait_addr NS ADDR SECONDS [absent]: waits until ADDR is present (or absent) in NS.
lab_wait_addr() {
  local ns=$1 addr=$2 end want=${4:-present}
  end=$(( ${EPOCHREALTIME/./} + ${3%.*} * 1000000 ))
  while (( ${EPOCHREALTIME/./} < end )); do
    if lab_has_addr "$ns" "$addr"; then [ "$want" = present ] && return 0
    else [ "$want" = absent ] && return 0; fi
    sleep 0.02
  done
  return 1
}

# lab_wait_log FILE REGEX SECONDS: waits until FILE has a line matching REGEX, without polling:
# tail follows FILE through inotify (FILE may not exist yet), so a benchmark's measured window is not
# shared with a process started every few milliseconds. 1 if SECONDS pass first.
lab_wait_log() {
  local rc=0 fd follower
  # Opened with exec so that $! is the follower's pid (after `cmd < <(...)` it is not).
  exec {fd}< <(exec tail -n +1 -F "$1" 2>/dev/null)
  follower=$!
  timeout "$3" grep -qE -m1 "$2" <&"$fd" || rc=1
  kill "$follower" 2>/dev/null || true
  exec {fd}<&-
  return "$rc"
}

# lab_now_us: wall clock in microseconds, without forking.
lab_now_us() { echo "${EPOCHREALTIME/./}"; }

# lab_watch NS FILE: starts `ip -ts monitor address` in NS writing to FILE; sets LAB_PID.
lab_watch() {
  lab_spawn "$1" "$2" ip -ts monitor address
  # The monitor has subscribed once it has printed nothing and is sleeping in recv; give it a moment.
  sleep 0.2
}

# lab_added_us FILE ADDR: microsecond timestamp of the first "ADDR added" event in FILE (empty if none).
lab_added_us() {
  local line ts
  line=$(grep -v '^Deleted' "$1" 2>/dev/null | grep -m1 " inet $2/") || return 0
  ts=${line#[}
  ts=${ts%%]*}
  date -d "$ts" +%s%6N
}

# lab_fmt_ms MICROS: "1234.567" style milliseconds.
lab_fmt_ms() {
  local v=$1 sign=""
  (( v < 0 )) && sign=- v=$(( -v ))
  printf '%s%d.%03d' "$sign" $(( v / 1000 )) $(( v % 1000 ))
}
