#!/usr/bin/python3
"""A userspace netem for the lab's switch: forwards every frame between two interfaces and impairs
the VRRP adverts (IPv4, protocol 112) of one source going LEFT -> RIGHT: loss, delay and jitter
(which reorders), duplication, reordering. The kernel here lacks sch_netem; this also knows exactly
which adverts it dropped, so a test can count runs of lost adverts.

usage: advert_impairment.py LEFT RIGHT SOURCE_IP SETTINGS_FILE
SETTINGS_FILE holds one line, re-read when it changes:
    PHASE loss=P delay=MS jitter=MS dup=P reorder=P reorder_ms=MS
(P in 0..1; a missing key is 0). Per advert one line on stdout: "PHASE NS ACTION" where NS is
CLOCK_REALTIME in ns and ACTION is drop, pass, delay:MS, dup or reorder:MS.
"""
import heapq
import os
import random
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_raw(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def read_settings(path):
    with open(path) as f:
        words = f.read().split()
    phase = words[0] if words else "none"
    kv = dict(w.split("=", 1) for w in words[1:])
    return phase, {k: float(v) for k, v in kv.items()}


def main():
    left_if, right_if, source, path = sys.argv[1:5]
    src = socket.inet_aton(source)
    left, right = open_raw(left_if), open_raw(right_if)
    other = {left: right, right: left}
    mtime, phase, cfg = None, "none", {}
    pending = []  # (due monotonic, seq, frame)
    seq = 0
    rnd = random.Random()
    print("ready", flush=True)
    while True:
        timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else 0.5
        ready, _, _ = select.select([left, right], [], [], timeout)
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            right.send(heapq.heappop(pending)[2])
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                advert = (s is left and len(frame) >= 34 and frame[12:14] == b"\x08\x00"
                          and frame[23] == 112 and frame[26:30] == src)
                if not advert:
                    other[s].send(frame)
                    continue
                try:
                    m = os.stat(path).st_mtime_ns
                    if m != mtime:
                        mtime = m
                        phase, cfg = read_settings(path)
                except (OSError, ValueError):
                    pass
                stamp = time.time_ns()
                if rnd.random() < cfg.get("loss", 0):
                    print(phase, stamp, "drop", flush=True)
                    continue
                delay = cfg.get("delay", 0) + rnd.uniform(-1, 1) * cfg.get("jitter", 0)
                action = "pass"
                if rnd.random() < cfg.get("reorder", 0):
                    delay += cfg.get("reorder_ms", 0)
                    action = "reorder:%d" % delay
                elif delay > 0:
                    action = "delay:%d" % delay
                copies = 2 if rnd.random() < cfg.get("dup", 0) else 1
                if copies == 2:
                    action = "dup"
                for _ in range(copies):
                    if delay <= 0:
                        right.send(frame)
                    else:
                        seq += 1
                        heapq.heappush(pending, (now + delay / 1000.0, seq, frame))
                print(phase, stamp, action, flush=True)


if __name__ == "__main__":
    main()
