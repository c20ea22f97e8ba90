// binding_test.cc: the TRAN-BIND-001..009 selection rules on the transport table.
#include "reference-client/binding.h"

#include <gtest/gtest.h>

namespace lwm2m::refclient {
namespace {

using coap::Transport;

const std::string kUdp = "coap://127.0.0.1:5683";
const std::string kTcp = "coap+tcp://127.0.0.1:5685";
const std::string kDtls = "coaps://127.0.0.1:5684";
const std::string kTls = "coaps+tcp://127.0.0.1:5686";

BindingInputs Both() {
  BindingInputs in;
  in.server_uris = {kUdp, kTcp};
  in.server_binding = "UT";
  in.client_supported = "UT";
  in.client_preference = "UT";
  return in;
}

TEST(TransportTable, HasEveryBindingLetterOfTheTs) {
  std::string letters;
  for (const auto& r : TransportTable()) letters += r.letter;
  EXPECT_EQ(letters, "UTSNMH");
  EXPECT_TRUE(FindTransportRow('U')->available);
  EXPECT_TRUE(FindTransportRow('T')->available);
  EXPECT_FALSE(FindTransportRow('M')->available);
  EXPECT_EQ(FindTransportRow('X'), nullptr);
}

TEST(TransportTable, RowForUriKnowsSecureSchemes) {
  auto r = RowForUri(kTls);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first->letter, 'T');
  EXPECT_TRUE(r->second);
  EXPECT_EQ(RowForUri(kUdp)->first->letter, 'U');
  EXPECT_FALSE(RowForUri(kUdp)->second);
  EXPECT_FALSE(RowForUri("gopher://x").has_value());
  EXPECT_FALSE(RowForUri("no-scheme").has_value());
}

TEST(BindingLetters, DropsQueueModeAndUnknownLetters) {
  EXPECT_EQ(BindingLetters("UQ"), "U");
  EXPECT_EQ(BindingLetters("UQS"), "US");
  EXPECT_EQ(BindingLetters("TUX"), "TU");
  EXPECT_EQ(BindingLetters("UU"), "U");
}

TEST(SelectTransport, PreferredTransportWinsOverClientPreference) {  // TRAN-BIND-001
  BindingInputs in = Both();
  in.preferred_transport = "T";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->transport, Transport::kTcp);
  EXPECT_EQ(c->uri, kTcp);
  EXPECT_NE(c->rule.find("TRAN-BIND-001"), std::string::npos);
}

TEST(SelectTransport, PreferredTransportUnusableFallsBackToCommonBinding) {  // "unless unable to do so"
  BindingInputs in = Both();
  in.server_uris = {kUdp};  // no TCP URI
  in.preferred_transport = "T";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->transport, Transport::kUdp);
  EXPECT_NE(c->rule.find("TRAN-BIND-004"), std::string::npos);
}

TEST(SelectTransport, PreferredTransportNotSupportedByClientIsSkipped) {
  BindingInputs in = Both();
  in.client_supported = "U";
  in.preferred_transport = "T";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'U');
}

TEST(SelectTransport, PreferredTransportOfUnavailableRowIsSkipped) {
  BindingInputs in = Both();
  in.client_supported = "UTM";
  in.preferred_transport = "M";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'U');
}

TEST(SelectTransport, FaultIgnorePreferredTransport) {
  BindingInputs in = Both();
  in.preferred_transport = "T";
  in.ignore_preferred_transport = true;
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, ClientPreferenceOrderAmongCommonBindings) {  // TRAN-BIND-004
  BindingInputs in = Both();
  in.client_preference = "TU";
  EXPECT_EQ(SelectTransport(in)->letter, 'T');
  in.client_preference = "UT";
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, BindingNotListedByServerIsNotChosen) {  // TRAN-BIND-004: supported by both
  BindingInputs in = Both();
  in.server_binding = "U";
  in.client_preference = "TU";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'U');
}

TEST(SelectTransport, UdpAssumedSupportedByServer) {  // TRAN-BIND-005
  BindingInputs in = Both();
  in.server_binding = "S";  // the server lists only SMS
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->letter, 'U');
  EXPECT_NE(c->rule.find("TRAN-BIND-005"), std::string::npos);
}

TEST(SelectTransport, SecureSchemeGivesDtlsAndTls) {
  BindingInputs in = Both();
  in.server_uris = {kDtls, kTls};
  EXPECT_EQ(SelectTransport(in)->transport, Transport::kDtls);
  in.preferred_transport = "T";
  EXPECT_EQ(SelectTransport(in)->transport, Transport::kTls);
}

TEST(SelectTransport, SecondaryUriIsUsedForTheOtherTransport) {
  BindingInputs in = Both();
  in.server_uris = {kTcp, kUdp};  // /0/x/0 is TCP, /0/x/25 lists UDP
  in.client_preference = "UT";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->uri, kUdp);
}

TEST(SelectTransport, TriggerArgumentOverridesPreferredTransport) {  // TRAN-BIND-002
  BindingInputs in = Both();
  in.preferred_transport = "U";
  in.trigger_binding = "T";
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'T');
  EXPECT_NE(c->rule.find("TRAN-BIND-002"), std::string::npos);
}

TEST(SelectTransport, TriggerArgumentNotInServerBindingIsIgnored) {  // TRAN-BIND-002 "not indicated as supported"
  BindingInputs in = Both();
  in.server_binding = "U";
  in.trigger_binding = "T";
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, TriggerArgumentUdpAlwaysAllowed) {  // TRAN-BIND-005 applied to the trigger
  BindingInputs in = Both();
  in.server_binding = "T";
  in.client_preference = "TU";
  in.trigger_binding = "U";
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, TriggerArgumentUnsupportedByClientIsIgnored) {
  BindingInputs in = Both();
  in.client_supported = "U";
  in.trigger_binding = "T";
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, FaultIgnoreTriggerBinding) {
  BindingInputs in = Both();
  in.trigger_binding = "T";
  in.ignore_trigger_binding = true;
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, PdnTypeIpPrefersIpBindingInServerList) {  // TRAN-BIND-006
  BindingInputs in = Both();
  in.server_binding = "TN";
  in.client_preference = "NUT";
  in.client_supported = "UTN";
  in.pdn_type = 1;  // IPv4
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'T');  // U is not in /1/x/7, so the PDN rule picks T
  EXPECT_NE(c->rule.find("TRAN-BIND-006"), std::string::npos);
}

TEST(SelectTransport, PdnTypeNonIpUnavailableFallsThrough) {
  BindingInputs in = Both();
  in.server_binding = "UN";
  in.client_supported = "UTN";
  in.client_preference = "NUT";
  in.pdn_type = 0;  // Non-IP: N has no transport here
  auto c = SelectTransport(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->letter, 'U');
  EXPECT_NE(c->rule.find("TRAN-BIND-00"), std::string::npos);
}

TEST(SelectTransport, QueueModeLetterIsNotATransport) {
  BindingInputs in = Both();
  in.server_binding = "UQ";
  EXPECT_EQ(SelectTransport(in)->letter, 'U');
}

TEST(SelectTransport, NothingPossibleFailsWithReasons) {
  BindingInputs in;
  in.server_uris = {"mqtt://127.0.0.1:1883"};
  in.server_binding = "M";
  auto c = SelectTransport(in);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotAcceptable);
  EXPECT_NE(c.status().message().find("no server URI"), std::string::npos) << c.status().message();
}

TEST(SelectTransport, ChangingInputsChangesOnlyTheResult) {  // TRAN-BIND-007: pure, applies to the next call
  BindingInputs in = Both();
  auto before = SelectTransport(in);
  in.preferred_transport = "T";
  auto after = SelectTransport(in);
  EXPECT_EQ(before->letter, 'U');
  EXPECT_EQ(after->letter, 'T');
}

}  // namespace
}  // namespace lwm2m::refclient
