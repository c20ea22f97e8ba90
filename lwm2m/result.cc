// result.cc: CoAP code names for Status messages.
#include "lwm2m/result.h"

namespace lwm2m {

std::string CoapCodeString(uint8_t code) {
  std::string s = std::to_string(code >> 5) + ".";
  int detail = code & 0x1f;
  if (detail < 10) s += "0";
  s += std::to_string(detail);
  return s;
}

namespace {
const char* ReasonPhrase(StatusCode c) {
  switch (c) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kBadRequest: return "Bad Request";
    case StatusCode::kUnauthorized: return "Unauthorized";
    case StatusCode::kBadOption: return "Bad Option";
    case StatusCode::kForbidden: return "Forbidden";
    case StatusCode::kNotFound: return "Not Found";
    case StatusCode::kMethodNotAllowed: return "Method Not Allowed";
    case StatusCode::kNotAcceptable: return "Not Acceptable";
    case StatusCode::kRequestEntityIncomplete: return "Request Entity Incomplete";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kPreconditionFailed: return "Precondition Failed";
    case StatusCode::kRequestEntityTooLarge: return "Request Entity Too Large";
    case StatusCode::kUnsupportedContentFormat: return "Unsupported Content-Format";
    case StatusCode::kInternalServerError: return "Internal Server Error";
    case StatusCode::kNotImplemented: return "Not Implemented";
  }
  return "Unknown";
}
}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return CoapCodeString(static_cast<uint8_t>(code_)) + " " + ReasonPhrase(code_) + ": " + message_;
}

}  // namespace lwm2m
