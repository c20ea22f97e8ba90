// Device Management operations of the reference client's data model, driven by real requests
// (lwm2m/operation.h ToCoap) and checked by decoding the responses with the codec registry.
#include "reference-client/dm/data_model.h"

#include <gtest/gtest.h>

#include "reference-client/dm/test_support.h"

namespace lwm2m::refclient {
namespace {

using namespace test;

class DataModelTest : public ::testing::Test, public DmFixture {};

// ---- local store ----

TEST_F(DataModelTest, PopulateDefaultsCreatesTheDemoObjects) {
  for (uint16_t oid : {3, 4, 5, 3303, 3200}) EXPECT_TRUE(dm.Exists(Path{oid, 0})) << oid;
  EXPECT_EQ(dm.GetValue(P("/3/0/16"))->AsString(), "U");
  EXPECT_EQ(dm.GetValue(P("/5/0/3"))->AsInteger(), 0);
  EXPECT_EQ(dm.GetValue(P("/5/0/5"))->AsInteger(), 0);
  EXPECT_DOUBLE_EQ(dm.GetValue(P("/3303/0/5700"))->AsFloat(), 21.5);
  EXPECT_EQ(dm.GetValue(P("/3303/0/5701"))->AsString(), "Cel");
  EXPECT_FALSE(dm.GetValue(P("/3200/0/5500"))->AsBoolean());
  EXPECT_TRUE(dm.Exists(P("/3/0/4")));  // executable Reboot is present
  EXPECT_TRUE(dm.PopulateDefaults().ok());  // idempotent
}

TEST_F(DataModelTest, SetValueChecksTypesAgainstTheModel) {
  EXPECT_TRUE(dm.SetValue(P("/3/0/9"), Value::Float(50.0)).ok());  // exact float -> Integer
  EXPECT_EQ(dm.GetValue(P("/3/0/9"))->type(), DataType::kInteger);
  EXPECT_EQ(dm.SetValue(P("/3/0/9"), Value::String("abc")).code(), StatusCode::kBadRequest);
  EXPECT_EQ(dm.SetValue(P("/3/0/999"), Value::Integer(1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(dm.SetValue(P("/3/0/11"), Value::Integer(1)).code(), StatusCode::kBadRequest);  // multiple
  EXPECT_EQ(dm.SetValue(P("/3/0/0/1"), Value::String("x")).code(), StatusCode::kBadRequest);  // single
  EXPECT_EQ(dm.CreateInstance(3, 1).code(), StatusCode::kBadRequest);  // /3 is single-instance
  EXPECT_EQ(dm.CreateInstance(64999, 0).code(), StatusCode::kNotFound);
}

TEST_F(DataModelTest, ObjectsListsSupportedObjects) {
  dm.EnableObject(9);
  auto objs = dm.Objects();
  for (uint16_t oid : {0, 1, 3, 4, 5, 9, 3200, 3303})
    EXPECT_NE(std::find(objs.begin(), objs.end(), oid), objs.end()) << oid;
  EXPECT_TRUE(dm.Exists(P("/9")));
  EXPECT_FALSE(dm.Exists(P("/9/0")));
}

// ---- Read ----

TEST_F(DataModelTest, ReadSingleResourceDefaultsToTextPlain) {
  auto r = Do(Operation::Read(P("/3/0/0")));
  EXPECT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kTextPlain);
  EXPECT_EQ(Text(r), "lwm2m-harness");
  EXPECT_EQ(r.token, (Bytes{0x01, 0x02}));
}

TEST_F(DataModelTest, ReadInstanceDefaultsToSenmlCborIn12) {
  auto r = Do(Operation::Read(P("/3303/0")));
  ASSERT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kSenmlCbor);
  auto recs = Dec(r, P("/3303/0"));
  ASSERT_NE(Find(recs, "/3303/0/5700"), nullptr);
  EXPECT_DOUBLE_EQ(Find(recs, "/3303/0/5700")->value.AsFloat(), 21.5);
  EXPECT_EQ(Find(recs, "/3303/0/5701")->value.AsString(), "Cel");
  EXPECT_EQ(Find(recs, "/3303/0/5605"), nullptr);  // executables are not read
}

TEST_F(DataModelTest, ReadInstanceDefaultsToTlvIn10) {
  DmFixture f({.enabler_version = "1.0"});
  auto r = f.Do(Operation::Read(P("/3/0")));
  ASSERT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kTlv);
  auto recs = Dec(r, P("/3/0"));
  EXPECT_EQ(Find(recs, "/3/0/1")->value.AsString(), "reference-client");
  EXPECT_EQ(Find(recs, "/3/0/11/0")->value.AsInteger(), 0);
}

class ReadAcceptTest : public DataModelTest, public ::testing::WithParamInterface<ContentFormat> {};

TEST_P(ReadAcceptTest, EveryHierarchicalFormatRoundTripsTheDeviceObject) {
  auto r = Do(Operation::Read(P("/3/0"), GetParam()));
  ASSERT_EQ(CodeOf(r), "2.05") << Text(r);
  EXPECT_EQ(r.GetContentFormat(), GetParam());
  auto recs = Dec(r, P("/3/0"));
  ASSERT_NE(Find(recs, "/3/0/0"), nullptr);
  EXPECT_EQ(Find(recs, "/3/0/0")->value.AsString(), "lwm2m-harness");
  EXPECT_EQ(Find(recs, "/3/0/16")->value.AsString(), "U");
  EXPECT_EQ(Find(recs, "/3/0/9")->value.ConvertTo(DataType::kInteger)->AsInteger(), 100);
  EXPECT_EQ(Find(recs, "/3/0/6/0")->value.ConvertTo(DataType::kInteger)->AsInteger(), 1);
}

INSTANTIATE_TEST_SUITE_P(Formats, ReadAcceptTest,
                         ::testing::Values(ContentFormat::kTlv, ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor,
                                           ContentFormat::kLwm2mCbor));

TEST_F(DataModelTest, ReadObjectReturnsEveryInstance) {
  auto r = Do(Operation::Read(P("/4"), ContentFormat::kSenmlJson));
  ASSERT_EQ(CodeOf(r), "2.05");
  auto recs = Dec(r, P("/4"));
  EXPECT_EQ(Find(recs, "/4/0/4/0")->value.AsString(), "127.0.0.1");
}

TEST_F(DataModelTest, ReadResourceInstanceAndSingleValueFormats) {
  auto r = Do(Operation::Read(P("/3/0/6/0")));
  EXPECT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(Text(r), "1");
  auto c = Do(Operation::Read(P("/3303/0/5700"), ContentFormat::kCbor));
  ASSERT_EQ(CodeOf(c), "2.05");
  EXPECT_DOUBLE_EQ(Dec(c, P("/3303/0/5700")).at(0).value.AsFloat(), 21.5);
}

TEST_F(DataModelTest, ReadWithUnacceptableAcceptIs406) {
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0"), ContentFormat::kTextPlain))), "4.06");  // several values
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0/0"), ContentFormat::kOpaque))), "4.06");   // a String
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0"), ContentFormat::kLwm2mJson))), "4.06");  // 1.0 only
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0"), ContentFormat::kSenmlEtchCbor))), "4.06");
  DmFixture f10({.enabler_version = "1.0"});
  EXPECT_EQ(CodeOf(f10.Do(Operation::Read(P("/3/0"), ContentFormat::kSenmlCbor))), "4.06");
  EXPECT_EQ(CodeOf(f10.Do(Operation::Read(P("/3/0"), ContentFormat::kLwm2mJson))), "2.05");
}

TEST_F(DataModelTest, FaultAcceptUnsupportedAcceptAnswersInTheDefaultFormat) {
  DmFixture f({.faults = {"accept-unsupported-accept"}});
  auto r = f.Do(Operation::Read(P("/3/0"), ContentFormat::kTextPlain));
  EXPECT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kSenmlCbor);
}

TEST_F(DataModelTest, ReadErrors) {
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/1")))), "4.04");
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/6")))), "4.04");        // no model
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0/7")))), "4.04");    // not present
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0/4")))), "4.05");    // executable
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/5/0/0")))), "4.05");    // write-only Package
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3/0/6/9")))), "4.04");
}

TEST_F(DataModelTest, SecurityObjectsAre401ForDmServers) {
  // Core TS 1.2 §6.3 / ETS int-221: /0, /21, /23 are not accessible to an LwM2M Server.
  auto r = Do(Operation::Read(P("/0/1")));
  EXPECT_EQ(CodeOf(r), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/0")))), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Discover(P("/0")))), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/0/1/0"), WriteMode::kReplace, ContentFormat::kTextPlain,
                                       Bytes{'x'}))), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/0/1")))), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/21/0")))), "4.01");
}

TEST_F(DataModelTest, FaultAllowDmOnSecurityLetsServersReadSecurity) {
  DmFixture f({.faults = {"allow-dm-on-security"}});
  auto r = f.Do(Operation::Read(P("/0/1"), ContentFormat::kSenmlJson));
  ASSERT_EQ(CodeOf(r), "2.05") << Text(r);
  EXPECT_EQ(Find(Dec(r, P("/0/1")), "/0/1/10")->value.ConvertTo(DataType::kInteger)->AsInteger(), 101);
}

// ---- Read-Composite ----

TEST_F(DataModelTest, ReadCompositeReturnsTheListedPaths) {
  Bytes list = Enc(ContentFormat::kSenmlCbor, {{P("/3/0/0"), {}, {}}, {P("/3303/0/5700"), {}, {}}, {P("/3/0/99"), {}, {}}});
  auto r = Do(Operation::ReadComposite(ContentFormat::kSenmlCbor, list));
  ASSERT_EQ(CodeOf(r), "2.05") << Text(r);
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kSenmlCbor);
  auto recs = Dec(r);
  ASSERT_EQ(recs.size(), 2u);  // the unknown path is left out (best effort)
  EXPECT_EQ(Find(recs, "/3/0/0")->value.AsString(), "lwm2m-harness");
}

TEST_F(DataModelTest, ReadCompositeHonoursAcceptAndRequestFormat) {
  Bytes list = Enc(ContentFormat::kSenmlJson, {{P("/3200/0/5500"), {}, {}}});
  auto r = Do(Operation::ReadComposite(ContentFormat::kSenmlJson, list));
  ASSERT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kSenmlJson);
  EXPECT_FALSE(Find(Dec(r), "/3200/0/5500")->value.AsBoolean());
  auto l = Do(Operation::ReadComposite(ContentFormat::kSenmlJson, list, ContentFormat::kLwm2mCbor));
  ASSERT_EQ(CodeOf(l), "2.05");
  EXPECT_EQ(l.GetContentFormat(), ContentFormat::kLwm2mCbor);
  EXPECT_EQ(Dec(l).size(), 1u);
  EXPECT_EQ(CodeOf(Do(Operation::ReadComposite(ContentFormat::kSenmlJson, list, ContentFormat::kTlv))), "4.06");
}

TEST_F(DataModelTest, ReadCompositeWithUnsupportedFormatIs415) {
  CoapMessage m = Operation::ReadComposite(ContentFormat::kSenmlCbor, Bytes{0x80}).ToCoap();
  m.RemoveOption(CoapOption::kContentFormat);
  m.SetContentFormat(ContentFormat::kTlv);
  EXPECT_EQ(CodeOf(dm.Handle(m, Requester::Server(101))), "4.15");
}

// ---- Write ----

TEST_F(DataModelTest, WriteReplaceResourceInEveryFormat) {
  int n = 0;
  for (ContentFormat f : {ContentFormat::kTextPlain, ContentFormat::kTlv, ContentFormat::kSenmlJson,
                          ContentFormat::kSenmlCbor, ContentFormat::kLwm2mCbor, ContentFormat::kCbor}) {
    std::string tz = "Europe/Zone" + std::to_string(n++);
    Bytes payload = Enc(f, {{P("/3/0/15"), Value::String(tz), {}}}, P("/3/0/15"));
    auto r = Do(Operation::Write(P("/3/0/15"), WriteMode::kReplace, f, payload));
    EXPECT_EQ(CodeOf(r), "2.04") << ContentFormatLabel(static_cast<uint16_t>(f)) << " " << Text(r);
    EXPECT_EQ(dm.GetValue(P("/3/0/15"))->AsString(), tz);
  }
}

TEST_F(DataModelTest, WriteErrors) {
  auto text = [](std::string s) { return Bytes(s.begin(), s.end()); };
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/0"), WriteMode::kReplace, ContentFormat::kTextPlain, text("x")))),
            "4.05");  // read-only
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/4"), WriteMode::kReplace, ContentFormat::kTextPlain, text("x")))),
            "4.05");  // executable
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/1/15"), WriteMode::kReplace, ContentFormat::kTextPlain, text("x")))),
            "4.04");
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/13"), WriteMode::kReplace, ContentFormat::kTextPlain, text("abc")))),
            "4.00");  // not a Time
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/15"), WriteMode::kReplace, ContentFormat::kTlv, Bytes{0xC8}))),
            "4.00");  // truncated TLV
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/15"), WriteMode::kReplace, static_cast<ContentFormat>(1234),
                                       text("x")))), "4.15");
  EXPECT_EQ(CodeOf(Do(Operation::Write(P("/3/0/15"), WriteMode::kReplace, ContentFormat::kLwm2mJson, text("{}")))),
            "4.15");  // LwM2M JSON is not spoken by a 1.2 client
}

TEST_F(DataModelTest, WritePartialUpdateKeepsOtherResources) {
  dm.SetValue(P("/3/0/14"), Value::String("+01:00"));
  Bytes payload = Enc(ContentFormat::kSenmlJson, {{P("/3/0/15"), Value::String("Europe/Paris"), {}}});
  auto r = Do(Operation::Write(P("/3/0"), WriteMode::kPartialUpdate, ContentFormat::kSenmlJson, payload));
  EXPECT_EQ(CodeOf(r), "2.04") << Text(r);
  EXPECT_EQ(dm.GetValue(P("/3/0/15"))->AsString(), "Europe/Paris");
  EXPECT_EQ(dm.GetValue(P("/3/0/14"))->AsString(), "+01:00");
}

TEST_F(DataModelTest, WriteReplaceInstanceRemovesAbsentOptionalWritables) {
  dm.SetValue(P("/3/0/14"), Value::String("+01:00"));
  Bytes payload = Enc(ContentFormat::kTlv, {{P("/3/0/15"), Value::String("UTC"), {}}}, P("/3/0"));
  auto r = Do(Operation::Write(P("/3/0"), WriteMode::kReplace, ContentFormat::kTlv, payload));
  EXPECT_EQ(CodeOf(r), "2.04") << Text(r);
  EXPECT_FALSE(dm.GetValue(P("/3/0/14")).has_value());
  EXPECT_EQ(dm.GetValue(P("/3/0/0"))->AsString(), "lwm2m-harness");  // read-only stays
}

TEST_F(DataModelTest, WriteInstanceContainingReadOnlyIs405AndAtomic) {
  Bytes payload = Enc(ContentFormat::kSenmlCbor,
                      {{P("/3/0/15"), Value::String("A"), {}}, {P("/3/0/0"), Value::String("evil"), {}}});
  auto r = Do(Operation::Write(P("/3/0"), WriteMode::kPartialUpdate, ContentFormat::kSenmlCbor, payload));
  EXPECT_EQ(CodeOf(r), "4.05");
  EXPECT_FALSE(dm.GetValue(P("/3/0/15")).has_value());
}

TEST_F(DataModelTest, WriteMultipleResourceReplaceAndMerge) {
  dm.SetMulti(P("/1/0/25"), {{0, Value::String("1.1")}, {1, Value::String("1.2")}});
  Bytes one = Enc(ContentFormat::kSenmlJson, {{P("/1/0/25/5"), Value::String("1.0"), {}}});
  auto merge = Do(Operation::Write(P("/1/0/25"), WriteMode::kPartialUpdate, ContentFormat::kSenmlJson, one));
  EXPECT_EQ(CodeOf(merge), "2.04") << Text(merge);
  EXPECT_EQ(dm.Read(P("/1/0/25")).records.size(), 3u);
  auto replace = Do(Operation::Write(P("/1/0/25"), WriteMode::kReplace, ContentFormat::kSenmlJson, one));
  EXPECT_EQ(CodeOf(replace), "2.04");
  ASSERT_EQ(dm.Read(P("/1/0/25")).records.size(), 1u);
  EXPECT_EQ(dm.GetValue(P("/1/0/25/5"))->AsString(), "1.0");
}

// ---- Write-Composite ----

TEST_F(DataModelTest, WriteCompositeWritesAllOrNothing) {
  Bytes ok = Enc(ContentFormat::kSenmlCbor,
                 {{P("/3/0/15"), Value::String("Z"), {}}, {P("/1/0/1"), Value::UnsignedInteger(60), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::WriteComposite(ContentFormat::kSenmlCbor, ok))), "2.04");
  EXPECT_EQ(dm.GetValue(P("/1/0/1"))->AsUnsigned(), 60u);
  Bytes bad = Enc(ContentFormat::kSenmlCbor,
                  {{P("/3/0/15"), Value::String("Y"), {}}, {P("/3/0/0"), Value::String("no"), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::WriteComposite(ContentFormat::kSenmlCbor, bad))), "4.05");
  EXPECT_EQ(dm.GetValue(P("/3/0/15"))->AsString(), "Z");
  Bytes missing = Enc(ContentFormat::kSenmlJson, {{P("/3303/7/5700"), Value::Float(1), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::WriteComposite(ContentFormat::kSenmlJson, missing))), "4.04");
}

// ---- Write-Attributes and Discover ----

TEST_F(DataModelTest, WriteAttributesAttachAndDiscoverReportsThem) {
  NotificationAttributes a;
  a.pmin = 5;
  a.pmax = 60;
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0"), a))), "2.04");
  NotificationAttributes g;
  g.gt = 25;
  g.lt = 10;
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0/5700"), g))), "2.04");
  EXPECT_EQ(dm.AttachedAttributes(101, P("/3303/0")).pmin, 5u);
  auto inh = dm.InheritedAttributes(101, P("/3303/0/5700"));
  EXPECT_EQ(inh.pmax, 60u);
  EXPECT_EQ(inh.gt, 25.0);
  auto d = Do(Operation::Discover(P("/3303/0")));
  ASSERT_EQ(CodeOf(d), "2.05");
  EXPECT_EQ(d.GetContentFormat(), ContentFormat::kLinkFormat);
  std::string t = Text(d);
  EXPECT_NE(t.find("</3303/0>;pmin=5;pmax=60"), std::string::npos) << t;
  EXPECT_NE(t.find("</3303/0/5700>;gt=25;lt=10"), std::string::npos) << t;
  auto links = ParseLinkFormat(t);
  EXPECT_FALSE(links.HasErrors());
  EXPECT_FALSE(HasErrors(CheckDiscoverPayload(links.links, P("/3303/0"), &ModelRegistry::Builtin(), "1.2")));
  // Other servers do not see them.
  EXPECT_TRUE(dm.AttachedAttributes(102, P("/3303/0")).empty());
  // Discover on the resource reports what it inherits from the instance too.
  EXPECT_EQ(Text(Do(Operation::Discover(P("/3303/0/5700")))), "</3303/0/5700>;pmin=5;pmax=60;gt=25;lt=10");
  EXPECT_EQ(Text(Do(Operation::Discover(P("/3303/0/5700")), Requester::Server(202))).find("pmin"), std::string::npos);
}

TEST_F(DataModelTest, WriteAttributesUnsetRemoves) {
  NotificationAttributes a;
  a.pmin = 5;
  Do(Operation::WriteAttributes(P("/3/0/9"), a));
  NotificationAttributes u;
  u.unset = {NotificationAttribute::kPmin};
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3/0/9"), u))), "2.04");
  EXPECT_FALSE(dm.AttachedAttributes(101, P("/3/0/9")).pmin.has_value());
}

TEST_F(DataModelTest, WriteAttributesRejectsInconsistentValues) {
  NotificationAttributes a;
  a.gt = 10;
  a.lt = 20;  // lt >= gt
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0/5700"), a))), "4.00");
  NotificationAttributes g;
  g.gt = 30;
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0/5700"), g))), "2.04");
  NotificationAttributes l;
  l.lt = 20;
  l.st = 6;  // lt + 2*st >= gt once merged with gt=30
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0/5700"), l))), "4.00");
  NotificationAttributes s;
  s.gt = 1;  // numeric attribute on a String resource
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3/0/0"), s))), "4.00");
  NotificationAttributes e;
  e.edge = true;  // edge on a Float
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0/5700"), e))), "4.00");
  NotificationAttributes ok;
  ok.edge = true;
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3200/0/5500"), ok))), "2.04");
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/0"), ok))), "4.00");  // edge on an instance
  NotificationAttributes p;
  p.pmin = 1;
  EXPECT_EQ(CodeOf(Do(Operation::WriteAttributes(P("/3303/9"), p))), "4.04");
}

TEST_F(DataModelTest, DiscoverDepthAndDim) {
  auto obj = Text(Do(Operation::Discover(P("/3"))));
  EXPECT_EQ(obj.rfind("</3>;ver=1.2,</3/0>,</3/0/0>", 0), 0u) << obj;
  EXPECT_NE(obj.find("</3/0/6>;dim=1"), std::string::npos);
  EXPECT_EQ(obj.find("</3/0/6/0>"), std::string::npos);  // default depth 2 for an Object
  auto d0 = Text(Do(Operation::Discover(P("/3"), 0)));
  EXPECT_EQ(d0, "</3>;ver=1.2");
  auto d1 = Text(Do(Operation::Discover(P("/3"), 1)));
  EXPECT_EQ(d1, "</3>;ver=1.2,</3/0>");
  auto d3 = Text(Do(Operation::Discover(P("/3/0"), 3)));
  EXPECT_NE(d3.find("</3/0/6/0>"), std::string::npos);
  auto res = Text(Do(Operation::Discover(P("/3/0/11"))));
  EXPECT_EQ(res, "</3/0/11>;dim=1,</3/0/11/0>");
  EXPECT_EQ(CodeOf(Do(Operation::Discover(P("/3/0/7")))), "4.04");
  // A 1.1 client ignores depth.
  DmFixture f11({.enabler_version = "1.1"});
  EXPECT_EQ(Text(f11.Do(Operation::Discover(P("/3/0/11"), 3))), "</3/0/11>;dim=1");
}

// ---- Execute ----

TEST_F(DataModelTest, ExecuteCallsTheActionWithArguments) {
  std::string got;
  dm.SetExecuteAction(P("/3/0/4"), [&](const Path& p, const std::string& args, const Requester& who) {
    got = p.ToString() + " " + args + " " + std::to_string(who.ssid);
    return Status::Ok();
  });
  auto r = Do(Operation::Execute(P("/3/0/4"), {{0, std::string("abc")}, {1, std::nullopt}}));
  EXPECT_EQ(CodeOf(r), "2.04");
  EXPECT_EQ(got, "/3/0/4 0='abc',1 101");
  dm.SetExecuteAction(P("/3/0/5"), [](const Path&, const std::string&, const Requester&) {
    return Status{StatusCode::kBadRequest, "argument not understood"};
  });
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3/0/5")))), "4.00");
}

TEST_F(DataModelTest, ExecuteOnNonExecutableIs405) {
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3/0/0")))), "4.05");
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3/0/13")))), "4.05");
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3/7/4")))), "4.04");
  CoapMessage bad = Operation::Execute(P("/3/0/4")).ToCoap();
  bad.payload = {'x', 'y'};
  EXPECT_EQ(CodeOf(dm.Handle(bad, Requester::Server(101))), "4.00");  // argument syntax
}

// ---- Create / Delete ----

TEST_F(DataModelTest, CreateWithInstanceIdReturnsLocation) {
  Bytes payload = Enc(ContentFormat::kSenmlJson, {{P("/3303/5/5700"), Value::Float(3.5), {}},
                                                   {P("/3303/5/5750"), Value::String("room"), {}}});
  dm.EnableObject(3303);
  auto r = Do(Operation::Create(P("/3303"), ContentFormat::kSenmlJson, payload));
  // 5700 is read-only: ignored ([FL] DM-09); 3303 has no 5750 -> 4.04
  EXPECT_EQ(CodeOf(r), "4.04") << Text(r);
  Bytes p2 = Enc(ContentFormat::kSenmlJson, {{P("/3303/5/5700"), Value::Float(3.5), {}},
                                              {P("/3303/5/5701"), Value::String("K"), {}}});
  auto c = Do(Operation::Create(P("/3303"), ContentFormat::kSenmlJson, p2));
  EXPECT_EQ(CodeOf(c), "2.01") << Text(c);
  EXPECT_EQ(c.LocationPath(), "/3303/5");
  EXPECT_TRUE(dm.Exists(P("/3303/5")));
  EXPECT_FALSE(dm.GetValue(P("/3303/5/5700")).has_value());
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/3303"), ContentFormat::kSenmlJson, p2))), "4.00");  // exists
}

TEST_F(DataModelTest, CreateWithoutInstanceIdAssignsOne) {
  // TLV of bare resources: no Object Instance wrapper, the client picks the id (Core TS 1.2 §6.3.6).
  Bytes tlv = Enc(ContentFormat::kTlv, {{P("/3200/0/5750"), Value::String("door"), {}}}, P("/3200/0"));
  auto r = Do(Operation::Create(P("/3200"), ContentFormat::kTlv, tlv));
  ASSERT_EQ(CodeOf(r), "2.01") << Text(r);
  EXPECT_EQ(r.LocationPath(), "/3200/1");
  EXPECT_EQ(dm.GetValue(P("/3200/1/5750"))->AsString(), "door");
  auto cls = ClassifyResponse(Operation::Create(P("/3200"), ContentFormat::kTlv, tlv), r);
  EXPECT_EQ(cls.kind, ResponseKind::kSuccess);
  EXPECT_EQ(cls.created, P("/3200/1"));
}

TEST_F(DataModelTest, CreateWithPartialResourcesIsAcceptedDmse002) {
  // DMSE-002: /3200 has mandatory 5500 (read-only) and the Create names only an optional resource.
  Bytes tlv = Enc(ContentFormat::kTlv, {{P("/3200/4/5502"), Value::Boolean(true), {}}}, P("/3200"));
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/3200"), ContentFormat::kTlv, tlv))), "2.01");
  // /2 has the mandatory writable Access Control Owner (3): the fault refuses a Create without it.
  DmFixture f({.faults = {"create-ignores-partial"}});
  Bytes part = Enc(ContentFormat::kSenmlJson, {{P("/2/0/2/101"), Value::Integer(1), {}}});
  f.dm.EnableObject(2);
  auto refused = f.Do(Operation::Create(P("/2"), ContentFormat::kSenmlJson, part));
  EXPECT_EQ(CodeOf(refused), "4.00");
  EXPECT_NE(Text(refused).find("Mandatory Resource 3"), std::string::npos) << Text(refused);
  DmFixture g;
  g.dm.EnableObject(2);
  auto ok = g.Do(Operation::Create(P("/2"), ContentFormat::kSenmlJson, part));
  EXPECT_EQ(CodeOf(ok), "2.01") << Text(ok);
  EXPECT_EQ(g.dm.GetValue(P("/2/0/2/101"))->AsInteger(), 1);
  // A 1.1 client keeps the older rule.
  DmFixture h({.enabler_version = "1.1"});
  h.dm.EnableObject(2);
  auto r11 = h.Do(Operation::Create(P("/2"), ContentFormat::kSenmlJson, part));
  EXPECT_EQ(CodeOf(r11), "4.00");
  EXPECT_NE(Text(r11).find("Mandatory Resource 3"), std::string::npos) << Text(r11);
}

TEST_F(DataModelTest, CreateRefusals) {
  Bytes payload = Enc(ContentFormat::kSenmlJson, {{P("/3/1/15"), Value::String("x"), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/3"), ContentFormat::kSenmlJson, payload))), "4.05");  // ETS int-680
  DmFixture f({.refuse_create = true});
  Bytes t = Enc(ContentFormat::kSenmlJson, {{P("/3200/3/5750"), Value::String("x"), {}}});
  EXPECT_EQ(CodeOf(f.Do(Operation::Create(P("/3200"), ContentFormat::kSenmlJson, t))), "4.05");  // DMSE-001
  DmFixture g({.faults = {"create-delete-not-refused"}, .refuse_create = true});
  EXPECT_EQ(CodeOf(g.Do(Operation::Create(P("/3200"), ContentFormat::kSenmlJson, t))), "2.01");
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/6"), ContentFormat::kSenmlJson, t))), "4.04");
}

TEST_F(DataModelTest, DeleteInstanceAndRefusals) {
  dm.CreateInstance(3200, 7);
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/3200/7")))), "2.02");
  EXPECT_FALSE(dm.Exists(P("/3200/7")));
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/3200/7")))), "4.04");
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/3/0")))), "4.05");  // ETS int-685
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/1/0")))), "4.05");
  DmFixture f({.refuse_delete = true});
  EXPECT_EQ(CodeOf(f.Do(Operation::Delete(P("/3200/0")))), "4.05");
  EXPECT_TRUE(f.dm.Exists(P("/3200/0")));
  DmFixture g({.faults = {"create-delete-not-refused"}, .refuse_delete = true});
  EXPECT_EQ(CodeOf(g.Do(Operation::Delete(P("/3200/0")))), "2.02");
}

TEST_F(DataModelTest, DeleteResourceInstance) {
  dm.SetMulti(P("/1/0/25"), {{0, Value::String("1.1")}, {1, Value::String("1.2")}});
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/1/0/25/0")))), "2.02");
  EXPECT_FALSE(dm.Exists(P("/1/0/25/0")));
  EXPECT_EQ(CodeOf(Do(Operation::Delete(P("/3/0/11/0")))), "4.05");  // read-only resource
}

// ---- access control with several servers ----

TEST_F(DataModelTest, AccessControlAppliesWithTwoServers) {
  AddServer(1, 202, 2);
  ASSERT_EQ(dm.ServerCount(), 2u);
  // No ACL instance for /3303/0: nobody has rights.
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3303/0/5700")))), "4.01");
  dm.CreateInstance(2, 0);
  dm.SetValue(P("/2/0/0"), Value::Integer(3303));
  dm.SetValue(P("/2/0/1"), Value::Integer(0));
  dm.SetValue(P("/2/0/3"), Value::Integer(101));         // owner 101
  dm.SetMulti(P("/2/0/2"), {{202, Value::Integer(1)}});  // 202 may read only
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3303/0/5700")))), "2.05");
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3303/0/5700")), Requester::Server(202))), "2.05");
  NotificationAttributes a;
  a.pmin = 1;
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3303/0/5605")), Requester::Server(202))), "4.01");
  EXPECT_EQ(CodeOf(Do(Operation::Execute(P("/3303/0/5605")))), "2.04");  // the owner
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3303/0/5700")), Requester::Server(303))), "4.01");
  // Create needs the object-level ACL instance (instance id 65535) with the Create bit.
  Bytes t = Enc(ContentFormat::kSenmlJson, {{P("/3303/1/5701"), Value::String("K"), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/3303"), ContentFormat::kSenmlJson, t), Requester::Server(202))), "4.01");
  dm.CreateInstance(2, 1);
  dm.SetValue(P("/2/1/0"), Value::Integer(3303));
  dm.SetValue(P("/2/1/1"), Value::Integer(65535));
  dm.SetValue(P("/2/1/3"), Value::Integer(101));
  dm.SetMulti(P("/2/1/2"), {{202, Value::Integer(16)}});
  auto c = Do(Operation::Create(P("/3303"), ContentFormat::kSenmlJson, t), Requester::Server(202));
  EXPECT_EQ(CodeOf(c), "2.01");
  // The new instance gets its ACL instance, owned by its creator.
  bool owned = false;
  for (uint16_t i : dm.Instances(2))
    if (dm.GetValue(Path{2, i, 0})->AsInteger() == 3303 && dm.GetValue(Path{2, i, 1})->AsInteger() == 1)
      owned = dm.GetValue(Path{2, i, 3})->AsInteger() == 202;
  EXPECT_TRUE(owned);
  EXPECT_EQ(CodeOf(Do(Operation::Read(P("/3303/1")), Requester::Server(202))), "2.05");
}

// ---- Register payload ----

TEST_F(DataModelTest, RegisterLinksOmitSecurityAndDeclareVersions) {
  dm.EnableObject(9);
  std::string links = dm.RegisterLinks({});
  EXPECT_EQ(links.rfind("</>;ct=\"60 110 112 11542 11544\"", 0), 0u) << links;
  EXPECT_EQ(links.find("</0"), std::string::npos);
  EXPECT_NE(links.find("</1/0>"), std::string::npos);
  EXPECT_NE(links.find("</3/0>"), std::string::npos);
  EXPECT_NE(links.find("</9>;ver=1.1"), std::string::npos) << links;
  auto parsed = ParseLinkFormat(links);
  EXPECT_FALSE(parsed.HasErrors());
  EXPECT_FALSE(HasErrors(CheckRegisterPayload(parsed.links, "1.2")));
  std::string alt = dm.RegisterLinks({.root_path = "/lwm2m"});
  EXPECT_EQ(alt.rfind("</lwm2m>;rt=\"oma.lwm2m\"", 0), 0u) << alt;
  EXPECT_NE(alt.find("</lwm2m/3/0>"), std::string::npos);
  EXPECT_FALSE(HasErrors(CheckRegisterPayload(ParseLinkFormat(alt).links, "1.2")));
}

TEST_F(DataModelTest, OnChangeReportsWritesAndWho) {
  std::vector<std::string> seen;
  dm.SetOnChange([&](const Path& p, const Requester& who) { seen.push_back(p.ToString() + "@" + std::to_string(who.ssid)); });
  Bytes v = Enc(ContentFormat::kTextPlain, {{P("/3/0/15"), Value::String("X"), {}}}, P("/3/0/15"));
  Do(Operation::Write(P("/3/0/15"), WriteMode::kReplace, ContentFormat::kTextPlain, v));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "/3/0/15@101");
}

TEST_F(DataModelTest, CreateWithLwm2mCborUnassignedInstance) {
  // Core TS 1.2.1 §7.5.4: instance 65535 in LwM2M CBOR names no instance; the client assigns one.
  Bytes cbor = Enc(ContentFormat::kLwm2mCbor,
                   {{Path::UnassignedInstance(3200).Child(5750), Value::String("window"), {}}}, P("/3200"));
  auto r = Do(Operation::Create(P("/3200"), ContentFormat::kLwm2mCbor, cbor));
  ASSERT_EQ(CodeOf(r), "2.01") << Text(r);
  EXPECT_EQ(r.LocationPath(), "/3200/1");
  EXPECT_EQ(dm.GetValue(P("/3200/1/5750"))->AsString(), "window");
}

TEST_F(DataModelTest, CreateWithTlvNamedInstance) {
  Bytes tlv = Enc(ContentFormat::kTlv, {{P("/3200/9/5750"), Value::String("n"), {}}}, P("/3200"));
  auto r = Do(Operation::Create(P("/3200"), ContentFormat::kTlv, tlv));
  ASSERT_EQ(CodeOf(r), "2.01") << Text(r);
  EXPECT_EQ(r.LocationPath(), "/3200/9");
  Bytes two = Enc(ContentFormat::kSenmlJson, {{P("/3200/10/5750"), Value::String("a"), {}},
                                              {P("/3200/11/5750"), Value::String("b"), {}}});
  EXPECT_EQ(CodeOf(Do(Operation::Create(P("/3200"), ContentFormat::kSenmlJson, two))), "4.00");
  EXPECT_FALSE(dm.Exists(P("/3200/10")));
}

TEST_F(DataModelTest, WriteCompositeEtchRemovesResourceInstance) {
  dm.SetMulti(P("/1/0/25"), {{0, Value::String("1.1")}, {1, Value::String("1.2")}});
  Bytes etch = Enc(ContentFormat::kSenmlEtchJson, {{P("/1/0/25/0"), {}, {}}, {P("/1/0/1"), Value::UnsignedInteger(9), {}}});
  auto r = Do(Operation::WriteComposite(ContentFormat::kSenmlEtchJson, etch));
  ASSERT_EQ(CodeOf(r), "2.04") << Text(r);
  EXPECT_FALSE(dm.Exists(P("/1/0/25/0")));
  EXPECT_TRUE(dm.Exists(P("/1/0/25/1")));
  EXPECT_EQ(dm.GetValue(P("/1/0/1"))->AsUnsigned(), 9u);
}

TEST_F(DataModelTest, GatewayPrefixIsNotFound) {
  EXPECT_EQ(CodeOf(dm.Handle(CoapMessage::Request(CoapCode::kGet, "/dev1/3/0"), Requester::Server(101))), "4.04");
}

TEST_F(DataModelTest, Lwm2m10RegisterAndDiscoverQuoteVer) {
  DmFixture f({.enabler_version = "1.0"});
  f.dm.EnableObject(9);
  std::string links = f.dm.RegisterLinks({});
  EXPECT_EQ(links.find("</>"), std::string::npos) << links;  // no ct in 1.0
  EXPECT_NE(links.find("</3>;ver=\"1.2\""), std::string::npos) << links;
  EXPECT_FALSE(HasErrors(CheckRegisterPayload(ParseLinkFormat(links).links, "1.0")));
  EXPECT_EQ(Text(f.Do(Operation::Discover(P("/3"), 0))).rfind("</3>;ver=\"1.2\"", 0), 0u);
}

TEST_F(DataModelTest, ObjectWithoutInstancesReadsEmptyAndIsRegistered) {
  dm.EnableObject(9);
  auto r = Do(Operation::Read(P("/9")));
  ASSERT_EQ(CodeOf(r), "2.05");
  EXPECT_TRUE(Dec(r).empty());
  EXPECT_NE(dm.RegisterLinks({}).find("</9>"), std::string::npos);
  EXPECT_EQ(Text(Do(Operation::Discover(P("/9")))), "</9>;ver=1.1");
}

TEST_F(DataModelTest, GarbageNeverCrashes) {
  // Random-ish requests: every one gets a response code.
  for (uint8_t code : {CoapCode::kGet, CoapCode::kPost, CoapCode::kPut, CoapCode::kDelete, CoapCode::kFetch,
                       CoapCode::kIPatch, CoapCode::kPatch}) {
    for (const char* path : {"/", "/3", "/3/0", "/3/0/0", "/65535", "/x/y", "/3/0/6/0"}) {
      CoapMessage m = CoapMessage::Request(code, path);
      m.payload = {0xFF, 0x00, 0x13};
      m.SetContentFormat(ContentFormat::kTlv);
      CoapMessage r = dm.Handle(m, Requester::Server(101));
      EXPECT_TRUE(r.IsResponse()) << CoapCodeName(code) << " " << path;
    }
  }
}

TEST_F(DataModelTest, RandomPayloadsInEveryFormatNeverCrash) {
  // Deterministic pseudo-random payloads (seeded) against every method, format and requester.
  uint32_t x = 12345;
  auto next = [&] { return x = x * 1103515245u + 12345u; };
  const ContentFormat formats[] = {ContentFormat::kTextPlain, ContentFormat::kOpaque, ContentFormat::kCbor,
                                   ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor, ContentFormat::kSenmlEtchJson,
                                   ContentFormat::kSenmlEtchCbor, ContentFormat::kTlv, ContentFormat::kLwm2mCbor};
  const char* paths[] = {"/", "/1", "/1/0", "/1/0/1", "/3/0/15", "/3200", "/5/0/0", "/5/0/1", "/1/0/25/3"};
  const uint8_t methods[] = {CoapCode::kPut, CoapCode::kPost, CoapCode::kFetch, CoapCode::kIPatch};
  int responses = 0;
  for (int i = 0; i < 600; ++i) {
    CoapMessage m = CoapMessage::Request(methods[next() % 4], paths[next() % 9]);
    m.SetContentFormat(formats[next() % 9]);
    size_t n = next() % 24;
    for (size_t k = 0; k < n; ++k) m.payload.push_back(static_cast<uint8_t>(next() >> 13));
    Requester who = (i % 3 == 0) ? Requester::Bootstrap() : Requester::Server(101);
    CoapMessage r = dm.Handle(m, who);
    if (r.IsResponse()) ++responses;
  }
  EXPECT_EQ(responses, 600);
  EXPECT_TRUE(dm.Exists(P("/3/0")));
}

}  // namespace
}  // namespace lwm2m::refclient
