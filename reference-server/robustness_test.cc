// robustness_test.cc: bad input of issue 3 that needs more than one peer: a flood of Register from
// one address, and a client that vanishes in the middle of a block-wise Register (RFC 7959 §2.5).
// The server must keep answering everyone else and keep no half registration.
#include <gtest/gtest.h>

#include <string>

#include "coap/test_support.h"
#include "lwm2m/coap_wire.h"
#include "reference-server/server.h"

namespace lwm2m::refserver {
namespace {

using namespace std::chrono_literals;
using coap::Transport;

Bytes RegisterDatagram(uint16_t mid, std::string_view query, std::string_view links) {
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?" + std::string(query));
  m.message_id = mid;
  m.token = {static_cast<uint8_t>(mid >> 8), static_cast<uint8_t>(mid)};
  m.payload.assign(links.begin(), links.end());
  m.SetContentFormat(ContentFormat::kLinkFormat);
  auto bytes = EncodeUdp(m);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

class RobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Lwm2mServer>(ServerConfig{});
    ASSERT_TRUE(server_->Start().ok());
    server_->AddPeerContext(&client_);
    addr_ = *server_->address(Transport::kUdp);
  }
  // A well-behaved client registers through a libcoap session and gets 2.01 within the bound.
  uint8_t RegisterGoodClient(const std::string& ep) {
    auto s = client_.Connect(Transport::kUdp, addr_);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return 0;
    CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=" + ep + "&lt=300&lwm2m=1.2");
    m.payload = coap::testing::ToBytes("</3/0>");
    m.SetContentFormat(ContentFormat::kLinkFormat);
    std::optional<coap::Reply> reply;
    EXPECT_TRUE((*s)->Send(std::move(m), [&](const coap::Reply& r) { reply = r; }).ok());
    server_->RunUntil([&] { return reply.has_value(); }, 5s);
    return reply && reply->ok() ? reply->response.code : 0;
  }

  coap::Context client_;
  std::unique_ptr<Lwm2mServer> server_;
  coap::Address addr_;
};

TEST_F(RobustnessTest, RegisterFloodFromOneAddressIsAnsweredAndDoesNotStallOthers) {
  coap::testing::RawUdp flood;
  constexpr int kFlood = 2000, kBurst = 50;
  size_t answers = 0;
  // Bursts of 50 back to back (a loopback socket buffer holds a few hundred small datagrams), each
  // burst answered before the next; a well-behaved client registers in the middle of the flood.
  for (int burst = 0; burst < kFlood / kBurst; ++burst) {
    for (int i = 0; i < kBurst; ++i) {
      uint16_t mid = static_cast<uint16_t>(burst * kBurst + i + 1);
      ASSERT_TRUE(flood.SendTo(addr_, RegisterDatagram(mid, "ep=flood&lt=300&lwm2m=1.2", "</3/0>")));
    }
    size_t want = static_cast<size_t>((burst + 1) * kBurst);
    ASSERT_TRUE(server_->RunUntil([&] {
      answers += flood.Drain().size();
      return answers >= want;
    }, 5s)) << "burst " << burst << ": " << answers << " of " << want << " answered";
    if (burst == kFlood / kBurst / 2) EXPECT_EQ(RegisterGoodClient("good"), CoapCode::kCreated);
  }
  EXPECT_EQ(answers, static_cast<size_t>(kFlood));
  // Re-registration replaces: one registration per endpoint, whatever the number of Registers.
  size_t flood_regs = 0;
  for (const auto& r : server_->Registrations()) flood_regs += r.endpoint == "flood";
  EXPECT_EQ(flood_regs, 1u);
  EXPECT_NE(server_->FindByEndpoint("good"), nullptr);
}

TEST_F(RobustnessTest, ClientVanishingMidBlockwiseRegisterLeavesNoRegistration) {
  coap::testing::RawUdp half;
  // The first 16-byte block of a longer link list, with More set (RFC 7959 §2.5), then silence.
  std::string links = "</1/0>,</3/0>,</4/0>,</5/0>,</3303/0>";
  CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=half&lt=300&lwm2m=1.2");
  m.message_id = 0x4242;
  m.token = {0x42};
  m.SetContentFormat(ContentFormat::kLinkFormat);
  m.SetBlock1(BlockOption{0, true, 0});
  m.AddUintOption(CoapOption::kSize1, static_cast<uint32_t>(links.size()));  // RFC 7959 §4
  m.payload.assign(links.begin(), links.begin() + 16);
  auto first = EncodeUdp(m);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(half.SendTo(addr_, *first));
  std::vector<Bytes> got;
  server_->RunUntil([&] {
    for (auto& d : half.Drain()) got.push_back(d);
    return !got.empty();
  }, 5s);
  ASSERT_FALSE(got.empty()) << "the first block was not acknowledged";
  WireParseResult r = ParseUdp(got.front());
  ASSERT_FALSE(r.HasErrors());
  EXPECT_EQ(r.message.code, CoapCode::kContinue) << r.message.Summary() << " " << std::string(r.message.payload.begin(), r.message.payload.end());  // 2.31 Continue
  // The client is gone; everyone else is still served and no "half" registration exists.
  EXPECT_EQ(RegisterGoodClient("after-half"), CoapCode::kCreated);
  EXPECT_EQ(server_->FindByEndpoint("half"), nullptr);
  EXPECT_NE(server_->FindByEndpoint("after-half"), nullptr);
}

}  // namespace
}  // namespace lwm2m::refserver
