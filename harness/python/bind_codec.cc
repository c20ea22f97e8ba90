// bind_codec.cc: the content-format codecs (lwm2m/codec/codec.h) as decode(), encode() and formats().
#include "harness/python/bind_modules.h"
#include "harness/python/convert.h"
#include "lwm2m/codec/codec.h"
#include "lwm2m/model.h"

namespace lwm2m::py_binding {

namespace {
const Codec* CodecFor(ContentFormat f) {
  const Codec* c = FindCodec(f);
  if (!c) throw py::value_error("content format " + ContentFormatLabel(static_cast<uint16_t>(f)) +
                                " has no codec in this build");
  return c;
}

py::dict Decode(const py::bytes& payload, const py::object& fmt, const std::string& path,
                const std::string& lwm2m_version) {
  ContentFormat f = FormatFromPy(fmt);
  Path p = PathFromPy(path);
  std::string data = payload;
  const Codec* codec = CodecFor(f);
  DecodeResult r;
  {
    py::gil_scoped_release nogil;
    CodecContext ctx{p, &ModelRegistry::Builtin(), lwm2m_version};
    r = codec->Decode(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()), ctx);
  }
  py::dict out;
  out["format"] = std::string(codec->name());
  out["content_format"] = static_cast<unsigned>(f);
  out["path"] = p.ToString();
  out["records"] = RecordsToPy(r.content.records);
  out["links"] = LinksToPy(r.content.links);
  out["diagnostics"] = DiagnosticsToPy(r.diagnostics);
  out["ok"] = !r.HasErrors();
  return out;
}

py::bytes Encode(const py::object& records, const py::object& fmt, const std::string& path,
                 const std::string& lwm2m_version) {
  ContentFormat f = FormatFromPy(fmt);
  Path p = PathFromPy(path);
  Content content = ContentFromPy(records, f);
  const Codec* codec = CodecFor(f);
  CodecContext ctx{p, &ModelRegistry::Builtin(), lwm2m_version};
  auto bytes = codec->Encode(content, ctx);
  if (!bytes) ThrowStatus(bytes.status(), std::string(codec->name()) + " cannot encode this (request path " +
                                              p.ToString() + ")");
  return py::bytes(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

py::list Formats() {
  py::list l;
  for (const auto& i : AllContentFormats()) {
    py::dict d;
    d["name"] = std::string(i.name);
    d["number"] = static_cast<unsigned>(i.format);
    d["media_type"] = std::string(i.media_type);
    d["codec"] = FindCodec(i.format) != nullptr;
    l.append(d);
  }
  return l;
}
}  // namespace

void BindCodec(py::module_& m) {
  m.def("decode", &Decode, py::arg("payload"), py::arg("fmt"), py::arg("path") = "/",
        py::arg("lwm2m_version") = "1.2",
        R"doc(Decode one payload in an LwM2M content format; never raises on bad bytes.

fmt is a name as the CLI spells it ("tlv", "senml-cbor", "lwm2m-cbor", "link", ...), a media type,
or a number (11542). path is the request path the payload answers (TLV, text, opaque and CBOR name
their values relative to it). Returns {"format", "content_format", "path", "records": [{"path",
"type", "value", "time"}], "links": [{"target", "params"}], "diagnostics": [{"severity", "offset",
"path", "message", "rule"}], "ok"}; whatever could be decoded is returned with a diagnostic for
each problem. Raises ValueError for an unknown format or a bad path.)doc");
  m.def("encode", &Encode, py::arg("records"), py::arg("fmt"), py::arg("path") = "/",
        py::arg("lwm2m_version") = "1.2",
        R"doc(Encode records (or links) in one content format; returns the payload bytes.

records: a mapping {"/3/0/0": "ACME"}, a list of {"path", "value", "type"?, "time"?} dicts, a list
of (path, value) pairs, or the dict decode() returns. A value's type is "type" when given, else the
object model's, else the Python type's (bool Boolean, int Integer, float Float, str String, bytes
Opaque). For "link", a list of {"target", "params"} dicts. Raises lwm2m_harness.Error (with .code
"4.00"/"4.06") when the format cannot carry the content, ValueError for bad arguments.)doc");
  m.def("formats", &Formats,
        "The content formats LwM2M 1.2 uses: [{\"name\", \"number\", \"media_type\", \"codec\"}] "
        "(the table `lwm2m-harness formats` prints).");
}

}  // namespace lwm2m::py_binding
