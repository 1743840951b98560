# shellcheck shell=bash
# Helpers for throw-away network-namespace labs (scripts/demo, scripts/bench-failover,
# scripts/bench-scale). Sourced.
#
# A lab is a switch namespace with one or more bridges and host namespaces hung on them by veth
# pairs. Every name carries a per-run prefix, addresses come from the documentation ranges
# (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32), nothing touches the root namespace's interfaces,
# and lab_cleanup (installed as the EXIT trap by lab_init) removes every process, namespace and temp
# file the lab made, also on failure or Ctrl-C.

LAB_ID=""        # per-run prefix of every namespace name
LAB_DIR=""       # per-run temp dir (configs, logs, pid files, sockets)
LAB_SW=""        # the switch namespace
LAB_NS=()        # namespaces to delete
LAB_PIDS=()      # processes to stop
declare -A LAB_PORTS=()  # host name -> its switch ports (space-separated)
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
  lab_bridge br0
}

# lab_bridge NAME: adds another bridge (a separate segment) to the switch, STP and multicast snooping
# off, so VRRP's link-local multicast groups (224.0.0.18, ff02::12) reach every port at once.
lab_bridge() {
  ip -n "$LAB_SW" link add "$1" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$LAB_SW" link set "$1" up
}

# lab_host NAME ADDR/LEN: makes host namespace $LAB_ID-NAME with eth0 on the switch's br0 (switch
# port "p-NAME").
lab_host() {
  lab_ns "$1"
  lab_nic "$1" eth0 br0 "$2"
}

# lab_nic NAME IFACE BRIDGE [ADDR/LEN]: gives host NAME interface IFACE, cabled to BRIDGE of the
# switch, up, with ADDR if given. The switch port is "p-NAME" for eth0 and "p-NAME-IFACE" otherwise;
# lab_cut and lab_mend take all of a host's ports down or up.
lab_nic() {
  local ns="$LAB_ID-$1" port="p-$1"
  [ "$2" = eth0 ] || port="p-$1-$2"
  ip -n "$LAB_SW" link add "$port" type veth peer name "$2" netns "$ns" || lab_die "cannot cable $1 $2"
  ip -n "$LAB_SW" link set "$port" master "$3" up
  [ -z "${4:-}" ] || ip -n "$ns" addr add "$4" dev "$2"
  ip -n "$ns" link set "$2" up
  LAB_PORTS[$1]="${LAB_PORTS[$1]:-} $port"
}

# lab_cut NAME / lab_mend NAME: take all of host NAME's switch ports down / up at once, in one
# `ip -batch` (pulled cables: the host sees carrier loss, the others stop hearing it).
lab_cut() { lab_ports "$1" down; }
lab_mend() { lab_ports "$1" up; }
lab_ports() {
  local port
  for port in ${LAB_PORTS[$1]:-p-$1}; do echo "link set $port $2"; done | ip -n "$LAB_SW" -batch -
}

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

# lab_has_addr NS ADDR: true if ADDR (IPv4 or IPv6) is configured on any interface of NS.
lab_has_addr() { ip -n "$1" -o addr show 2>/dev/null | grep -q -e " inet $2/" -e " inet6 $2/"; }

# lab_wait_until SECONDS CMD...: runs CMD every LAB_POLL seconds (default 0.02) until it succeeds;
# 1 if SECONDS pass first. For states no log line or event announces.
lab_wait_until() {
  local end
  end=$(( ${EPOCHREALTIME/./} + ${1%.*} * 1000000 ))
  shift
  while (( ${EPOCHREALTIME/./} < end )); do
    "$@" && return 0
    sleep "${LAB_POLL:-0.02}"
  done
  return 1
}

# lab_wait_addr NS ADDR SECONDS [absent]: waits until ADDR is present (or absent) in NS.
lab_wait_addr() {
  if [ "${4:-present}" = present ]; then lab_wait_until "$3" lab_has_addr "$1" "$2"
  else lab_wait_until "$3" lab_lacks_addr "$1" "$2"; fi
}
lab_lacks_addr() { ! lab_has_addr "$1" "$2"; }

# lab_wait_log FILE REGEX SECONDS [COUNT]: waits until FILE has a line (COUNT lines) matching REGEX,
# without polling: tail follows FILE through inotify (FILE may not exist yet), so a benchmark's
# measured window is not shared with a process started every few milliseconds. 1 if SECONDS pass
# first.
lab_wait_log() {
  local rc=0 fd follower count=${4:-1} got
  # Opened with exec so that $! is the follower's pid (after `cmd < <(...)` it is not).
  exec {fd}< <(exec tail -n +1 -F "$1" 2>/dev/null)
  follower=$!
  got=$(timeout "$3" grep -cE -m "$count" "$2" <&"$fd") || true
  [ "$got" = "$count" ] || rc=1
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
  line=$(grep -v '^\[[^]]*\] Deleted' "$1" 2>/dev/null | grep -m1 -e " inet $2/" -e " inet6 $2/") || return 0
  ts=${line#[}
  ts=${ts%%]*}
  date -d "$ts" +%s%6N
}

# lab_last_added FILE ERE: for the addresses matching ERE (e.g. '/32 ') that FILE, an `ip -ts
# monitor address` log, shows being added: "COUNT US", the number of distinct ones and the
# microsecond timestamp of the first addition of the one added last ("0" if none).
lab_last_added() {
  local out count ts
  out=$(awk -v re="$2" '$2 != "Deleted" && $0 ~ re {
      for (i = 3; i < NF; i++) if ($i == "inet" || $i == "inet6") { a = $(i + 1); break }
      if (!(a in seen)) { seen[a] = 1; n++; last = $1 }
    } END { print n + 0, substr(last, 2, length(last) - 2) }' "$1" 2>/dev/null)
  read -r count ts <<<"$out"
  if [ "${count:-0}" = 0 ]; then echo 0; else echo "$count $(date -d "$ts" +%s%6N)"; fi
}

# lab_fmt_ms MICROS: "1234.567" style milliseconds.
lab_fmt_ms() {
  local v=$1 sign=""
  (( v < 0 )) && sign=- v=$(( -v ))
  printf '%s%d.%03d' "$sign" $(( v / 1000 )) $(( v % 1000 ))
}
