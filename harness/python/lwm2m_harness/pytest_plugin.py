"""pytest plugin of lwm2m_harness: YAML conformance cases as pytest tests, and fixtures.

    pytest -p lwm2m_harness.pytest_plugin --lwm2m-iut testcases/iut/reference-client.yaml testcases/registration

Each YAML case under the given paths whose IUT role matches the IUT file becomes one test. The
selected cases run once, together, through lwm2m_harness.run() (the engine, as `lwm2m-harness
run`), at the first such test; each test then reports its case's verdict: PASS passes, FAIL /
TIMEOUT / ERROR fail with the reason and each failing step's expected/actual, UNSUPPORTED and
INCONCLUSIVE skip with the reason, an expected failure (--lwm2m-expect-failures) is an xfail.

Fixtures for cases written in Python: `lwm2m_server` (a started reference Server on 127.0.0.1,
kernel-chosen port) and `lwm2m_client` (a reference Client registered with lwm2m_server).
"""
import itertools
import os

import pytest

import lwm2m_harness

_counter = itertools.count(1)


def pytest_addoption(parser):
    group = parser.getgroup("lwm2m", "LwM2M conformance cases (lwm2m_harness)")
    group.addoption("--lwm2m-iut", metavar="FILE", help="IUT file (ICS + IXIT): collect YAML cases and run them against it")
    group.addoption("--lwm2m-out", metavar="DIR", help="report folder of the run (report.json, junit.xml, captures)")
    group.addoption("--lwm2m-time-scale", type=float, default=1.0, help="multiply every `within:` bound")
    group.addoption("--lwm2m-jobs", type=int, default=1, help="parallel cases when the IUT is launched per case")
    group.addoption("--lwm2m-expect-failures", metavar="FILE", help="known failures YAML, as the CLI's --expect-failures")
    group.addoption("--lwm2m-fault", action="append", default=[], help="switch on a reference IUT fault (repeatable)")


class _Run:
    """The one engine run shared by every collected case of the session."""

    def __init__(self, config):
        self.config = config
        self.iut = lwm2m_harness.load_iut(config.getoption("--lwm2m-iut"))
        self.items = []
        self.result = None
        self.error = None

    def verdict(self, case_id):
        if self.result is None and self.error is None:
            cases = [item.case for item in self.items]
            opts = self.config.option
            try:
                self.result = lwm2m_harness.run(
                    self.iut, cases=cases, out=opts.lwm2m_out, time_scale=opts.lwm2m_time_scale,
                    jobs=opts.lwm2m_jobs, faults=opts.lwm2m_fault, expect_failures=opts.lwm2m_expect_failures)
            except lwm2m_harness.Error as e:
                self.error = e
        if self.error is not None:
            raise self.error
        for c in self.result.cases:
            if c.id == case_id:
                return c
        return None


class CaseFailed(Exception):
    pass


class YamlCaseItem(pytest.Item):
    def __init__(self, *, case, run, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.run_ = run
        for label in case.requirements:
            self.add_marker(pytest.mark.lwm2m_requirement(label))

    def runtest(self):
        c = self.run_.verdict(self.case.id)
        if c is None:
            pytest.skip("not run (the run was interrupted)")
        if c.expected_failure and c.failed:
            pytest.xfail(f"{c.verdict}: {c.reason} (expected failure)")
        if c.verdict in ("UNSUPPORTED", "INCONCLUSIVE"):
            pytest.skip(f"{c.verdict}: {c.reason}")
        if c.failed:
            raise CaseFailed(c)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailed):
            c = excinfo.value.args[0]
            lines = [f"{c.file}: {c.verdict}: {c.reason}"]
            for s in c.steps:
                if s.verdict != "PASS":
                    lines.append(f"{s.file}:{s.line}: step {s.index} ({s.title}): {s.verdict}: {s.message}")
                    if s.expected or s.actual:
                        lines.append(f"  expected: {s.expected}")
                        lines.append(f"    actual: {s.actual}")
            if c.capture:
                lines.append(f"capture: {c.capture}")
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.case.line - 1 if self.case.line else 0, f"{self.case.area}/{self.case.id}"


class YamlCaseFile(pytest.File):
    def collect(self):
        run = self.config._lwm2m_run
        try:
            cases = lwm2m_harness.load_cases(str(self.path))
        except lwm2m_harness.LoadError as e:
            raise self.CollectError(f"{e.file}:{e.line}: {e}") from None
        for case in cases:
            if case.role != run.iut.role:
                continue
            item = YamlCaseItem.from_parent(self, name=case.id, case=case, run=run)
            run.items.append(item)
            yield item


def pytest_configure(config):
    config.addinivalue_line("markers", "lwm2m_requirement(label): the requirement label a YAML case proves")
    if config.getoption("--lwm2m-iut", default=None):
        config._lwm2m_run = _Run(config)


def pytest_collect_file(file_path, parent):
    if not getattr(parent.config, "_lwm2m_run", None):
        return None
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    parts = set(file_path.parts)
    if parts & {"iut", "requirements", "schema", "payloads"}:  # as the engine's FindCaseFiles skips them
        return None
    return YamlCaseFile.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(session, config, items):
    run = getattr(config, "_lwm2m_run", None)
    if run is not None:
        selected = {id(i) for i in items}
        run.items = [i for i in run.items if id(i) in selected]  # after -k / deselection


@pytest.fixture
def lwm2m_server():
    """A started reference Server on 127.0.0.1 (UDP, kernel-chosen port); closed after the test."""
    server = lwm2m_harness.Server()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def lwm2m_client(lwm2m_server):
    """A reference Client (endpoint "pytest-client-N") registered with lwm2m_server."""
    if not hasattr(lwm2m_harness, "Client"):
        pytest.skip("this build of lwm2m_harness has no reference client")
    client = lwm2m_harness.Client(endpoint=f"pytest-client-{os.getpid()}-{next(_counter)}",
                                  server_uri=lwm2m_server.uri())
    client.start()
    try:
        lwm2m_server.wait_for_registration(client.endpoint, timeout=10.0)
        yield client
    finally:
        client.stop()
