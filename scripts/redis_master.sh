#!/bin/bash
# redis_master.sh: promote the local Redis when this node enters MASTER (notify_master).
#
# Usage: redis_master.sh [-h host] [-p port] [-a passfile] [-u user] [-T] [-C cacert]
#                        [-t timeout_ms] [-m peer_host [-P peer_port]] [-f]
#                        [TYPE NAME STATE PRIORITY]
#   -h/-p/-a/-u/-T/-C  the local Redis, as in redis_check.sh (default 127.0.0.1 6379)
#   -t MS       deadline for the promotion to show in ROLE (default 5000)
#   -m HOST     the peer's Redis (real address, not the VIP); with it the promotion is refused
#               when the local Redis is empty or loading while the peer holds data (it restarted
#               empty and must resync first). -P its port (default: the local port).
#   -f          force: promote even so
#   TYPE NAME STATE PRIORITY  what keepalived's generic `notify` appends; when given, the script
#               acts only for STATE MASTER, so it can also be used as a `notify` script.
#
# Steps: REPLICAOF NO ONE; poll ROLE until "master" (deadline -t, no fixed sleep); CONFIG REWRITE
# (running without a config file is a warning, not a failure).
# Exit status: 0 promoted; 1 failed; 2 refused by the empty-node guard; 3 authentication; 64 usage.
set -euo pipefail

prog=redis_master
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=SCRIPTDIR/redis_common.sh
. "$here/redis_common.sh"
timeout_ms=5000
peer=""
peer_port=""
force=0

while getopts "${common_optstring}m:P:f" opt; do
    case $opt in
        m) peer=$OPTARG ;;
        P) peer_port=$OPTARG ;;
        f) force=1 ;;
        *) common_opt "$opt" ;;
    esac
done
shift $((OPTIND - 1))
notify_args MASTER "$@"
[[ $port =~ ^[0-9]+$ ]] || die_usage "port '$port' is not a number"
[[ $timeout_ms =~ ^[0-9]+$ ]] || die_usage "timeout '$timeout_ms' is not a number of ms"
peer_port=${peer_port:-$port}

redis_setup ""

# on HOST PORT CMD...: one command within what is left of the deadline (at most 1 s each).
on() { redis_within 1000 "$@"; }
fail() { # exit-code message
    local code=$1
    shift
    is_auth_error "$*" && code=3
    log err "Redis $host:$port promotion FAILED$context: $*"
    exit "$code"
}

if ! local_info=$(on "$host" "$port" INFO); then
    fail 1 "local Redis unreachable: ${local_info:-no answer}"
fi

# H1: a node that restarted empty must not become master while its peer holds data.
if [[ -n $peer ]] && ((!force)); then
    if [[ $(field loading "$local_info") == 1 ]]; then
        log warning "Redis $host:$port promotion REFUSED$context: still loading its dataset"
        exit 2
    fi
    if peer_info=$(on "$peer" "$peer_port" INFO); then
        lk=$(keys "$local_info")
        lo=$(field master_repl_offset "$local_info")
        pk=$(keys "$peer_info")
        po=$(field master_repl_offset "$peer_info")
        if ((lk == 0 && ${lo:-0} == 0)) && ((pk > 0 || ${po:-0} > 0)); then
            log warning "Redis $host:$port promotion REFUSED$context: local Redis is empty while peer $peer:$peer_port holds $pk keys at offset $po; it must resync first (use -f to force)"
            exit 2
        fi
    else
        log info "peer Redis $peer:$peer_port not reachable ($peer_info); local data is all we have"
    fi
fi

out=$(on "$host" "$port" REPLICAOF NO ONE) || fail 1 "REPLICAOF NO ONE: ${out:-no answer}"
while :; do
    role=$(on "$host" "$port" ROLE) || role=""
    [[ ${role%%$'\n'*} == master ]] && break
    (($(now_ms) < deadline)) || fail 1 "ROLE did not turn master within $timeout_ms ms"
    sleep 0.02
done
if ! out=$(on "$host" "$port" CONFIG REWRITE); then
    log warning "Redis $host:$port CONFIG REWRITE failed ($out); the role change will not survive a Redis restart"
fi
log notice "Redis $host:$port promoted to master$context: ROLE master confirmed"
exit 0
