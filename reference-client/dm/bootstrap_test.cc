// Bootstrap-Server operations on the data model: Bootstrap-Write/Read/Discover/Delete, the
// Bootstrap-Finish consistency check, and provisioning sources (BOOT-PROV-001/002).
#include <gtest/gtest.h>

#include "reference-client/dm/data_model.h"
#include "reference-client/dm/test_support.h"

namespace lwm2m::refclient {
namespace {

using namespace test;

class BootstrapTest : public ::testing::Test, public DmFixture {
 protected:
  // A DM account for ssid `ssid` in /0/sec and /1/srv, written as the Bootstrap-Server would.
  void WriteAccount(uint16_t sec, uint16_t srv, uint16_t ssid, ContentFormat f = ContentFormat::kTlv) {
    Path s{0, sec};
    Bytes sp = Enc(f, {{s.Child(0), Value::String("coap://127.0.0.1:5700"), {}},
                       {s.Child(1), Value::Boolean(false), {}},
                       {s.Child(2), Value::Integer(3), {}},
                       {s.Child(10), Value::Integer(ssid), {}}},
                   s);
    auto r = Boot(Operation::BootstrapWrite(s, f, sp));
    ASSERT_EQ(CodeOf(r), "2.04") << Text(r);
    Path v{1, srv};
    Bytes vp = Enc(f, {{v.Child(0), Value::Integer(ssid), {}},
                       {v.Child(1), Value::UnsignedInteger(60), {}},
                       {v.Child(6), Value::Boolean(true), {}},
                       {v.Child(7), Value::String("U"), {}}},
                   v);
    auto r2 = Boot(Operation::BootstrapWrite(v, f, vp));
    ASSERT_EQ(CodeOf(r2), "2.04") << Text(r2);
  }
};

TEST_F(BootstrapTest, WriteCreatesInstancesAndReadOnlyResources) {
  WriteAccount(5, 5, 555);
  EXPECT_EQ(dm.GetValue(P("/1/5/0"))->AsInteger(), 555);  // R for a server, written by the BS
  EXPECT_EQ(dm.GetValue(P("/0/5/10"))->AsInteger(), 555);
  EXPECT_EQ(dm.SourceOf(P("/0/5")), ProvisioningSource::kBootstrapServer);
  EXPECT_EQ(dm.SourceOf(P("/1/5")), ProvisioningSource::kBootstrapServer);
  WriteAccount(6, 6, 666, ContentFormat::kSenmlCbor);
  EXPECT_EQ(dm.GetValue(P("/1/6/1"))->AsUnsigned(), 60u);
}

TEST_F(BootstrapTest, WriteOnObjectAndResource) {
  Bytes two = Enc(ContentFormat::kSenmlJson, {{P("/3303/4/5750"), Value::String("a"), {}},
                                              {P("/3303/5/5750"), Value::String("b"), {}}});
  // 3303 v1.0 has no 5750: 4.04 for an unknown resource.
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapWrite(P("/3303"), ContentFormat::kSenmlJson, two))), "4.04");
  Bytes ok = Enc(ContentFormat::kSenmlJson, {{P("/3200/4/5750"), Value::String("a"), {}},
                                             {P("/3200/5/5750"), Value::String("b"), {}}});
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapWrite(P("/3200"), ContentFormat::kSenmlJson, ok))), "2.04");
  EXPECT_EQ(dm.GetValue(P("/3200/5/5750"))->AsString(), "b");
  Bytes lt = Enc(ContentFormat::kTextPlain, {{P("/1/0/1"), Value::UnsignedInteger(77), {}}}, P("/1/0/1"));
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapWrite(P("/1/0/1"), ContentFormat::kTextPlain, lt))), "2.04");
  EXPECT_EQ(dm.GetValue(P("/1/0/1"))->AsUnsigned(), 77u);
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapWrite(P("/1/0/1"), ContentFormat::kTlv, Bytes{0xC8}))), "4.00");
}

TEST_F(BootstrapTest, WriteObjectWithBareResourcesTargetsInstanceZero) {
  Bytes tlv = Enc(ContentFormat::kTlv, {{P("/3/0/15"), Value::String("Asia/Tokyo"), {}}}, P("/3/0"));
  auto r = Boot(Operation::BootstrapWrite(P("/3"), ContentFormat::kTlv, tlv));
  ASSERT_EQ(CodeOf(r), "2.04") << Text(r);
  EXPECT_EQ(dm.GetValue(P("/3/0/15"))->AsString(), "Asia/Tokyo");
  EXPECT_EQ(dm.GetValue(P("/3/0/0"))->AsString(), "lwm2m-harness");  // the instance is kept
}

TEST_F(BootstrapTest, ReadServerObjectOnly) {
  auto r = Boot(Operation::BootstrapRead(P("/1")));
  ASSERT_EQ(CodeOf(r), "2.05") << Text(r);
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kSenmlCbor);
  auto recs = Dec(r);
  EXPECT_EQ(Find(recs, "/1/0/0")->value.ConvertTo(DataType::kInteger)->AsInteger(), 101);
  auto t = Boot(Operation::BootstrapRead(P("/1/0"), ContentFormat::kTlv));
  ASSERT_EQ(CodeOf(t), "2.05");
  EXPECT_EQ(Find(Dec(t, P("/1/0")), "/1/0/7")->value.AsString(), "U");
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapRead(P("/3/0")))), "4.05");
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapRead(P("/0")))), "4.05");
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapRead(P("/1"), ContentFormat::kTextPlain))), "4.06");
  DmFixture f10({.enabler_version = "1.0"});
  EXPECT_EQ(CodeOf(f10.Boot(Operation::BootstrapRead(P("/1")))), "4.05");
}

TEST_F(BootstrapTest, DiscoverListsAccountsWithSsidAndUri) {
  auto r = Boot(Operation::BootstrapDiscover());
  ASSERT_EQ(CodeOf(r), "2.05");
  EXPECT_EQ(r.GetContentFormat(), ContentFormat::kLinkFormat);
  std::string t = Text(r);
  EXPECT_EQ(t.rfind("</>;lwm2m=\"1.2\",", 0), 0u) << t;
  EXPECT_NE(t.find("</0/0>;uri=\"coap://bs.example:5683\""), std::string::npos) << t;
  EXPECT_NE(t.find("</0/1>;ssid=101;uri=\"coap://127.0.0.1:5784\""), std::string::npos) << t;
  EXPECT_NE(t.find("</1/0>;ssid=101"), std::string::npos);
  EXPECT_NE(t.find("</3/0>"), std::string::npos);
  auto parsed = ParseLinkFormat(t);
  EXPECT_FALSE(parsed.HasErrors());
  EXPECT_FALSE(HasErrors(CheckBootstrapDiscoverPayload(parsed.links, "1.2")));
  auto one = Text(Boot(Operation::BootstrapDiscover(P("/1"))));
  EXPECT_EQ(one, "</1/0>;ssid=101");
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapDiscover(P("/6")))), "4.04");
}

TEST_F(BootstrapTest, DeleteAllKeepsBootstrapAccountAndDevice) {
  auto r = Boot(Operation::BootstrapDelete());
  EXPECT_EQ(CodeOf(r), "2.02");
  EXPECT_TRUE(dm.Exists(P("/0/0")));   // the Bootstrap-Server Account
  EXPECT_FALSE(dm.Exists(P("/0/1")));
  EXPECT_FALSE(dm.Exists(P("/1/0")));
  EXPECT_TRUE(dm.Exists(P("/3/0")));
  EXPECT_FALSE(dm.Exists(P("/3303/0")));
  EXPECT_EQ(dm.CheckBootstrapConsistency().code(), StatusCode::kNotAcceptable);
}

TEST_F(BootstrapTest, DeleteObjectAndInstance) {
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapDelete(P("/0")))), "2.02");
  EXPECT_TRUE(dm.Exists(P("/0/0")));
  EXPECT_FALSE(dm.Exists(P("/0/1")));
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapDelete(P("/0/0")))), "4.00");  // the BS account
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapDelete(P("/1/0")))), "2.02");
  EXPECT_FALSE(dm.Exists(P("/1/0")));
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapDelete(P("/1/0")))), "4.04");
}

TEST_F(BootstrapTest, FinishConsistency) {
  EXPECT_TRUE(dm.CheckBootstrapConsistency().ok());
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapFinish())), "2.04");
  // A /1 instance without a /0 instance of the same Short Server ID.
  dm.SetValue(P("/1/3/0"), Value::Integer(303));
  Status s = dm.CheckBootstrapConsistency();
  EXPECT_EQ(s.code(), StatusCode::kNotAcceptable);
  EXPECT_NE(s.message().find("303"), std::string::npos);
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapFinish())), "4.06");
  DmFixture f({.faults = {"finish-always-ok"}});
  f.dm.SetValue(P("/1/3/0"), Value::Integer(303));
  EXPECT_TRUE(f.dm.CheckBootstrapConsistency().ok());
}

TEST_F(BootstrapTest, NoServerAccountIsInconsistent) {
  Boot(Operation::BootstrapDelete());
  EXPECT_EQ(dm.CheckBootstrapConsistency().code(), StatusCode::kNotAcceptable);
  WriteAccount(1, 0, 7);
  EXPECT_TRUE(dm.CheckBootstrapConsistency().ok());
}

TEST_F(BootstrapTest, SmartcardProvisionedAccountIsNotOverriddenBootProv002) {
  AddServer(2, 202, 2, ProvisioningSource::kSmartCard);
  EXPECT_EQ(dm.SourceOf(P("/1/2")), ProvisioningSource::kSmartCard);
  Bytes vp = Enc(ContentFormat::kTlv, {{P("/1/2/1"), Value::UnsignedInteger(5), {}}}, P("/1/2"));
  auto r = Boot(Operation::BootstrapWrite(P("/1/2"), ContentFormat::kTlv, vp));
  EXPECT_EQ(CodeOf(r), "4.00");
  EXPECT_EQ(dm.GetValue(P("/1/2/1"))->AsUnsigned(), 300u);
  ASSERT_EQ(dm.ProvisioningRefusals().size(), 1u);
  EXPECT_NE(dm.ProvisioningRefusals()[0].find("smartcard"), std::string::npos);
  // Bootstrap-Delete / keeps the smartcard's instances too.
  Boot(Operation::BootstrapDelete());
  EXPECT_TRUE(dm.Exists(P("/1/2")));
  EXPECT_TRUE(dm.Exists(P("/0/2")));
  EXPECT_FALSE(dm.Exists(P("/1/0")));
  // The factory source is below the Bootstrap-Server: its account may be replaced.
  EXPECT_EQ(dm.SetValue(P("/0/0/0"), Value::String("coap://x"), ProvisioningSource::kFactory).code(),
            StatusCode::kOk);
  EXPECT_EQ(dm.SetValue(P("/1/2/1"), Value::UnsignedInteger(1), ProvisioningSource::kFactory).code(),
            StatusCode::kUnauthorized);
  EXPECT_TRUE(dm.SetValue(P("/1/2/1"), Value::UnsignedInteger(1), ProvisioningSource::kLocal).ok());
}

TEST_F(BootstrapTest, FactoryAccountIsReplacedByBootstrapServer) {
  AddServer(2, 202, 2, ProvisioningSource::kFactory);
  Bytes vp = Enc(ContentFormat::kTlv, {{P("/1/2/1"), Value::UnsignedInteger(5), {}}}, P("/1/2"));
  EXPECT_EQ(CodeOf(Boot(Operation::BootstrapWrite(P("/1/2"), ContentFormat::kTlv, vp))), "2.04");
  EXPECT_EQ(dm.SourceOf(P("/1/2")), ProvisioningSource::kBootstrapServer);
}

TEST_F(BootstrapTest, FaultBootstrapSourceOverride) {
  DmFixture f({.faults = {"bootstrap-source-override"}});
  f.AddServer(2, 202, 2, ProvisioningSource::kSmartCard);
  Bytes vp = Enc(ContentFormat::kTlv, {{P("/1/2/1"), Value::UnsignedInteger(5), {}}}, P("/1/2"));
  EXPECT_EQ(CodeOf(f.Boot(Operation::BootstrapWrite(P("/1/2"), ContentFormat::kTlv, vp))), "2.04");
  EXPECT_EQ(f.dm.GetValue(P("/1/2/1"))->AsUnsigned(), 5u);
}

TEST_F(BootstrapTest, BootstrapServerMayNotSendDmOperations) {
  EXPECT_EQ(CodeOf(Boot(Operation::Create(P("/3200"), ContentFormat::kTlv, Bytes{0xC8, 0, 0}))), "4.05");
  EXPECT_EQ(CodeOf(Boot(Operation::WriteComposite(ContentFormat::kSenmlCbor, Bytes{0x80}))), "4.05");
}

}  // namespace
}  // namespace lwm2m::refclient
