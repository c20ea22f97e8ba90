#!/usr/bin/python3
"""Turns testcases/payloads/*.hex into libFuzzer seed corpora, one folder per decoder fuzzer.

Usage: make_seeds.py PAYLOADS_DIR OUT_DIR
Each seed is one selector byte (the index of the sample's request path in the
list fuzz_decode.h uses, so that the decoder sees the sample as it was meant)
followed by the payload bytes. Writes OUT_DIR/<fuzzer-name>/<sample>.bin.
"""
import pathlib
import sys

# Must match kPaths in fuzz_decode.h.
PATHS = ["/", "/3", "/3/0", "/3/0/0", "/3/0/11", "/3/0/11/0", "/5/0/0", "/1/0"]
# Sample file prefix -> fuzzer name.
FUZZERS = {
    "text": "text_plain_fuzz", "link": "link_format_fuzz", "opaque": "opaque_fuzz", "cbor": "cbor_fuzz",
    "senml-json": "senml_json_fuzz", "senml-cbor": "senml_cbor_fuzz", "senml-etch-json": "senml_etch_json_fuzz",
    "senml-etch-cbor": "senml_etch_cbor_fuzz", "tlv": "tlv_fuzz", "lwm2m-json": "lwm2m_json_fuzz",
    "lwm2m-cbor": "lwm2m_cbor_fuzz",
}


def main():
    src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    count = 0
    for f in sorted(src.glob("*.hex")):
        header, hexdigits = {}, []
        for line in f.read_text().splitlines():
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                header[key.strip()] = value.strip()
            else:
                hexdigits.append(line)
        fuzzer = FUZZERS.get(header.get("format", ""))
        if fuzzer is None:
            continue
        path = header.get("path", "/")
        selector = PATHS.index(path) if path in PATHS else 0
        payload = bytes.fromhex("".join("".join(hexdigits).split()))
        target = out / fuzzer
        target.mkdir(parents=True, exist_ok=True)
        (target / (f.stem + ".bin")).write_bytes(bytes([selector]) + payload)
        count += 1
    print(f"{count} seeds written to {out}")


if __name__ == "__main__":
    main()
