// result.h: errors as values. A Status carries a CoAP response code (Core TS
// 1.2 uses CoAP codes as the error vocabulary) and a message naming the path
// and byte offset; Result<T> holds either a T or a non-OK Status.
//   Result<Path> p = Path::Parse("/3/0/1");
//   if (!p) std::cerr << p.status().ToString();
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace lwm2m {

// CoAP response codes used as error classes (RFC 7252 §12.1.2, RFC 8132).
enum class StatusCode : uint8_t {
  kOk = 0,
  kBadRequest = (4 << 5) | 0,                 // 4.00
  kUnauthorized = (4 << 5) | 1,               // 4.01
  kBadOption = (4 << 5) | 2,                  // 4.02
  kForbidden = (4 << 5) | 3,                  // 4.03
  kNotFound = (4 << 5) | 4,                   // 4.04
  kMethodNotAllowed = (4 << 5) | 5,           // 4.05
  kNotAcceptable = (4 << 5) | 6,              // 4.06
  kRequestEntityIncomplete = (4 << 5) | 8,    // 4.08
  kConflict = (4 << 5) | 9,                   // 4.09
  kPreconditionFailed = (4 << 5) | 12,        // 4.12
  kRequestEntityTooLarge = (4 << 5) | 13,     // 4.13
  kUnsupportedContentFormat = (4 << 5) | 15,  // 4.15
  kInternalServerError = (5 << 5) | 0,        // 5.00
  kNotImplemented = (5 << 5) | 1,             // 5.01
};

// "4.04" for kNotFound, "2.05"-style for any code byte.
std::string CoapCodeString(uint8_t code);

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "4.00 Bad Request: TLV: length 12 at offset 5 runs past the end"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status BadRequest(std::string m) { return {StatusCode::kBadRequest, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status NotAcceptable(std::string m) { return {StatusCode::kNotAcceptable, std::move(m)}; }
inline Status UnsupportedContentFormat(std::string m) {
  return {StatusCode::kUnsupportedContentFormat, std::move(m)};
}
inline Status InternalError(std::string m) { return {StatusCode::kInternalServerError, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  // The error; Status::Ok() when the result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lwm2m
