#!/bin/bash
# redis_stop.sh: fence the local Redis when the VRRP daemon stops (notify_stop), exactly as
# redis_fault.sh does for FAULT: a stopping daemon releases the VIP, so the local Redis must stop
# taking writes first. Same arguments as redis_fault.sh; with keepalived's generic `notify`
# arguments it acts only for STATE STOP.
#
# Usage: redis_stop.sh [-h host] [-p port] [-a passfile] [-u user] [-T] [-C cacert]
#                      [-t timeout_ms] [-d pause_ms] [-m new_master_host [-P port]]
#                      [TYPE NAME STATE PRIORITY]
# Exit status: as redis_fault.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KEEPVIP_FENCE_PROG=redis_stop KEEPVIP_FENCE_STATE=STOP exec "$here/redis_fault.sh" "$@"
