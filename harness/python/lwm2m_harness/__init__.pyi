# Type stub of lwm2m_harness (the compiled _lwm2m_harness module plus __init__.py).
import builtins
from typing import Any, Callable, Iterator, Literal, Mapping, Optional, Sequence, TypedDict, Union

__version__: str

Format = Union[str, int]  # "senml-cbor", "tlv", 112, "application/senml+cbor"
Scalar = Union[str, int, float, bool, bytes, None]

class RecordDict(TypedDict):
    path: str
    type: str  # "String", "Integer", "Unsigned Integer", "Float", "Boolean", "Opaque", "Time", "Objlnk", "Corelnk", "none"
    value: Scalar
    time: Optional[float]

class LinkDict(TypedDict):
    target: str
    params: dict[str, Optional[str]]

class DiagnosticDict(TypedDict):
    severity: Literal["info", "warning", "error"]
    offset: Optional[int]
    path: str
    message: str
    rule: str

class DecodeResult(TypedDict):
    format: str
    content_format: int
    path: str
    records: list[RecordDict]
    links: list[LinkDict]
    diagnostics: list[DiagnosticDict]
    ok: bool

class FormatInfo(TypedDict):
    name: str
    number: int
    media_type: str
    codec: bool

Records = Union[Mapping[str, Scalar], Sequence[Union[Mapping[str, Any], tuple[str, Scalar], str]], DecodeResult]
Attributes = Union[Mapping[str, Union[int, float, bool, None]], str, Sequence[str], None]

class Error(RuntimeError):
    code: str

class TimeoutError(Error, builtins.TimeoutError): ...

class LoadError(Error, ValueError):
    file: str
    line: int
    errors: list[str]

def wire_tap_available() -> bool: ...
def decode(payload: bytes, fmt: Format, path: str = "/", lwm2m_version: str = "1.2") -> DecodeResult: ...
def encode(records: Records, fmt: Format, path: str = "/", lwm2m_version: str = "1.2") -> bytes: ...
def formats() -> list[FormatInfo]: ...

class Registration:
    endpoint: str
    location: str
    lifetime: Optional[int]
    binding: str
    queue_mode: bool
    version: str
    psk_identity: str
    transport: str
    remote: str
    objects: list[dict[str, Any]]
    links: list[LinkDict]
    content_formats: list[int]
    diagnostics: list[DiagnosticDict]

class OperationResult:
    code: str
    success: bool
    kind: str
    content_format: Union[str, int, None]
    records: list[RecordDict]
    links: list[LinkDict]
    values: dict[str, Scalar]
    diagnostics: list[DiagnosticDict]
    payload: bytes
    created: Optional[str]
    token: bytes
    observe: Optional[int]
    request: str

class ServerEvent:
    kind: str
    endpoint: str
    location: str
    registration: Optional[Registration]
    token: bytes
    path: str
    observe: Optional[int]
    confirmable: bool
    content_format: Union[str, int, None]
    records: list[RecordDict]
    values: dict[str, Scalar]
    diagnostics: list[DiagnosticDict]
    summary: str

class Server:
    def __init__(self, ip: str = "127.0.0.1", udp: bool = True, dtls: bool = False, tcp: bool = False,
                 tls: bool = False, udp_port: int = 0, dtls_port: int = 0, tcp_port: int = 0, tls_port: int = 0,
                 psk: Optional[Mapping[str, Union[bytes, str]]] = None, versions: Optional[Sequence[str]] = None,
                 allow_nosec: bool = True, default_lifetime: int = 86400, config: Optional[str] = None) -> None: ...
    def start(self) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Server: ...
    def __exit__(self, *args: Any) -> None: ...
    def address(self, transport: str = "udp") -> Optional[str]: ...
    def uri(self, transport: str = "udp") -> Optional[str]: ...
    def wait_for_registration(self, endpoint: Optional[str] = None, timeout: float = 5.0) -> Registration: ...
    def wait_for_event(self, kind: str, endpoint: Optional[str] = None, timeout: float = 5.0) -> ServerEvent: ...
    def wait_for_notification(self, token: Optional[bytes] = None, endpoint: Optional[str] = None,
                              timeout: float = 5.0) -> ServerEvent: ...
    def registrations(self) -> list[Registration]: ...
    def events(self) -> list[ServerEvent]: ...
    def read(self, endpoint: str, path: str, accept: Optional[Format] = None, timeout: float = 10.0,
             confirmable: bool = True) -> OperationResult: ...
    def read_composite(self, endpoint: str, paths: Sequence[str], accept: Optional[Format] = None,
                       fmt: Optional[Format] = None, timeout: float = 10.0) -> OperationResult: ...
    def discover(self, endpoint: str, path: str, depth: Optional[int] = None, timeout: float = 10.0) -> OperationResult: ...
    def write(self, endpoint: str, path: str, values: Records, fmt: Optional[Format] = None, partial: bool = False,
              timeout: float = 10.0, raw_payload: Optional[bytes] = None) -> OperationResult: ...
    def write_composite(self, endpoint: str, values: Records, fmt: Optional[Format] = None,
                        timeout: float = 10.0) -> OperationResult: ...
    def write_attributes(self, endpoint: str, path: str, attributes: Attributes, timeout: float = 10.0) -> OperationResult: ...
    def execute(self, endpoint: str, path: str, arguments: str = "", timeout: float = 10.0) -> OperationResult: ...
    def create(self, endpoint: str, path: str, values: Records, fmt: Optional[Format] = None,
               timeout: float = 10.0) -> OperationResult: ...
    def delete(self, endpoint: str, path: str, timeout: float = 10.0) -> OperationResult: ...
    def observe(self, endpoint: str, path: str, attributes: Attributes = None, accept: Optional[Format] = None,
                timeout: float = 10.0) -> OperationResult: ...
    def observe_composite(self, endpoint: str, paths: Sequence[str], attributes: Attributes = None,
                          accept: Optional[Format] = None, fmt: Optional[Format] = None,
                          timeout: float = 10.0) -> OperationResult: ...
    def cancel_observation(self, endpoint: str, token: bytes, reset: bool = False, timeout: float = 10.0) -> OperationResult: ...

class ClientEvent:
    kind: str
    ssid: int
    code: str
    state: str
    detail: str
    summary: str

class Client:
    endpoint: str
    def __init__(self, endpoint: str = "lwm2m-ref-client", server_uri: Optional[str] = None, lifetime: int = 300,
                 lwm2m_version: str = "1.2", psk_identity: Optional[str] = None,
                 psk_key: Union[bytes, str, None] = None, config: Optional[str] = None, time_scale: float = 1.0,
                 faults: Sequence[str] = ..., populate_defaults: bool = True) -> None: ...
    def start(self) -> None: ...
    def stop(self, deregister: bool = True, timeout: float = 3.0) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(self, *args: Any) -> None: ...
    def set(self, path: str, value: Union[Scalar, Sequence[Scalar], Mapping[int, Scalar]], type: Optional[str] = None) -> None: ...
    def get(self, path: str) -> Scalar: ...
    def read(self, path: str = "/") -> list[RecordDict]: ...
    def create_instance(self, object_id: int, instance_id: int) -> None: ...
    def delete_instance(self, path: str) -> None: ...
    def register(self, ssid: Optional[int] = None) -> None: ...
    def update(self, ssid: Optional[int] = None) -> None: ...
    def deregister(self, ssid: Optional[int] = None) -> None: ...
    def send(self, paths: Sequence[str], ssid: Optional[int] = None) -> None: ...
    def state(self, ssid: Optional[int] = None) -> str: ...
    def wait_for_state(self, state: str, ssid: Optional[int] = None, timeout: float = 5.0) -> None: ...
    def servers(self) -> list[dict[str, Any]]: ...
    def events(self) -> list[ClientEvent]: ...

class Case:
    id: str
    file: str
    area: str
    ets: str
    requirements: list[str]
    spec: str
    summary: str
    role: str
    requires: list[str]
    line: int
    steps: list[dict[str, Any]]
    mutants: list[dict[str, str]]

class Iut:
    name: str
    file: str
    role: str
    endpoint: str
    features: set[str]
    def missing(self, required: Sequence[str]) -> Optional[str]: ...

class StepResult:
    index: int
    title: str
    file: str
    line: int
    verdict: str
    message: str
    expected: str
    actual: str
    frames: list[int]
    start_s: float
    end_s: float

class CaseResult:
    id: str
    ets: str
    file: str
    summary: str
    area: str
    requirements: list[str]
    verdict: str  # PASS, UNSUPPORTED, INCONCLUSIVE, FAIL, TIMEOUT, ERROR
    failed: bool
    reason: str
    steps: list[StepResult]
    duration_s: float
    capture: str
    iut_log: str
    steps_json: str
    expected_failure: bool
    stale_expectation: bool

class RequirementResult:
    label: str
    area: str
    text: str
    ts_ref: str
    testable: bool
    cases: list[str]
    verdict: str  # PASS, FAIL, NOT TESTED

class RunResult:
    cases: list[CaseResult]
    requirements: list[RequirementResult]
    interrupted: bool
    interrupt_reason: str
    iut_name: str
    time_scale: float
    totals: dict[str, int]
    exit_code: int
    def verdicts(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, Any]: ...

class Listener:
    def on_run_start(self, run: RunResult) -> None: ...
    def on_case_start(self, case: CaseResult) -> None: ...
    def on_step(self, case: CaseResult, step: StepResult) -> None: ...
    def on_case_end(self, case: CaseResult) -> None: ...
    def on_run_end(self, run: RunResult) -> None: ...

def load_cases(path_or_glob: str, testcases: Optional[str] = None) -> list[Case]: ...
def load_iut(path: str) -> Iut: ...
def run(iut: Iut, cases: Union[str, Sequence[str], Sequence[Case], None] = None, out: Optional[str] = None,
        time_scale: float = 1.0, jobs: int = 1, seed: int = 1, faults: Sequence[str] = ..., relay: bool = True,
        record: bool = True, listener: Union[Listener, Callable[[str, Any], None], None] = None,
        expect_failures: Optional[str] = None, requirements: Sequence[str] = ..., ets: Sequence[str] = ...,
        testcases: Optional[str] = None, shard: Optional[str] = None, console: bool = False,
        requirement_table: Optional[str] = None) -> RunResult: ...
def run_events(iut: Iut, **kwargs: Any) -> Iterator[tuple[str, Any]]: ...
