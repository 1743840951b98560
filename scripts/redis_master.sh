#!/usr/bin/env bash
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
host=127.0.0.1
port=6379
passfile=""
user=""
tls=0
cacert=""
timeout_ms=5000
peer=""
peer_port=""
force=0

log() { # level message...
    local level=$1 msg
    shift
    msg=$*
    msg=${msg//$'\n'/ | } # one line per event, even with multi-line redis-cli output
    logger -t "keepvip-$prog" -p "daemon.$level" -- "$msg" 2>/dev/null || true
    printf '%s: %s\n' "$prog" "$msg" >&2
}
die_usage() { log err "usage error: $*"; exit 64; }
now_ms() { local n; n=$(date +%s%N); echo $((n / 1000000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

while getopts ":h:p:a:u:TC:t:m:P:f" opt; do
    case $opt in
        h) host=$OPTARG ;;
        p) port=$OPTARG ;;
        a) passfile=$OPTARG ;;
        u) user=$OPTARG ;;
        T) tls=1 ;;
        C) cacert=$OPTARG ;;
        t) timeout_ms=$OPTARG ;;
        m) peer=$OPTARG ;;
        P) peer_port=$OPTARG ;;
        f) force=1 ;;
        :) die_usage "-$OPTARG needs a value" ;;
        *) die_usage "unknown option -$OPTARG" ;;
    esac
done
shift $((OPTIND - 1))
if (($# >= 3)) && [[ $3 != MASTER ]]; then
    exit 0 # generic notify for another state
fi
context=${*:+" ($*)"}
[[ $port =~ ^[0-9]+$ ]] || die_usage "port '$port' is not a number"
[[ $timeout_ms =~ ^[0-9]+$ ]] || die_usage "timeout '$timeout_ms' is not a number of ms"
peer_port=${peer_port:-$port}

base=(redis-cli -e --no-auth-warning)
[[ -n $user ]] && base+=(--user "$user")
((tls)) && base+=(--tls)
[[ -n $cacert ]] && base+=(--cacert "$cacert")
if [[ -n $passfile ]]; then
    [[ -r $passfile ]] || { log err "password file $passfile is not readable"; exit 3; }
    IFS= read -r REDISCLI_AUTH <"$passfile" || true
    export REDISCLI_AUTH
fi
deadline=$(($(now_ms) + timeout_ms))

# on HOST PORT CMD...: one command within what is left of the deadline (at most 1 s each).
on() {
    local h=$1 p=$2 left
    shift 2
    left=$((deadline - $(now_ms)))
    ((left > 1000)) && left=1000
    ((left > 0)) || return 124
    timeout --kill-after=1 "$(secs "$left")" "${base[@]}" -h "$h" -p "$p" "$@" 2>&1 | tr -d '\r'
}
fail() { # exit-code message
    local code=$1
    shift
    case $* in *NOAUTH* | *WRONGPASS* | *NOPERM* | *"AUTH failed"*) code=3 ;; esac
    log err "Redis $host:$port promotion FAILED$context: $*"
    exit "$code"
}
field() { awk -F: -v k="$1" '$1 == k { print $2; exit }' <<<"$2"; }
keys() { awk -F'[:=,]' '/^db[0-9]+:/ { s += $3 } END { print s + 0 }' <<<"$1"; }

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
