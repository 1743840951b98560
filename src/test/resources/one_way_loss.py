#!/usr/bin/python3
"""A userspace one-way cut for the lab's switch: forwards every frame between two interfaces and,
while the mode file says "drop", drops the frames of one source MAC going LEFT -> RIGHT only. The
other direction, and every other source, pass. (This kernel has neither nftables nor tc's
classifiers; the relay also counts exactly what it dropped.)

usage: one_way_loss.py LEFT RIGHT SOURCE_MAC MODE_FILE
MODE_FILE holds "drop" or "pass", re-read when it changes. Frames keep their offload state
(PACKET_VNET_HDR): a TCP segment larger than the MTU, as veth hands them over, is segmented by the
kernel when it leaves, not refused. Prints "ready", then "MODE NS dropped=N" at each change (NS:
CLOCK_REALTIME in ns).
"""
import os
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4
VNET_HDR = 10


def open_raw(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def read_mode(path):
    try:
        with open(path) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


def main():
    left_if, right_if, mac, path = sys.argv[1:5]
    src = bytes.fromhex(mac.replace(":", ""))
    left, right = open_raw(left_if), open_raw(right_if)
    other = {left: right, right: left}
    mode, mtime, checked, dropped = "pass", None, 0.0, 0
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([left, right], [], [], 0.05)
        now = time.monotonic()
        if now - checked >= 0.005:
            checked = now
            try:
                m = os.stat(path).st_mtime_ns
            except OSError:
                m = None
            if m != mtime:
                mtime = m
                new = read_mode(path)
                if new != mode:
                    mode = new
                    print(mode, time.time_ns(), "dropped=%d" % dropped, flush=True)
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535 + VNET_HDR)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                if mode == "drop" and s is left and frame[VNET_HDR + 6:VNET_HDR + 12] == src:
                    dropped += 1
                    continue
                try:
                    other[s].send(frame)
                except OSError as e:
                    print("send failed:", e, len(frame), flush=True)


if __name__ == "__main__":
    main()
