# The engine from Python: loading cases and IUT files (errors with file and line), a run whose
# verdicts match the CLI's for the same selection, the event stream, Ctrl-C, and the pytest plugin.
import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import pytest

import lwm2m_harness as lh

pytestmark = pytest.mark.skipif(not hasattr(lh, "run"), reason="built without the engine")

SELECTION = ["device-management/read-device-tlv", "device-management/read-device-senml-cbor",
             "device-management/read-unsupported-accept-4.06"]


def cli(build_dir):
    return os.environ.get("LWM2M_HARNESS", str(build_dir / "harness" / "cli" / "lwm2m-harness"))


def python_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


def test_bad_case_yaml_raises_load_error_with_file_and_line(tmp_path):
    case = tmp_path / "typo.yaml"
    case.write_text(textwrap.dedent("""\
        id: typo
        summary: A case with a typo.
        iut: client
        requires: [udp]
        steps:
          - exepct: {op: register, within: 1s}
        """))
    with pytest.raises(lh.LoadError) as e:
        lh.load_cases(str(case))
    assert e.value.file.endswith("typo.yaml")
    assert e.value.line == 6
    assert "exepct" in str(e.value) and "expect" in str(e.value)
    assert isinstance(e.value, ValueError)
    assert e.value.errors and e.value.errors[0].startswith(e.value.file + ":6:")


def test_bad_iut_yaml_raises_load_error_with_file_and_line(tmp_path):
    iut = tmp_path / "iut.yaml"
    iut.write_text("name: broken\nrole: client\nversions: ['1.2']\nbindngs: [udp]\n")
    with pytest.raises(lh.LoadError) as e:
        lh.load_iut(str(iut))
    assert e.value.file == str(iut) and e.value.line == 4
    assert "bindngs" in str(e.value)


def test_load_cases_by_folder_and_by_glob(source_dir):
    by_folder = lh.load_cases(str(source_dir / "testcases" / "device-management"))
    assert {c.id for c in by_folder} >= {"read-device-tlv", "read-device-senml-cbor"}
    by_glob = lh.load_cases("device-management/read-device-*", testcases=str(source_dir / "testcases"))
    assert {c.id for c in by_glob} < {c.id for c in by_folder}
    c = next(c for c in by_glob if c.id == "read-device-tlv")
    assert c.role == "client" and c.area == "device-management" and c.ets == "LightweightM2M-1.1-int-203"
    assert c.steps[0]["title"] and c.steps[0]["line"] > 0


def test_load_iut_reads_the_ics(source_dir):
    iut = lh.load_iut(str(source_dir / "testcases" / "iut" / "reference-client.yaml"))
    assert iut.role == "client" and "format:senml-cbor" in iut.features
    assert iut.missing(["udp", "tlv"]) is None
    assert iut.missing(["no-such-feature"]) == "no-such-feature"


def test_run_matches_the_cli_for_the_same_selection(source_dir, build_dir, tmp_path):
    iut_file = str(source_dir / "testcases" / "iut" / "reference-client.yaml")
    cli_out = tmp_path / "cli"
    args = [cli(build_dir), "run", "--iut", iut_file, "--out", str(cli_out), "--testcases",
            str(source_dir / "testcases"), "--time-scale", "1"]
    for s in SELECTION:
        args += ["--cases", s]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    cli_report = json.loads((cli_out / "report.json").read_text())
    cli_verdicts = {c["id"]: c["verdict"] for c in cli_report["cases"]}

    events = []

    class Recorder(lh.Listener):
        def on_case_start(self, case):
            events.append(("case_start", case.id))

        def on_step(self, case, step):
            events.append(("step", case.id, step.index))

        def on_case_end(self, case):
            events.append(("case_end", case.id, case.verdict))

    py_out = tmp_path / "py"
    result = lh.run(lh.load_iut(iut_file), cases=SELECTION, out=str(py_out),
                    testcases=str(source_dir / "testcases"), listener=Recorder())
    assert result.verdicts() == cli_verdicts
    assert len(cli_verdicts) == len(SELECTION)
    assert result.exit_code == proc.returncode
    # Reports, captures and step evidence as the CLI leaves them.
    py_report = json.loads((py_out / "report.json").read_text())
    assert {c["id"]: c["verdict"] for c in py_report["cases"]} == cli_verdicts
    assert [r["verdict"] for r in py_report["requirements"]] == [r["verdict"] for r in cli_report["requirements"]]
    assert result.to_dict()["totals"] == py_report["totals"]
    for c in result.cases:
        assert c.steps and all(s.verdict for s in c.steps)
        if c.capture:
            assert (py_out / c.capture).exists()
    # The event stream: each case starts, reports its steps, then ends, in order.
    for case_id, verdict in cli_verdicts.items():
        mine = [e for e in events if e[1] == case_id]
        assert mine[0] == ("case_start", case_id)
        assert mine[-1] == ("case_end", case_id, verdict)


def test_run_events_iterator_yields_the_stream_and_the_result(source_dir):
    iut = lh.load_iut(str(source_dir / "testcases" / "iut" / "reference-client.yaml"))
    seen = list(lh.run_events(iut, cases=[SELECTION[0]], testcases=str(source_dir / "testcases")))
    kinds = [k for k, _ in seen]
    assert kinds[0] == "run_start" and kinds[-2:] == ["run_end", "result"]
    assert "case_start" in kinds and "step" in kinds and "case_end" in kinds
    assert seen[-1][1].verdicts() == {"read-device-tlv": "PASS"}


def test_a_listener_exception_stops_the_run_and_is_raised(source_dir):
    iut = lh.load_iut(str(source_dir / "testcases" / "iut" / "reference-client.yaml"))

    class Boom(lh.Listener):
        def on_case_start(self, case):
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        lh.run(iut, cases=SELECTION[:2], testcases=str(source_dir / "testcases"), listener=Boom())


def test_ctrl_c_interrupts_the_run_and_leaves_the_reports(source_dir, tmp_path):
    out = tmp_path / "out"
    script = textwrap.dedent(f"""\
        import os, signal, lwm2m_harness as lh
        iut = lh.load_iut({str(source_dir / "testcases" / "iut" / "reference-client.yaml")!r})
        class Interrupt(lh.Listener):
            def on_case_start(self, case):
                os.kill(os.getpid(), signal.SIGINT)   # as if the user pressed Ctrl-C
        try:
            lh.run(iut, cases={SELECTION!r}, out={str(out)!r}, testcases={str(source_dir / "testcases")!r},
                   listener=Interrupt())
        except KeyboardInterrupt as e:
            print("KeyboardInterrupt:", e)
        """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=python_env())
    assert "KeyboardInterrupt: run interrupted" in proc.stdout, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["interrupted"] is True
    assert len(report["cases"]) < len(SELECTION)


def test_pytest_plugin_turns_yaml_cases_into_tests(source_dir, tmp_path):
    cases = tmp_path / "cases" / "device-management"
    cases.mkdir(parents=True)
    for name in ["read-device-tlv", "read-device-senml-cbor"]:
        (cases / f"{name}.yaml").write_text((source_dir / "testcases" / "device-management" / f"{name}.yaml").read_text())
    # A case the IUT cannot run: UNSUPPORTED becomes a skip.
    text = (source_dir / "testcases" / "device-management" / "read-device-tlv.yaml").read_text()
    (cases / "needs-sms.yaml").write_text(
        text.replace("id: read-device-tlv", "id: needs-sms").replace("requires: [udp, tlv]", "requires: [sms, tlv]"))
    junit = tmp_path / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "lwm2m_harness.pytest_plugin",
         "--lwm2m-iut", str(source_dir / "testcases" / "iut" / "reference-client.yaml"),
         "--lwm2m-out", str(tmp_path / "out"), "-rs", f"--junitxml={junit}", str(tmp_path / "cases")],
        capture_output=True, text=True, timeout=300, env=python_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed, 1 skipped" in proc.stdout, proc.stdout
    assert "UNSUPPORTED" in proc.stdout
    assert (tmp_path / "out" / "report.json").exists()
