# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmark: tshark over a generated capture of N LwM2M messages (default 100,000), with and
without the LwM2M plugin; prints the time of each run and the ratio (goal: at most 1.3x).

    /usr/bin/python3 dissector/bench/dissector_bench.py --plugins build-dissector/plugins [-n 100000]

The traffic mixes Register/Update/De-register, Read (SenML CBOR, LwM2M CBOR, text), Observe with
notifications and Write-Attributes over 200 clients. Each mode runs --repeat times; the best
CPU time (user + system) counts. Modes: `summary` (plain `tshark -r`, one line per packet) and `fields`
(`-T fields -e coap.code -e udp.srcport`)."""
import argparse
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
sys.dont_write_bytecode = True
from capture import (ACK, CHANGED, CON, CONTENT, CREATED, DELETE, DELETED, GET, NON, POST, PUT,  # noqa: E402
                     Capture, Tshark, accept, cbor, coap, content_format, location_path, observe, path_opts,
                     uri_path, uri_query)

LINKS = b'</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</3>;ver=1.2,</3/0>,</5/0>'
SENML = cbor([{-2: "/3/0/", 0: "0", 3: "ACME"}, {0: "9", 2: 85}, {0: "13", 2: 1700000000}])
LCBOR = cbor({(3, 0): {0: "ACME", 9: 85, 6: {0: 1, 1: 5}}})


def generate(n, clients=200):
    cap = Capture()
    server = ("10.0.0.1", 5683)
    mids = {}
    count = 0
    rnd = 0
    while count < n:
        rnd += 1
        for c in range(clients):
            if count >= n:
                break
            cl = ("10.1.%d.%d" % (c // 250, c % 250 + 1), 50000 + c)
            mid = mids.get(c, 1)
            tok = bytes([c & 0xFF, rnd & 0xFF, (rnd >> 8) & 0xFF])
            step = rnd % 8
            if rnd == 1 or step == 0:
                msgs = [(cl, server, coap(CON, POST, mid, tok, [uri_path("rd"), uri_query(f"ep=dev{c}"),
                                                                uri_query("lt=86400"), uri_query("lwm2m=1.2"),
                                                                uri_query("b=U"), content_format(40)], LINKS)),
                        (server, cl, coap(ACK, CREATED, mid, tok, [location_path("rd"), location_path(f"r{c}")]))]
            elif step == 1:
                msgs = [(server, cl, coap(CON, GET, mid, tok, path_opts("/3/0") + [accept(112)])),
                        (cl, server, coap(ACK, CONTENT, mid, tok, [content_format(112)], SENML))]
            elif step == 2:
                msgs = [(server, cl, coap(CON, GET, mid, tok, path_opts("/3/0") + [accept(11544)])),
                        (cl, server, coap(ACK, CONTENT, mid, tok, [content_format(11544)], LCBOR))]
            elif step == 3:
                otok = bytes([0xEE, c & 0xFF])
                msgs = [(server, cl, coap(CON, GET, mid, otok, path_opts("/3/0/9") + [observe(0)])),
                        (cl, server, coap(ACK, CONTENT, mid, otok, [observe(rnd), content_format(0)], b"85"))]
            elif step in (4, 5):
                otok = bytes([0xEE, c & 0xFF])
                msgs = [(cl, server, coap(NON, CONTENT, (mid + 7) & 0xFFFF, otok, [observe(rnd), content_format(0)],
                                          b"84")),
                        (cl, server, coap(NON, CONTENT, (mid + 8) & 0xFFFF, otok,
                                          [observe(rnd + 1), content_format(0)], b"83"))]
            elif step == 6:
                msgs = [(server, cl, coap(CON, PUT, mid, tok, path_opts("/3/0/9") + [uri_query("pmin=10"),
                                                                                    uri_query("pmax=60")])),
                        (cl, server, coap(ACK, CHANGED, mid, tok))]
            else:
                msgs = [(cl, server, coap(CON, POST, mid, tok, [uri_path("rd"), uri_path(f"r{c}")])),
                        (server, cl, coap(ACK, CHANGED, mid, tok))]
            mids[c] = (mid + 10) & 0xFFFF
            for src, dst, m in msgs:
                if count < n:
                    cap.add(src, dst, m, dt=0.0001)
                    count += 1
    return cap


def timed(ts, args, plugins):
    """(CPU seconds of tshark, wall seconds, stdout). CPU time (user + system of the child) is what
    the ratio uses: wall time on a shared machine mostly measures the other processes."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = ts.run(*args, plugins=plugins)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return cpu, wall, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100000, help="number of LwM2M messages")
    ap.add_argument("--plugins", default=os.environ.get("LWM2M_PLUGIN_DIR", ""), help="<build>/plugins folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--modes", default="summary,fields")
    a = ap.parse_args()
    if not a.plugins:
        sys.exit("--plugins (or LWM2M_PLUGIN_DIR) is required")
    ts = Tshark(os.path.abspath(a.plugins))
    try:
        path = ts.path("bench.pcapng")
        t0 = time.perf_counter()
        generate(a.n).write(path)
        os.chmod(path, 0o644)
        print(f"generated {a.n} messages in {time.perf_counter() - t0:.1f} s ({os.path.getsize(path)} bytes)")
        modes = {"summary": ["-r", path], "fields": ["-r", path, "-T", "fields", "-e", "coap.code", "-e", "udp.srcport"]}
        worst = 0.0
        for mode in a.modes.split(","):
            args = modes[mode]
            base_runs, plug_runs = [], []
            for _ in range(a.repeat):  # interleaved, so that load changes hit both alike
                base_runs.append(timed(ts, args, False))
                plug_runs.append(timed(ts, args, True))
            if mode == "summary" and "LwM2M" not in plug_runs[0][2]:
                sys.exit("the plugin was not loaded (no LwM2M in the Info column)")
            base, with_plugin = min(r[0] for r in base_runs), min(r[0] for r in plug_runs)
            wb, wp = min(r[1] for r in base_runs), min(r[1] for r in plug_runs)
            ratio = with_plugin / base
            worst = max(worst, ratio)
            print(f"{mode:8s} CPU without plugin {base:6.2f} s, with plugin {with_plugin:6.2f} s: ratio {ratio:.2f}x"
                  f"   (wall {wb:.2f} s / {wp:.2f} s)")
        print(f"worst ratio {worst:.2f}x (goal <= 1.30x)")
    finally:
        ts.cleanup()


if __name__ == "__main__":
    main()
