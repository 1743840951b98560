#!/bin/bash
# redis_check.sh: health check of one Redis for a keepalived/keepvip vrrp_script.
#
# Usage: redis_check.sh [-h host] [-p port] [-a passfile] [-u user] [-T] [-C cacert]
#                       [-t timeout_ms] [-r master|replica|any]
#   -h/-p     Redis address (default 127.0.0.1 6379)
#   -a FILE   read the password from FILE (first line); given to redis-cli via REDISCLI_AUTH,
#             never on a command line
#   -u USER   ACL user (needs -a)
#   -T, -C    TLS (redis-cli --tls), CA certificate file
#   -t MS     deadline for the whole check (default 800); a hung Redis fails within it
#   -r ROLE   also fail unless the server has this role (default any)
#
# Exit status (keepalived treats any non-zero as failure):
#   0 healthy; 1 failed (down, hung, error, persistence failing, wrong role);
#   2 not ready (loading its dataset); 3 configuration fault (authentication); 64 usage.
# Example: vrrp_script chk_redis { script "/usr/libexec/keepvip/redis_check.sh -p 6379" interval 1 fall 1 }
set -euo pipefail

prog=redis_check
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=SCRIPTDIR/redis_common.sh
. "$here/redis_common.sh"
timeout_ms=800
want_role=any

while getopts "${common_optstring}r:" opt; do
    case $opt in
        r) want_role=$OPTARG ;;
        *) common_opt "$opt" ;;
    esac
done
[[ $port =~ ^[0-9]+$ ]] || die_usage "port '$port' is not a number"
[[ $timeout_ms =~ ^[0-9]+$ ]] || die_usage "timeout '$timeout_ms' is not a number of ms"
case $want_role in master | replica | any) ;; *) die_usage "role '$want_role' (expected master, replica or any)" ;; esac

redis_setup "Redis $host:$port: "

# Runs one redis-cli command within what is left of the deadline; prints its output (with errors).
rc() { redis_within 0 "$host" "$port" "$@"; }

classify_error() { # output
    case $1 in
        *NOAUTH* | *WRONGPASS* | *NOPERM* | *"AUTH failed"* | *"without any password"*)
            log err "Redis $host:$port rejected our credentials: $1"; exit 3 ;;
        *LOADING*) log warning "Redis $host:$port is loading its dataset"; exit 2 ;;
        *) log err "Redis $host:$port check failed: ${1:-no answer within $timeout_ms ms}"; exit 1 ;;
    esac
}

if ! out=$(rc PING) || [[ $out != PONG ]]; then
    classify_error "$out"
fi
if ! info=$(rc INFO) ; then
    classify_error "$info"
fi
if [[ $(field loading "$info") == 1 ]]; then
    log warning "Redis $host:$port is loading its dataset"
    exit 2
fi
if [[ $(field aof_last_write_status "$info") == err ]]; then
    log err "Redis $host:$port AOF writes failing (aof_last_write_status:err)"
    exit 1
fi
if [[ $(field rdb_last_bgsave_status "$info") == err ]]; then
    log err "Redis $host:$port last RDB save failed (rdb_last_bgsave_status:err)"
    exit 1
fi
role=$(field role "$info")
[[ $role == slave ]] && role=replica
if [[ $want_role != any && $role != "$want_role" ]]; then
    log err "Redis $host:$port is $role, expected $want_role"
    exit 1
fi
exit 0
