// control_test.cc: the JSON-lines upper-tester channel on an in-process client without servers.
#include "reference-client/control.h"

#include <gtest/gtest.h>

namespace lwm2m::refclient {
namespace {

using json = ControlJson;

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientConfig cfg;
    cfg.endpoint = "ctl";
    client_ = std::make_unique<Lwm2mClient>(ClientOptions{.config = cfg});
    ASSERT_TRUE(client_->Start().ok());
    ch_ = std::make_unique<ClientControl>(*client_);
  }
  json Cmd(const std::string& line) { return json::parse(ch_->HandleLine(line)); }
  std::unique_ptr<Lwm2mClient> client_;
  std::unique_ptr<ClientControl> ch_;
};

TEST_F(ControlTest, UnknownVerbIsUnsupportedAndCounted) {
  json r = Cmd(R"({"id":7,"cmd":"teleport"})");
  EXPECT_EQ(r["id"], 7);
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"], "unsupported");
  EXPECT_EQ(ch_->handled(), 1);
  EXPECT_EQ(ch_->unsupported(), 1);
  Cmd(R"({"cmd":"state"})");
  EXPECT_EQ(ch_->unsupported(), 1);
  EXPECT_EQ(ch_->handled(), 2);
}

TEST_F(ControlTest, MalformedInputIsAnErrorNotACrash) {
  EXPECT_EQ(Cmd("{not json")["ok"], false);
  EXPECT_EQ(Cmd("[1,2]")["ok"], false);
  EXPECT_EQ(Cmd(R"({"cmd":5})")["ok"], false);
  EXPECT_EQ(Cmd(R"({"cmd":"set","path":"/3/x/0","value":1})")["ok"], false);
  EXPECT_EQ(Cmd(R"({"cmd":"set","path":"/3303/0/5700","value":{"a":1}})")["ok"], false);
  EXPECT_EQ(Cmd(R"({"cmd":"send"})")["ok"], false);
  EXPECT_EQ(ch_->unsupported(), 0);
}

TEST_F(ControlTest, SetThenGetTypedByTheModel) {
  json r = Cmd(R"({"id":1,"cmd":"set","path":"/3303/0/5700","value":"23.25"})");
  ASSERT_EQ(r["ok"], true) << r.dump();
  r = Cmd(R"({"id":2,"cmd":"get","path":"/3303/0/5700"})");
  ASSERT_EQ(r["ok"], true) << r.dump();
  EXPECT_EQ(r["values"][0]["path"], "/3303/0/5700");
  EXPECT_EQ(r["values"][0]["value"], 23.25);
  EXPECT_EQ(Cmd(R"({"cmd":"get","path":"/3303/9"})")["ok"], false);
}

TEST_F(ControlTest, StateListsObjectsAndNoRegistrations) {
  json r = Cmd(R"({"cmd":"state"})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["endpoint"], "ctl");
  EXPECT_TRUE(r["registrations"].empty());
  EXPECT_TRUE(r["objects"].contains("3"));
  EXPECT_EQ(Cmd(R"({"cmd":"register"})")["ok"], false) << "no server account";
  EXPECT_EQ(Cmd(R"({"cmd":"send","paths":["/3/0/0"]})")["ok"], false) << "not registered";
}

TEST_F(ControlTest, QuitIsRequested) {
  EXPECT_FALSE(ch_->quit_requested());
  EXPECT_EQ(Cmd(R"({"cmd":"quit"})")["ok"], true);
  EXPECT_TRUE(ch_->quit_requested());
}

}  // namespace
}  // namespace lwm2m::refclient
