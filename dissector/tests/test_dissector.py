# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark over hand-made LwM2M captures, with the plugin loaded from the build tree."""
import json

from capture import (ACK, BAD_REQUEST, CHANGED, CLIENT, CON, CONTENT, CREATED, DELETE, DELETED, FETCH, GET,
                     IPATCH, NON, NOT_FOUND, POST, PUT, RST, SERVER, Capture, accept, cbor, coap, content_format,
                     location_path, observe, path_opts, uri_path, uri_query, coap_tcp, exported_pdu)

C, S = CLIENT, SERVER
LINKS = b'</>;rt="oma.lwm2m";ct="60 110 112 11543",</1>;ver=1.1,</1/0>,</3>;ver=1.2,</3/0>,</5/0>'


def register(cap, tok=b"\x01", mid=1, ep="node1", lt="300", ver="1.2", b="U", payload=LINKS, comment=None):
    q = [uri_query(f"ep={ep}")] if ep else []
    q += [uri_query(f"lt={lt}")] if lt else []
    q += [uri_query(f"lwm2m={ver}")] if ver else []
    q += [uri_query(f"b={b}")] if b else []
    return cap.add(C, S, coap(CON, POST, mid, tok, [uri_path("rd"), content_format(40)] + q, payload), comment)


def registered_session():
    """Register ... De-register: one capture with every Device Management and Reporting operation."""
    cap = Capture()
    f = {}
    f["register"] = register(cap, comment="case=register-101 step=1")
    f["register_rsp"] = cap.add(S, C, coap(ACK, CREATED, 1, b"\x01", [location_path("rd"), location_path("5a3f")]),
                                "case=register-101 step=2")
    senml = cbor([{-2: "/3/0/", 0: "0", 3: "ACME"}, {0: "9", 2: 85}, {0: "13", 2: 1700000000}])
    f["read"] = cap.add(S, C, coap(CON, GET, 100, b"\x10", path_opts("/3/0") + [accept(112)]))
    f["read_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 100, b"\x10", [content_format(112)], senml))
    f["read_text"] = cap.add(S, C, coap(CON, GET, 101, b"\x11", path_opts("/3/0/0")))
    f["read_text_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 101, b"\x11", [content_format(0)], b"ACME"))
    lc = cbor({(3, 0): {0: "ACME", 9: 85, 6: {0: 1, 1: 5}}})
    f["read_cbor"] = cap.add(S, C, coap(CON, GET, 102, b"\x12", path_opts("/3/0") + [accept(11544)]))
    f["read_cbor_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 102, b"\x12", [content_format(11544)], lc))
    f["discover"] = cap.add(S, C, coap(CON, GET, 103, b"\x13", path_opts("/3") + [accept(40)]))
    f["discover_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 103, b"\x13", [content_format(40)],
                                           b"</3>;ver=1.2,</3/0/0>,</3/0/9>;pmax=60"))
    f["observe"] = cap.add(S, C, coap(CON, GET, 104, b"\x14", path_opts("/3/0/9") + [observe(0)]))
    f["observe_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 104, b"\x14", [observe(1), content_format(0)], b"85"))
    f["notify1"] = cap.add(C, S, coap(NON, CONTENT, 2, b"\x14", [observe(2), content_format(0)], b"84"))
    f["notify2"] = cap.add(C, S, coap(CON, CONTENT, 3, b"\x14", [observe(3), content_format(0)], b"83"))
    f["notify2_ack"] = cap.add(S, C, coap(ACK, 0, 3, b""))
    f["wattr"] = cap.add(S, C, coap(CON, PUT, 105, b"\x15", path_opts("/3/0/9") +
                                    [uri_query("pmin=10"), uri_query("pmax=60"), uri_query("lt=20"), uri_query("gt=50")]))
    f["wattr_rsp"] = cap.add(C, S, coap(ACK, CHANGED, 105, b"\x15"))
    f["write"] = cap.add(S, C, coap(CON, PUT, 106, b"\x16", path_opts("/1/0/1") + [content_format(0)], b"600"))
    f["write_rsp"] = cap.add(C, S, coap(ACK, CHANGED, 106, b"\x16"))
    f["execute"] = cap.add(S, C, coap(CON, POST, 107, b"\x17", path_opts("/3/0/4")))
    f["execute_rsp"] = cap.add(C, S, coap(ACK, CHANGED, 107, b"\x17"))
    f["create"] = cap.add(S, C, coap(CON, POST, 108, b"\x18", path_opts("/3303") + [content_format(112)],
                                     cbor([{-2: "/3303/0/", 0: "5700", 2: 21.5}])))
    f["create_rsp"] = cap.add(C, S, coap(ACK, CREATED, 108, b"\x18", [location_path("3303"), location_path("0")]))
    f["delete"] = cap.add(S, C, coap(CON, DELETE, 109, b"\x19", path_opts("/3303/0")))
    f["delete_rsp"] = cap.add(C, S, coap(ACK, DELETED, 109, b"\x19"))
    f["read_comp"] = cap.add(S, C, coap(CON, FETCH, 110, b"\x1a", [content_format(112), accept(112)],
                                        cbor([{0: "/3/0/0"}, {0: "/1/0/1"}])))
    f["read_comp_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 110, b"\x1a", [content_format(112)],
                                            cbor([{0: "/3/0/0", 3: "ACME"}, {0: "/1/0/1", 2: 600}])))
    f["write_comp"] = cap.add(S, C, coap(CON, IPATCH, 111, b"\x1b", [content_format(112)],
                                         cbor([{0: "/1/0/1", 2: 300}])))
    f["write_comp_rsp"] = cap.add(C, S, coap(ACK, CHANGED, 111, b"\x1b"))
    f["send"] = cap.add(C, S, coap(CON, POST, 4, b"\x02", [uri_path("dp"), content_format(110)],
                                   b'[{"bn":"/3/0/","n":"9","v":80},{"n":"0","vs":"ACME"},{"n":"13","v":1700000001}]'))
    f["send_rsp"] = cap.add(S, C, coap(ACK, CHANGED, 4, b"\x02"))
    f["cancel"] = cap.add(S, C, coap(CON, GET, 112, b"\x14", path_opts("/3/0/9") + [observe(1)]))
    f["cancel_rsp"] = cap.add(C, S, coap(ACK, CONTENT, 112, b"\x14", [content_format(0)], b"83"))
    f["update"] = cap.add(C, S, coap(CON, POST, 5, b"\x03", [uri_path("rd"), uri_path("5a3f"), uri_query("lt=600")]))
    f["update_rsp"] = cap.add(S, C, coap(ACK, CHANGED, 5, b"\x03"))
    f["dereg"] = cap.add(C, S, coap(CON, DELETE, 6, b"\x04", [uri_path("rd"), uri_path("5a3f")]))
    f["dereg_rsp"] = cap.add(S, C, coap(ACK, DELETED, 6, b"\x04"))
    return cap, f


def by_frame(rows):
    return {int(r[0]): r[1:] for r in rows}


def expert_frames(ts, path, abbrev, *extra):
    out = ts.run("-r", path, "-Y", abbrev, "-T", "fields", "-e", "frame.number", *extra).stdout
    return [int(x) for x in out.split()]


# ------------------------------------------------------------------------------------------------
def test_plugin_loads_and_registers_its_fields(ts):
    plugins = ts.run("-G", "plugins").stdout
    assert "lwm2m.so" in plugins
    fields = {line.split("\t")[2] for line in ts.run("-G", "fields").stdout.splitlines()
              if line.startswith(("F\t", "E\t")) and line.count("\t") >= 2}
    for f in ["lwm2m.operation", "lwm2m.interface", "lwm2m.kind", "lwm2m.response_to", "lwm2m.path",
              "lwm2m.object", "lwm2m.object_name", "lwm2m.resource_name", "lwm2m.endpoint", "lwm2m.version",
              "lwm2m.binding", "lwm2m.lifetime", "lwm2m.location", "lwm2m.registration_in", "lwm2m.observe_in",
              "lwm2m.link.uri", "lwm2m.link.ver", "lwm2m.value.path", "lwm2m.value.string", "lwm2m.case",
              "lwm2m.step", "lwm2m.register.no_ep", "lwm2m.wattr.lt_ge_gt", "lwm2m.observe.backwards",
              "lwm2m.observe.after_cancel"]:
        assert f in fields, f
    assert "lwm2m" in ts.run("-G", "protocols").stdout


def test_without_the_plugin_tshark_has_no_lwm2m_protocol(ts):
    assert "\tlwm2m\t" not in ts.run("-G", "protocols", plugins=False).stdout
    assert "lwm2m" in [line.split("\t")[2] for line in ts.run("-G", "protocols").stdout.splitlines()]


def test_every_message_is_labelled_with_operation_and_kind(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.operation", "lwm2m.kind", "lwm2m.interface"]))
    expected = {
        "register": ("Register", "Request", "Client Registration"),
        "register_rsp": ("Register", "Response", "Client Registration"),
        "read": ("Read", "Request", "Device Management and Service Enablement"),
        "read_rsp": ("Read", "Response", "Device Management and Service Enablement"),
        "discover": ("Discover", "Request", "Device Management and Service Enablement"),
        "observe": ("Observe", "Request", "Information Reporting"),
        "observe_rsp": ("Observe", "Response", "Information Reporting"),
        "notify1": ("Notify", "Notification", "Information Reporting"),
        "notify2": ("Notify", "Notification", "Information Reporting"),
        "notify2_ack": ("Empty ACK", "Empty", "CoAP"),
        "wattr": ("Write-Attributes", "Request", "Device Management and Service Enablement"),
        "write": ("Write", "Request", "Device Management and Service Enablement"),
        "execute": ("Execute", "Request", "Device Management and Service Enablement"),
        "create": ("Create", "Request", "Device Management and Service Enablement"),
        "delete": ("Delete", "Request", "Device Management and Service Enablement"),
        "read_comp": ("Read-Composite", "Request", "Device Management and Service Enablement"),
        "write_comp": ("Write-Composite", "Request", "Device Management and Service Enablement"),
        "send": ("Send", "Request", "Information Reporting"),
        "send_rsp": ("Send", "Response", "Information Reporting"),
        "cancel": ("Cancel Observation", "Request", "Information Reporting"),
        "cancel_rsp": ("Cancel Observation", "Response", "Information Reporting"),
        "update": ("Update", "Request", "Client Registration"),
        "update_rsp": ("Update", "Response", "Client Registration"),
        "dereg": ("De-register", "Request", "Client Registration"),
        "dereg_rsp": ("De-register", "Response", "Client Registration"),
    }
    for name, want in expected.items():
        assert tuple(rows[f[name]]) == want, (name, rows[f[name]])
    info = ts.run("-r", path, "-Y", f"frame.number == {f['notify1']}").stdout
    assert "[LwM2M Notify #1]" in info


def test_responses_point_to_their_request(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.response_to", "lwm2m.code"]))
    for req in ["register", "read", "observe", "wattr", "execute", "send", "update", "dereg"]:
        assert rows[f[req + "_rsp"]][0] == str(f[req]), req
    assert rows[f["register_rsp"]][1] == "2.01"
    assert rows[f["dereg_rsp"]][1] == "2.02"


def test_update_and_deregister_are_linked_to_the_registration(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.endpoint", "lwm2m.location", "lwm2m.registration_in",
                                     "lwm2m.lifetime"]))
    assert rows[f["update"]] == ["node1", "/rd/5a3f", str(f["register"]), "600"]
    assert rows[f["dereg"]] == ["node1", "/rd/5a3f", str(f["register"]), ""]
    # Requests from the server to the client are attributed to the client's endpoint too.
    assert rows[f["read"]][0] == "node1"
    assert rows[f["notify1"]][0] == "node1"


def test_notifications_are_linked_to_their_observation(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.observe_in", "lwm2m.notify_count", "lwm2m.path",
                                     "lwm2m.value.integer", "lwm2m.cancelled_in"], "-2"))
    assert rows[f["notify1"]] == [str(f["observe"]), "1", "/3/0/9", "84", str(f["cancel"])]
    assert rows[f["notify2"]] == [str(f["observe"]), "2", "/3/0/9", "83", str(f["cancel"])]
    assert rows[f["cancel"]][0] == str(f["observe"])


def test_register_query_and_link_format_are_decoded(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.endpoint", "lwm2m.version", "lwm2m.binding",
                                     "lwm2m.lifetime", "lwm2m.link.uri", "lwm2m.link.ver", "lwm2m.link.ct",
                                     "lwm2m.link.count"]))
    ep, ver, b, lt, uris, vers, ct, count = rows[f["register"]]
    assert (ep, ver, b, lt) == ("node1", "1.2", "U", "300")
    assert uris.split(",") == ["/", "/1", "/1/0", "/3", "/3/0", "/5/0"]
    assert vers.split(",") == ["1.1", "1.2"]
    assert ct == "60 110 112 11543"
    assert count == "6"
    d = rows[f["discover_rsp"]]
    assert d[4].split(",") == ["/3", "/3/0/0", "/3/0/9"]


def test_senml_cbor_lwm2m_cbor_senml_json_and_text_payloads_have_paths_names_and_types(ts, write):
    cap, f = registered_session()
    path = write(cap)
    cols = ["frame.number", "lwm2m.value.path", "lwm2m.value.name", "lwm2m.value.string", "lwm2m.value.integer",
            "lwm2m.value.time", "lwm2m.value.float"]
    rows = by_frame(ts.fields(path, cols, "-t", "ud"))
    r = rows[f["read_rsp"]]
    assert r[0].split(",") == ["/3/0/0", "/3/0/9", "/3/0/13"]
    assert r[1].split(",") == ["Manufacturer", "Battery Level", "Current Time"]
    assert r[2] == "ACME" and r[3] == "85" and "Nov 14, 2023 22:13:20" in r[4]
    r = rows[f["read_cbor_rsp"]]
    assert r[0].split(",") == ["/3/0/0", "/3/0/9", "/3/0/6/0", "/3/0/6/1"]
    assert r[1].split(",") == ["Manufacturer", "Battery Level", "Available Power Sources", "Available Power Sources"]
    assert r[3].split(",") == ["85", "1", "5"]
    r = rows[f["send"]]
    assert r[0].split(",") == ["/3/0/9", "/3/0/0", "/3/0/13"]
    assert r[2] == "ACME" and r[3] == "80"
    r = rows[f["read_text_rsp"]]
    assert r[:3] == ["/3/0/0", "Manufacturer", "ACME"]
    r = rows[f["create"]]
    assert r[0] == "/3303/0/5700" and r[5] == "21.5"
    r = rows[f["read_comp"]]
    assert r[0].split(",") == ["/3/0/0", "/1/0/1"]
    r = rows[f["write"]]
    assert r[0] == "/1/0/1" and r[3] == ""  # Lifetime is an Unsigned Integer in Server 1.2
    unsigned = by_frame(ts.fields(path, ["frame.number", "lwm2m.value.unsigned"]))
    assert unsigned[f["write"]] == ["600"]


def test_request_path_fields_carry_object_and_resource_names(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.path", "lwm2m.object", "lwm2m.object_name",
                                     "lwm2m.instance", "lwm2m.resource", "lwm2m.resource_name"]))
    assert rows[f["execute"]] == ["/3/0/4", "3", "Device", "0", "4", "Reboot"]
    assert rows[f["observe_rsp"]] == ["/3/0/9", "3", "Device", "0", "9", "Battery Level"]
    assert rows[f["write"]][3] == "0" and rows[f["write"]][5] == "Lifetime"


def test_write_attributes_are_decoded_and_lt_ge_gt_is_flagged(ts, write):
    cap = Capture()
    ok = cap.add(S, C, coap(CON, PUT, 1, b"\x01", path_opts("/3/0/9") + [uri_query("lt=20"), uri_query("gt=50"),
                                                                        uri_query("st=5")]))
    bad = cap.add(S, C, coap(CON, PUT, 2, b"\x02", path_opts("/3/0/9") + [uri_query("lt=50"), uri_query("gt=50")]))
    step = cap.add(S, C, coap(CON, PUT, 3, b"\x03", path_opts("/3/0/9") + [uri_query("lt=20"), uri_query("gt=40"),
                                                                          uri_query("st=10")]))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.operation", "lwm2m.attr.lt", "lwm2m.attr.gt",
                                     "lwm2m.attr.st"]))
    assert rows[ok] == ["Write-Attributes", "20", "50", "5"]
    assert expert_frames(ts, path, "lwm2m.wattr.lt_ge_gt") == [bad]
    assert expert_frames(ts, path, "lwm2m.wattr.step") == [step]
    summary = ts.run("-r", path, "-q", "-z", "expert").stdout
    assert "lt=50 >= gt=50" in summary


def test_register_violations_are_reported(ts, write):
    cap = Capture()
    no_ep = register(cap, tok=b"\x01", mid=1, ep=None)
    cap.add(S, C, coap(ACK, BAD_REQUEST, 1, b"\x01"))
    bad_b = register(cap, tok=b"\x02", mid=2, ep="n2", ver="1.1", b="UQ")
    cap.add(S, C, coap(ACK, CREATED, 2, b"\x02"))  # 2.01 without Location-Path
    forbidden = register(cap, tok=b"\x03", mid=3, ep="n3", payload=b"</0/0>,</1/0>,</3/0>")
    cap.add(S, C, coap(ACK, CREATED, 3, b"\x03", [location_path("rd"), location_path("x")]))
    not_rd = register(cap, tok=b"\x06", mid=6, ep="n6")
    cap.add(S, C, coap(ACK, CREATED, 6, b"\x06", [location_path("reg"), location_path("1")]))
    no_ver = register(cap, tok=b"\x04", mid=4, ep="n4", ver=None)
    q10 = cap.add(C, S, coap(CON, POST, 5, b"\x05", [uri_path("rd"), uri_query("ep=n5"), uri_query("lwm2m=1.0"),
                                                     uri_query("Q"), content_format(40)], b"</3/0>"))
    cap.add(S, C, coap(ACK, CREATED, 5, b"\x05", [location_path("rd"), location_path("y")]))
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.register.no_ep") == [no_ep]
    assert expert_frames(ts, path, "lwm2m.register.bad_response") == [bad_b + 1, not_rd + 1]
    assert expert_frames(ts, path, "lwm2m.response.error") == [no_ep + 1]  # 4.00 is the right answer there
    assert expert_frames(ts, path, "lwm2m.register.bad_binding") == [bad_b, q10]
    assert expert_frames(ts, path, "lwm2m.register.forbidden_object") == [forbidden]
    assert expert_frames(ts, path, "lwm2m.register.no_version") == [no_ver]
    # Only a two-pass run knows that the last Register is never answered.
    assert expert_frames(ts, path, "lwm2m.register.unanswered", "-2") == [no_ver]
    summary = ts.run("-r", path, "-q", "-z", "expert").stdout
    assert "Register answered 4.00" in summary
    assert "Register answered 2.01 without a Location-Path" in summary
    assert "Location-Path /reg/1, which is not under /rd" in summary
    assert "binding letter 'Q' is not valid for LwM2M 1.1" in summary


def test_observe_sequence_backwards_and_notification_after_cancel(ts, write):
    cap = Capture()
    register(cap)
    cap.add(S, C, coap(ACK, CREATED, 1, b"\x01", [location_path("rd"), location_path("a")]))
    obs = cap.add(S, C, coap(CON, GET, 10, b"\x21", path_opts("/3/0/9") + [observe(0)]))
    cap.add(C, S, coap(ACK, CONTENT, 10, b"\x21", [observe(5)], b"1"))
    n1 = cap.add(C, S, coap(NON, CONTENT, 20, b"\x21", [observe(6)], b"2"))
    back = cap.add(C, S, coap(NON, CONTENT, 21, b"\x21", [observe(4)], b"3"))
    n3 = cap.add(C, S, coap(CON, CONTENT, 22, b"\x21", [observe(7)], b"4"))
    rst = cap.add(S, C, coap(RST, 0, 22, b""))
    after = cap.add(C, S, coap(NON, CONTENT, 23, b"\x21", [observe(8)], b"5"))
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.observe.backwards") == [back]
    assert expert_frames(ts, path, "lwm2m.observe.after_cancel") == [after]
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.operation", "lwm2m.observe_in"]))
    assert rows[rst] == ["Cancel Observation", str(obs)]
    assert rows[n1] == ["Notify", str(obs)] and rows[n3] == ["Notify", str(obs)]


def test_update_after_lifetime_expired_and_after_deregister(ts, write):
    cap = Capture()
    reg = register(cap, lt="2")
    cap.add(S, C, coap(ACK, CREATED, 1, b"\x01", [location_path("rd"), location_path("q")]))
    late = cap.add(C, S, coap(CON, POST, 2, b"\x02", [uri_path("rd"), uri_path("q")]), dt=5.0)
    cap.add(S, C, coap(ACK, CHANGED, 2, b"\x02"))
    cap.add(C, S, coap(CON, DELETE, 3, b"\x03", [uri_path("rd"), uri_path("q")]))
    cap.add(S, C, coap(ACK, DELETED, 3, b"\x03"))
    ghost = cap.add(C, S, coap(CON, POST, 4, b"\x04", [uri_path("rd"), uri_path("q")]))
    unknown = cap.add(C, S, coap(CON, POST, 5, b"\x05", [uri_path("rd"), uri_path("zz")]))
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.update.expired") == [late]
    assert expert_frames(ts, path, "lwm2m.update.after_deregister") == [ghost]
    assert expert_frames(ts, path, "lwm2m.update.unknown_registration") == [unknown]
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.registration_in"]))
    assert rows[ghost] == [str(reg)]


def test_content_format_not_allowed_for_the_operation_is_flagged(ts, write):
    cap = Capture()
    tlv = cap.add(C, S, coap(CON, POST, 1, b"\x01", [uri_path("dp"), content_format(11542)], b"\xc1\x00\x01"))
    ok = cap.add(C, S, coap(CON, POST, 2, b"\x02", [uri_path("dp"), content_format(112)],
                            cbor([{0: "/3/0/9", 2: 1}])))
    comp = cap.add(S, C, coap(CON, IPATCH, 3, b"\x03", [content_format(0)], b"1"))
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.content_format.forbidden") == [tlv, comp]
    assert ok not in expert_frames(ts, path, "lwm2m.content_format.forbidden")


def test_bootstrap_sequence_is_labelled(ts, write):
    bs = ("10.0.0.9", 5683)
    cap = Capture()
    req = cap.add(C, bs, coap(CON, POST, 1, b"\x01", [uri_path("bs"), uri_query("ep=node1"), uri_query("pct=112")]))
    cap.add(bs, C, coap(ACK, CHANGED, 1, b"\x01"))
    disc = cap.add(bs, C, coap(CON, GET, 50, b"\x50", [accept(40)]))
    wr = cap.add(bs, C, coap(CON, PUT, 51, b"\x51", path_opts("/0/1") + [content_format(112)],
                             cbor([{-2: "/0/1/", 0: "0", 3: "coap://10.0.0.1:5683"}, {0: "1", 4: False}])))
    dl = cap.add(bs, C, coap(CON, DELETE, 52, b"\x52", path_opts("/")))
    fin = cap.add(bs, C, coap(CON, POST, 53, b"\x53", [uri_path("bs")]))
    fin_rsp = cap.add(C, bs, coap(ACK, CHANGED, 53, b"\x53"))
    after = cap.add(bs, C, coap(CON, GET, 54, b"\x54", path_opts("/3/0")))
    pack = cap.add(C, bs, coap(CON, GET, 2, b"\x02", [uri_path("bspack"), accept(112)]))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.operation", "lwm2m.interface", "lwm2m.pct",
                                     "lwm2m.value.path", "lwm2m.value.string", "lwm2m.value.boolean"]))
    assert rows[req][:2] == ["Bootstrap-Request", "Bootstrap"] and rows[req][2] == "112"
    assert rows[disc][0] == "Bootstrap-Discover"
    assert rows[wr][0] == "Bootstrap-Write"
    assert rows[wr][3:] == ["/0/1/0,/0/1/1", "coap://10.0.0.1:5683", "0"]
    assert rows[dl][0] == "Bootstrap-Delete"
    assert rows[fin][0] == "Bootstrap-Finish" and rows[fin_rsp][0] == "Bootstrap-Finish"
    assert rows[after][:2] == ["Read", "Device Management and Service Enablement"]
    assert rows[pack][:2] == ["Bootstrap-Pack-Request", "Bootstrap"]


def test_harness_comments_become_case_and_step_fields(ts, write):
    cap, f = registered_session()
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.case", "lwm2m.step"]))
    assert rows[f["register"]] == ["register-101", "1"]
    assert rows[f["register_rsp"]] == ["register-101", "2"]
    assert rows[f["read"]] == ["", ""]
    out = ts.run("-r", path, "-Y", 'lwm2m.case == "register-101"', "-T", "fields", "-e", "frame.number").stdout
    assert out.split() == [str(f["register"]), str(f["register_rsp"])]


def test_two_pass_output_matches_single_pass(ts, write):
    cap, f = registered_session()
    path = write(cap)
    cols = ["frame.number", "lwm2m.operation", "lwm2m.endpoint", "lwm2m.response_to", "lwm2m.value.path",
            "lwm2m.link.uri", "lwm2m.case"]
    one = ts.fields(path, cols)
    two = ts.fields(path, cols, "-2")
    assert one == two
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.response_in"], "-2"))
    assert rows[f["read"]] == [str(f["read_rsp"])]


def test_statistics_tree_counts_operations_by_code_and_endpoint(ts, write):
    import re
    cap, f = registered_session()
    path = write(cap)
    out = ts.run("-r", path, "-q", "-z", "lwm2m,tree").stdout
    ops, eps = out.split("LwM2M endpoints")
    assert re.search(r"^LwM2M operations\s+%d\s" % len(cap.frames), ops, re.M)
    assert re.search(r"^ Read\s+6\s", ops, re.M)           # 3 Reads and their 3 responses
    read = ops[ops.index(" Read "):]
    assert re.search(r"^  request\s+3\s", read, re.M) and re.search(r"^  2\.05\s+3\s", read, re.M)
    assert re.search(r"^ Notify\s+2\s", ops, re.M)
    assert re.search(r"^ node1\s+%d\s" % len(cap.frames), eps, re.M)
    assert re.search(r"^  Register\s+2\s", eps, re.M)


def test_user_ddf_folder_adds_object_names(ts, write):
    import os
    ddf = ts.path("my-ddf")
    os.makedirs(ddf, exist_ok=True)
    with open(os.path.join(ddf, "10241-1.0.xml"), "w") as fh:
        fh.write("""<?xml version="1.0" encoding="utf-8"?>
<LWM2M><Object ObjectType="MODefinition"><Name>Pump Controller</Name><ObjectID>10241</ObjectID>
<ObjectVersion>1.0</ObjectVersion><Resources>
<Item ID="3"><Name>Flow Rate</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances>
<Mandatory>Mandatory</Mandatory><Type>Float</Type></Item></Resources></Object></LWM2M>""")
    os.chmod(ddf, 0o755)
    cap = Capture()
    cap.add(S, C, coap(CON, GET, 1, b"\x01", path_opts("/10241/0/3")))
    rsp = cap.add(C, S, coap(ACK, CONTENT, 1, b"\x01", [content_format(0)], b"12.5"))
    path = write(cap)
    cols = ["frame.number", "lwm2m.object_name", "lwm2m.resource_name", "lwm2m.value.float"]
    assert by_frame(ts.fields(path, cols))[rsp] == ["", "", ""]
    assert by_frame(ts.fields(path, cols, "-o", f"lwm2m.ddf_dir:{ddf}"))[rsp] == ["Pump Controller", "Flow Rate", "12.5"]


def test_echo_request_tag_and_no_response_are_decoded(ts, write):
    cap = Capture()
    fr = cap.add(C, S, coap(CON, POST, 1, b"\x01", [uri_path("dp"), content_format(112), (252, b"\xaa\xbb"),
                                                    (258, b"\x02"), (292, b"\x07")], cbor([{0: "/3/0/9", 2: 1}])))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.coap.echo", "lwm2m.coap.request_tag",
                                     "lwm2m.coap.no_response"]))
    assert rows[fr] == ["aabb", "07", "0x00000002"]


def test_malformed_payloads_are_reported_without_dissector_errors(ts, write):
    cap = Capture()
    bad = []
    for cf, body in [(112, b"\x9f\xa1\x00"), (112, b"\x83\x01"), (110, b'[{"n":"/3/0/0","v":'), (110, b"{}"),
                     (11544, b"\xa1\x03\xa1\x00"), (11544, b"\xa1\x61x\xff"), (40, b"</3/0;ver=1,<"),
                     (0, b"\xff\xfe"), (112, b"\x81\xa1\x00\x63/3/")]:
        bad.append(cap.add(C, S, coap(CON, POST, len(bad) + 1, bytes([len(bad) + 1]),
                                      [uri_path("dp"), content_format(cf)], body)))
    # Truncated CoAP options and a bare header.
    cap.add(C, S, b"\x41\x02\x00\x63\x01\xbd")
    cap.add(C, S, b"\x40")
    path = write(cap)
    p = ts.run("-r", path, "-V")
    assert "Dissector bug" not in p.stdout + p.stderr
    assert p.returncode == 0
    flagged = expert_frames(ts, path, "lwm2m.payload.malformed || lwm2m.link.malformed")
    assert set(bad[:7]) <= set(flagged), flagged


def test_json_export_has_one_lwm2m_layer_per_coap_message(ts, write):
    cap, f = registered_session()
    path = write(cap)
    for name in ("read_rsp", "read_cbor_rsp", "register"):  # SenML CBOR, 11544 via media_type, link-format
        out = ts.run("-r", path, "-Y", f"frame.number == {f[name]}", "-T", "json", "-J", "lwm2m",
                     "--no-duplicate-keys").stdout
        layers = json.loads(out)[0]["_source"]["layers"]
        assert isinstance(layers["lwm2m"], dict), name
        assert layers["lwm2m"]["lwm2m.operation"] in ("Read", "Register")


def test_exported_pdus_over_udp_and_tcp_framing_as_the_harness_records_them(ts, write):
    cap = Capture(linktype=252)
    q = [uri_path("rd"), uri_query("ep=tcp1"), uri_query("lwm2m=1.2"), uri_query("b=T"), content_format(40)]
    reg = cap.add_pdu(exported_pdu(C, S, coap_tcp(POST, b"\x01", q, LINKS), "coap_tcp_tls", tcp=True),
                      "case=transport-tcp step=1")
    rsp = cap.add_pdu(exported_pdu(S, C, coap_tcp(CREATED, b"\x01", [location_path("rd"), location_path("t1")]),
                                   "coap_tcp_tls", tcp=True))
    rd = cap.add_pdu(exported_pdu(S, C, coap_tcp(GET, b"\x02", path_opts("/3/0/0")), "coap_tcp_tls", tcp=True))
    rd_rsp = cap.add_pdu(exported_pdu(C, S, coap_tcp(CONTENT, b"\x02", [content_format(0)], b"ACME"),
                                      "coap_tcp_tls", tcp=True))
    u = ("10.0.0.3", 40000)
    ureg = cap.add_pdu(exported_pdu(u, S, coap(CON, POST, 7, b"\x07", [uri_path("rd"), uri_query("ep=udp1"),
                                                                      uri_query("lwm2m=1.1")], b"</3/0>")))
    ursp = cap.add_pdu(exported_pdu(S, u, coap(ACK, CREATED, 7, b"\x07", [location_path("rd"), location_path("u1")])))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.operation", "lwm2m.kind", "lwm2m.endpoint",
                                     "lwm2m.response_to", "lwm2m.value.string", "lwm2m.case"]))
    assert rows[reg] == ["Register", "Request", "tcp1", "", "", "transport-tcp"]
    assert rows[rsp] == ["Register", "Response", "tcp1", str(reg), "", ""]
    assert rows[rd] == ["Read", "Request", "tcp1", "", "", ""]
    assert rows[rd_rsp] == ["Read", "Response", "tcp1", str(rd), "ACME", ""]
    assert rows[ureg][:3] == ["Register", "Request", "udp1"]
    assert rows[ursp][:4] == ["Register", "Response", "udp1", str(ureg)]
    binding = by_frame(ts.fields(path, ["frame.number", "lwm2m.binding", "lwm2m.link.count"]))
    assert binding[reg] == ["T", "6"]


def test_content_format_newer_than_the_registered_version_is_flagged(ts, write):
    cap = Capture()
    register(cap, ver="1.1")
    cap.add(S, C, coap(ACK, CREATED, 1, b"\x01", [location_path("rd"), location_path("v")]))
    old_ok = cap.add(S, C, coap(CON, GET, 10, b"\x10", path_opts("/3/0") + [accept(112)]))
    too_new = cap.add(S, C, coap(CON, GET, 11, b"\x11", path_opts("/3/0") + [accept(11544)]))
    rsp = cap.add(C, S, coap(ACK, CONTENT, 11, b"\x11", [content_format(11544)], cbor({(3, 0, 9): 1})))
    sms = register(cap, tok=b"\x02", mid=2, ep="n2", b="US")
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.content_format.version") == [too_new, rsp]
    assert old_ok not in expert_frames(ts, path, "lwm2m.content_format.version")
    assert expert_frames(ts, path, "lwm2m.register.sms_missing") == [sms]
    assert "application/vnd.oma.lwm2m+cbor needs LwM2M 1.2; the client registered with lwm2m=1.1" in \
        ts.run("-r", path, "-q", "-z", "expert").stdout


def test_lwm2m_json_11543_is_decoded_relative_to_its_base_name(ts, write):
    cap = Capture()
    cap.add(S, C, coap(CON, GET, 1, b"\x01", path_opts("/3/0") + [accept(11543)]))
    rsp = cap.add(C, S, coap(ACK, CONTENT, 1, b"\x01", [content_format(11543)],
                             b'{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"9","v":85},{"n":"6/0","v":1}]}'))
    bad = cap.add(C, S, coap(NON, CONTENT, 2, b"\x01", [content_format(11543)], b'{"e":[{"n":"0",'))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.value.path", "lwm2m.value.string", "lwm2m.value.integer"]))
    assert rows[rsp] == ["/3/0/0,/3/0/9,/3/0/6/0", "ACME", "85,1"]
    assert expert_frames(ts, path, "lwm2m.payload.malformed") == [bad]


def test_block_wise_payload_is_decoded_once_reassembled(ts, write):
    body = b'[{"bn":"/3/0/","n":"0","vs":"ACME Corporation"},{"n":"9","v":85}]'
    b0, b1 = body[:32], body[32:]
    cap = Capture()
    cap.add(S, C, coap(CON, GET, 1, b"\x01", path_opts("/3/0") + [accept(110), (23, bytes([0x01]))]))
    first = cap.add(C, S, coap(ACK, CONTENT, 1, b"\x01", [content_format(110), (23, bytes([0x09]))], b0))
    cap.add(S, C, coap(CON, GET, 2, b"\x02", path_opts("/3/0") + [accept(110), (23, bytes([0x11]))]))
    last = cap.add(C, S, coap(ACK, CONTENT, 2, b"\x02", [content_format(110), (23, bytes([0x11]))], b1))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.value.path", "lwm2m.value.string", "lwm2m.value.integer"]))
    assert rows[first] == ["", "", ""]
    assert rows[last] == ["/3/0/0,/3/0/9", "ACME Corporation", "85"]


def test_random_mutations_of_valid_messages_never_break_the_dissector(ts, write):
    import random
    rnd = random.Random(8)
    cap, _ = registered_session()
    seeds = []
    for _t, frame, _c in cap.frames:
        seeds.append(frame[28:])  # CoAP message after the IPv4 and UDP headers
    fuzz = Capture()
    for i in range(600):
        m = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 4)):
            op = rnd.randrange(3)
            pos = rnd.randrange(len(m)) if m else 0
            if op == 0 and m:
                m[pos] = rnd.randrange(256)
            elif op == 1:
                m[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
            elif m:
                del m[pos:pos + rnd.randint(1, 8)]
        src, dst = (C, S) if i % 2 else (S, C)
        fuzz.add(src, dst, bytes(m))
    path = write(fuzz)
    p = ts.run("-r", path, "-2", "-V", check=False)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Dissector bug" not in p.stdout and "Dissector bug" not in p.stderr
    assert "ERROR: AddressSanitizer" not in p.stderr and "runtime error" not in p.stderr
    assert "OMA Lightweight M2M" in p.stdout


def test_unexpected_success_codes_and_operations_the_model_forbids(ts, write):
    cap = Capture()
    cap.add(S, C, coap(CON, POST, 1, b"\x01", path_opts("/3/0/0")))          # Execute on a read-only resource
    wrong = cap.add(C, S, coap(ACK, CONTENT, 1, b"\x01"))                   # and 2.05 instead of 2.04
    cap.add(S, C, coap(CON, PUT, 2, b"\x02", path_opts("/3/0/4") + [content_format(0)], b"x"))  # Write on Reboot
    cap.add(C, S, coap(ACK, CHANGED, 2, b"\x02"))
    ok = cap.add(S, C, coap(CON, POST, 3, b"\x03", path_opts("/3/0/4")))     # Execute on Reboot
    ok_rsp = cap.add(C, S, coap(ACK, CHANGED, 3, b"\x03"))
    path = write(cap)
    assert expert_frames(ts, path, "lwm2m.response.unexpected_code") == [wrong]
    assert expert_frames(ts, path, "lwm2m.model.operation") == [1, 3]
    summary = ts.run("-r", path, "-q", "-z", "expert").stdout
    assert "Execute answered 2.05; the TS specifies 2.04" in summary
    assert "Write on /3/0/4 (Reboot), whose object model allows only \"E\"" in summary
    assert ok not in expert_frames(ts, path, "lwm2m.model.operation")
    assert ok_rsp not in expert_frames(ts, path, "lwm2m.response.unexpected_code")


def test_a_conforming_session_raises_no_expert_item(ts, write):
    cap, f = registered_session()
    path = write(cap)
    for passes in ([], ["-2"]):
        out = ts.run("-r", path, "-q", "-z", "expert,note", *passes).stdout
        assert "LwM2M" not in out, out
    assert expert_frames(ts, path, "_ws.expert.severity >= 0x00400000") == []  # note and above


def test_plain_coap_that_is_not_lwm2m_keeps_its_protocol_column(ts, write):
    cap = Capture()
    wk = cap.add(S, C, coap(CON, GET, 1, b"\x01", [uri_path(".well-known"), uri_path("core")]))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "_ws.col.Protocol", "lwm2m.operation"]))
    assert rows[wk] == ["CoAP", "Unknown"]


def test_tlv_payload_gets_paths_names_and_model_types(ts, write):
    # Read /3/0 answered in TLV (Core §7.4.3): Manufacturer "ACME", Battery Level 85 (1 byte),
    # Available Power Sources {0: 1, 1: 5} as a Multiple Resource, Current Time 1700000000 (4 bytes).
    manufacturer = bytes([0xC4, 0x00]) + b"ACME"
    battery = bytes([0xC1, 0x09, 85])
    sources = bytes([0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05])
    now = bytes([0xC4, 0x0D]) + (1700000000).to_bytes(4, "big")
    inst = manufacturer + battery + sources + now
    body = bytes([0x08, 0x00, len(inst)]) + inst
    cap = Capture()
    cap.add(S, C, coap(CON, GET, 1, b"\x01", path_opts("/3") + [accept(11542)]))
    rsp = cap.add(C, S, coap(ACK, CONTENT, 1, b"\x01", [content_format(11542)], body))
    cap.add(S, C, coap(CON, GET, 2, b"\x02", path_opts("/3/0/9") + [accept(11542)]))
    bad = cap.add(C, S, coap(ACK, CONTENT, 2, b"\x02", [content_format(11542)], bytes([0xC8, 0x09, 0x10, 1])))
    path = write(cap)
    rows = by_frame(ts.fields(path, ["frame.number", "lwm2m.value.path", "lwm2m.value.name", "lwm2m.value.string",
                                     "lwm2m.value.integer"]))
    assert rows[rsp][0].split(",") == ["/3/0/0", "/3/0/9", "/3/0/6/0", "/3/0/6/1", "/3/0/13"]
    assert rows[rsp][1].split(",")[:2] == ["Manufacturer", "Battery Level"]
    assert rows[rsp][2] == "ACME" and rows[rsp][3].split(",") == ["85", "1", "5"]
    assert expert_frames(ts, path, "lwm2m.payload.malformed") == [bad]


def test_benchmark_generator_smoke(ts, write):
    """The benchmark's traffic generator still produces LwM2M that the plugin labels (not timed here)."""
    import importlib.util
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("dissector_bench", os.path.join(here, "..", "bench", "dissector_bench.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = write(bench.generate(400, clients=20))
    ops = [r[0] for r in ts.fields(path, ["lwm2m.operation"])]
    assert len(ops) == 400
    for op in ("Register", "Read", "Observe", "Notify", "Write-Attributes", "Update"):
        assert op in ops, op


def test_harness_captures_if_given(ts):
    """LWM2M_HARNESS_CAPTURES=<folder>: every *.pcapng below it dissects without dissector errors and every
    LwM2M request in it gets an operation. Skipped when the variable is not set."""
    import os
    import shutil
    import pytest
    root = os.environ.get("LWM2M_HARNESS_CAPTURES")
    if not root:
        pytest.skip("LWM2M_HARNESS_CAPTURES is not set")
    caps = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".pcapng")]
    if not caps:
        pytest.skip(f"no .pcapng under {root}")
    seen_ops = set()
    for i, cap in enumerate(caps):
        copy = ts.path(f"harness-{i}.pcapng")
        shutil.copy(cap, copy)
        os.chmod(copy, 0o644)
        p = ts.run("-r", copy, "-2", "-V", check=False)
        assert p.returncode == 0 and "Dissector bug" not in p.stdout, cap
        rows = ts.fields(copy, ["frame.number", "coap.code", "lwm2m.operation", "lwm2m.case"], "-Y", "coap")
        assert rows, f"{cap}: no CoAP frame"
        for num, code, op, case in rows:
            assert op, f"{cap}: frame {num} (CoAP code {code}) has no lwm2m.operation"
            # The harness names the case in each frame's comment; the plugin shows it as lwm2m.case.
            assert case, f"{cap}: frame {num} has no lwm2m.case"
            seen_ops.add(op.split(",")[0])
    # The registration captures hold the whole Registration interface of the reference client.
    if os.environ.get("LWM2M_HARNESS_EXPECT_OPS"):
        for op in os.environ["LWM2M_HARNESS_EXPECT_OPS"].split(","):
            assert op in seen_ops, f"no {op} in any harness capture (seen: {sorted(seen_ops)})"
