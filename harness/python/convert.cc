// convert.cc: Python <-> lwm2m value conversions, exceptions, and the background Pump.
#include "harness/python/convert.h"

#include <cmath>

#include "harness/cli/cli_common.h"
#include "lwm2m/model.h"

namespace lwm2m::py_binding {

namespace {
PyObject* g_error = nullptr;
PyObject* g_timeout = nullptr;
PyObject* g_load_error = nullptr;

PyObject* NewException(py::module_& m, const char* name, const char* doc, PyObject* bases) {
  std::string full = std::string("lwm2m_harness.") + name;
  PyObject* t = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases, nullptr);
  if (!t) throw py::error_already_set();
  m.add_object(name, py::handle(t));
  return t;
}
}  // namespace

void RegisterExceptions(py::module_& m) {
  g_error = NewException(m, "Error",
                         "A reference endpoint or the harness refused a request; str() says why, `.code` "
                         "holds the CoAP-style status (\"4.04\") when there is one.",
                         PyExc_RuntimeError);
  py::tuple tb = py::make_tuple(py::handle(g_error), py::handle(PyExc_TimeoutError));
  g_timeout = NewException(m, "TimeoutError",
                           "A bounded wait ended without the awaited event; str() says what was awaited "
                           "and for how long. Also a builtin TimeoutError.",
                           tb.ptr());
  py::tuple lb = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
  g_load_error = NewException(m, "LoadError",
                              "A YAML file (case, IUT, configuration) is not valid: `.file` and `.line` "
                              "name the first error, `.errors` lists every one as 'file:line:col: message'.",
                              lb.ptr());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Timeout& e) {
      PyErr_SetString(g_timeout, e.message.c_str());
    } catch (const LoadFailure& e) {
      py::object exc = py::reinterpret_steal<py::object>(
          PyObject_CallFunction(g_load_error, "s", e.message.c_str()));
      if (!exc) return;  // the call set an error
      exc.attr("file") = e.file;
      exc.attr("line") = e.line;
      exc.attr("errors") = py::cast(e.errors);
      PyErr_SetObject(g_load_error, exc.ptr());
    } catch (const Error& e) {
      py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunction(g_error, "s", e.message.c_str()));
      if (!exc) return;
      exc.attr("code") = e.code;
      PyErr_SetObject(g_error, exc.ptr());
    }
  });
}

void ThrowStatus(const Status& s, const std::string& context) {
  std::string code = s.code() == StatusCode::kOk ? "" : CoapCodeString(static_cast<uint8_t>(s.code()));
  throw Error{context.empty() ? s.ToString() : context + ": " + s.ToString(), code};
}

std::chrono::milliseconds ToMs(double seconds, const char* what) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 86400.0 * 365)
    throw py::value_error(std::string(what) + " must be a number of seconds >= 0, not " + std::to_string(seconds));
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000.0)));
}

py::str SafeStr(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "backslashreplace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object ValueToPy(const Value& v) {
  switch (v.type()) {
    case DataType::kNone: return py::none();
    case DataType::kString:
    case DataType::kCorelnk: return SafeStr(v.AsString());
    case DataType::kInteger:
    case DataType::kTime: return py::int_(v.AsInteger());
    case DataType::kUnsignedInteger: return py::int_(v.AsUnsigned());
    case DataType::kFloat: return py::float_(v.AsFloat());
    case DataType::kBoolean: return py::bool_(v.AsBoolean());
    case DataType::kOpaque: {
      const Bytes& b = v.AsOpaque();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    case DataType::kObjlnk: return py::str(v.ToText());
  }
  return py::none();
}

Value ValueFromPy(const py::handle& obj, std::optional<DataType> type, const Path& path) {
  auto fail = [&](const std::string& why) -> Value {
    throw Error{path.ToString() + ": " + why, "4.00"};
  };
  if (!type || *type == DataType::kNone) {
    if (path.size() >= 3)
      if (const ResourceModel* r = ModelRegistry::Builtin().FindResource(path.WithoutPrefix().Truncated(3)))
        if (r->type != DataType::kNone) type = r->type;
  }
  Value v;
  if (obj.is_none()) {
    v = Value();
  } else if (py::isinstance<py::bool_>(obj)) {
    v = Value::Boolean(obj.cast<bool>());
  } else if (py::isinstance<py::int_>(obj)) {
    try {
      v = Value::Integer(obj.cast<int64_t>());
    } catch (const py::cast_error&) {
      try {
        v = Value::UnsignedInteger(obj.cast<uint64_t>());
      } catch (const py::cast_error&) {
        return fail("integer " + std::string(py::str(obj)) + " does not fit 64 bits");
      }
    }
  } else if (py::isinstance<py::float_>(obj)) {
    v = Value::Float(obj.cast<double>());
  } else if (py::isinstance<py::bytes>(obj) || py::isinstance<py::bytearray>(obj)) {
    std::string s = py::isinstance<py::bytes>(obj) ? obj.cast<std::string>()
                                                   : std::string(py::reinterpret_borrow<py::bytearray>(obj));
    v = Value::Opaque(Bytes(s.begin(), s.end()));
  } else if (py::isinstance<py::str>(obj)) {
    std::string s = obj.cast<std::string>();
    if (type && *type != DataType::kString) {
      auto parsed = Value::FromText(s, *type);
      if (!parsed) return fail("'" + s + "' is not a " + std::string(DataTypeName(*type)) + ": " +
                               parsed.status().message());
      return *parsed;
    }
    v = Value::String(s);
  } else {
    return fail("cannot carry a Python " + std::string(py::str(obj.get_type().attr("__name__"))) +
                " as an LwM2M value");
  }
  if (type && !v.is_none() && v.type() != *type) {
    auto c = v.ConvertTo(*type);
    if (!c) return fail(c.status().message());
    return *c;
  }
  return v;
}

py::dict RecordToPy(const Record& r) {
  py::dict d;
  d["path"] = r.path.ToString();
  d["type"] = std::string(DataTypeName(r.value.type()));
  d["value"] = ValueToPy(r.value);
  d["time"] = r.time ? py::object(py::float_(*r.time)) : py::object(py::none());
  return d;
}

py::dict LinkToPy(const Link& l) {
  py::dict d;
  d["target"] = SafeStr(l.target);
  py::dict params;
  for (const auto& p : l.params) params[SafeStr(p.name)] = p.value ? py::object(SafeStr(*p.value)) : py::object(py::none());
  d["params"] = params;
  return d;
}

py::dict DiagnosticToPy(const Diagnostic& d) {
  py::dict o;
  o["severity"] = std::string(SeverityName(d.severity));
  o["offset"] = d.offset ? py::object(py::int_(*d.offset)) : py::object(py::none());
  o["path"] = SafeStr(d.path);
  o["message"] = SafeStr(d.message);
  o["rule"] = SafeStr(d.rule);
  return o;
}

py::list RecordsToPy(const std::vector<Record>& records) {
  py::list l;
  for (const auto& r : records) l.append(RecordToPy(r));
  return l;
}
py::list LinksToPy(const std::vector<Link>& links) {
  py::list l;
  for (const auto& x : links) l.append(LinkToPy(x));
  return l;
}
py::list DiagnosticsToPy(const std::vector<Diagnostic>& diagnostics) {
  py::list l;
  for (const auto& d : diagnostics) l.append(DiagnosticToPy(d));
  return l;
}

Path PathFromPy(const std::string& text) {
  auto p = Path::Parse(text);
  if (!p) throw py::value_error("'" + text + "' is not an LwM2M path: " + p.status().message());
  return *p;
}

namespace {
std::optional<DataType> TypeFromPy(const py::handle& t) {
  if (t.is_none()) return std::nullopt;
  std::string name = py::str(t);
  auto dt = ParseDataType(name);
  if (!dt) throw py::value_error("unknown LwM2M data type '" + name + "' (String, Integer, Unsigned Integer, Float, "
                                 "Boolean, Opaque, Time, Objlnk, Corelnk)");
  return dt;
}

Record RecordFromDict(const py::dict& d) {
  if (!d.contains("path")) throw py::value_error("a record needs a 'path': " + std::string(py::repr(d)));
  Record r;
  r.path = PathFromPy(py::str(d["path"]));
  std::optional<DataType> type = d.contains("type") ? TypeFromPy(d["type"]) : std::nullopt;
  py::object value = d.contains("value") ? py::reinterpret_borrow<py::object>(d["value"]) : py::none();
  r.value = ValueFromPy(value, type, r.path);
  if (d.contains("time") && !d["time"].is_none()) r.time = d["time"].cast<double>();
  return r;
}

Link LinkFromPy(const py::handle& h) {
  Link l;
  if (py::isinstance<py::str>(h)) {
    l.target = h.cast<std::string>();
    return l;
  }
  py::dict d = py::reinterpret_borrow<py::dict>(h);
  if (!d.contains("target")) throw py::value_error("a link needs a 'target': " + std::string(py::repr(d)));
  l.target = py::str(d["target"]);
  if (d.contains("params")) {
    py::handle params = d["params"];
    auto add = [&](const std::string& name, const py::handle& v, bool quoted) {
      LinkParam p;
      p.name = name;
      if (!v.is_none()) p.value = std::string(py::str(v));
      p.quoted = quoted;
      l.params.push_back(std::move(p));
    };
    if (py::isinstance<py::dict>(params)) {
      for (auto [k, v] : py::reinterpret_borrow<py::dict>(params))
        add(py::str(k), v, py::isinstance<py::str>(v) && std::string(py::str(v)).find_first_of(",;\" ") != std::string::npos);
    } else {
      for (auto p : params) {
        py::dict pd = py::reinterpret_borrow<py::dict>(p);
        add(py::str(pd["name"]), pd.contains("value") ? pd["value"] : py::none(),
            pd.contains("quoted") && pd["quoted"].cast<bool>());
      }
    }
  }
  return l;
}
}  // namespace

Content ContentFromPy(const py::handle& obj, ContentFormat format) {
  Content c;
  if (obj.is_none()) return c;
  if (py::isinstance<py::dict>(obj)) {
    py::dict d = py::reinterpret_borrow<py::dict>(obj);
    if (d.contains("records") || d.contains("links")) {  // decode()'s output
      if (d.contains("records"))
        for (auto r : d["records"]) c.records.push_back(RecordFromDict(py::reinterpret_borrow<py::dict>(r)));
      if (d.contains("links"))
        for (auto l : d["links"]) c.links.push_back(LinkFromPy(l));
      return c;
    }
    for (auto [k, v] : d) {
      Record r;
      r.path = PathFromPy(py::str(k));
      r.value = ValueFromPy(v, std::nullopt, r.path);
      c.records.push_back(std::move(r));
    }
    return c;
  }
  if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj))
    throw py::type_error("records must be a mapping {path: value} or a list of records, not a string");
  for (auto item : obj) {
    if (format == ContentFormat::kLinkFormat) {
      c.links.push_back(LinkFromPy(item));
    } else if (py::isinstance<py::dict>(item)) {
      c.records.push_back(RecordFromDict(py::reinterpret_borrow<py::dict>(item)));
    } else if (py::isinstance<py::tuple>(item) || py::isinstance<py::list>(item)) {
      py::sequence s = py::reinterpret_borrow<py::sequence>(item);
      if (s.size() != 2) throw py::value_error("a record pair is (path, value): " + std::string(py::repr(item)));
      Record r;
      r.path = PathFromPy(py::str(s[0]));
      r.value = ValueFromPy(s[1], std::nullopt, r.path);
      c.records.push_back(std::move(r));
    } else if (py::isinstance<py::str>(item)) {  // a bare path: a record without a value (composite path lists)
      Record r;
      r.path = PathFromPy(item.cast<std::string>());
      c.records.push_back(std::move(r));
    } else {
      throw py::type_error("a record is a dict {path, value[, type]}, a (path, value) pair or a path string, not " +
                           std::string(py::repr(item)));
    }
  }
  return c;
}

ContentFormat FormatFromPy(const py::handle& fmt) {
  std::string text = py::isinstance<py::int_>(fmt) ? std::to_string(fmt.cast<long long>()) : std::string(py::str(fmt));
  auto f = cli::ParseFormatOption(text);
  if (!f) throw py::value_error(f.status().message());
  return *f;
}

std::optional<ContentFormat> OptionalFormatFromPy(const py::handle& fmt) {
  if (fmt.is_none()) return std::nullopt;
  return FormatFromPy(fmt);
}

py::object FormatToPy(std::optional<ContentFormat> f) {
  if (!f) return py::none();
  if (const auto* info = FindContentFormat(*f)) return py::str(std::string(info->name));
  return py::int_(static_cast<unsigned>(*f));
}

void Pump::Start(std::function<void()> step, std::function<void()> wake) {
  if (thread_.joinable()) return;
  stop_ = false;
  wake_ = std::move(wake);
  thread_ = std::thread([this, step = std::move(step)] {
    while (!stop_.load()) {
      if (waiting_.load() > 0) {
        std::this_thread::yield();
        continue;
      }
      std::lock_guard<std::mutex> l(mu_);
      if (!stop_.load()) step();
    }
  });
}

void Pump::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  if (wake_) wake_();
  thread_.join();
}

Pump::Lock::Lock(Pump& p) : p_(p) {
  ++p_.waiting_;
  if (p_.wake_ && p_.thread_.joinable()) p_.wake_();
  lock_ = std::unique_lock<std::mutex>(p_.mu_);
  --p_.waiting_;
}

Pump::Lock::~Lock() = default;

}  // namespace lwm2m::py_binding
