#!/bin/bash
# redis_fault.sh: fence the local Redis when this node leaves MASTER (notify_fault; also used by
# redis_stop.sh for notify_stop), so that no client keeps writing to it once the VIP is gone.
#
# Usage: redis_fault.sh [-h host] [-p port] [-a passfile] [-u user] [-T] [-C cacert]
#                       [-t timeout_ms] [-d pause_ms] [-m new_master_host [-P port]]
#                       [TYPE NAME STATE PRIORITY]
#   -h/-p/-a/-u/-T/-C  the local Redis, as in redis_check.sh (default 127.0.0.1 6379)
#   -t MS       deadline for the whole fence (default 2000)
#   -d MS       how long writes stay paused (default 60000); redis_backup.sh lifts the pause
#               once the node replicates from the new master
#   -m HOST     the new master, if known: used only on Redis older than 6.2 (no CLIENT PAUSE
#               WRITE), where the node is fenced by making it a replica instead; without -m it
#               pauses all commands. -P its port (default: the local port).
#   TYPE NAME STATE PRIORITY  keepalived's generic `notify` arguments; acts only for STATE FAULT
#               (STOP for redis_stop.sh).
#
# Steps (only if the local Redis is a master; a replica already refuses writes):
# CLIENT PAUSE <d> WRITE; CLIENT KILL TYPE normal SKIPME yes (clients reconnect through the VIP).
# Exit status: 0 fenced or nothing to fence; 1 failed; 3 authentication; 64 usage.
set -euo pipefail

prog=${KEEPVIP_FENCE_PROG:-redis_fault}
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=SCRIPTDIR/redis_common.sh
. "$here/redis_common.sh"
state=${KEEPVIP_FENCE_STATE:-FAULT}
timeout_ms=2000
pause_ms=60000
new_master=""
new_master_port=""

while getopts "${common_optstring}d:m:P:" opt; do
    case $opt in
        d) pause_ms=$OPTARG ;;
        m) new_master=$OPTARG ;;
        P) new_master_port=$OPTARG ;;
        *) common_opt "$opt" ;;
    esac
done
shift $((OPTIND - 1))
notify_args "$state" "$@"
new_master_port=${new_master_port:-$port}
for n in "$port" "$new_master_port" "$timeout_ms" "$pause_ms"; do
    [[ $n =~ ^[0-9]+$ ]] || die_usage "'$n' is not a number"
done

redis_setup ""

rc() { redis_within 0 "$host" "$port" "$@"; } # CMD...: one command within what is left of the deadline
fail() {
    local code=1
    is_auth_error "$*" && code=3
    log err "Redis $host:$port fence FAILED$context: $*"
    exit "$code"
}

role=$(rc ROLE) || fail "ROLE: ${role:-no answer within $timeout_ms ms}"
if [[ ${role%%$'\n'*} != master ]]; then
    log info "Redis $host:$port is a replica$context; nothing to fence"
    exit 0
fi
if out=$(rc CLIENT PAUSE "$pause_ms" WRITE); then
    how="writes paused for $pause_ms ms"
else
    if [[ -z $out ]] || is_auth_error "$out"; then fail "CLIENT PAUSE: ${out:-no answer}"; fi
    log warning "CLIENT PAUSE WRITE unsupported ($out)"
    if [[ -n $new_master ]]; then
        out=$(rc REPLICAOF "$new_master" "$new_master_port") || fail "REPLICAOF: $out"
        how="made a replica of $new_master:$new_master_port"
    else
        out=$(rc CLIENT PAUSE "$pause_ms") || fail "CLIENT PAUSE: $out"
        how="all commands paused for $pause_ms ms"
    fi
fi
killed=$(rc CLIENT KILL TYPE normal SKIPME yes) || fail "$how, but CLIENT KILL failed: $killed"
log notice "Redis $host:$port fenced$context: $how, $killed client(s) disconnected"
exit 0
