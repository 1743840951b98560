#!/bin/bash
# redis_backup.sh: make the local Redis a replica of the current master when this node enters
# BACKUP (notify_backup), unless that would wipe its data.
#
# Usage: redis_backup.sh -m master_host [-P master_port] [-h host] [-p port] [-a passfile]
#                        [-u user] [-T] [-C cacert] [-t timeout_ms] [-F fresh_s] [-f]
#                        [TYPE NAME STATE PRIORITY]
#   -m HOST     the master's Redis: its real address, which the local Redis can reach (keepvip
#               passes the address learned from the master's adverts; with stock keepalived, the
#               peer's address). -P its port (default: the local port).
#   -h/-p/-a/-u/-T/-C  the local Redis, as in redis_check.sh (default 127.0.0.1 6379); the same
#               credentials are used for the master. Redis itself needs `masterauth`.
#   -t MS       deadline for ROLE to name the new master (default 5000)
#   -F SECONDS  a master younger than this with a replication history we do not share counts as
#               freshly restarted (default 60)
#   -f          force: replicate even when the guard refuses (the local data will be replaced)
#   TYPE NAME STATE PRIORITY  keepalived's generic `notify` arguments; acts only for STATE BACKUP.
#
# Wipe guard (refuses unless -f) when the local Redis holds data (keys or replication offset) and
# the master is loading, not a master, empty, or restarted less than -F seconds ago with a new
# replication ID. A master that continues our history (same replid, or our replid as its replid2,
# at an offset not behind ours) is always accepted: PSYNC just continues.
# Then: REPLICAOF host port; poll ROLE (no fixed sleep) until it names that master; CLIENT UNPAUSE
# (lifting a fence set by redis_fault.sh); CONFIG REWRITE (a missing config file is a warning).
# Exit status: 0 replicating; 1 failed; 2 refused by the wipe guard; 3 authentication; 64 usage.
set -euo pipefail

prog=redis_backup
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=SCRIPTDIR/redis_common.sh
. "$here/redis_common.sh"
timeout_ms=5000
master=""
master_port=""
fresh_s=60
force=0

while getopts "${common_optstring}m:P:F:f" opt; do
    case $opt in
        m) master=$OPTARG ;;
        P) master_port=$OPTARG ;;
        F) fresh_s=$OPTARG ;;
        f) force=1 ;;
        *) common_opt "$opt" ;;
    esac
done
shift $((OPTIND - 1))
notify_args BACKUP "$@"
[[ -n $master ]] || die_usage "-m master_host is required (no peer is hard-coded)"
master_port=${master_port:-$port}
for n in "$port" "$master_port" "$timeout_ms" "$fresh_s"; do
    [[ $n =~ ^[0-9]+$ ]] || die_usage "'$n' is not a number"
done

redis_setup ""

on() { redis_within 1000 "$@"; } # HOST PORT CMD...: one command, at most 1 s of the deadline
fail() { # exit-code message
    local code=$1
    shift
    is_auth_error "$*" && code=3
    log err "Redis $host:$port REPLICAOF $master:$master_port FAILED$context: $*"
    exit "$code"
}
refuse() {
    if ((force)); then
        log warning "Redis $host:$port: FORCED by operator despite: $*"
        return 0
    fi
    log warning "Redis $host:$port REPLICAOF $master:$master_port REFUSED$context: $* (use -f to force)"
    exit 2
}

local_info=$(on "$host" "$port" INFO) || fail 1 "local Redis unreachable: ${local_info:-no answer}"
if [[ $(field role "$local_info") == slave && $(field master_host "$local_info") == "$master" &&
    $(field master_port "$local_info") == "$master_port" ]]; then
    log info "Redis $host:$port already replicates from $master:$master_port$context"
    exit 0
fi
master_info=$(on "$master" "$master_port" INFO) || fail 1 "master unreachable: ${master_info:-no answer}"

lk=$(keys "$local_info")
lo=$(field master_repl_offset "$local_info")
lid=$(field master_replid "$local_info")
mk=$(keys "$master_info")
mo=$(field master_repl_offset "$master_info")
mid=$(field master_replid "$master_info")
mid2=$(field master_replid2 "$master_info")
msecond=$(field second_repl_offset "$master_info")
mup=$(field uptime_in_seconds "$master_info")

if [[ $(field loading "$master_info") == 1 ]]; then
    refuse "master is still loading its dataset"
elif [[ $(field role "$master_info") != master ]]; then
    refuse "$master:$master_port is not a master (role $(field role "$master_info"))"
elif ((lk == 0 && ${lo:-0} == 0)); then
    log info "local Redis is empty; nothing to lose"
elif [[ $lid == "$mid" ]] && ((${mo:-0} >= ${lo:-0})); then
    log info "master continues our replication history (offset $mo >= ours $lo)"
elif [[ $lid == "$mid2" ]] && ((${msecond:--1} > 0 && ${lo:-0} <= msecond - 1)); then
    log info "master was promoted from our history at offset $((msecond - 1)) (ours $lo); partial resync"
elif ((mk == 0)); then
    refuse "master is empty; replicating would wipe our $lk keys (offset $lo)"
elif [[ $lid != "$mid" && $lid != "$mid2" ]] && ((${mup:-0} < fresh_s)); then
    refuse "master restarted ${mup}s ago with a new replication ID ${mid:0:8}; replicating would replace our $lk keys"
else
    log warning "full resync from $master:$master_port replaces our $lk keys (offset $lo, replid ${lid:0:8}) with its $mk keys"
fi

out=$(on "$host" "$port" REPLICAOF "$master" "$master_port") || fail 1 "REPLICAOF: ${out:-no answer}"
while :; do
    role=$(on "$host" "$port" ROLE) || role=""
    mapfile -t r <<<"$role"
    [[ ${r[0]:-} == slave && ${r[1]:-} == "$master" && ${r[2]:-} == "$master_port" ]] && break
    (($(now_ms) < deadline)) || fail 1 "ROLE did not name $master:$master_port within $timeout_ms ms"
    sleep 0.02
done
on "$host" "$port" CLIENT UNPAUSE >/dev/null || log warning "CLIENT UNPAUSE failed on $host:$port"
if ! out=$(on "$host" "$port" CONFIG REWRITE); then
    log warning "Redis $host:$port CONFIG REWRITE failed ($out); the role change will not survive a Redis restart"
fi
log notice "Redis $host:$port now replicates from $master:$master_port$context"
exit 0
