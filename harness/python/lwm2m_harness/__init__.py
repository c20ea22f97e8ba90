"""lwm2m_harness: script the LwM2M 1.2 conformance harness from Python.

Bindings only: the codecs (decode, encode, formats), the reference server and client (Server,
Client), and the engine (load_cases, load_iut, run). Everything is implemented in C++; this file
re-exports the compiled module and adds a Listener base class and an event iterator over run().

    import lwm2m_harness as lh
    with lh.Server() as server, lh.Client(endpoint="node1", server_uri=server.uri()) as client:
        server.wait_for_registration("node1")
        print(server.read("node1", "/3/0", accept="senml-cbor").values)
"""
import queue as _queue
import threading as _threading

from . import _lwm2m_harness
from ._lwm2m_harness import *  # noqa: F401,F403 (the public names of the compiled module)
from ._lwm2m_harness import Error, LoadError, TimeoutError, __version__  # noqa: F401

__all__ = [n for n in dir(_lwm2m_harness) if not n.startswith("_")] + ["Listener", "run_events", "__version__"]


class Listener:
    """Base class for run(listener=...): override any of these; they run on the calling thread."""

    def on_run_start(self, run):
        pass

    def on_case_start(self, case):
        pass

    def on_step(self, case, step):
        pass

    def on_case_end(self, case):
        pass

    def on_run_end(self, run):
        pass


def run_events(iut, **kwargs):
    """run() as an iterator of (event, payload) pairs: ("run_start", RunResult), ("case_start",
    CaseResult), ("step", (CaseResult, StepResult)), ("case_end", CaseResult), ("run_end",
    RunResult), and last ("result", RunResult). Exceptions of the run are raised by the iterator."""
    if not hasattr(_lwm2m_harness, "run"):
        raise Error("this build of lwm2m_harness has no engine")
    events = _queue.Queue()
    done = object()

    def work():
        try:
            result = _lwm2m_harness.run(iut, listener=lambda event, payload: events.put((event, payload)), **kwargs)
            events.put(("result", result))
        except BaseException as e:  # handed to the consumer
            events.put(("__error__", e))
        events.put((done, None))

    thread = _threading.Thread(target=work, name="lwm2m-harness-run", daemon=True)
    thread.start()
    try:
        while True:
            event, payload = events.get()
            if event is done:
                break
            if event == "__error__":
                raise payload
            yield event, payload
    finally:
        thread.join()
