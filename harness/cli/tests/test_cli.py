"""End-to-end tests of the `lwm2m-harness` command line (harness/cli).

Run by ctest with LWM2M_HARNESS set to the built binary:
    LWM2M_HARNESS=build/harness/cli/lwm2m-harness /usr/bin/python3 -m pytest harness/cli/tests
Known-answer bytes come from Core TS 1.2 §7.4.3 (the Device object TLV example)
or are worked out by hand in the comments next to them.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("LWM2M_SOURCE_DIR", HERE.parents[2]))
FIXTURE_PAYLOADS = HERE / "payloads"


def harness_path():
    p = os.environ.get("LWM2M_HARNESS")
    if not p:
        pytest.fail("set LWM2M_HARNESS to the lwm2m-harness binary (ctest does this)")
    return p


def run(*args, stdin=None, cwd=None):
    """Runs the CLI; returns CompletedProcess with text stdout/stderr."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    p = subprocess.run([harness_path(), *args], input=data, capture_output=True, timeout=60, cwd=cwd)
    p.stdout = p.stdout.decode("utf-8", "replace")
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def text_hex(s):
    return s.encode().hex()


# Core TS 1.2 §7.4.3 Device example, a subset: 0 Manufacturer (C8 00 14 + 20 bytes),
# 9 Battery Level 100 (C1 09 64), 11 Error Code {0: 0} (83 0B 41 00 00).
MANUFACTURER_TLV = "c8 00 14 " + text_hex("Open Mobile Alliance")
DEVICE_TLV = MANUFACTURER_TLV + " c1 09 64 83 0b 41 00 00"

ALL_FORMATS = {
    "text": 0, "link": 40, "opaque": 42, "cbor": 60, "senml-json": 110, "senml-cbor": 112,
    "senml-etch-json": 320, "senml-etch-cbor": 322, "tlv": 11542, "lwm2m-json": 11543,
    "lwm2m-cbor": 11544,
}


# ---- decode ----

def test_decode_tlv_prints_tree_with_names_types_and_values():
    p = run("decode", "--format", "tlv", "--path", "/3/0", "--hex", DEVICE_TLV)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert "/3 Device" in lines
    assert "  /3/0" in lines
    manufacturer = next(l for l in lines if "/3/0/0 Manufacturer" in l)
    assert re.fullmatch(r'    /3/0/0 Manufacturer +String +"Open Mobile Alliance"', manufacturer)
    battery = next(l for l in lines if "/3/0/9 Battery Level" in l)
    assert battery.split()[-2:] == ["Integer", "100"]
    error_code = next(l for l in lines if "/3/0/11 Error Code" in l)
    assert "(multiple)" in error_code
    instance = next(l for l in lines if l.strip().startswith("/3/0/11/0"))
    assert instance.split()[-2:] == ["Integer", "0"]
    assert lines[-1].startswith("verdict: OK")
    assert "diagnostics: none" in lines


def test_decode_json_has_records_diagnostics_and_verdict():
    p = run("decode", "-f", "11542", "-p", "/3/0", "--hex", DEVICE_TLV, "--json")
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j["format"] == "tlv"
    assert j["content_format"] == 11542
    assert j["ok"] is True
    assert j["diagnostics"] == []
    assert j["links"] == []
    by_path = {r["path"]: r for r in j["records"]}
    assert set(by_path) == {"/3/0/0", "/3/0/9", "/3/0/11/0"}
    assert by_path["/3/0/0"]["type"] == "String"
    assert by_path["/3/0/0"]["value"] == "Open Mobile Alliance"
    assert by_path["/3/0/0"]["name"] == "Manufacturer"
    assert by_path["/3/0/9"] == {"path": "/3/0/9", "name": "Battery Level", "type": "Integer", "value": 100}
    assert by_path["/3/0/11/0"]["type"] == "Integer" and by_path["/3/0/11/0"]["value"] == 0
    assert "time" not in by_path["/3/0/9"]


def test_decode_opaque_value_is_hex_in_json():
    # Firmware Update /5/0/0 Package is Opaque; opaque (42) carries the bytes as they are.
    p = run("decode", "-f", "opaque", "-p", "/5/0/0", "--hex", "01:02:fe:ff", "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    j = json.loads(p.stdout)
    assert j["records"] == [{"path": "/5/0/0", "name": "Package", "type": "Opaque", "value": "0102feff"}]


def test_decode_truncated_tlv_exits_1_and_names_the_offset():
    # The Manufacturer TLV announces 20 bytes (0x14) but only 2 follow.
    p = run("decode", "-f", "tlv", "-p", "/3/0", "--hex", "c8 00 14 4f 70")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "offset" in p.stdout
    assert "error" in p.stdout
    assert p.stdout.splitlines()[-1].startswith("verdict: ERRORS")
    j = json.loads(run("decode", "-f", "tlv", "-p", "/3/0", "--hex", "c8 00 14 4f 70", "--json").stdout)
    assert j["ok"] is False
    errors = [d for d in j["diagnostics"] if d["severity"] == "error"]
    assert errors and isinstance(errors[0]["offset"], int)
    assert set(errors[0]) == {"severity", "offset", "path", "message", "rule"}


def test_decode_bad_hex_exits_2_with_position():
    p = run("decode", "-f", "tlv", "--hex", "c1 0g 64")
    assert p.returncode == 2
    assert "'g' at position 4" in p.stderr
    assert p.stdout == ""


def test_decode_odd_hex_exits_2():
    p = run("decode", "-f", "tlv", "--hex", "c10")
    assert p.returncode == 2
    assert "odd number of hex digits" in p.stderr


def test_decode_unknown_format_exits_2_and_lists_known_ones():
    p = run("decode", "-f", "xml", "--hex", "00")
    assert p.returncode == 2
    assert "unknown format 'xml'" in p.stderr
    assert "senml-cbor" in p.stderr
    p = run("decode", "-f", "1234", "--hex", "00")
    assert p.returncode == 2
    assert "1234" in p.stderr


def test_decode_bad_path_exits_2():
    p = run("decode", "-f", "tlv", "--path", "/3/x", "--hex", "c10964")
    assert p.returncode == 2
    assert "--path" in p.stderr and "/3/x" in p.stderr
    p = run("decode", "-f", "tlv", "--path", "/3/65535", "--hex", "c10964")
    assert p.returncode == 2


def test_decode_unreadable_file_exits_2(tmp_path):
    p = run("decode", "-f", "tlv", "--file", str(tmp_path / "missing.bin"))
    assert p.returncode == 2
    assert "missing.bin" in p.stderr


def test_decode_needs_exactly_one_payload_source():
    assert run("decode", "-f", "tlv").returncode == 2
    assert run("decode", "-f", "tlv", "--hex", "00", "-").returncode == 2


def test_decode_reads_raw_bytes_from_stdin():
    raw = bytes.fromhex(DEVICE_TLV.replace(" ", ""))
    p = run("decode", "-f", "tlv", "-p", "/3/0", "-", stdin=raw)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "/3/0/0 Manufacturer" in p.stdout
    assert '"Open Mobile Alliance"' in p.stdout


def test_decode_reads_raw_bytes_from_file(tmp_path):
    f = tmp_path / "battery.txt"
    f.write_bytes(b"85")
    p = run("decode", "-f", "text", "-p", "/3/0/9", "--file", str(f), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads(p.stdout)["records"][0]["value"] == 85


def test_decode_link_format_one_link_per_line_with_params():
    payload = b'</1/0>,</3/0>;ver=1.2,</>;rt="oma.lwm2m";ct=110'
    p = run("decode", "-f", "link", "-", stdin=payload)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert any(l.startswith("</3/0>;ver=1.2") and "Device" in l for l in lines)
    assert any(l.startswith('</>;rt="oma.lwm2m";ct=110') for l in lines)
    j = json.loads(run("decode", "-f", "link", "--json", "-", stdin=payload).stdout)
    assert [l["target"] for l in j["links"]] == ["/1/0", "/3/0", "/"]
    assert j["links"][1]["params"] == [{"name": "ver", "value": "1.2", "quoted": False}]


def test_decode_time_series_is_shown_record_by_record_with_times():
    # SenML (RFC 8428 §4.5.3): bt 1700000000 + t 10 resolves to 1700000010.
    pack = b'[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":10,"v":22}]'
    p = run("decode", "-f", "senml-json", "-", stdin=pack)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = [l for l in p.stdout.splitlines() if l.startswith("/3303/0/5700 Sensor Value")]
    assert len(rows) == 2
    assert rows[0].split()[-3:] == ["Float", "21.5", "t=1700000000"]
    assert rows[1].split()[-3:] == ["Float", "22", "t=1700000010"]
    j = json.loads(run("decode", "-f", "senml-json", "--json", "-", stdin=pack).stdout)
    assert [r["time"] for r in j["records"]] == [1700000000, 1700000010]


def test_decode_shows_bytes_that_are_not_utf8_as_escapes():
    # text/plain is UTF-8 (Core TS 1.2 §7.4.1): FF FE are not UTF-8; C3 A9 is "é".
    p = run("decode", "-f", "text", "-p", "/3/0/0", "--hex", "ff fe 41 0a c3 a9")
    line = next(l for l in p.stdout.splitlines() if "/3/0/0 Manufacturer" in l)
    assert re.search(r'String +"\\xff\\xfeA\\né"$', line), line


# ---- encode ----

def test_encode_text_from_yaml(tmp_path):
    # text/plain String "ACME" is its UTF-8 bytes 41 43 4D 45 (Core TS 1.2 §7.4.1).
    d = tmp_path / "desc.yaml"
    d.write_text("- {path: /3/0/0, value: ACME}\n")
    p = run("encode", "-f", "text", "--input", str(d))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "41434d45"


def test_encode_tlv_from_json_mapping():
    # Resource TLVs (Core TS 1.2 §7.4.3): type 0b11_0_00_100 = C4 (8-bit id, 3-bit length 4),
    # id 00, "ACME"; then C1 09 55 for Battery Level (id 9) = 85 as a 1-byte Integer.
    desc = '{"/3/0/0": "ACME", "/3/0/9": 85}'
    p = run("encode", "-f", "tlv", "--path", "/3/0", "-", stdin=desc)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "c40041434d45c10955"
    # Without --path, TLV encodes relative to the records' deepest common path, /3/0.
    assert run("encode", "-f", "tlv", "-", stdin=desc).stdout.strip() == "c40041434d45c10955"


def test_encode_tlv_multiple_resource_from_yaml_list(tmp_path):
    # Multiple Resource TLV: 0b10_0_00_110 = 86 (length 6), id 0B; two Resource Instance
    # TLVs 0b01_0_00_001 = 41: (id 0, value 00) and (id 1, value 05).
    d = tmp_path / "errors.yaml"
    d.write_text('"/3/0/11": [0, 5]\n')
    p = run("encode", "-f", "tlv", "-p", "/3/0", "-i", str(d))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "860b410000410105"


def test_encode_json_output_and_out_file(tmp_path):
    p = run("encode", "-f", "text", "--json", "-", stdin='[{"path": "/3/0/9", "value": 85}]')
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j["hex"] == "3835" and j["length"] == 2
    out = tmp_path / "payload.bin"
    p = run("encode", "-f", "tlv", "-p", "/3/0", "--out", str(out), "-", stdin='{"/3/0/9": 85}')
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == bytes.fromhex("c10955")


def test_encode_explicit_type_overrides_inference():
    # Serial Number is a String in the model; quoted or not, "0123" stays text.
    p = run("encode", "-f", "text", "-", stdin="- {path: /3/0/2, value: 0123}\n")
    assert p.stdout.strip() == text_hex("0123")
    # An explicit type: Float 21.5 as text is "21.5".
    p = run("encode", "-f", "text", "-", stdin="- {path: /3303/0/5700, value: 21.5, type: Float}\n")
    assert p.stdout.strip() == text_hex("21.5")


def test_encode_opaque_from_hex_or_base64():
    # Firmware Update /5/0/0 Package is Opaque in the model; opaque (42) is the bytes themselves.
    p = run("encode", "-f", "opaque", "-", stdin='[{path: /5/0/0, value: "01:02:ff"}]')
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "0102ff"
    p = run("encode", "-f", "opaque", "-", stdin='{"/5/0/0": "base64:AQL/"}')
    assert p.stdout.strip() == "0102ff"


def test_encode_links_for_link_format():
    desc = '[{target: /3/0, params: {ver: "1.2"}}, {target: /, params: {rt: oma.lwm2m, ct: 110}}]'
    p = run("encode", "-f", "link", "-", stdin=desc)
    assert p.returncode == 0, p.stderr
    text = bytes.fromhex(p.stdout.strip()).decode()
    assert text == '</3/0>;ver=1.2,</>;rt="oma.lwm2m";ct=110'


def test_encode_round_trips_decode_json(tmp_path):
    j = run("decode", "-f", "tlv", "-p", "/3/0", "--hex", DEVICE_TLV, "--json").stdout
    d = tmp_path / "decoded.json"
    d.write_text(j)
    p = run("encode", "-f", "tlv", "-p", "/3/0", "-i", str(d))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == DEVICE_TLV.replace(" ", "")


def test_encode_bad_value_names_file_and_line(tmp_path):
    d = tmp_path / "desc.yaml"
    d.write_text("- path: /3/0/0\n  value: ACME\n- path: /3/0/9\n  value: abc\n")
    p = run("encode", "-f", "tlv", "-i", str(d))
    assert p.returncode == 2
    assert f"{d}:4:" in p.stderr
    assert "/3/0/9" in p.stderr and "Integer" in p.stderr


def test_encode_unknown_key_suggests_the_right_one(tmp_path):
    d = tmp_path / "typo.yaml"
    d.write_text("- path: /3/0/0\n  vlaue: ACME\n")
    p = run("encode", "-f", "tlv", "-i", str(d))
    assert p.returncode == 2
    assert f"{d}:2:" in p.stderr and "did you mean 'value'" in p.stderr


def test_encode_bad_path_and_bad_json_name_the_line(tmp_path):
    d = tmp_path / "desc.json"
    d.write_text('{\n  "/3/0/0": "x",\n  "/3/a/1": 5\n}\n')
    p = run("encode", "-f", "tlv", "-i", str(d))
    assert p.returncode == 2 and f"{d}:3:" in p.stderr and "/3/a/1" in p.stderr
    p = run("encode", "-f", "tlv", "-", stdin='[{"path": "/3/0/0",\n  "value": "x"')
    assert p.returncode == 2 and "<stdin>:" in p.stderr


def test_encode_unreadable_input_and_unknown_format_exit_2(tmp_path):
    assert run("encode", "-f", "tlv", "-i", str(tmp_path / "none.yaml")).returncode == 2
    assert run("encode", "-f", "nope", "-", stdin="{}").returncode == 2
    assert run("encode", "-f", "tlv", "-p", "/3/-1", "-", stdin='{"/3/0/0": 1}').returncode == 2


def test_encode_content_the_format_cannot_carry_exits_1():
    # text/plain carries one value; two resources of two objects cannot be one text payload.
    p = run("encode", "-f", "text", "-", stdin='{"/3/0/0": "x", "/1/0/1": 5}')
    assert p.returncode == 1
    assert "text" in p.stderr


# ---- formats ----

def test_formats_lists_all_eleven():
    p = run("formats")
    assert p.returncode == 0
    for name, number in ALL_FORMATS.items():
        assert any(l.split()[:2] == [str(number), name] for l in p.stdout.splitlines()), name
    j = json.loads(run("formats", "--json").stdout)
    assert {f["name"]: f["content_format"] for f in j} == ALL_FORMATS
    assert all(isinstance(f["available"], bool) and f["media_type"] for f in j)


# ---- selfcheck ----

def last_line(s):
    return s.strip().splitlines()[-1]


def test_selfcheck_passes_on_the_shipped_samples(tmp_path):
    shipped = SOURCE_DIR / "testcases" / "payloads"
    if not shipped.is_dir():
        pytest.skip(f"{shipped} does not exist yet")
    p = run("selfcheck", "--out", str(tmp_path))
    assert p.returncode == 0, p.stdout
    assert last_line(p.stdout).endswith(" passed, 0 failed")
    j = json.loads((tmp_path / "selfcheck.json").read_text())
    assert j["failed"] == 0 and j["passed"] > 0


def test_selfcheck_passes_on_the_cli_fixture_samples(tmp_path):
    p = run("selfcheck", "--payloads", str(FIXTURE_PAYLOADS), "--out", str(tmp_path / "out"))
    assert p.returncode == 0, p.stdout
    n = len(list(FIXTURE_PAYLOADS.glob("*.hex")))
    # Every sample plus one round-trip check per content format.
    assert last_line(p.stdout) == f"{n + len(ALL_FORMATS)} passed, 0 failed"
    j = json.loads((tmp_path / "out" / "selfcheck.json").read_text())
    assert j["ok"] is True and j["samples"] == n
    assert {c["format"] for c in j["checks"] if c["kind"] == "round-trip"} == set(ALL_FORMATS)
    assert "passed, 0 failed" in (tmp_path / "out" / "summary.md").read_text()
    assert not [f for f in (tmp_path / "out").iterdir() if ".tmp" in f.name]


def test_selfcheck_fails_on_a_sample_with_a_wrong_expectation(tmp_path):
    payloads = tmp_path / "payloads"
    payloads.mkdir()
    shutil.copy(FIXTURE_PAYLOADS / "tlv-device-instance.hex", payloads)
    # A well-formed payload that claims to be malformed.
    (payloads / "wrong-expect.hex").write_text(
        "# format: tlv\n# path: /3/0\n# expect: errors\n# source: test\nc10964\n")
    out = tmp_path / "out"
    p = run("selfcheck", "--payloads", str(payloads), "--out", str(out))
    assert p.returncode == 1, p.stdout
    line = last_line(p.stdout)
    assert line.endswith(" passed, 1 failed"), line
    row = next(l for l in p.stdout.splitlines() if l.startswith("wrong-expect.hex"))
    assert "FAIL" in row and "expected errors" in row
    j = json.loads((out / "selfcheck.json").read_text())
    bad = [c for c in j["checks"] if c["result"] == "fail"]
    assert [c["name"] for c in bad] == ["wrong-expect.hex"]
    assert j["ok"] is False and j["failed"] == 1


def test_selfcheck_reports_a_malformed_sample_header(tmp_path):
    (tmp_path / "typo.hex").write_text("# fromat: tlv\n# expect: ok\nc10964\n")
    p = run("selfcheck", "--payloads", str(tmp_path))
    assert p.returncode == 1
    assert "did you mean '# format:'" in p.stdout


def test_selfcheck_missing_payload_dir_is_a_usage_error(tmp_path):
    p = run("selfcheck", "--payloads", str(tmp_path / "nope"))
    assert p.returncode == 2 and "nope" in p.stderr


# ---- help and version ----

@pytest.mark.parametrize("sub", ["decode", "encode", "formats", "selfcheck"])
def test_help_teaches_with_description_and_two_examples(sub):
    p = run(sub, "--help")
    assert p.returncode == 0
    assert "Examples:" in p.stdout
    examples = p.stdout.split("Examples:")[1]
    assert examples.count("lwm2m-harness " + sub) >= 2


def test_root_help_and_version():
    p = run("--help")
    assert p.returncode == 0
    for sub in ("decode", "encode", "formats", "selfcheck"):
        assert sub in p.stdout
    v = run("--version")
    assert v.returncode == 0 and v.stdout.startswith("lwm2m-harness ")
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2
