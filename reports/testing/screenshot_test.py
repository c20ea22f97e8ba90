#!/usr/bin/python3
"""Screenshot test of report.html: renders the sample report in headless Chromium and checks the
PNG is a real picture (1280x2000, many colours, the FAIL red and PASS green badges visible).

Usage: screenshot_test.py --sample build/reports/reports_sample --out DIR
Exit 0 pass, 1 fail, 77 skipped (no chromium).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
WIDTH, HEIGHT = 1280, 2000
FAIL_RED = (0xC6, 0x28, 0x28)   # --fail in html_writer.cc
PASS_GREEN = (0x2E, 0x7D, 0x32)  # --pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def read_png(path):
    """Returns (width, height, rows of (r, g, b) tuples) for 8-bit RGB/RGBA non-interlaced PNGs."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG (bad signature)")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = ihdr
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG layout depth={depth} colour={colour} interlace={interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        off = y * (stride + 1)
        ftype, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        for i in range(stride):  # PNG spec §9 filters
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
            elif ftype != 0:
                raise ValueError(f"bad filter type {ftype} in row {y}")
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return width, height, rows


def near(p, q, tol=12):
    return all(abs(a - b) <= tol for a, b in zip(p, q))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", required=True, help="the reports_sample program")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=90)
    args = ap.parse_args()

    chromium = find_chromium()
    if not chromium:
        print("SKIP: chromium is not installed (Debian package 'chromium')")
        return SKIP
    os.makedirs(args.out, exist_ok=True)
    subprocess.run([args.sample, args.out], check=True, timeout=30, stdout=subprocess.DEVNULL)
    html = os.path.abspath(os.path.join(args.out, "report.html"))
    png = os.path.abspath(os.path.join(args.out, "report.png"))
    if os.path.exists(png):
        os.remove(png)
    with tempfile.TemporaryDirectory(prefix="reports-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
               f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}", "file://" + html]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"FAIL: chromium did not finish within {args.timeout} s")
            return 1
    if not os.path.exists(png):
        print(f"FAIL: no screenshot written (chromium exit {proc.returncode})\n{proc.stderr[-2000:]}")
        return 1
    size = os.path.getsize(png)
    width, height, rows = read_png(png)
    colours = set()
    red = green = 0
    for row in rows[::2]:
        for p in row[::2]:
            colours.add(p)
            red += near(p, FAIL_RED)
            green += near(p, PASS_GREEN)
    print(f"{png}: {size} bytes, {width}x{height}, {len(colours)} colours, {red} FAIL-red and "
          f"{green} PASS-green samples")
    problems = []
    if (width, height) != (WIDTH, HEIGHT):
        problems.append(f"size {width}x{height}, expected {WIDTH}x{HEIGHT}")
    if size < 20000:
        problems.append(f"PNG only {size} bytes: probably blank")
    if len(colours) < 50:
        problems.append(f"only {len(colours)} distinct colours: blank or unstyled page")
    if red < 50:
        problems.append("no FAIL badge / highlighted message red in the picture")
    if green < 50:
        problems.append("no PASS badge green in the picture")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
