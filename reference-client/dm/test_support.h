// test_support.h: helpers shared by the dm/ tests only (header-only, not in the library): a data
// model with the demo objects and one server account, requests built with lwm2m/operation.h, and
// payloads encoded/decoded with the codec registry.
//   DmFixture f;  auto r = f.Do(Operation::Read(P("/3/0/0")));  EXPECT_EQ(r.code, CoapCode::kContent);
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/link_format.h"
#include "lwm2m/operation.h"
#include "reference-client/dm/data_model.h"

namespace lwm2m::refclient::test {

inline Path P(std::string_view s) {
  auto p = Path::Parse(s);
  if (!p) ADD_FAILURE() << "bad path " << s;
  return p ? *p : Path();
}

inline Bytes Enc(ContentFormat f, const std::vector<Record>& records, const Path& base = {}) {
  Content c;
  c.records = records;
  CodecContext ctx;
  ctx.request_path = base;
  ctx.models = &ModelRegistry::Builtin();
  auto r = FindCodec(f)->Encode(c, ctx);
  if (!r) ADD_FAILURE() << "encode: " << r.status().ToString();
  return r ? *r : Bytes{};
}

inline std::vector<Record> Dec(const CoapMessage& m, const Path& base = {}) {
  auto cf = m.GetContentFormat();
  if (!cf) {
    ADD_FAILURE() << "no Content-Format in " << m.Summary();
    return {};
  }
  CodecContext ctx;
  ctx.request_path = base;
  ctx.models = &ModelRegistry::Builtin();
  DecodeResult r = FindCodec(*cf)->Decode(m.payload, ctx);
  if (r.HasErrors())
    for (const auto& d : r.diagnostics) ADD_FAILURE() << d.ToString();
  return r.content.records;
}

inline std::string Text(const CoapMessage& m) { return std::string(m.payload.begin(), m.payload.end()); }

inline std::string CodeOf(const CoapMessage& m) { return CoapCodeString(m.code); }

inline const Record* Find(const std::vector<Record>& rs, std::string_view path) {
  for (const Record& r : rs)
    if (r.path.ToString() == path) return &r;
  return nullptr;
}

struct DmFixture {
  explicit DmFixture(DataModelOptions o = {}) : dm(std::move(o)) {
    EXPECT_TRUE(dm.PopulateDefaults().ok());
    AddServer(0, 101, /*security_iid=*/1);
    EXPECT_TRUE(dm.SetValue(P("/0/0/0"), Value::String("coap://bs.example:5683"), ProvisioningSource::kFactory).ok());
    EXPECT_TRUE(dm.SetValue(P("/0/0/1"), Value::Boolean(true), ProvisioningSource::kFactory).ok());
    EXPECT_TRUE(dm.SetValue(P("/0/0/2"), Value::Integer(3), ProvisioningSource::kFactory).ok());
  }
  void AddServer(uint16_t server_iid, uint16_t ssid, uint16_t security_iid,
                 ProvisioningSource src = ProvisioningSource::kLocal) {
    Path s{0, security_iid};
    EXPECT_TRUE(dm.SetValue(s.Child(0), Value::String("coap://127.0.0.1:" + std::to_string(5683 + ssid)), src).ok());
    EXPECT_TRUE(dm.SetValue(s.Child(1), Value::Boolean(false), src).ok());
    EXPECT_TRUE(dm.SetValue(s.Child(2), Value::Integer(3), src).ok());
    EXPECT_TRUE(dm.SetValue(s.Child(10), Value::Integer(ssid), src).ok());
    Path v{1, server_iid};
    EXPECT_TRUE(dm.SetValue(v.Child(0), Value::Integer(ssid), src).ok());
    EXPECT_TRUE(dm.SetValue(v.Child(1), Value::UnsignedInteger(300), src).ok());
    EXPECT_TRUE(dm.SetValue(v.Child(6), Value::Boolean(true), src).ok());
    EXPECT_TRUE(dm.SetValue(v.Child(7), Value::String("U"), src).ok());
  }
  CoapMessage Do(const Operation& op, Requester who = Requester::Server(101)) {
    CoapMessage req = op.ToCoap();
    req.token = {0x01, 0x02};
    return dm.Handle(req, who);
  }
  CoapMessage Boot(const Operation& op) { return Do(op, Requester::Bootstrap()); }

  DataModel dm;
};

}  // namespace lwm2m::refclient::test
