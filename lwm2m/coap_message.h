// coap_message.h: an abstract CoAP message (RFC 7252 §3, RFC 8323 §3 for TCP),
// the currency between lwm2m/ (which maps LwM2M operations to and from it),
// coap/ (which sends and receives it through libcoap) and the harness (which
// records, matches and fault-injects it). Byte-exact wire encoders and strict
// parsers with diagnostics live in coap_wire.h.
//   CoapMessage m = CoapMessage::Request(CoapCode::kPost, "/rd?ep=node1&lt=300");
//   m.SetContentFormat(ContentFormat::kLinkFormat);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/content_format.h"
#include "lwm2m/value.h"

namespace lwm2m {

enum class CoapType : uint8_t { kConfirmable = 0, kNonConfirmable = 1, kAcknowledgement = 2, kReset = 3 };

// Code byte: class << 5 | detail. Requests 0.01-0.07, responses 2.xx-5.xx, 7.xx signalling (RFC 8323).
namespace CoapCode {
constexpr uint8_t kEmpty = 0x00;
constexpr uint8_t kGet = 0x01, kPost = 0x02, kPut = 0x03, kDelete = 0x04;
constexpr uint8_t kFetch = 0x05, kPatch = 0x06, kIPatch = 0x07;  // RFC 8132
constexpr uint8_t kCreated = 0x41, kDeleted = 0x42, kValid = 0x43, kChanged = 0x44, kContent = 0x45;
constexpr uint8_t kContinue = 0x5F;  // 2.31, RFC 7959
constexpr uint8_t kBadRequest = 0x80, kUnauthorized = 0x81, kBadOption = 0x82, kForbidden = 0x83;
constexpr uint8_t kNotFound = 0x84, kMethodNotAllowed = 0x85, kNotAcceptable = 0x86;
constexpr uint8_t kRequestEntityIncomplete = 0x88, kConflict = 0x89, kPreconditionFailed = 0x8C;
constexpr uint8_t kRequestEntityTooLarge = 0x8D, kUnsupportedContentFormat = 0x8F;
constexpr uint8_t kInternalServerError = 0xA0, kNotImplemented = 0xA1, kServiceUnavailable = 0xA3;
constexpr uint8_t kCsm = 0xE1, kPing = 0xE2, kPong = 0xE3, kRelease = 0xE4, kAbort = 0xE5;  // RFC 8323 §5
constexpr uint8_t Make(int cls, int detail) { return static_cast<uint8_t>(cls << 5 | detail); }
}  // namespace CoapCode

// Option numbers (RFC 7252 §5.10, RFC 7641, RFC 7959, RFC 8613, RFC 7967, RFC 9175).
namespace CoapOption {
constexpr uint16_t kIfMatch = 1, kUriHost = 3, kETag = 4, kIfNoneMatch = 5, kObserve = 6, kUriPort = 7;
constexpr uint16_t kLocationPath = 8, kOscore = 9, kUriPath = 11, kContentFormat = 12, kMaxAge = 14;
constexpr uint16_t kUriQuery = 15, kAccept = 17, kLocationQuery = 20, kBlock2 = 23, kBlock1 = 27;
constexpr uint16_t kSize2 = 28, kProxyUri = 35, kProxyScheme = 39, kSize1 = 60, kEcho = 252;
constexpr uint16_t kNoResponse = 258, kRequestTag = 292;
}  // namespace CoapOption

// "GET", "2.05 Content", "7.01 CSM", "0.00 Empty", or "3.01" for unassigned codes.
std::string CoapCodeName(uint8_t code);
// "Uri-Path", "Observe", or "Option 65000".
std::string CoapOptionName(uint16_t number);

struct CoapOptionValue {
  uint16_t number = 0;
  Bytes value;
  bool operator==(const CoapOptionValue&) const = default;
};

// Block1/Block2 option value (RFC 7959 §2.2).
struct BlockOption {
  uint32_t num = 0;
  bool more = false;
  uint8_t szx = 0;  // block size = 16 << szx; szx 7 is reserved (BERT on TCP, RFC 8323 §6)
  uint32_t size() const { return 16u << szx; }
};

struct CoapMessage {
  CoapType type = CoapType::kConfirmable;  // ignored on TCP (RFC 8323 has no type or message id)
  uint8_t code = CoapCode::kEmpty;
  uint16_t message_id = 0;
  Bytes token;                           // 0..8 bytes
  std::vector<CoapOptionValue> options;  // kept sorted by number; repeated options in order
  Bytes payload;

  // A request with Uri-Path and Uri-Query options from "/rd?ep=a&lt=5".
  static CoapMessage Request(uint8_t code, std::string_view uri_path_and_query);

  bool IsRequest() const { return code >= 0x01 && code <= 0x1F; }
  bool IsResponse() const { return code >= 0x40 && code < 0xC0; }
  bool IsSignal() const { return code >= 0xE0; }
  bool IsEmpty() const { return code == CoapCode::kEmpty; }

  // Options. Add keeps options sorted by number (stable for repeats).
  void AddOption(uint16_t number, Bytes value);
  void AddOption(uint16_t number, std::string_view text);
  void AddUintOption(uint16_t number, uint32_t value);  // minimal-length big-endian (RFC 7252 §3.2)
  void RemoveOption(uint16_t number);
  bool HasOption(uint16_t number) const;
  const CoapOptionValue* FindOption(uint16_t number) const;  // the first one
  std::vector<const CoapOptionValue*> FindOptions(uint16_t number) const;
  // The first option's value as an unsigned integer; nullopt when absent or longer than 4 bytes.
  std::optional<uint32_t> UintOption(uint16_t number) const;

  // Uri-Path segments joined as "/rd/5a3f"; "/" when there is none.
  std::string UriPath() const;
  void SetUriPath(std::string_view path);  // "/3/0/1" -> three Uri-Path options
  std::vector<std::string> UriQueries() const;  // "ep=node1", "Q", ...
  // The value of the first Uri-Query "name=value" (or "" for a bare "name"); nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  void AddQuery(std::string_view name_equals_value);
  std::string LocationPath() const;  // "/rd/5a3f", "" when there is none

  std::optional<ContentFormat> GetContentFormat() const;
  void SetContentFormat(ContentFormat f);
  std::optional<ContentFormat> GetAccept() const;
  void SetAccept(ContentFormat f);
  std::optional<uint32_t> Observe() const { return UintOption(CoapOption::kObserve); }
  std::optional<BlockOption> Block1() const;
  std::optional<BlockOption> Block2() const;
  void SetBlock1(BlockOption b);
  void SetBlock2(BlockOption b);

  // One line: "CON POST mid=0x1234 token=ab12 /rd?ep=a&lt=5 cf=40 payload=42B".
  std::string Summary() const;

  bool operator==(const CoapMessage&) const = default;
};

Bytes EncodeBlockOption(BlockOption b);
std::optional<BlockOption> DecodeBlockOption(const Bytes& value);

}  // namespace lwm2m
