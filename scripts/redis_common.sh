# shellcheck shell=bash
# redis_common.sh: what the redis_*.sh hooks share; sourced (not run) from the hook's own
# directory, so the scripts must be installed together (the packages: /usr/libexec/keepvip/).
#
# Before sourcing, a hook sets `prog` (its syslog tag suffix). This file sets the local Redis
# defaults (host port passfile user tls cacert); the hook sets timeout_ms, parses its options with
# getopts "${common_optstring}<its own>" passing the rest to common_opt, then calls redis_setup.
# Variables set here and only read by the hooks are marked for shellcheck (SC2034).

: "${prog:?set prog before sourcing redis_common.sh}"
# shellcheck disable=SC2034
common_optstring=":h:p:a:u:TC:t:"
# shellcheck disable=SC2034
host=127.0.0.1
# shellcheck disable=SC2034
port=6379
passfile=""
user=""
tls=0
cacert=""

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

# common_opt OPT: handles the options every hook takes (-h -p -a -u -T -C -t) and getopts'
# errors; call it from the hook's `*)` case.
# shellcheck disable=SC2034
common_opt() {
    case $1 in
        h) host=$OPTARG ;;
        p) port=$OPTARG ;;
        a) passfile=$OPTARG ;;
        u) user=$OPTARG ;;
        T) tls=1 ;;
        C) cacert=$OPTARG ;;
        t) timeout_ms=$OPTARG ;;
        :) die_usage "-$OPTARG needs a value" ;;
        *) die_usage "unknown option -$OPTARG" ;;
    esac
}

# notify_args STATE ARGS...: with keepalived's generic `notify` arguments (TYPE NAME STATE
# PRIORITY) exits 0 unless STATE is the hook's; sets `context` for log lines.
notify_args() {
    local want=$1
    shift
    if (($# >= 3)) && [[ $3 != "$want" ]]; then
        exit 0 # generic notify for another state
    fi
    # shellcheck disable=SC2034
    context=${*:+" ($*)"}
}

# redis_setup PREFIX: the redis-cli command line (`base`, without -h/-p), the password from the
# -a file in REDISCLI_AUTH (never on a command line), and the deadline from timeout_ms. PREFIX
# (may be empty) starts the unreadable-password-file message.
redis_setup() {
    base=(redis-cli -e --no-auth-warning)
    [[ -n $user ]] && base+=(--user "$user")
    ((tls)) && base+=(--tls)
    [[ -n $cacert ]] && base+=(--cacert "$cacert")
    if [[ -n $passfile ]]; then
        [[ -r $passfile ]] || { log err "${1}password file $passfile is not readable"; exit 3; }
        IFS= read -r REDISCLI_AUTH <"$passfile" || true
        export REDISCLI_AUTH
    fi
    deadline=$(($(now_ms) + timeout_ms))
}

# redis_within CAP_MS HOST PORT CMD...: one command within what is left of the deadline and at
# most CAP_MS (0: no cap); prints its output, errors included.
redis_within() {
    local cap=$1 h=$2 p=$3 left
    shift 3
    left=$((deadline - $(now_ms)))
    ((cap > 0 && left > cap)) && left=$cap
    ((left > 0)) || return 124
    timeout --kill-after=1 "$(secs "$left")" "${base[@]}" -h "$h" -p "$p" "$@" 2>&1 | tr -d '\r'
}

# is_auth_error TEXT: true when redis-cli's output says our credentials were rejected.
is_auth_error() {
    case $1 in *NOAUTH* | *WRONGPASS* | *NOPERM* | *"AUTH failed"*) return 0 ;; esac
    return 1
}

field() { awk -F: -v k="$1" '$1 == k { print $2; exit }' <<<"$2"; } # KEY INFO-TEXT
keys() { awk -F'[:=,]' '/^db[0-9]+:/ { s += $3 } END { print s + 0 }' <<<"$1"; } # INFO-TEXT
