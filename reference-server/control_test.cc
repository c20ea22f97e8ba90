// control_test.cc: the JSON control channel against a Lwm2mServer and an in-test client (a
// coap::Context that registers and answers DM requests with canned responses), bounded waits.
#include "reference-server/control.h"

#include <gtest/gtest.h>

#include "coap/test_support.h"

namespace lwm2m::refserver {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::ordered_json;

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Lwm2mServer>(ServerConfig{});
    ASSERT_TRUE(server_->Start().ok());
    server_->AddPeerContext(&client_);
    client_.SetRequestHandler([this](const coap::Peer&, const CoapMessage& req, coap::Responder& r) {
      seen_.push_back(req);
      CoapMessage m;
      if (req.Observe() == 0u) {
        observation_ = r.AcceptObserve();
        m.code = CoapCode::kContent;
        m.payload = {'2', '1'};
        m.SetContentFormat(ContentFormat::kTextPlain);
      } else if (req.GetAccept() == ContentFormat::kLinkFormat) {
        m.code = CoapCode::kContent;
        std::string p = "</3/0>,</3/0/0>,</3/0/9>;pmin=10";
        m.payload.assign(p.begin(), p.end());
        m.SetContentFormat(ContentFormat::kLinkFormat);
      } else if (req.code == CoapCode::kGet) {
        m.code = CoapCode::kContent;
        std::string p = "Acme";  // text/plain of /3/0/0
        m.payload.assign(p.begin(), p.end());
        m.SetContentFormat(ContentFormat::kTextPlain);
      } else {
        m.code = CoapCode::kChanged;
      }
      r.Respond(m);
    });
    auto s = client_.Connect(coap::Transport::kUdp, *server_->address(coap::Transport::kUdp));
    ASSERT_TRUE(s.ok());
    CoapMessage reg = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node1&lt=300&lwm2m=1.2&b=U");
    std::string links = "</1/0>,</3/0>";
    reg.payload.assign(links.begin(), links.end());
    reg.SetContentFormat(ContentFormat::kLinkFormat);
    std::optional<coap::Reply> reply;
    ASSERT_TRUE((*s)->Send(reg, [&](const coap::Reply& r) { reply = r; }).ok());
    ASSERT_TRUE(server_->RunUntil([&] { return reply.has_value(); }, 5s));
    ASSERT_EQ(reply->response.code, CoapCode::kCreated);
    session_ = *s;
  }
  json Do(const std::string& line) { return json::parse(channel().HandleLine(line)); }
  ControlChannel& channel() {
    if (!channel_) channel_ = std::make_unique<ControlChannel>(*server_);
    return *channel_;
  }

  coap::Context client_;
  std::unique_ptr<Lwm2mServer> server_;
  std::unique_ptr<ControlChannel> channel_;
  std::shared_ptr<coap::Session> session_;
  std::vector<CoapMessage> seen_;
  std::shared_ptr<coap::Observation> observation_;
};

TEST_F(ControlTest, ListShowsTheRegistration) {
  json r = Do(R"({"id":1,"cmd":"list"})");
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(r["ok"], true);
  ASSERT_EQ(r["clients"].size(), 1u);
  const json& c = r["clients"][0];
  EXPECT_EQ(c["endpoint"], "node1");
  EXPECT_EQ(c["lifetime"], 300);
  EXPECT_EQ(c["binding"], "U");
  EXPECT_EQ(c["version"], "1.2");
  EXPECT_EQ(c["location"].get<std::string>().rfind("/rd/", 0), 0u);
  ASSERT_EQ(c["objects"].size(), 2u);
  EXPECT_EQ(c["objects"][1]["id"], 3);
  EXPECT_EQ(c["objects"][1]["instances"], json::array({0}));
}

TEST_F(ControlTest, ReadReturnsCodeAndRecords) {
  json r = Do(R"({"id":2,"cmd":"read","endpoint":"node1","path":"/3/0/0","accept":"text","timeout_ms":5000})");
  ASSERT_EQ(r["ok"], true) << r.dump();
  EXPECT_EQ(r["id"], 2);
  EXPECT_EQ(r["code"], "2.05");
  ASSERT_EQ(r["records"].size(), 1u);
  EXPECT_EQ(r["records"][0]["path"], "/3/0/0");
  EXPECT_EQ(r["records"][0]["type"], "String");
  EXPECT_EQ(r["records"][0]["value"], "Acme");
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].code, CoapCode::kGet);
  EXPECT_EQ(seen_[0].GetAccept(), ContentFormat::kTextPlain);
}

TEST_F(ControlTest, WriteExecuteAndAttributesReachTheClient) {
  json w = Do(R"({"id":3,"cmd":"write","endpoint":"node1","path":"/1/0/1","value":600,"format":"text"})");
  ASSERT_EQ(w["ok"], true) << w.dump();
  EXPECT_EQ(w["code"], "2.04");
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].code, CoapCode::kPut);
  EXPECT_EQ(std::string(seen_[0].payload.begin(), seen_[0].payload.end()), "600");
  json e = Do(R"({"id":4,"cmd":"execute","endpoint":"node1","path":"/3/0/4","args":"0='now'"})");
  ASSERT_EQ(e["ok"], true) << e.dump();
  EXPECT_EQ(seen_.back().code, CoapCode::kPost);
  EXPECT_EQ(std::string(seen_.back().payload.begin(), seen_.back().payload.end()), "0='now'");
  json a = Do(R"({"id":5,"cmd":"write-attributes","endpoint":"node1","path":"/3/0/9","attributes":{"pmin":10}})");
  ASSERT_EQ(a["ok"], true) << a.dump();
  EXPECT_EQ(seen_.back().UriQueries(), std::vector<std::string>{"pmin=10"});
  json d = Do(R"({"id":6,"cmd":"delete","endpoint":"node1","path":"/3303/0"})");
  EXPECT_EQ(seen_.back().code, CoapCode::kDelete);
  EXPECT_EQ(d["code"], "2.04");
}

TEST_F(ControlTest, ObserveNotifyAndCancel) {
  json ob = Do(R"({"id":10,"cmd":"observe","endpoint":"node1","path":"/3/0/9","attributes":"pmin=1"})");
  ASSERT_EQ(ob["ok"], true) << ob.dump();
  EXPECT_EQ(ob["code"], "2.05");
  ASSERT_TRUE(ob.contains("token"));
  ASSERT_TRUE(observation_);
  EXPECT_EQ(seen_.back().Query("pmin"), "1");
  EXPECT_EQ(ob["token"], HexEncode(observation_->token()));

  CoapMessage n;
  n.code = CoapCode::kContent;
  n.payload = {'2', '2'};
  n.SetContentFormat(ContentFormat::kTextPlain);
  ASSERT_TRUE(observation_->Notify(n).ok());
  auto ev = server_->WaitFor([](const ServerEvent& e) { return e.kind == ServerEventKind::kNotification; }, 3s);
  ASSERT_TRUE(ev.has_value());
  json ej = ControlChannel::EventJson(*ev);
  EXPECT_EQ(ej.begin().key(), "event");
  EXPECT_EQ(ej["event"], "notification");
  EXPECT_EQ(ej["endpoint"], "node1");
  EXPECT_EQ(ej["path"], "/3/0/9");
  EXPECT_EQ(ej["token"], ob["token"]);
  ASSERT_EQ(ej["records"].size(), 1u);
  EXPECT_EQ(ej["records"][0]["value"], 22);

  json cancel = Do(R"({"id":11,"cmd":"cancel","endpoint":"node1","token":")" + ob["token"].get<std::string>() + R"("})");
  ASSERT_EQ(cancel["ok"], true) << cancel.dump();
  EXPECT_EQ(seen_.back().Observe(), 1u);
  EXPECT_EQ(Do(R"({"id":12,"cmd":"cancel","endpoint":"node1","token":"0102"})")["ok"], false);
}

TEST_F(ControlTest, DiscoverReturnsLinks) {
  json d = Do(R"({"id":13,"cmd":"discover","endpoint":"node1","path":"/3/0","depth":1})");
  ASSERT_EQ(d["ok"], true) << d.dump();
  EXPECT_EQ(d["code"], "2.05");
  EXPECT_EQ(d["links"], json::array({"</3/0>", "</3/0/0>", "</3/0/9>;pmin=10"}));
  EXPECT_EQ(seen_.back().Query("depth"), "1");
}

TEST_F(ControlTest, ErrorsAreReplyLines) {
  json bad = Do("{not json");
  EXPECT_EQ(bad["ok"], false);
  EXPECT_NE(bad["error"].get<std::string>().find("malformed JSON"), std::string::npos);
  json unknown = Do(R"({"id":7,"cmd":"frobnicate"})");
  EXPECT_EQ(unknown["id"], 7);
  EXPECT_EQ(unknown["ok"], false);
  EXPECT_NE(unknown["error"].get<std::string>().find("unknown command 'frobnicate'"), std::string::npos);
  json noep = Do(R"({"id":8,"cmd":"read","endpoint":"nobody","path":"/3/0","timeout_ms":100})");
  EXPECT_EQ(noep["ok"], false);
  EXPECT_NE(noep["error"].get<std::string>().find("4.04"), std::string::npos) << noep.dump();
  json badpath = Do(R"({"id":9,"cmd":"read","endpoint":"node1","path":"/3/0/x"})");
  EXPECT_EQ(badpath["ok"], false);
  json notobj = Do("[1,2]");
  EXPECT_EQ(notobj["ok"], false);
  EXPECT_TRUE(seen_.empty());
}

TEST_F(ControlTest, ShutdownSetsTheFlag) {
  EXPECT_FALSE(channel().shutdown_requested());
  EXPECT_EQ(Do(R"({"cmd":"shutdown"})")["ok"], true);
  EXPECT_TRUE(channel().shutdown_requested());
}

TEST(ControlRecords, JsonValuesTakeTheirType) {
  auto r = ControlChannel::RecordFromJson(json::parse(R"({"path":"/3/0/13","type":"Time","value":1700000000})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value, Value::Time(1700000000));
  auto o = ControlChannel::RecordFromJson(json::parse(R"({"path":"/0/0/3","type":"Opaque","value":"AQI="})"));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->value, Value::Opaque({1, 2}));
  EXPECT_EQ(ControlChannel::RecordJson(*o)["value"], "AQI=");
  auto plain = ControlChannel::RecordFromJson(json::parse(R"({"path":"/1/0/7","value":"U"})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->value, Value::String("U"));
  EXPECT_FALSE(ControlChannel::RecordFromJson(json::parse(R"({"path":"/1/0/1","type":"Boolean","value":7})")).ok());
  EXPECT_FALSE(ControlChannel::RecordFromJson(json::parse(R"({"path":"/1/0/1"})")).ok());
}

}  // namespace
}  // namespace lwm2m::refserver
