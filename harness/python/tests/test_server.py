# Server and Client against each other over loopback (ports chosen by the kernel): every exposed
# verb, the registration state, events, and bounded waits that raise TimeoutError.
import builtins
import socket
import time

import pytest

import lwm2m_harness as lh

needs_client = pytest.mark.skipif(not hasattr(lh, "Client"), reason="built without the reference client")


def test_server_starts_on_a_kernel_chosen_port():
    with lh.Server() as server:
        address = server.address("udp")
        assert address.startswith("127.0.0.1:") and int(address.rsplit(":", 1)[1]) > 0
        assert server.uri() == "coap://" + address
        assert server.address("tcp") is None
        assert server.registrations() == []


def test_wait_for_registration_times_out_within_its_bound():
    with lh.Server() as server:
        start = time.monotonic()
        with pytest.raises(lh.TimeoutError, match="no Register from endpoint 'nobody' within 300 ms") as e:
            server.wait_for_registration("nobody", timeout=0.3)
        assert time.monotonic() - start < 2.0
        assert isinstance(e.value, builtins.TimeoutError) and isinstance(e.value, lh.Error)


def test_verb_to_an_unknown_endpoint_raises_error_404():
    with lh.Server() as server:
        with pytest.raises(lh.Error) as e:
            server.read("nobody", "/3/0", timeout=0.5)
        assert e.value.code == "4.04"


def test_bad_arguments_raise_value_error():
    with lh.Server() as server:
        with pytest.raises(ValueError):
            server.read("x", "/3/zero")
        with pytest.raises(ValueError, match="known"):
            server.read("x", "/3/0", accept="yaml")
        with pytest.raises(ValueError):
            server.write_attributes("x", "/3/0/9", {"pmin": "soon"})


def test_server_not_started_raises():
    with pytest.raises(lh.Error, match="not started"):
        lh.Server().registrations()


def test_bad_server_config_raises_load_error_with_file_and_line(tmp_path):
    cfg = tmp_path / "srv.yaml"
    cfg.write_text("listen: {udp: 0}\ndefault-lifetme: 30\n")
    with pytest.raises(lh.LoadError) as e:
        lh.Server(config=str(cfg))
    assert e.value.file == str(cfg) and e.value.line == 2
    assert "default-lifetme" in str(e.value)


@needs_client
def test_bad_client_config_raises_load_error_with_file_and_line(tmp_path):
    cfg = tmp_path / "client.yaml"
    cfg.write_text("endpoint: a\nlwm2m-versoin: '1.2'\n")
    with pytest.raises(lh.LoadError) as e:
        lh.Client(config=str(cfg))
    assert e.value.file == str(cfg) and e.value.line == 2


@needs_client
def test_registration_is_seen_by_both_sides(lwm2m_server, lwm2m_client):
    reg = lwm2m_server.wait_for_registration(lwm2m_client.endpoint)
    assert reg.endpoint == lwm2m_client.endpoint
    assert reg.version == "1.2"
    assert reg.location.startswith("/rd/")
    assert 3 in [o["id"] for o in reg.objects]
    assert lwm2m_client.state() == "registered"
    assert lwm2m_client.servers()[0]["location"] == reg.location


@needs_client
def test_read_device_in_senml_cbor(lwm2m_server, lwm2m_client):
    r = lwm2m_server.read(lwm2m_client.endpoint, "/3/0", accept="senml-cbor")
    assert r.code == "2.05" and r.success
    assert r.content_format == "senml-cbor"
    assert r.values["/3/0/0"] == lwm2m_client.get("/3/0/0")
    assert not [d for d in r.diagnostics if d["severity"] == "error"]


@needs_client
@pytest.mark.parametrize("accept", ["tlv", "senml-json", "lwm2m-cbor"])
def test_read_in_other_formats_gives_the_same_values(lwm2m_server, lwm2m_client, accept):
    r = lwm2m_server.read(lwm2m_client.endpoint, "/3/0/0", accept=accept)
    assert r.code == "2.05" and r.content_format == accept
    assert r.values == {"/3/0/0": lwm2m_client.get("/3/0/0")}


@needs_client
def test_read_of_a_missing_instance_is_a_404_result_not_an_exception(lwm2m_server, lwm2m_client):
    r = lwm2m_server.read(lwm2m_client.endpoint, "/3/7")
    assert r.code == "4.04" and not r.success


@needs_client
def test_client_set_is_read_by_the_server(lwm2m_server, lwm2m_client):
    lwm2m_client.set("/3303/0/5700", 21.5)
    assert lwm2m_client.get("/3303/0/5700") == 21.5
    r = lwm2m_server.read(lwm2m_client.endpoint, "/3303/0/5700", accept="senml-json")
    assert r.values == {"/3303/0/5700": 21.5}


@needs_client
def test_write_replace_and_partial(lwm2m_server, lwm2m_client):
    ep = lwm2m_client.endpoint
    r = lwm2m_server.write(ep, "/3/0/15", {"/3/0/15": "Europe/Paris"}, fmt="tlv")
    assert r.code == "2.04", r.diagnostics
    assert lwm2m_client.get("/3/0/15") == "Europe/Paris"
    r = lwm2m_server.write(ep, "/3/0", {"/3/0/14": "+02:00"}, partial=True)
    assert r.code == "2.04"
    assert lwm2m_client.get("/3/0/14") == "+02:00"


@needs_client
def test_write_to_a_read_only_resource_is_refused(lwm2m_server, lwm2m_client):
    r = lwm2m_server.write(lwm2m_client.endpoint, "/3/0/0", {"/3/0/0": "Evil"})
    assert r.code == "4.05"


@needs_client
def test_write_composite_and_read_composite(lwm2m_server, lwm2m_client):
    ep = lwm2m_client.endpoint
    r = lwm2m_server.write_composite(ep, {"/3/0/15": "UTC", "/3/0/14": "+00:00"}, fmt="senml-cbor")
    assert r.code == "2.04", r.diagnostics
    assert lwm2m_client.get("/3/0/15") == "UTC"
    r = lwm2m_server.read_composite(ep, ["/3/0/15", "/3/0/0"], accept="senml-cbor", fmt="senml-cbor")
    assert r.code == "2.05"
    assert r.values == {"/3/0/15": "UTC", "/3/0/0": lwm2m_client.get("/3/0/0")}


@needs_client
def test_execute(lwm2m_server, lwm2m_client):
    r = lwm2m_server.execute(lwm2m_client.endpoint, "/3/0/12")  # Reset Error Code
    assert r.code == "2.04"
    r = lwm2m_server.execute(lwm2m_client.endpoint, "/3/0/0")   # not executable
    assert r.code == "4.05"


@needs_client
def test_discover_lists_resources(lwm2m_server, lwm2m_client):
    r = lwm2m_server.discover(lwm2m_client.endpoint, "/3/0")
    assert r.code == "2.05" and r.content_format == "link"
    targets = [l["target"] for l in r.links]
    assert "/3/0" in targets and "/3/0/0" in targets


@needs_client
def test_create_and_delete_an_instance(lwm2m_server, lwm2m_client):
    ep = lwm2m_client.endpoint
    r = lwm2m_server.create(ep, "/3303", {"/3303/7/5700": 19.0, "/3303/7/5701": "Cel"})
    assert r.code == "2.01", (r.code, r.payload)
    assert r.created == "/3303/7"
    assert lwm2m_server.read(ep, "/3303/7").code == "2.05"
    assert lwm2m_server.delete(ep, "/3303/7").code == "2.02"
    assert lwm2m_server.read(ep, "/3303/7").code == "4.04"


@needs_client
def test_observe_notify_and_cancel(lwm2m_server, lwm2m_client):
    ep = lwm2m_client.endpoint
    assert lwm2m_server.write_attributes(ep, "/3303/0/5700", {"pmin": 0, "pmax": 30}).code == "2.04"
    r = lwm2m_server.observe(ep, "/3303/0/5700", accept="senml-cbor")
    assert r.code == "2.05" and r.kind == "notify" and r.token and r.observe is not None
    lwm2m_client.set("/3303/0/5700", 30.25)
    n = lwm2m_server.wait_for_notification(token=r.token, timeout=5.0)
    assert n.kind == "notification" and n.endpoint == ep
    assert n.values == {"/3303/0/5700": 30.25}
    c = lwm2m_server.cancel_observation(ep, r.token)
    assert c.code == "2.05"


def coap_register(endpoint):
    """A CoAP CON POST /rd?ep=..&lt=300&lwm2m=1.2 with payload </3/0> (RFC 7252 §3 encoding, by hand)."""
    def option(delta, value):
        return bytes([(delta << 4) | len(value)]) + value
    msg = bytes([0x44, 0x02, 0x12, 0x34]) + b"tok1"                 # ver 1, CON, TKL 4, POST, MID 0x1234
    msg += option(11, b"rd") + option(1, b"\x28")                   # Uri-Path rd, Content-Format 40
    msg += option(3, f"ep={endpoint}".encode()) + option(0, b"lt=300") + option(0, b"lwm2m=1.2")  # Uri-Query
    return msg + b"\xff</3/0>"


def test_a_silent_peer_makes_the_verb_raise_timeout_within_its_bound():
    with lh.Server() as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        host, port = server.address().rsplit(":", 1)
        peer.settimeout(5.0)
        peer.sendto(coap_register("silent"), (host, int(port)))
        reply = peer.recv(1500)
        assert reply[1] == 0x41  # 2.01 Created
        assert server.wait_for_registration("silent").location.startswith("/rd/")
        start = time.monotonic()
        with pytest.raises(lh.TimeoutError, match="no response") as e:
            server.read("silent", "/3/0", timeout=0.5)  # the peer never answers (its socket stays open)
        assert time.monotonic() - start < 3.0
        assert "read /3/0 on silent" in str(e.value)


@needs_client
def test_deregister_and_register_from_the_client(lwm2m_server, lwm2m_client):
    ep = lwm2m_client.endpoint
    lwm2m_server.events()
    lwm2m_client.deregister()
    ev = lwm2m_server.wait_for_event("deregistered", endpoint=ep, timeout=5.0)
    assert ev.endpoint == ep
    lwm2m_client.wait_for_state("deregistered")
    lwm2m_client.register()
    assert lwm2m_server.wait_for_event("registered", endpoint=ep, timeout=5.0).registration.endpoint == ep
    lwm2m_client.wait_for_state("registered")


@needs_client
def test_client_wait_for_state_times_out():
    client = lh.Client(endpoint="lonely", server_uri="coap://127.0.0.1:9")
    client.start()
    try:
        with pytest.raises(lh.TimeoutError, match="did not reach state 'registered'"):
            client.wait_for_state("registered", timeout=0.3)
    finally:
        client.stop(deregister=False)


@needs_client
def test_client_set_with_a_bad_value_raises_naming_the_path(lwm2m_client):
    with pytest.raises(lh.Error, match="/3303/0/5700"):
        lwm2m_client.set("/3303/0/5700", "warm")


@needs_client
def test_send_reaches_the_server(lwm2m_server, lwm2m_client):
    with pytest.raises(lh.Error, match="muted") as e:  # /1/x/23 absent or true: Send is muted (Core TS 1.2 E.2)
        lwm2m_client.send(["/3303/0/5700"])
    assert e.value.code == "4.03"
    assert lwm2m_server.write(lwm2m_client.endpoint, "/1/0/23", {"/1/0/23": False}).code == "2.04"
    lwm2m_client.set("/3303/0/5700", 18.5)
    lwm2m_client.send(["/3303/0/5700"])
    ev = lwm2m_server.wait_for_event("send", endpoint=lwm2m_client.endpoint, timeout=5.0)
    assert ev.values == {"/3303/0/5700": 18.5}


def test_waits_release_the_gil():
    import threading
    with lh.Server() as server:
        started, done = threading.Event(), threading.Event()

        def wait():
            started.set()
            try:
                server.wait_for_registration("nobody", timeout=0.5)
            except lh.TimeoutError:
                pass
            done.set()

        t = threading.Thread(target=wait)
        t.start()
        started.wait()
        spins = 0
        while not done.is_set():
            spins += 1  # counts only while the waiting thread has released the GIL
        t.join()
        assert spins > 10000
