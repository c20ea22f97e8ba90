# SPDX-License-Identifier: GPL-2.0-or-later
"""Hand-made LwM2M captures for the dissector tests: CoAP messages built byte by byte (RFC 7252 §3),
carried in UDP over IPv4 in a pcapng file (LINKTYPE_RAW) with optional frame comments.

Example:
    cap = Capture()
    cap.add(CLIENT, SERVER, coap(CON, POST, 1, b"\x01", [uri_path("rd"), uri_query("ep=node1")]))
    cap.write("/tmp/x.pcapng")
"""
import os
import pwd
import shutil
import struct
import subprocess
import tempfile

CON, NON, ACK, RST = 0, 1, 2, 3
GET, POST, PUT, DELETE, FETCH, PATCH, IPATCH = 1, 2, 3, 4, 5, 6, 7


def code(c, d):
    return (c << 5) | d


CREATED, DELETED, CHANGED, CONTENT = code(2, 1), code(2, 2), code(2, 4), code(2, 5)
BAD_REQUEST, NOT_FOUND = code(4, 0), code(4, 4)

CLIENT = ("10.0.0.2", 56830)
SERVER = ("10.0.0.1", 5683)


def _uint(v):
    if v == 0:
        return b""
    n = (v.bit_length() + 7) // 8
    return v.to_bytes(n, "big")


def uri_path(s):
    return (11, s.encode())


def uri_query(s):
    return (15, s.encode())


def location_path(s):
    return (8, s.encode())


def content_format(n):
    return (12, _uint(n))


def accept(n):
    return (17, _uint(n))


def observe(n):
    return (6, _uint(n))


def path_opts(path):
    return [uri_path(seg) for seg in path.strip("/").split("/") if seg]


def coap(mtype, mcode, mid, token, options=(), payload=b""):
    """One CoAP-over-UDP message; options are (number, value) pairs in any order."""
    out = bytearray([0x40 | (mtype << 4) | len(token), mcode, mid >> 8, mid & 0xFF])
    out += token
    last = 0
    for num, val in sorted(options, key=lambda o: o[0]):
        delta, length = num - last, len(val)
        last = num

        def nib(x):
            if x < 13:
                return x, b""
            if x < 269:
                return 13, bytes([x - 13])
            return 14, struct.pack(">H", x - 269)

        dn, dx = nib(delta)
        ln, lx = nib(length)
        out.append((dn << 4) | ln)
        out += dx + lx + val
    if payload:
        out += b"\xff" + payload
    return bytes(out)


def coap_tcp(mcode, token, options=(), payload=b""):
    """One CoAP-over-TCP message (RFC 8323 §3.2): Len/TKL, extended length, code, token, options."""
    udp = coap(CON, mcode, 0, token, options, payload)
    body = udp[4 + len(token):]
    n = len(body)
    if n < 13:
        head = bytes([(n << 4) | len(token)])
    elif n < 269:
        head = bytes([(13 << 4) | len(token), n - 13])
    else:
        head = bytes([(14 << 4) | len(token)]) + struct.pack(">H", n - 269)
    return head + bytes([mcode]) + token + body


# ---- minimal CBOR encoder (RFC 8949), enough for SenML CBOR and LwM2M CBOR ----
def _head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < (1 << (8 * size)):
            return bytes([(major << 5) | ai]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor(v):
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return _head(0, v) if v >= 0 else _head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        return _head(3, len(b)) + b
    if isinstance(v, (bytes, bytearray)):
        return _head(2, len(v)) + bytes(v)
    if isinstance(v, (list, tuple)):
        return _head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return _head(5, len(v)) + b"".join(cbor(k if not isinstance(k, tuple) else list(k)) + cbor(x)
                                           for k, x in v.items())
    raise TypeError(type(v))


# ---- pcapng writer (SHB, IDB with LINKTYPE_RAW, EPB with opt_comment) ----
def _ip(s):
    return bytes(int(x) for x in s.split("."))


def _ipv4_udp(src, dst, payload):
    (sip, sport), (dip, dport) = src, dst
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, _ip(sip), _ip(dip))
    s = sum(struct.unpack(">10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack(">H", ~s & 0xFFFF) + hdr[12:]
    return hdr + udp


def _pad4(b):
    return b + b"\x00" * (-len(b) % 4)


def _block(btype, body):
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def _tlv(tag, value):
    value = value + b"\x00" * (-len(value) % 4) if tag == 12 else value
    return struct.pack(">HH", tag, len(value)) + value


def exported_pdu(src, dst, msg, dissector="coap", tcp=False):
    """A Wireshark exported PDU (LINKTYPE_WIRESHARK_UPPER_PDU, wsutil/exported_pdu_tlvs.h), as the
    harness records decrypted CoAP: dissector name, IPv4 addresses, port type and ports."""
    (sip, sport), (dip, dport) = src, dst
    tags = (_tlv(12, dissector.encode()) + _tlv(20, _ip(sip)) + _tlv(21, _ip(dip)) +
            _tlv(24, struct.pack(">I", 2 if tcp else 3)) + _tlv(25, struct.pack(">I", sport)) +
            _tlv(26, struct.pack(">I", dport)) + struct.pack(">HH", 0, 0))
    return tags + msg


class Capture:
    def __init__(self, t0=1700000000.0, linktype=101):
        """linktype 101: frames are IPv4/UDP datagrams; 252: frames are exported PDUs."""
        self.frames = []
        self.t = t0
        self.linktype = linktype

    def add_pdu(self, pdu, comment=None, dt=0.01):
        """Appends one pre-built link-layer frame (e.g. an exported_pdu(...))."""
        self.t += dt
        self.frames.append((self.t, pdu, comment))
        return len(self.frames)

    def add(self, src, dst, msg, comment=None, dt=0.01):
        """Appends one UDP datagram `dt` seconds after the previous one; returns its frame number."""
        self.t += dt
        self.frames.append((self.t, _ipv4_udp(src, dst, msg), comment))
        return len(self.frames)

    def write(self, path):
        shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + struct.pack("<I", 0)
        idb = struct.pack("<HHI", self.linktype, 0, 65535) + struct.pack("<I", 0)  # LINKTYPE_RAW, no options
        out = bytearray(_block(0x0A0D0D0A, shb) + _block(1, idb))
        for t, data, comment in self.frames:
            us = int(round(t * 1e6))
            body = struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, len(data), len(data)) + _pad4(data)
            if comment:
                c = comment.encode()
                body += struct.pack("<HH", 1, len(c)) + _pad4(c) + struct.pack("<HH", 0, 0)
            out += _block(6, body)
        with open(path, "wb") as f:
            f.write(out)


# ---- running tshark with the plugin from the build tree ----
def tshark_path():
    return shutil.which("tshark")


def plugin_dir():
    return os.environ.get("LWM2M_PLUGIN_DIR", "")


class Tshark:
    """Runs tshark with WIRESHARK_PLUGIN_DIR pointing at the build tree. Wireshark ignores that
    variable (and personal plugin folders) when run as root, so as root tshark runs as `nobody`."""

    def __init__(self, plugins=None):
        self.plugins = plugins if plugins is not None else plugin_dir()
        self.home = tempfile.mkdtemp(prefix="lwm2m-tshark-")
        os.chmod(self.home, 0o777)
        self.prefix = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.prefix = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]

    def path(self, name):
        """A file name in a folder tshark (possibly as nobody) can read."""
        return os.path.join(self.home, name)

    def run(self, *args, check=True, plugins=True):
        env = {"HOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        for k in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS"):  # sanitizer runs of the plugin
            if k in os.environ:
                env[k] = os.environ[k]
        if plugins and self.plugins:
            env["WIRESHARK_PLUGIN_DIR"] = self.plugins
        elif not plugins:
            env["WIRESHARK_PLUGIN_DIR"] = os.path.join(self.home, "no-plugins")
        p = subprocess.run(self.prefix + [tshark_path(), *args], env=env, capture_output=True, text=True, errors="replace", timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"tshark {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
        return p

    def fields(self, cap, fields, *extra):
        args = ["-r", cap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in fields:
            args += ["-e", f]
        out = self.run(*args, *extra).stdout
        return [line.split("\t") for line in out.splitlines()]

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)
