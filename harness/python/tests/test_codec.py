# decode()/encode()/formats(): round trips, literal payloads, and malformed input that must give
# diagnostics (never an exception or a crash).
import random

import pytest

import lwm2m_harness as lh

# Core TS 1.2 §7.4.3 style TLV of /3/0: Manufacturer (id 0, 20 bytes) and Battery Level (id 9) = 85.
DEVICE_TLV = bytes.fromhex("c800144f70656e204d6f62696c6520416c6c69616e6365c10955")


def test_decode_tlv_literal_names_paths_types_and_values():
    r = lh.decode(DEVICE_TLV, "tlv", "/3/0")
    assert r["ok"] is True
    assert r["format"] == "tlv" and r["content_format"] == 11542
    assert r["records"] == [
        {"path": "/3/0/0", "type": "String", "value": "Open Mobile Alliance", "time": None},
        {"path": "/3/0/9", "type": "Integer", "value": 85, "time": None},
    ]
    assert r["diagnostics"] == []


def test_format_by_number_and_media_type_is_the_same_codec():
    assert lh.decode(DEVICE_TLV, 11542, "/3/0")["records"] == lh.decode(DEVICE_TLV, "tlv", "/3/0")["records"]
    assert lh.decode(DEVICE_TLV, "application/vnd.oma.lwm2m+tlv", "/3/0")["ok"]


@pytest.mark.parametrize("fmt", ["tlv", "senml-json", "senml-cbor", "lwm2m-cbor"])
def test_multi_record_round_trip(fmt):
    values = {"/3/0/0": "ACME", "/3/0/9": 85, "/3/0/11/0": 0, "/3/0/11/1": 5}
    payload = lh.encode(values, fmt, "/3/0")
    assert isinstance(payload, bytes) and payload
    r = lh.decode(payload, fmt, "/3/0")
    assert r["ok"], r["diagnostics"]
    assert {x["path"]: x["value"] for x in r["records"]} == values


@pytest.mark.parametrize("fmt,value", [("text", 21.5), ("cbor", 21.5), ("senml-cbor", 21.5), ("tlv", 21.5)])
def test_single_float_round_trip(fmt, value):
    payload = lh.encode([{"path": "/3303/0/5700", "value": value}], fmt, "/3303/0/5700")
    r = lh.decode(payload, fmt, "/3303/0/5700")
    assert r["ok"], r["diagnostics"]
    assert r["records"][0]["path"] == "/3303/0/5700"
    assert r["records"][0]["type"] == "Float"
    assert r["records"][0]["value"] == value


def test_opaque_and_explicit_type_round_trip():
    payload = lh.encode([{"path": "/5/0/0", "value": b"\x00\x01\xfe\xff", "type": "Opaque"}], "opaque", "/5/0/0")
    assert payload == b"\x00\x01\xfe\xff"
    assert lh.decode(payload, "opaque", "/5/0/0")["records"][0]["value"] == b"\x00\x01\xfe\xff"


def test_decode_output_encodes_back_to_the_same_bytes():
    r = lh.decode(DEVICE_TLV, "tlv", "/3/0")
    assert lh.encode(r, "tlv", "/3/0") == DEVICE_TLV


def test_link_format_round_trip():
    r = lh.decode(b'</1/0>,</3/0>;ver="1.2"', "link")
    assert r["ok"]
    assert [l["target"] for l in r["links"]] == ["/1/0", "/3/0"]
    assert r["links"][1]["params"] == {"ver": "1.2"}
    again = lh.decode(lh.encode(r["links"], "link"), "link")
    assert again["links"] == r["links"]


def test_truncated_tlv_gives_an_error_diagnostic_with_offset_and_partial_result():
    r = lh.decode(DEVICE_TLV[:10], "tlv", "/3/0")
    assert r["ok"] is False
    errors = [d for d in r["diagnostics"] if d["severity"] == "error"]
    assert errors, r
    assert errors[0]["offset"] is not None
    assert errors[0]["message"]


def test_invalid_cbor_gives_diagnostics_not_exceptions():
    r = lh.decode(b"\xff\x00\x9f", "senml-cbor", "/")
    assert r["ok"] is False and r["diagnostics"]


def test_random_bytes_never_raise_in_any_format():
    rng = random.Random(7)
    names = [f["name"] for f in lh.formats() if f["codec"]]
    assert "senml-cbor" in names and "tlv" in names
    for name in names:
        for _ in range(150):
            payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
            r = lh.decode(payload, name, "/3/0")
            assert isinstance(r["ok"], bool)
            for d in r["diagnostics"]:
                assert d["severity"] in ("info", "warning", "error")


def test_invalid_utf8_string_is_kept_visible():
    # text/plain /3/0/0 with a byte that is not UTF-8: a diagnostic at its offset, and the value comes
    # back with the bad byte escaped instead of raising UnicodeDecodeError.
    r = lh.decode(b"AB\xc0", "text", "/3/0/0")
    assert [(d["offset"], d["path"]) for d in r["diagnostics"]] == [(2, "/3/0/0")]
    assert "UTF-8" in r["diagnostics"][0]["message"]
    assert r["records"][0]["value"] == "AB\\xc0"


def test_unknown_format_raises_value_error_listing_known_names():
    with pytest.raises(ValueError, match="known: .*senml-cbor"):
        lh.decode(b"", "senml-xml")


def test_bad_path_raises_value_error():
    with pytest.raises(ValueError, match="not an LwM2M path"):
        lh.decode(b"", "tlv", "/3/x")


def test_value_that_the_model_refuses_raises_error_naming_the_path():
    with pytest.raises(lh.Error, match="/3/0/9"):
        lh.encode({"/3/0/9": "eighty"}, "tlv", "/3/0")


def test_format_that_cannot_carry_the_content_raises_error_with_code():
    with pytest.raises(lh.Error) as e:
        lh.encode({"/3/0/0": "a", "/3/0/1": "b"}, "text", "/3/0")
    assert e.value.code.startswith("4.")


def test_formats_lists_every_lwm2m_content_format():
    by_name = {f["name"]: f for f in lh.formats()}
    assert by_name["senml-cbor"]["number"] == 112
    assert by_name["lwm2m-cbor"]["media_type"] == "application/vnd.oma.lwm2m+cbor"
