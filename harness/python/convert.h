// convert.h: how the bindings carry lwm2m values across the Python boundary (plain Python
// structures: str/int/float/bool/bytes/None, dicts and lists), the module's exception types
// (lwm2m_harness.Error, .TimeoutError, .LoadError) and a background loop (Pump) that keeps a
// reference endpoint responsive between Python calls. No protocol logic lives here.
//   py::dict d = RecordToPy(record);       // {"path": "/3/0/0", "type": "String", "value": "ACME", "time": None}
//   Content c = ContentFromPy(records, ContentFormat::kTlv);
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "lwm2m/content.h"
#include "lwm2m/content_format.h"
#include "lwm2m/diagnostic.h"
#include "lwm2m/path.h"
#include "lwm2m/result.h"
#include "lwm2m/value.h"

namespace lwm2m::py_binding {

namespace py = pybind11;

// Raised as lwm2m_harness.Error (a RuntimeError) with the Status text; `code` is "4.04" or "".
struct Error {
  std::string message;
  std::string code;
};
// Raised as lwm2m_harness.TimeoutError (also a builtin TimeoutError): says what was awaited and for how long.
struct Timeout {
  std::string message;
};
// Raised as lwm2m_harness.LoadError (also a ValueError): file and line of the first error, all errors.
struct LoadFailure {
  std::string message;
  std::string file;
  int line = 0;
  std::vector<std::string> errors;
};

// Creates the exception types on `m` and registers the translators.
void RegisterExceptions(py::module_& m);

[[noreturn]] void ThrowStatus(const Status& s, const std::string& context = "");
std::chrono::milliseconds ToMs(double seconds, const char* what);

// Values: String/Corelnk -> str, Integer/Time/Unsigned -> int, Float -> float, Boolean -> bool,
// Opaque -> bytes, Objlnk -> "3:0", None -> None.
// Text that may come from a peer: invalid UTF-8 is kept visible as \xNN escapes instead of raising.
py::str SafeStr(const std::string& s);
// A read-only property of a std::string member through SafeStr.
#define LWM2M_PY_TEXT(cls, member) [](const cls& o) { return ::lwm2m::py_binding::SafeStr(o.member); }

py::object ValueToPy(const Value& v);
// A Python value as an LwM2M value of `type` (DataType::kNone: the object model's type for `path`
// when it has one, else the Python type's: bool Boolean, int Integer, float Float, str String,
// bytes Opaque, None no value). Errors raise lwm2m_harness.Error naming the path.
Value ValueFromPy(const py::handle& obj, std::optional<DataType> type, const Path& path);

py::dict RecordToPy(const Record& r);
py::dict LinkToPy(const Link& l);
py::dict DiagnosticToPy(const Diagnostic& d);
py::list RecordsToPy(const std::vector<Record>& records);
py::list LinksToPy(const std::vector<Link>& links);
py::list DiagnosticsToPy(const std::vector<Diagnostic>& diagnostics);

// Records from: a mapping {path: value}; a list of {path, value[, type][, time]} dicts; a list of
// (path, value) pairs; or the dict that decode() returns. Links (link format) from a list of
// {target, params} dicts (params a mapping name -> value or None, or decode()'s list form) or strings
// "</3/0>" given as targets.
Content ContentFromPy(const py::handle& obj, ContentFormat format);

// "senml-cbor", "112", 112, "application/senml+cbor" -> the format; anything else raises ValueError
// with the list of known names (the CLI's message).
ContentFormat FormatFromPy(const py::handle& fmt);
std::optional<ContentFormat> OptionalFormatFromPy(const py::handle& fmt);
Path PathFromPy(const std::string& text);
py::object FormatToPy(std::optional<ContentFormat> f);  // "senml-cbor" or the number, or None

// A background thread stepping an endpoint's loop while Python does something else; every
// binding call takes Lock() (which wakes the loop) so that the endpoint is used by one thread at a time.
class Pump {
 public:
  ~Pump() { Stop(); }
  // `step` runs with the lock held, waiting at most ~20 ms; `wake` interrupts it from another thread.
  void Start(std::function<void()> step, std::function<void()> wake);
  void Stop();
  bool running() const { return thread_.joinable(); }

  class Lock {
   public:
    explicit Lock(Pump& p);
    ~Lock();
   private:
    Pump& p_;
    std::unique_lock<std::mutex> lock_;
  };

 private:
  std::mutex mu_;
  std::atomic<int> waiting_{0};
  std::atomic<bool> stop_{false};
  std::function<void()> wake_;
  std::thread thread_;
};

}  // namespace lwm2m::py_binding
