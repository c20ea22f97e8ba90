// operation_test.cc: LwM2M operations <-> CoAP requests (Core TS 1.2 §6,
// Transport TS 1.2 §6.4), classification in both directions with a negative
// case per rule, response labelling (Transport TS 1.2 §6.7), and the round trip
// ToCoap -> wire -> parse -> Classify.
#include "lwm2m/operation.h"

#include <gtest/gtest.h>

#include <iterator>
#include <random>

#include "lwm2m/codec/codec.h"
#include "lwm2m/codec/codec_test_support.h"
#include "lwm2m/coap_wire.h"

namespace lwm2m {
namespace {

Bytes S(std::string_view s) { return Bytes(s.begin(), s.end()); }
Path P(std::string_view s) { return *Path::Parse(s); }

using codec_test::DumpDiags;
using codec_test::HasDiag;

// The shipped models (ModelRegistry::Builtin()) give what these tests need:
// /3/0/1 Model Number (R, String), /3/0/4 Reboot (E), /3/0/9 Battery Level
// (R, Integer), /3/0/11 Error Code (R, Multiple Integer), /3200/0/5500
// Digital Input State (R, Boolean).
const ModelRegistry& Models() { return ModelRegistry::Builtin(); }

CoapMessage Req(uint8_t code, std::string_view uri) {
  CoapMessage m = CoapMessage::Request(code, uri);
  m.message_id = 1;
  return m;
}
CoapMessage WithCf(CoapMessage m, ContentFormat f, std::string_view payload) {
  m.SetContentFormat(f);
  m.payload = S(payload);
  return m;
}

Classification FromClient(const CoapMessage& m, bool bootstrap = false) {
  return Classify(m, {.direction = Direction::kClientToServer, .bootstrap_server = bootstrap});
}
Classification FromServer(const CoapMessage& m, const ClassifyOptions& o = {}) { return Classify(m, o); }
Classification FromBootstrapServer(const CoapMessage& m) { return Classify(m, {.bootstrap_server = true}); }

// Expects an operation of `kind` with no error.
void ExpectOk(const Classification& c, OperationKind kind) {
  ASSERT_TRUE(c.operation.has_value()) << DumpDiags(c.diagnostics);
  EXPECT_EQ(c.operation->kind, kind) << OperationName(c.operation->kind);
  EXPECT_TRUE(c.ok()) << c.status.ToString() << "\n" << DumpDiags(c.diagnostics);
  EXPECT_FALSE(HasErrors(c.diagnostics)) << DumpDiags(c.diagnostics);
}
// Expects the status a strict receiver answers and an error naming the rule broken.
void ExpectFails(const Classification& c, StatusCode code, std::string_view needle) {
  EXPECT_EQ(c.status.code(), code) << c.status.ToString() << "\n" << DumpDiags(c.diagnostics);
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kError, needle)) << needle << "\n" << DumpDiags(c.diagnostics);
}

// ---------------------------------------------------------------- Execute arguments

// Core TS 1.2 §6.3.5 examples: "5", "2='10.3'", "0,1,2,3,4"; and "7,0=' <https://...>'",
// which the TS lists although CHAR excludes SP, so a strict parser rejects it.
TEST(ExecuteArguments, ParsesTheTsExamples) {
  auto a = ParseExecuteArguments("5");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<ExecuteArgument>{{5, std::nullopt}}));
  auto b = ParseExecuteArguments("2='10.3'");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, (std::vector<ExecuteArgument>{{2, "10.3"}}));
  auto c = ParseExecuteArguments("0,1,2,3,4");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 5u);
  EXPECT_EQ((*c)[4].digit, 4);
  auto d = ParseExecuteArguments("7,0=' <https://www.omaspecworks.org>'");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("character ' ' at offset 5 is not allowed"), std::string::npos)
      << d.status().message();
  auto e = ParseExecuteArguments("0='abc',1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, (std::vector<ExecuteArgument>{{0, "abc"}, {1, std::nullopt}}));
  EXPECT_EQ(FormatExecuteArguments(*e), "0='abc',1");
  EXPECT_TRUE(ParseExecuteArguments("").ok());
  EXPECT_TRUE(ParseExecuteArguments("0=''").ok());
  EXPECT_TRUE(ParseExecuteArguments("9='!#$%&()*+,-./:;<=>?@[]^_`{|}~'").ok());
}

TEST(ExecuteArguments, RejectsTextOutsideTheAbnf) {
  struct Case { const char* text; const char* message; };
  for (const Case& c : std::vector<Case>{
           {"a", "expected an argument digit 0-9 at offset 0, found 'a'"},
           {"0,", "argument list ends with ','"},
           {"01", "expected ',' between arguments at offset 1, found '1'"},
           {"0=abc", "argument 0: a value starts with \"'\" at offset 2"},
           {"0='abc", "argument 0: the value has no closing \"'\""},
           {"0='a\"b'", "character '\"' at offset 4 is not allowed"},
           {"0='a\\b'", "character '\\' at offset 4 is not allowed"},
           {"0='a\x01'", "character 0x01 at offset 4"},
           {"1,2,1", "argument 1 at offset 4 is given twice"},
           {"0 ,1", "expected ',' between arguments at offset 1, found ' '"},
       }) {
    auto r = ParseExecuteArguments(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << c.text << ": " << r.status().message();
  }
}

// ---------------------------------------------------------------- names

TEST(OperationNames, KeysAndNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(OperationKind::kSend); ++i) {
    auto k = static_cast<OperationKind>(i);
    EXPECT_EQ(ParseOperationKind(OperationKey(k)), k) << OperationKey(k);
    EXPECT_EQ(ParseOperationKind(OperationName(k)), k) << OperationName(k);
  }
  EXPECT_EQ(ParseOperationKind("WRITE-ATTRIBUTES"), OperationKind::kWriteAttributes);
  EXPECT_EQ(ParseOperationKind("notify"), std::nullopt);
  EXPECT_EQ(OperationName(OperationKind::kDeregister), "De-register");
  EXPECT_EQ(InterfaceOf(OperationKind::kBootstrapFinish), Interface::kBootstrap);
  EXPECT_EQ(InterfaceOf(OperationKind::kSend), Interface::kInformationReporting);
  EXPECT_EQ(DirectionOf(OperationKind::kSend), Direction::kClientToServer);
  EXPECT_EQ(DirectionOf(OperationKind::kBootstrapRead), Direction::kServerToClient);
  EXPECT_EQ(ExpectedSuccessCode(OperationKind::kRegister), CoapCode::kCreated);
  EXPECT_EQ(ExpectedSuccessCode(OperationKind::kDeregister), CoapCode::kDeleted);
  EXPECT_EQ(ExpectedSuccessCode(OperationKind::kBootstrapPackRequest), CoapCode::kContent);
}

// ---------------------------------------------------------------- ToCoap known answers

// The Register of the task brief, built from the operation: the bytes are the ones
// computed by hand in coap_wire_test.cc (CoapWireUdp.Lwm2mRegisterKnownBytes).
TEST(OperationToCoap, RegisterBytes) {
  Operation op = Operation::Register("urn:imei:490154203237518", 86400, "1.2", "U", "</1/0>,</3/0>");
  CoapMessage m = op.ToCoap();
  m.message_id = 1;
  m.token = {0xa1, 0xb2, 0xc3, 0xd4};
  auto bytes = EncodeUdp(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(HexEncode(*bytes),
            "440200" "01a1b2c3d4" "b27264" "1128" "3d0e" + HexEncode(S("ep=urn:imei:490154203237518")) + "08" +
                HexEncode(S("lt=86400")) + "09" + HexEncode(S("lwm2m=1.2")) + "03" + HexEncode(S("b=U")) + "ff" +
                HexEncode(S("</1/0>,</3/0>")));
}

// Core TS 1.2 Appendix L (Table L-2): the SMS trigger Execute /1/0/8 is
// 44 02 b6 0b 21 61 fb 63 b1 31 01 30 01 38 (CON POST MID 0xb60b, token 2161fb63).
TEST(OperationToCoap, ExecuteRegistrationUpdateTriggerBytes) {
  CoapMessage m = Operation::Execute(P("/1/0/8")).ToCoap();
  m.message_id = 0xb60b;
  m.token = {0x21, 0x61, 0xfb, 0x63};
  auto bytes = EncodeUdp(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(HexEncode(*bytes), "4402b60b2161fb63b13101300138");
  WireParseResult r = ParseUdp(*bytes);
  Classification c = FromServer(r.message);
  ExpectOk(c, OperationKind::kExecute);
  EXPECT_EQ(c.operation->path, P("/1/0/8"));
  EXPECT_TRUE(c.operation->arguments.empty());
}

TEST(OperationToCoap, PutsOptionsAndQueriesInPlace) {
  NotificationAttributes a;
  a.pmin = 10;
  a.pmax = 60;
  CoapMessage obs = Operation::Observe(P("/4/0/2"), a, ContentFormat::kSenmlCbor).ToCoap();
  EXPECT_EQ(obs.Summary(), "CON GET mid=0x0000 /4/0/2?pmin=10&pmax=60 observe=0 accept=112");
  CoapMessage disc = Operation::Discover(P("/3"), 1).ToCoap();
  EXPECT_EQ(disc.Summary(), "CON GET mid=0x0000 /3?depth=1 accept=40");
  CoapMessage cancel = Operation::CancelObservation(P("/3/0/9")).ToCoap();
  EXPECT_EQ(cancel.Observe(), 1u);
  RegistrationParams p;
  p.lifetime = 600000;
  p.queue_mode = true;
  p.binding = "U";
  EXPECT_EQ(Operation::Update("/rd/5a3f", p).ToCoap().Summary(), "CON POST mid=0x0000 /rd/5a3f?lt=600000&b=U&Q");
  CoapMessage alt = Operation::Read(P("/3/0/0")).ToCoap("/lwm2m");
  EXPECT_EQ(alt.UriPath(), "/lwm2m/3/0/0");
  EXPECT_EQ(Operation::ReadComposite(ContentFormat::kSenmlEtchJson, S("[]")).ToCoap("/lwm2m").UriPath(), "/lwm2m");
  Operation bad = Operation::Read(P("/3/0/0"));
  bad.extra_queries = {"x=1"};
  EXPECT_EQ(bad.ToCoap().UriQueries(), (std::vector<std::string>{"x=1"}));  // written as given
}

// ---------------------------------------------------------------- round trip

struct RoundTripCase {
  Operation op;
  ClassifyOptions options;
};

// ToCoap -> EncodeUdp -> ParseUdp -> Classify gives the same operation, for every kind.
TEST(OperationRoundTrip, EveryOperationSurvivesTheWire) {
  const ClassifyOptions c2s{.direction = Direction::kClientToServer};
  const ClassifyOptions c2bs{.direction = Direction::kClientToServer, .bootstrap_server = true};
  const ClassifyOptions bs2c{.bootstrap_server = true};
  const ClassifyOptions s2c{};
  NotificationAttributes wa;
  wa.pmin = 1;
  wa.pmax = 5;
  wa.lt = 5;
  NotificationAttributes obs;
  obs.pmin = 10;
  obs.pmax = 60;
  obs.gt = 85;
  obs.lt = 20;
  obs.st = 10;
  NotificationAttributes comp;
  comp.pmin = 1;
  comp.con = true;
  RegistrationParams upd;
  upd.lifetime = 600000;
  upd.sms = "12345678";
  const Bytes senml_paths = S("[{\"n\":\"/3/0/0\"},{\"n\":\"/1/0/1\"}]");
  const Bytes tlv_instance = {0x08, 0x00, 0x03, 0xc1, 0x00, 0x01};  // Object Instance 0 { Resource 0 = 1 }
  std::vector<RoundTripCase> cases = {
      {Operation::BootstrapRequest("node34141", ContentFormat::kSenmlCbor), c2bs},
      {Operation::BootstrapRequest("node34141"), c2bs},
      {Operation::BootstrapPackRequest("node1"), c2bs},
      {Operation::BootstrapWrite(P("/0/1"), ContentFormat::kTlv, tlv_instance), bs2c},
      {Operation::BootstrapWrite(P("/1/0/1"), ContentFormat::kTextPlain, S("300")), bs2c},
      {Operation::BootstrapRead(P("/1/0"), ContentFormat::kTlv), bs2c},
      {Operation::BootstrapRead(P("/2")), bs2c},
      {Operation::BootstrapDiscover(), bs2c},
      {Operation::BootstrapDiscover(P("/0")), bs2c},
      {Operation::BootstrapDelete(), bs2c},
      {Operation::BootstrapDelete(P("/0/2")), bs2c},
      {Operation::BootstrapFinish(), bs2c},
      {Operation::Register("example-client", 86400, "1.1", std::nullopt, "</1/0>,</1/1>,</3/0>"), c2s},
      {Operation::Register("urn:imei:490154203237518", 86400, "1.2", "U", "</1/0>,</3/0>"), c2s},
      {Operation::Update("/rd/5a3f", upd), c2s},
      {Operation::Update("/rd/5a3f", {}, "</1/0>,</3/0>,</4/0>"), c2s},
      {Operation::Deregister("/rd/5a3f"), c2s},
      {Operation::Read(P("/3/0/0"), ContentFormat::kTextPlain), s2c},
      {Operation::Read(P("/3")), s2c},
      {Operation::Read(P("/3/0/11/0"), ContentFormat::kSenmlCbor), s2c},
      {Operation::ReadComposite(ContentFormat::kSenmlEtchJson, senml_paths, ContentFormat::kSenmlCbor), s2c},
      {Operation::Discover(P("/3")), s2c},
      {Operation::Discover(P("/3/0"), 1), s2c},
      {Operation::Write(P("/1/0/1"), WriteMode::kReplace, ContentFormat::kTextPlain, S("300")), s2c},
      {Operation::Write(P("/1/0"), WriteMode::kPartialUpdate, ContentFormat::kTlv, {0xc1, 0x02, 0x65}), s2c},
      {Operation::Write(P("/16/0/0/1"), WriteMode::kReplace, ContentFormat::kTextPlain, S("x")), s2c},
      {Operation::WriteComposite(ContentFormat::kSenmlJson, S("[{\"n\":\"/1/0/1\",\"v\":20}]")), s2c},
      {Operation::WriteAttributes(P("/3/0/9"), wa), s2c},
      {Operation::Execute(P("/1/0/8")), s2c},
      {Operation::Execute(P("/3/0/4"), {{0, "abc"}, {1, std::nullopt}}), s2c},
      {Operation::Create(P("/1"), ContentFormat::kTlv, tlv_instance), s2c},
      {Operation::Delete(P("/1/1")), s2c},
      {Operation::Delete(P("/3/0/11/1")), s2c},
      {Operation::Observe(P("/3/0/9"), obs), s2c},
      {Operation::Observe(P("/3")), s2c},
      {Operation::ObserveComposite(ContentFormat::kSenmlJson, senml_paths, comp, ContentFormat::kSenmlCbor), s2c},
      {Operation::CancelObservation(P("/3/0/9")), s2c},
      {Operation::CancelObserveComposite(ContentFormat::kSenmlJson, senml_paths), s2c},
      {Operation::Send(ContentFormat::kSenmlJson, S("[{\"n\":\"/3/0/9\", \"v\":10}]")), c2s},
  };
  std::vector<bool> seen(static_cast<size_t>(OperationKind::kSend) + 1);
  for (const RoundTripCase& rt : cases) {
    SCOPED_TRACE(rt.op.Summary());
    seen[static_cast<size_t>(rt.op.kind)] = true;
    CoapMessage m = rt.op.ToCoap();
    m.message_id = 0x4242;
    m.token = {9, 8, 7};
    auto bytes = EncodeUdp(m);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    WireParseResult parsed = ParseUdp(*bytes);
    ASSERT_FALSE(parsed.HasErrors()) << DumpDiags(parsed.diagnostics);
    Classification c = Classify(parsed.message, rt.options);
    ASSERT_TRUE(c.operation.has_value()) << DumpDiags(c.diagnostics);
    EXPECT_TRUE(c.ok()) << c.status.ToString() << "\n" << DumpDiags(c.diagnostics);
    EXPECT_EQ(*c.operation, rt.op) << "got " << c.operation->Summary();
    EXPECT_FALSE(HasErrors(Validate(rt.op))) << DumpDiags(Validate(rt.op));
    auto tcp = EncodeTcp(m);
    ASSERT_TRUE(tcp.ok());
    Classification over_tcp = Classify(ParseTcp(*tcp).message, rt.options);
    ASSERT_TRUE(over_tcp.operation.has_value());
    EXPECT_EQ(*over_tcp.operation, rt.op);
  }
  for (size_t k = 0; k < seen.size(); ++k) EXPECT_TRUE(seen[k]) << OperationName(static_cast<OperationKind>(k));
}

// ---------------------------------------------------------------- client -> server

// Transport TS 1.2 Figure 6.4.3-1: POST /rd?ep=example-client&lwm2m=1.1&lt=86400 -> 2.01
// Location-Path rd/5a3f; POST /rd/5a3f?lt=600000 -> 2.04; DELETE /rd/5a3f -> 2.02.
TEST(ClassifyFromClient, RegistrationFlowOfTheTransportTs) {
  Classification reg = FromClient(WithCf(Req(CoapCode::kPost, "/rd?ep=example-client&lwm2m=1.1&lt=86400"),
                                         ContentFormat::kLinkFormat, "</1/0>,</3/0>"));
  ExpectOk(reg, OperationKind::kRegister);
  EXPECT_EQ(reg.operation->registration.endpoint, "example-client");
  EXPECT_EQ(reg.operation->registration.lifetime, 86400u);
  EXPECT_EQ(reg.operation->registration.lwm2m_version, "1.1");
  EXPECT_EQ(reg.operation->payload, S("</1/0>,</3/0>"));
  if (FindCodec(ContentFormat::kLinkFormat) != nullptr) {
    EXPECT_TRUE(reg.operation->links_decoded);
    ASSERT_EQ(reg.operation->links.size(), 2u);
    EXPECT_EQ(reg.operation->links[1].target, "/3/0");
  } else {
    EXPECT_FALSE(reg.operation->links_decoded);
    EXPECT_TRUE(HasDiag(reg.diagnostics, Severity::kInfo, "no link-format codec is registered"));
  }
  CoapMessage created;
  created.type = CoapType::kAcknowledgement;
  created.code = CoapCode::kCreated;
  created.AddOption(CoapOption::kLocationPath, "rd");
  created.AddOption(CoapOption::kLocationPath, "5a3f");
  ResponseClassification rr = ClassifyResponse(*reg.operation, created);
  EXPECT_EQ(rr.kind, ResponseKind::kSuccess);
  EXPECT_EQ(rr.location, "/rd/5a3f");
  EXPECT_TRUE(rr.diagnostics.empty()) << DumpDiags(rr.diagnostics);

  Classification upd = FromClient(Req(CoapCode::kPost, "/rd/5a3f?lt=600000"));
  ExpectOk(upd, OperationKind::kUpdate);
  EXPECT_EQ(upd.operation->location, "/rd/5a3f");
  EXPECT_EQ(upd.operation->registration.lifetime, 600000u);
  CoapMessage changed;
  changed.code = CoapCode::kChanged;
  EXPECT_EQ(ClassifyResponse(*upd.operation, changed).kind, ResponseKind::kSuccess);

  Classification dereg = FromClient(Req(CoapCode::kDelete, "/rd/5a3f"));
  ExpectOk(dereg, OperationKind::kDeregister);
  CoapMessage deleted;
  deleted.code = CoapCode::kDeleted;
  EXPECT_EQ(ClassifyResponse(*dereg.operation, deleted).kind, ResponseKind::kSuccess);
}

// Transport TS 1.2 Figures 6.5-1 and 6.6.1-1: queue mode and SMS number.
TEST(ClassifyFromClient, RegisterWithQueueModeAndSms) {
  Classification c = FromClient(Req(CoapCode::kPost, "/rd?ep=node&lwm2m=1.1&lt=86400&b=U&Q&sms=12345678"));
  ASSERT_TRUE(c.operation.has_value());
  EXPECT_TRUE(c.ok()) << DumpDiags(c.diagnostics);
  EXPECT_TRUE(c.operation->registration.queue_mode);
  EXPECT_EQ(c.operation->registration.binding, "U");
  EXPECT_EQ(c.operation->registration.sms, "12345678");
  // No payload and no pid: the server may not know the objects.
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kWarning, "neither an object list nor a Profile ID"));
  Classification pid = FromClient(Req(CoapCode::kPost, "/rd?ep=node&lwm2m=1.2&lt=60&pid=6:1234abcd"));
  EXPECT_TRUE(pid.diagnostics.empty()) << DumpDiags(pid.diagnostics);
  EXPECT_EQ(pid.operation->registration.profile_id, "6:1234abcd");
}

TEST(ClassifyFromClient, RegisterWithoutEndpointIs400) {
  Classification c = FromClient(Req(CoapCode::kPost, "/rd?lt=60&lwm2m=1.2"));
  ExpectFails(c, StatusCode::kBadRequest, "Register without the endpoint client name (ep)");
  EXPECT_EQ(c.operation->kind, OperationKind::kRegister);  // still known as a Register
  EXPECT_FALSE(c.result().ok());
  Classification secured = Classify(Req(CoapCode::kPost, "/rd?lt=60&lwm2m=1.2"),
                                    {.direction = Direction::kClientToServer, .authenticated_identity = true});
  EXPECT_TRUE(secured.ok()) << DumpDiags(secured.diagnostics);
  EXPECT_TRUE(HasDiag(secured.diagnostics, Severity::kInfo, "the security identity names the client"));
}

TEST(ClassifyFromClient, RejectsBrokenRegistrationParameters) {
  struct Case { const char* uri; const char* message; };
  for (const Case& c : std::vector<Case>{
           {"/rd?ep=a&lt=60&lwm2m=1.2&Q=1", "'Q=1': the queue mode parameter Q takes no value"},
           {"/rd?ep=a&lt&lwm2m=1.2", "query parameter lt has no value"},
           {"/rd?ep=a&lt=abc&lwm2m=1.2", "lifetime 'lt=abc' is not a number of seconds"},
           {"/rd?ep=a&lt=99999999999&lwm2m=1.2", "lifetime 'lt=99999999999'"},
           {"/rd?ep=a&lt=-1&lwm2m=1.2", "lifetime 'lt=-1'"},
           {"/rd?ep=&lt=60&lwm2m=1.2", "endpoint client name 'ep=' is empty"},
           {"/rd?ep=a&ep=b&lt=60&lwm2m=1.2", "query parameter ep is given more than once"},
           {"/rd?ep=a&lt=60&lwm2m=1", "LwM2M version 'lwm2m=1' is not of the form"},
           {"/rd?ep=a&lt=60&lwm2m=1.2&b=X", "binding 'b=X' is not made of the binding letters"},
           {"/rd/5a3f?lt=x", "lifetime 'lt=x'"},
       }) {
    SCOPED_TRACE(c.uri);
    ExpectFails(FromClient(Req(CoapCode::kPost, c.uri)), StatusCode::kBadRequest, c.message);
  }
}

TEST(ClassifyFromClient, WarnsOnOddButAcceptedParameters) {
  Classification c = FromClient(
      WithCf(Req(CoapCode::kPost, "/rd?ep=a&lt=60&lwm2m=1.0&b=UQ&sms=+4912345&pid=6:ABCD&foo=bar"),
             ContentFormat::kLinkFormat, "</3/0>"));
  EXPECT_TRUE(c.ok()) << DumpDiags(c.diagnostics);
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kWarning, "unknown query parameter 'foo=bar' in Register"));
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kWarning, "carries Q, the LwM2M 1.0 form of queue mode"));
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kWarning, "SMS number 'sms=+4912345' is not an MSISDN"));
  EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kWarning, "Profile ID 'pid=6:ABCD' does not follow the ABNF"));
  EXPECT_EQ(c.operation->extra_queries, (std::vector<std::string>{"foo=bar"}));
  Classification missing = FromClient(Req(CoapCode::kPost, "/rd?ep=a"));
  EXPECT_TRUE(HasDiag(missing.diagnostics, Severity::kWarning, "Register without lwm2m"));
  EXPECT_TRUE(HasDiag(missing.diagnostics, Severity::kWarning, "Register without lt"));
  Classification upd = FromClient(Req(CoapCode::kPost, "/rd/5a3f?ep=a&lwm2m=1.2"));
  EXPECT_TRUE(upd.ok());
  EXPECT_TRUE(HasDiag(upd.diagnostics, Severity::kWarning, "'ep=a' is a Register parameter"));
}

TEST(ClassifyFromClient, RegisterPayloadIsLinkFormatAndAMissingContentFormatIsAWarning) {
  CoapMessage no_cf = Req(CoapCode::kPost, "/rd?ep=a&lt=60&lwm2m=1.2");
  no_cf.payload = S("</3/0>");
  // Accepted as link format, with a warning (RFC 7252 §5.10.3: the format is otherwise indeterminate).
  Classification taken = FromClient(no_cf);
  EXPECT_TRUE(taken.ok());
  EXPECT_TRUE(HasDiag(taken.diagnostics, Severity::kWarning, "Register payload without a Content-Format; taken as link format"));
  ASSERT_TRUE(taken.operation.has_value());
  ASSERT_EQ(taken.operation->links.size(), 1u);
  EXPECT_EQ(taken.operation->links[0].target, "/3/0");
  ExpectFails(FromClient(WithCf(Req(CoapCode::kPost, "/rd?ep=a&lt=60&lwm2m=1.2"), ContentFormat::kSenmlJson, "[]")),
              StatusCode::kUnsupportedContentFormat, "Register payload in senml-json (110)");
}

TEST(ClassifyFromClient, RegisterMustNotListSecurityObject) {
  Classification c = FromClient(
      WithCf(Req(CoapCode::kPost, "/rd?ep=a&lt=60&lwm2m=1.2"), ContentFormat::kLinkFormat, "</0/0>,</1/0>,</3/0>"));
  if (FindCodec(ContentFormat::kLinkFormat) == nullptr) {
    EXPECT_TRUE(c.ok());  // links cannot be read: only the raw bytes are kept
    EXPECT_TRUE(HasDiag(c.diagnostics, Severity::kInfo, "no link-format codec"));
  } else {
    ExpectFails(c, StatusCode::kBadRequest, "contains </0/0>; the Security Object must not be listed");
  }
}

TEST(ClassifyFromClient, BootstrapRequestAndPackRequest) {
  // Transport TS 1.2 Figure 6.4.2-1: POST /bs?ep=node34141.
  Classification bs = FromClient(Req(CoapCode::kPost, "/bs?ep=node34141"), true);
  ExpectOk(bs, OperationKind::kBootstrapRequest);
  EXPECT_EQ(bs.operation->registration.endpoint, "node34141");
  Classification pct = FromClient(Req(CoapCode::kPost, "/bs?ep=n&pct=112"), true);
  ExpectOk(pct, OperationKind::kBootstrapRequest);
  EXPECT_EQ(pct.operation->preferred_content_format, ContentFormat::kSenmlCbor);
  ExpectFails(FromClient(Req(CoapCode::kPost, "/bs?ep=n&pct=40"), true), StatusCode::kBadRequest,
              "preferred content format link (40) is not one of");
  ExpectFails(FromClient(Req(CoapCode::kPost, "/bs?ep=n&pct=tlv"), true), StatusCode::kBadRequest,
              "'pct=tlv' is not a number");
  ExpectFails(FromClient(Req(CoapCode::kPost, "/bs"), true), StatusCode::kBadRequest,
              "Bootstrap-Request without ep and without an authenticated identity");
  EXPECT_TRUE(HasDiag(FromClient(Req(CoapCode::kPost, "/bs?ep=n&x=1"), true).diagnostics, Severity::kWarning,
                  "'x=1' in Bootstrap-Request"));

  CoapMessage pack = Req(CoapCode::kGet, "/bspack?ep=node1&acc=</0/0>");
  pack.SetAccept(ContentFormat::kSenmlCbor);
  Classification p = FromClient(pack, true);
  ExpectOk(p, OperationKind::kBootstrapPackRequest);
  EXPECT_EQ(p.operation->bootstrap_accounts, "</0/0>");
  EXPECT_TRUE(HasDiag(FromClient(Req(CoapCode::kGet, "/bspack?ep=n"), true).diagnostics, Severity::kWarning,
                  "Bootstrap-Pack-Request without Accept"));
  CoapMessage tlv = Req(CoapCode::kGet, "/bspack?ep=n");
  tlv.SetAccept(ContentFormat::kTlv);
  ExpectFails(FromClient(tlv, true), StatusCode::kNotAcceptable, "Bootstrap-Pack-Request accepts tlv (11542)");
}

TEST(ClassifyFromClient, SendRules) {
  ExpectOk(FromClient(WithCf(Req(CoapCode::kPost, "/dp"), ContentFormat::kSenmlCbor, "\x81")), OperationKind::kSend);
  ExpectFails(FromClient(Req(CoapCode::kPost, "/dp")), StatusCode::kBadRequest, "Send without a Content-Format");
  ExpectFails(FromClient(WithCf(Req(CoapCode::kPost, "/dp"), ContentFormat::kTlv, "x")),
              StatusCode::kUnsupportedContentFormat, "Send with Content-Format tlv (11542)");
  ExpectFails(FromClient(WithCf(Req(CoapCode::kPost, "/dp"), ContentFormat::kSenmlJson, "")), StatusCode::kBadRequest,
              "Send with an empty payload");
}

TEST(ClassifyFromClient, UnknownTargetsAndMethods) {
  Classification c = FromClient(Req(CoapCode::kPost, "/foo"));
  ExpectFails(c, StatusCode::kNotFound, "POST /foo from a client is no LwM2M operation");
  EXPECT_FALSE(c.operation.has_value());
  ExpectFails(FromClient(Req(CoapCode::kGet, "/rd")), StatusCode::kMethodNotAllowed,
              "GET /rd is no Registration operation");
  ExpectFails(FromClient(Req(CoapCode::kPut, "/rd/5a3f")), StatusCode::kMethodNotAllowed,
              "PUT /rd/5a3f is no Registration operation");
  CoapMessage resp;
  resp.code = CoapCode::kContent;
  ExpectFails(FromClient(resp), StatusCode::kBadRequest, "2.05 Content is no request");
}

// ---------------------------------------------------------------- server -> client

TEST(ClassifyFromServer, DeviceManagementOperations) {
  ExpectOk(FromServer(Req(CoapCode::kGet, "/3/0/0")), OperationKind::kRead);
  CoapMessage disc = Req(CoapCode::kGet, "/3?depth=2");
  disc.SetAccept(ContentFormat::kLinkFormat);
  Classification d = FromServer(disc);
  ExpectOk(d, OperationKind::kDiscover);
  EXPECT_EQ(d.operation->depth, 2);
  Classification w = FromServer(WithCf(Req(CoapCode::kPut, "/1/0/1"), ContentFormat::kTextPlain, "300"));
  ExpectOk(w, OperationKind::kWrite);
  EXPECT_EQ(w.operation->write_mode, WriteMode::kReplace);
  Classification partial = FromServer(WithCf(Req(CoapCode::kPost, "/1/0"), ContentFormat::kTlv, "\xc1\x02\x65"));
  ExpectOk(partial, OperationKind::kWrite);
  EXPECT_EQ(partial.operation->write_mode, WriteMode::kPartialUpdate);
  Classification wa = FromServer(Req(CoapCode::kPut, "/3/0/9?pmin=1&pmax=5&lt=5"));  // Transport TS Figure 6.4.4-1
  ExpectOk(wa, OperationKind::kWriteAttributes);
  EXPECT_EQ(wa.operation->attributes.pmax, 5u);
  Classification ex = FromServer(WithCf(Req(CoapCode::kPost, "/3/0/4"), ContentFormat::kTextPlain, "0='abc',1"));
  ExpectOk(ex, OperationKind::kExecute);
  EXPECT_EQ(ex.operation->arguments.size(), 2u);
  ExpectOk(FromServer(WithCf(Req(CoapCode::kPost, "/1"), ContentFormat::kTlv, "\x08\x00\x03\xc1\x00\x01")),
           OperationKind::kCreate);
  ExpectOk(FromServer(Req(CoapCode::kDelete, "/1/1")), OperationKind::kDelete);
  ExpectOk(FromServer(WithCf(Req(CoapCode::kFetch, "/"), ContentFormat::kSenmlEtchJson, "[{\"n\":\"/3/0\"}]")),
           OperationKind::kReadComposite);
  ExpectOk(FromServer(WithCf(Req(CoapCode::kIPatch, "/"), ContentFormat::kSenmlCbor, "\x81")),
           OperationKind::kWriteComposite);
}

TEST(ClassifyFromServer, InformationReportingOperations) {
  CoapMessage observe = Req(CoapCode::kGet, "/3/0/7?pmin=5&pmax=15");  // ETS 1.2-int-312
  observe.AddUintOption(CoapOption::kObserve, 0);
  Classification o = FromServer(observe);
  ExpectOk(o, OperationKind::kObserve);
  EXPECT_EQ(o.operation->attributes.pmin, 5u);
  CoapMessage cancel = Req(CoapCode::kGet, "/3/0/7");
  cancel.AddUintOption(CoapOption::kObserve, 1);
  ExpectOk(FromServer(cancel), OperationKind::kCancelObservation);
  CoapMessage comp = WithCf(Req(CoapCode::kFetch, "/?pmin=10"), ContentFormat::kSenmlJson, "[{\"n\":\"/3/0/9\"}]");
  comp.AddUintOption(CoapOption::kObserve, 0);
  ExpectOk(FromServer(comp), OperationKind::kObserveComposite);
  comp.RemoveOption(CoapOption::kObserve);
  comp.RemoveOption(CoapOption::kUriQuery);
  comp.AddUintOption(CoapOption::kObserve, 1);
  ExpectOk(FromServer(comp), OperationKind::kCancelObserveComposite);
}

// The same GET, PUT, DELETE and POST mean different operations from a Bootstrap-Server.
TEST(ClassifyFromServer, DirectionAndServerRoleDecideTheOperation) {
  ExpectOk(FromBootstrapServer(Req(CoapCode::kGet, "/1/0")), OperationKind::kBootstrapRead);
  ExpectOk(FromServer(Req(CoapCode::kGet, "/1/0")), OperationKind::kRead);
  CoapMessage put = WithCf(Req(CoapCode::kPut, "/1/0"), ContentFormat::kTlv, "\xc1\x00\x01");
  ExpectOk(FromBootstrapServer(put), OperationKind::kBootstrapWrite);
  Classification dm_put = FromServer(put);
  ExpectOk(dm_put, OperationKind::kWrite);
  ExpectOk(FromBootstrapServer(Req(CoapCode::kDelete, "/")), OperationKind::kBootstrapDelete);
  ExpectFails(FromServer(Req(CoapCode::kDelete, "/")), StatusCode::kMethodNotAllowed, "Delete on /");
  ExpectOk(FromBootstrapServer(Req(CoapCode::kPost, "/bs")), OperationKind::kBootstrapFinish);
  Classification dm_bs = FromServer(Req(CoapCode::kPost, "/bs"));
  EXPECT_FALSE(dm_bs.ok());
  EXPECT_TRUE(HasDiag(dm_bs.diagnostics, Severity::kInfo, "looks like Bootstrap-Finish"));
  CoapMessage disc = Req(CoapCode::kGet, "/");
  disc.SetAccept(ContentFormat::kLinkFormat);
  ExpectOk(FromBootstrapServer(disc), OperationKind::kBootstrapDiscover);
  ExpectFails(FromServer(disc), StatusCode::kMethodNotAllowed, "Discover on /");
  // Transport TS 1.2 Figure 6.4.2-1: DELETE /, PUT /0/1, PUT /1/0, PUT /2/0, POST /bs.
  ExpectOk(FromBootstrapServer(WithCf(Req(CoapCode::kPut, "/2/0"), ContentFormat::kTlv, "\xc1\x00\x01")),
           OperationKind::kBootstrapWrite);
}

TEST(ClassifyFromServer, RejectsWrongTargets) {
  struct Case { CoapMessage m; StatusCode code; const char* message; };
  CoapMessage observe_root = Req(CoapCode::kGet, "/");
  observe_root.AddUintOption(CoapOption::kObserve, 0);
  CoapMessage cancel_root = Req(CoapCode::kGet, "/");
  cancel_root.AddUintOption(CoapOption::kObserve, 1);
  CoapMessage disc_root = Req(CoapCode::kGet, "/");
  disc_root.SetAccept(ContentFormat::kLinkFormat);
  std::vector<Case> cases = {
      {Req(CoapCode::kGet, "/3/65535"), StatusCode::kMethodNotAllowed, "id 65535 is reserved"},
      {Req(CoapCode::kGet, "/3/0/1/2/3"), StatusCode::kMethodNotAllowed, "more than four ids"},
      {Req(CoapCode::kGet, "/3/"), StatusCode::kMethodNotAllowed, "is no LwM2M path"},
      {Req(CoapCode::kGet, "/"), StatusCode::kMethodNotAllowed, "Read on /"},
      {observe_root, StatusCode::kMethodNotAllowed, "Observe on /"},
      {cancel_root, StatusCode::kMethodNotAllowed, "Cancel Observation on /"},
      {disc_root, StatusCode::kMethodNotAllowed, "Discover on /"},
      {WithCf(Req(CoapCode::kPut, "/3"), ContentFormat::kTlv, "\x08"), StatusCode::kMethodNotAllowed,
       "Write on an Object is not supported over CoAP"},
      {WithCf(Req(CoapCode::kPut, "/"), ContentFormat::kTlv, "\x08"), StatusCode::kMethodNotAllowed, "Write on /"},
      {Req(CoapCode::kPut, "/?pmin=1"), StatusCode::kMethodNotAllowed, "Write-Attributes on /"},
      {Req(CoapCode::kDelete, "/3"), StatusCode::kMethodNotAllowed, "Delete on /3"},
      {Req(CoapCode::kDelete, "/3/0/1"), StatusCode::kMethodNotAllowed, "Delete on /3/0/1"},
      {WithCf(Req(CoapCode::kPost, "/"), ContentFormat::kTlv, "\x08"), StatusCode::kMethodNotAllowed, "POST / is no"},
      {WithCf(Req(CoapCode::kFetch, "/3"), ContentFormat::kSenmlJson, "[]"), StatusCode::kMethodNotAllowed,
       "Read-Composite on /3"},
      {WithCf(Req(CoapCode::kIPatch, "/3/0"), ContentFormat::kSenmlJson, "[]"), StatusCode::kMethodNotAllowed,
       "Write-Composite on /3/0"},
      {Req(CoapCode::kPatch, "/3/0"), StatusCode::kMethodNotAllowed, "PATCH is no LwM2M operation"},
      {WithCf(Req(CoapCode::kPost, "/3/0/11/0"), ContentFormat::kTextPlain, ""), StatusCode::kMethodNotAllowed,
       "Execute targets a Resource, not a Resource Instance"},
      {Req(CoapCode::kGet, "/0/0/3"), StatusCode::kUnauthorized, "not accessible to an LwM2M Server"},
      {Req(CoapCode::kDelete, "/21/0"), StatusCode::kUnauthorized, "not accessible to an LwM2M Server"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.m.Summary());
    ExpectFails(FromServer(c.m), c.code, c.message);
  }
}

TEST(ClassifyFromServer, ChecksContentFormats) {
  ExpectFails(FromServer(Req(CoapCode::kPut, "/1/0/1")), StatusCode::kBadRequest, "Write without a Content-Format");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kPost, "/1/0"), ContentFormat::kTextPlain, "1")),
              StatusCode::kUnsupportedContentFormat, "Write with Content-Format text (0)");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kPost, "/1"), ContentFormat::kTextPlain, "1")),
              StatusCode::kUnsupportedContentFormat, "Create with Content-Format");
  ExpectFails(FromServer(Req(CoapCode::kFetch, "/")), StatusCode::kBadRequest, "Read-Composite without a Content-Format");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kFetch, "/"), ContentFormat::kTlv, "x")),
              StatusCode::kUnsupportedContentFormat, "Read-Composite with Content-Format tlv (11542)");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kFetch, "/"), ContentFormat::kSenmlJson, "")), StatusCode::kBadRequest,
              "Read-Composite without a path list");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kIPatch, "/"), ContentFormat::kTlv, "x")),
              StatusCode::kUnsupportedContentFormat, "Write-Composite with Content-Format tlv");
  CoapMessage fetch = WithCf(Req(CoapCode::kFetch, "/"), ContentFormat::kSenmlJson, "[]");
  fetch.SetAccept(ContentFormat::kTlv);
  EXPECT_TRUE(HasDiag(FromServer(fetch).diagnostics, Severity::kWarning, "Read-Composite accepts tlv (11542)"));
}

TEST(ClassifyFromServer, ExecuteArgumentsMustFollowTheAbnf) {
  ExpectFails(FromServer(WithCf(Req(CoapCode::kPost, "/3/0/4"), ContentFormat::kTextPlain, "0=abc")),
              StatusCode::kBadRequest, "Execute payload is no argument list: argument 0: a value starts with");
  Classification q = FromServer(Req(CoapCode::kPost, "/1/0/8?0=U"));
  EXPECT_TRUE(q.ok());
  EXPECT_TRUE(HasDiag(q.diagnostics, Severity::kWarning, "arguments belong in the payload"));
}

// POST on a Resource: the model decides Execute or partial update; without one the format does.
TEST(ClassifyFromServer, ModelsTellExecuteFromPartialUpdate) {
  ClassifyOptions with_models{.models = &Models()};
  CoapMessage tlv_on_reboot = WithCf(Req(CoapCode::kPost, "/3/0/4"), ContentFormat::kTlv, "\x00");
  ExpectOk(FromServer(tlv_on_reboot), OperationKind::kWrite);  // no model: the format says Write
  ExpectFails(FromServer(tlv_on_reboot, with_models), StatusCode::kUnsupportedContentFormat,
              "Execute arguments in tlv (11542)");
  CoapMessage text_on_errors = WithCf(Req(CoapCode::kPost, "/3/0/11"), ContentFormat::kTextPlain, "1");
  Classification w = FromServer(text_on_errors, with_models);
  EXPECT_EQ(w.operation->kind, OperationKind::kWrite);
  ExpectFails(w, StatusCode::kUnsupportedContentFormat, "Write with Content-Format text (0)");
  ExpectFails(FromServer(WithCf(Req(CoapCode::kPost, "/3/0/1"), ContentFormat::kTlv, "\x00"), with_models),
              StatusCode::kMethodNotAllowed, "the Resource is single-instance and not executable");
}

TEST(ClassifyFromServer, ObserveRules) {
  CoapMessage two = Req(CoapCode::kGet, "/3/0/9");
  two.AddUintOption(CoapOption::kObserve, 2);
  ExpectFails(FromServer(two), StatusCode::kBadRequest, "Observe 2 in a request");
  CoapMessage crossed = Req(CoapCode::kGet, "/3/0/9?lt=20&gt=10");
  crossed.AddUintOption(CoapOption::kObserve, 0);
  ExpectFails(FromServer(crossed), StatusCode::kBadRequest, "lt 20 is not below gt 10");
  CoapMessage comp = WithCf(Req(CoapCode::kFetch, "/?gt=5"), ContentFormat::kSenmlJson, "[]");
  comp.AddUintOption(CoapOption::kObserve, 0);
  ExpectFails(FromServer(comp), StatusCode::kBadRequest, "Observe-Composite carries 'gt'");
  CoapMessage unset = Req(CoapCode::kGet, "/3/0/9?pmin");
  unset.AddUintOption(CoapOption::kObserve, 0);
  EXPECT_TRUE(HasDiag(FromServer(unset).diagnostics, Severity::kWarning, "attributes without a value"));
}

TEST(ClassifyFromServer, WriteAttributesRules) {
  ExpectFails(FromServer(Req(CoapCode::kPut, "/3/0/11?dim=2")), StatusCode::kBadRequest,
              "dim is a <PROPERTIES> attribute, which is read-only");
  ExpectFails(FromServer(Req(CoapCode::kPut, "/3/0?gt=5")), StatusCode::kBadRequest,
              "gt, lt and st apply only to a Resource or Resource Instance");
  ExpectFails(FromServer(Req(CoapCode::kPut, "/3/0/1?gt=5"), {.models = &Models()}), StatusCode::kBadRequest,
              "apply only to numeric resources (Integer, Unsigned Integer, Float), not to String");
  ExpectOk(FromServer(Req(CoapCode::kPut, "/3/0/9?gt=5"), {.models = &Models()}), OperationKind::kWriteAttributes);
  ExpectFails(FromServer(Req(CoapCode::kPut, "/3/0/9?edge=1"), {.models = &Models()}), StatusCode::kBadRequest,
              "edge applies only to Boolean resources");
  ExpectOk(FromServer(Req(CoapCode::kPut, "/3200/0/5500?edge=1"), {.models = &Models()}),
           OperationKind::kWriteAttributes);
  Classification pmax = FromServer(Req(CoapCode::kPut, "/3/0/9?pmin=30&pmax=10"));
  ExpectOk(pmax, OperationKind::kWriteAttributes);  // pmax < pmin: ignored, not refused
  EXPECT_TRUE(HasDiag(pmax.diagnostics, Severity::kWarning, "pmax 10 is below pmin 30"));
  Classification unknown = FromServer(Req(CoapCode::kPut, "/3/0/9?pmin=1&foo=2"));
  EXPECT_TRUE(unknown.ok());
  EXPECT_TRUE(HasDiag(unknown.diagnostics, Severity::kWarning, "'foo=2' is not a <NOTIFICATION> attribute"));
  EXPECT_EQ(unknown.operation->attributes.unknown, (std::vector<std::string>{"foo=2"}));
}

TEST(ClassifyFromServer, DiscoverDepthAndQueries) {
  CoapMessage bad = Req(CoapCode::kGet, "/3?depth=4");
  bad.SetAccept(ContentFormat::kLinkFormat);
  ExpectFails(FromServer(bad), StatusCode::kBadRequest, "'depth=4': depth is 0, 1, 2 or 3");
  CoapMessage read_q = Req(CoapCode::kGet, "/3/0?x=1");
  Classification r = FromServer(read_q);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "unknown query parameter 'x=1' in Read"));
}

// Transport TS 1.2 §6.4.1: with </lwm2m>;rt="oma.lwm2m" DM paths carry /lwm2m.
TEST(ClassifyFromServer, AlternatePath) {
  ClassifyOptions alt{.alternate_path = "/lwm2m"};
  Classification ok = FromServer(Req(CoapCode::kGet, "/lwm2m/3/0/0"), alt);
  ExpectOk(ok, OperationKind::kRead);
  EXPECT_EQ(ok.operation->path, P("/3/0/0"));
  ExpectFails(FromServer(Req(CoapCode::kGet, "/3/0/0"), alt), StatusCode::kNotFound,
              "lacks the client's alternate path /lwm2m");
  Operation op = Operation::Read(P("/3/0/0"));
  EXPECT_TRUE(Validate(op, alt).empty()) << DumpDiags(Validate(op, alt));
}

TEST(ClassifyFromServer, GatewayPrefixedPaths) {
  Classification c = FromServer(Req(CoapCode::kGet, "/d01/3303/0"));
  ExpectOk(c, OperationKind::kRead);
  EXPECT_EQ(c.operation->path.prefix(), "d01");
  EXPECT_EQ(c.operation->ToCoap().UriPath(), "/d01/3303/0");
}

TEST(ClassifyFromBootstrapServer, RejectsWrongTargets) {
  ExpectFails(FromBootstrapServer(Req(CoapCode::kGet, "/3")), StatusCode::kMethodNotAllowed,
              "Bootstrap-Read on /3: only the Server (/1) and Access Control (/2) Objects");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kGet, "/1/0/1")), StatusCode::kMethodNotAllowed,
              "Bootstrap-Read on /1/0/1");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kGet, "/")), StatusCode::kMethodNotAllowed, "Bootstrap-Read on /");
  CoapMessage disc = Req(CoapCode::kGet, "/0/0");
  disc.SetAccept(ContentFormat::kLinkFormat);
  ExpectFails(FromBootstrapServer(disc), StatusCode::kBadRequest, "Bootstrap-Discover on /0/0: only / or /o");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kDelete, "/0/0/1")), StatusCode::kBadRequest,
              "Bootstrap-Delete on /0/0/1");
  ExpectFails(FromBootstrapServer(WithCf(Req(CoapCode::kPut, "/"), ContentFormat::kTlv, "x")),
              StatusCode::kBadRequest, "Bootstrap-Write on /");
  ExpectFails(FromBootstrapServer(WithCf(Req(CoapCode::kPut, "/0"), ContentFormat::kTextPlain, "x")),
              StatusCode::kUnsupportedContentFormat, "Bootstrap-Write with Content-Format text (0)");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kPut, "/0/1/0")), StatusCode::kBadRequest,
              "Bootstrap-Write without a Content-Format");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kPost, "/1/0/8")), StatusCode::kMethodNotAllowed,
              "its only POST is Bootstrap-Finish");
  ExpectFails(FromBootstrapServer(Req(CoapCode::kFetch, "/")), StatusCode::kMethodNotAllowed,
              "FETCH is no Bootstrap operation");
  Classification finish = FromBootstrapServer(WithCf(Req(CoapCode::kPost, "/bs"), ContentFormat::kTextPlain, "x"));
  EXPECT_TRUE(finish.ok());
  EXPECT_TRUE(HasDiag(finish.diagnostics, Severity::kWarning, "Bootstrap-Finish carries a 1-byte payload"));
}

TEST(ClassifyFromServer, WarnsOnNonConfirmableOperations) {
  CoapMessage read = Req(CoapCode::kGet, "/3/0");
  read.type = CoapType::kNonConfirmable;
  Classification r = FromServer(read);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(HasDiag(r.diagnostics, Severity::kWarning, "Read sent Non-confirmable"));
  CoapMessage exec = Req(CoapCode::kPost, "/3/0/4");
  exec.type = CoapType::kNonConfirmable;
  EXPECT_TRUE(FromServer(exec).diagnostics.empty());
  CoapMessage send = WithCf(Req(CoapCode::kPost, "/dp"), ContentFormat::kSenmlCbor, "\x81");
  send.type = CoapType::kNonConfirmable;
  EXPECT_TRUE(FromClient(send).diagnostics.empty());
}

TEST(ClassifyFromServer, RejectsSlashInsideAUriPathSegment) {
  CoapMessage m = Req(CoapCode::kGet, "/");
  m.AddOption(CoapOption::kUriPath, "3/0");
  ExpectFails(FromServer(m), StatusCode::kNotFound, "Uri-Path segment '3/0' contains '/'");
}

// For random requests, the status and the diagnostics agree: an error diagnostic
// exactly when the status is not OK; and labelling any response never fails.
TEST(ClassifyRobustness, StatusAgreesWithDiagnosticsOnRandomRequests) {
  std::mt19937 rng(8323);
  const uint8_t codes[] = {CoapCode::kGet, CoapCode::kPost, CoapCode::kPut, CoapCode::kDelete,
                           CoapCode::kFetch, CoapCode::kIPatch, CoapCode::kPatch, 0x09};
  const char* segments[] = {"rd", "bs", "bspack", "dp", "3", "0", "1", "65535", "lwm2m", "", "x", "4", "11"};
  const char* queries[] = {"ep=a", "lt=5", "lt", "Q", "Q=1", "pmin=1", "gt=5", "lt=9", "depth=2", "pct=112",
                           "b=U", "x", "edge=1", "st=-1", "lwm2m=1.2"};
  int failures = 0;
  for (int i = 0; i < 5000; ++i) {
    CoapMessage m;
    m.code = codes[rng() % std::size(codes)];
    m.type = static_cast<CoapType>(rng() % 2);
    for (unsigned n = rng() % 5; n > 0; --n) m.AddOption(CoapOption::kUriPath, segments[rng() % std::size(segments)]);
    for (unsigned n = rng() % 4; n > 0; --n) m.AddOption(CoapOption::kUriQuery, queries[rng() % std::size(queries)]);
    if (rng() % 2) m.AddUintOption(CoapOption::kObserve, rng() % 3);
    if (rng() % 2) m.AddUintOption(CoapOption::kContentFormat, rng() % 2 ? 40 : 11542);
    if (rng() % 3 == 0) m.SetAccept(ContentFormat::kLinkFormat);
    if (rng() % 2) m.payload = S(rng() % 2 ? "0='a',1" : "</3/0>");
    ClassifyOptions o;
    o.direction = rng() % 2 ? Direction::kClientToServer : Direction::kServerToClient;
    o.bootstrap_server = rng() % 2;
    o.models = rng() % 2 ? &Models() : nullptr;
    Classification c = Classify(m, o);
    ASSERT_EQ(c.ok(), !HasErrors(c.diagnostics)) << m.Summary() << "\n" << DumpDiags(c.diagnostics);
    failures += !c.ok();
    if (c.operation) {
      CoapMessage resp;
      resp.code = static_cast<uint8_t>(rng());
      resp.AddOption(CoapOption::kContentFormat, Bytes(rng() % 6, 0x01));
      resp.payload = S("x");
      ResponseClassification r = ClassifyResponse(*c.operation, resp);
      EXPECT_LE(static_cast<int>(r.kind), static_cast<int>(ResponseKind::kReset));
    }
  }
  EXPECT_GT(failures, 100);
  EXPECT_LT(failures, 5000);
}

// ---------------------------------------------------------------- Validate

TEST(OperationValidate, FlagsAnOperationThePeerWouldTakeForAnother) {
  // Create addresses an Object; on a Resource the POST is taken for Execute.
  auto d = Validate(Operation::Create(P("/3/0/1"), ContentFormat::kTextPlain, S("x")));
  EXPECT_TRUE(HasDiag(d, Severity::kError, "Create on /3/0/1 would be received as Execute")) << DumpDiags(d);
  // Write-Attributes with no attribute is a PUT without payload: a Write.
  auto e = Validate(Operation::WriteAttributes(P("/3/0/9"), {}));
  EXPECT_TRUE(HasDiag(e, Severity::kError, "Write-Attributes on /3/0/9 would be received as Write")) << DumpDiags(e);
  EXPECT_TRUE(Validate(Operation::Register("n", 60, "1.2", "U", "</3/0>")).empty());
}

// ---------------------------------------------------------------- responses

CoapMessage Resp(uint8_t code, CoapType type = CoapType::kAcknowledgement) {
  CoapMessage m;
  m.type = type;
  m.code = code;
  m.message_id = 1;
  return m;
}

TEST(ClassifyResponse, RegisterLocationMustBeUnderRd) {
  Operation reg = Operation::Register("n", 60, "1.2", "U", "</3/0>");
  CoapMessage none = Resp(CoapCode::kCreated);
  EXPECT_TRUE(HasDiag(ClassifyResponse(reg, none).diagnostics, Severity::kError, "2.01 to Register without a Location-Path"));
  CoapMessage other = Resp(CoapCode::kCreated);
  other.AddOption(CoapOption::kLocationPath, "reg");
  other.AddOption(CoapOption::kLocationPath, "1");
  EXPECT_TRUE(HasDiag(ClassifyResponse(reg, other).diagnostics, Severity::kError, "location /reg/1 is not under /rd"));
  CoapMessage bare = Resp(CoapCode::kCreated);
  bare.AddOption(CoapOption::kLocationPath, "rd");
  EXPECT_TRUE(HasDiag(ClassifyResponse(reg, bare).diagnostics, Severity::kWarning, "Register location is /rd itself"));
  ResponseClassification wrong = ClassifyResponse(reg, Resp(CoapCode::kChanged));
  EXPECT_EQ(wrong.kind, ResponseKind::kUnexpected);
  EXPECT_TRUE(HasDiag(wrong.diagnostics, Severity::kError, "Register expects 2.01 Created, got 2.04 Changed"));
}

TEST(ClassifyResponse, ErrorCodesAreCheckedAgainstTheTsTables) {
  Operation reg = Operation::Register("n", 60, "1.2", "U", "</3/0>");
  ResponseClassification pf = ClassifyResponse(reg, Resp(CoapCode::kPreconditionFailed));
  EXPECT_EQ(pf.kind, ResponseKind::kError);
  EXPECT_TRUE(pf.diagnostics.empty()) << DumpDiags(pf.diagnostics);  // 4.12: version not supported, listed
  ResponseClassification nf = ClassifyResponse(reg, Resp(CoapCode::kNotFound));
  EXPECT_EQ(nf.kind, ResponseKind::kError);
  EXPECT_TRUE(HasDiag(nf.diagnostics, Severity::kWarning, "4.04 Not Found is not among the codes listed for Register"));
  EXPECT_EQ(nf.diagnostics[0].rule, "Transport TS 1.2 Table 6.7-2");
  Operation upd = Operation::Update("/rd/1");
  EXPECT_TRUE(ClassifyResponse(upd, Resp(CoapCode::kNotFound)).diagnostics.empty());  // int-105
  Operation finish = Operation::BootstrapFinish();
  EXPECT_TRUE(ClassifyResponse(finish, Resp(CoapCode::kNotAcceptable)).diagnostics.empty());  // int-9
  EXPECT_TRUE(ClassifyResponse(Operation::Read(P("/3/0")), Resp(CoapCode::kInternalServerError)).diagnostics.empty());
  EXPECT_TRUE(ClassifyResponse(Operation::Read(P("/3/0")), Resp(CoapCode::kBadOption)).diagnostics.empty());
  Operation write = Operation::Write(P("/5/0/0"), WriteMode::kReplace, ContentFormat::kOpaque, S("fw"));
  EXPECT_TRUE(ClassifyResponse(write, Resp(CoapCode::kRequestEntityTooLarge)).diagnostics.empty());
  EXPECT_TRUE(HasDiag(ClassifyResponse(Operation::Read(P("/3/0")), Resp(CoapCode::kRequestEntityTooLarge)).diagnostics,
                  Severity::kWarning, "4.13 Request Entity Too Large is not among the codes listed for Read"));
}

TEST(ClassifyResponse, SuccessCodesPerOperation) {
  struct Case { Operation op; uint8_t code; };
  for (const Case& c : std::vector<Case>{
           {Operation::BootstrapRequest("n"), CoapCode::kChanged},
           {Operation::BootstrapPackRequest("n"), CoapCode::kContent},
           {Operation::BootstrapWrite(P("/1/0"), ContentFormat::kTlv, {}), CoapCode::kChanged},
           {Operation::BootstrapDelete(), CoapCode::kDeleted},
           {Operation::BootstrapFinish(), CoapCode::kChanged},
           {Operation::Deregister("/rd/1"), CoapCode::kDeleted},
           {Operation::Write(P("/1/0/1"), WriteMode::kReplace, ContentFormat::kTextPlain, S("1")), CoapCode::kChanged},
           {Operation::WriteAttributes(P("/3/0/9"), {}), CoapCode::kChanged},
           {Operation::Execute(P("/3/0/4")), CoapCode::kChanged},
           {Operation::Delete(P("/1/1")), CoapCode::kDeleted},
           {Operation::Send(ContentFormat::kSenmlCbor, S("x")), CoapCode::kChanged},
       }) {
    SCOPED_TRACE(c.op.Summary());
    ResponseClassification ok = ClassifyResponse(c.op, Resp(c.code));
    EXPECT_EQ(ok.kind, ResponseKind::kSuccess);
    EXPECT_TRUE(ok.diagnostics.empty()) << DumpDiags(ok.diagnostics);
    uint8_t other = c.code == CoapCode::kChanged ? CoapCode::kDeleted : CoapCode::kChanged;
    EXPECT_EQ(ClassifyResponse(c.op, Resp(other)).kind, ResponseKind::kUnexpected);
  }
}

TEST(ClassifyResponse, NotifyIsA205WithObserve) {
  Operation obs = Operation::Observe(P("/3/0/9"), {}, ContentFormat::kTextPlain);
  CoapMessage n = Resp(CoapCode::kContent, CoapType::kNonConfirmable);
  n.AddUintOption(CoapOption::kObserve, 17);
  n.SetContentFormat(ContentFormat::kTextPlain);
  n.payload = S("87");
  ResponseClassification r = ClassifyResponse(obs, n);
  EXPECT_EQ(r.kind, ResponseKind::kNotify);
  EXPECT_EQ(r.observe, 17u);
  EXPECT_TRUE(r.diagnostics.empty()) << DumpDiags(r.diagnostics);
  CoapMessage plain = Resp(CoapCode::kContent);
  plain.SetContentFormat(ContentFormat::kTextPlain);
  plain.payload = S("87");
  ResponseClassification p = ClassifyResponse(obs, plain);
  EXPECT_EQ(p.kind, ResponseKind::kSuccess);
  EXPECT_TRUE(HasDiag(p.diagnostics, Severity::kWarning, "the observation was not established"));
  ResponseClassification cancel = ClassifyResponse(Operation::CancelObservation(P("/3/0/9")), n);
  EXPECT_TRUE(HasDiag(cancel.diagnostics, Severity::kWarning, "still carries an Observe option"));
  Operation comp = Operation::ObserveComposite(ContentFormat::kSenmlJson, S("[]"));
  CoapMessage cn = Resp(CoapCode::kContent);
  cn.AddUintOption(CoapOption::kObserve, 0);
  EXPECT_EQ(ClassifyResponse(comp, cn).kind, ResponseKind::kNotify);
}

TEST(ClassifyResponse, ContentFormatMustMatchAccept) {
  Operation read = Operation::Read(P("/3/0"), ContentFormat::kSenmlCbor);
  CoapMessage wrong = Resp(CoapCode::kContent);
  wrong.SetContentFormat(ContentFormat::kTlv);
  wrong.payload = {0xc1};
  EXPECT_TRUE(HasDiag(ClassifyResponse(read, wrong).diagnostics, Severity::kError,
                  "Read asked for senml-cbor (112) and got tlv (11542)"));
  CoapMessage no_cf = Resp(CoapCode::kContent);
  no_cf.payload = {0xc1};
  EXPECT_TRUE(HasDiag(ClassifyResponse(read, no_cf).diagnostics, Severity::kError,
                  "Read response with a payload but no Content-Format"));
  CoapMessage empty = Resp(CoapCode::kContent);  // an Object without instances: empty 2.05 is fine
  EXPECT_TRUE(ClassifyResponse(read, empty).diagnostics.empty());
  CoapMessage disc = Resp(CoapCode::kContent);
  disc.SetContentFormat(ContentFormat::kSenmlJson);
  disc.payload = S("[]");
  EXPECT_TRUE(HasDiag(ClassifyResponse(Operation::Discover(P("/3")), disc).diagnostics, Severity::kError,
                  "Discover response in senml-json (110); it must be link format (40)"));
}

TEST(ClassifyResponse, ContinueEmptyAckAndReset) {
  Operation write = Operation::Write(P("/5/0/0"), WriteMode::kReplace, ContentFormat::kOpaque, S("fw"));
  CoapMessage cont = Resp(CoapCode::kContinue);
  cont.SetBlock1({0, true, 3});
  ResponseClassification c = ClassifyResponse(write, cont);
  EXPECT_EQ(c.kind, ResponseKind::kContinue);
  EXPECT_TRUE(c.diagnostics.empty());
  EXPECT_TRUE(HasDiag(ClassifyResponse(write, Resp(CoapCode::kContinue)).diagnostics, Severity::kWarning,
                  "2.31 Continue without a Block1 option"));
  ResponseClassification bad = ClassifyResponse(Operation::Read(P("/3/0")), Resp(CoapCode::kContinue));
  EXPECT_EQ(bad.kind, ResponseKind::kUnexpected);
  EXPECT_EQ(ClassifyResponse(write, Resp(CoapCode::kEmpty)).kind, ResponseKind::kEmptyAck);
  EXPECT_EQ(ClassifyResponse(write, Resp(CoapCode::kEmpty, CoapType::kReset)).kind, ResponseKind::kReset);
  ResponseClassification req = ClassifyResponse(write, Resp(CoapCode::kGet));
  EXPECT_EQ(req.kind, ResponseKind::kUnexpected);
  EXPECT_TRUE(HasDiag(req.diagnostics, Severity::kError, "GET is no response code"));
  EXPECT_EQ(ResponseKindName(ResponseKind::kNotify), "notify");
}

TEST(ClassifyResponse, CreateLocationNamesTheNewInstance) {
  // TLV without an Object Instance TLV: the client chooses the id and must return it.
  Operation anon = Operation::Create(P("/1"), ContentFormat::kTlv, {0xc1, 0x00, 0x65});
  CoapMessage loc = Resp(CoapCode::kCreated);
  loc.AddOption(CoapOption::kLocationPath, "1");
  loc.AddOption(CoapOption::kLocationPath, "3");
  ResponseClassification ok = ClassifyResponse(anon, loc);
  EXPECT_EQ(ok.kind, ResponseKind::kSuccess);
  EXPECT_EQ(ok.created, P("/1/3"));
  EXPECT_TRUE(ok.diagnostics.empty()) << DumpDiags(ok.diagnostics);
  EXPECT_TRUE(HasDiag(ClassifyResponse(anon, Resp(CoapCode::kCreated)).diagnostics, Severity::kError,
                  "2.01 to a Create whose payload names no instance"));
  CoapMessage other = Resp(CoapCode::kCreated);
  other.AddOption(CoapOption::kLocationPath, "2");
  other.AddOption(CoapOption::kLocationPath, "3");
  EXPECT_TRUE(HasDiag(ClassifyResponse(anon, other).diagnostics, Severity::kError,
                  "Create location /2/3 is not an instance /1/i"));
  // With an Object Instance TLV the instance is named: no Location-Path needed.
  Operation named = Operation::Create(P("/1"), ContentFormat::kTlv, {0x08, 0x05, 0x03, 0xc1, 0x00, 0x65});
  EXPECT_TRUE(ClassifyResponse(named, Resp(CoapCode::kCreated)).diagnostics.empty());
}

TEST(OperationSummary, IsReadable) {
  EXPECT_EQ(Operation::Register("node1", 300, "1.2", "U", {}).Summary(), "Register ep=node1 lt=300 lwm2m=1.2 b=U");
  EXPECT_EQ(Operation::Read(P("/3/0"), ContentFormat::kSenmlCbor).Summary(), "Read /3/0 accept=112");
  EXPECT_EQ(Operation::Execute(P("/3/0/4"), {{0, "x"}}).Summary(), "Execute /3/0/4 args=0='x' cf=0");
}

}  // namespace
}  // namespace lwm2m
