// convert.cc: CoapMessage <-> libcoap coap_pdu_t, addresses, names (RFC 7252 §3).
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>

#include "coap/internal.h"

namespace lwm2m::coap {

const char* TransportName(Transport t) {
  switch (t) {
    case Transport::kUdp: return "udp";
    case Transport::kDtls: return "dtls";
    case Transport::kTcp: return "tcp";
    case Transport::kTls: return "tls";
  }
  return "?";
}

const char* SecurityModeName(SecurityMode m) {
  switch (m) {
    case SecurityMode::kNoSec: return "nosec";
    case SecurityMode::kPsk: return "psk";
    case SecurityMode::kCertificate: return "x509";
  }
  return "?";
}

const char* SessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kConnecting: return "connecting";
    case SessionState::kEstablished: return "established";
    case SessionState::kFailed: return "failed";
    case SessionState::kClosed: return "closed";
  }
  return "?";
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kResponse: return "response";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kReset: return "reset";
    case Outcome::kSecurityFailed: return "security-failed";
    case Outcome::kSessionClosed: return "session-closed";
    case Outcome::kSendFailed: return "send-failed";
    case Outcome::kCancelled: return "cancelled";
  }
  return "?";
}

std::string Address::ToString() const {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

Security Security::Psk(std::string identity, Bytes key) {
  Security s;
  s.mode = SecurityMode::kPsk;
  s.psk_identity = std::move(identity);
  s.psk_key = std::move(key);
  return s;
}

Security Security::PskServer(std::function<std::optional<Bytes>(std::string_view)> lookup) {
  Security s;
  s.mode = SecurityMode::kPsk;
  s.psk_lookup = std::move(lookup);
  return s;
}

Security Security::Certificate(std::string cert_pem, std::string key_pem, std::string ca_pem) {
  Security s;
  s.mode = SecurityMode::kCertificate;
  s.certificate_pem = std::move(cert_pem);
  s.private_key_pem = std::move(key_pem);
  s.ca_pem = std::move(ca_pem);
  return s;
}

Transport FromProto(coap_proto_t p) {
  switch (p) {
    case COAP_PROTO_DTLS: return Transport::kDtls;
    case COAP_PROTO_TCP: return Transport::kTcp;
    case COAP_PROTO_TLS: return Transport::kTls;
    default: return Transport::kUdp;
  }
}

coap_proto_t ToProto(Transport t) {
  switch (t) {
    case Transport::kUdp: return COAP_PROTO_UDP;
    case Transport::kDtls: return COAP_PROTO_DTLS;
    case Transport::kTcp: return COAP_PROTO_TCP;
    case Transport::kTls: return COAP_PROTO_TLS;
  }
  return COAP_PROTO_UDP;
}

Address FromSockaddr(const sockaddr* sa, socklen_t len) {
  Address a;
  if (sa == nullptr) return a;
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    a.ip = buf;
    a.port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    }
    a.ip = buf;
    a.port = ntohs(in6->sin6_port);
  }
  return a;
}

Address FromCoapAddress(const coap_address_t* a) {
  if (a == nullptr) return {};
  return FromSockaddr(&a->addr.sa, a->size);
}

bool ToCoapAddress(const Address& a, coap_address_t* out) {
  coap_address_init(out);
  if (inet_pton(AF_INET, a.ip.c_str(), &out->addr.sin.sin_addr) == 1) {
    out->addr.sin.sin_family = AF_INET;
    out->addr.sin.sin_port = htons(a.port);
    out->size = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, a.ip.c_str(), &out->addr.sin6.sin6_addr) == 1) {
    out->addr.sin6.sin6_family = AF_INET6;
    out->addr.sin6.sin6_port = htons(a.port);
    out->size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

std::string HexOf(const Bytes& b) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(kDigits[c >> 4]);
    s.push_back(kDigits[c & 15]);
  }
  return s;
}

CoapMessage PduToMessage(const coap_pdu_t* pdu, bool whole_body) {
  CoapMessage m;
  m.type = static_cast<CoapType>(coap_pdu_get_type(pdu) & 3);
  m.code = static_cast<uint8_t>(coap_pdu_get_code(pdu));
  m.message_id = static_cast<uint16_t>(coap_pdu_get_mid(pdu));
  coap_bin_const_t token = coap_pdu_get_token(pdu);
  m.token.assign(token.s, token.s + token.length);
  coap_opt_iterator_t it;
  coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
  while (coap_opt_t* opt = coap_option_next(&it)) {
    const uint8_t* v = coap_opt_value(opt);
    m.options.push_back({static_cast<uint16_t>(it.number), Bytes(v, v + coap_opt_length(opt))});
  }
  size_t len = 0;
  const uint8_t* data = nullptr;
  if (coap_get_data(pdu, &len, &data) && len > 0) m.payload.assign(data, data + len);
  if (whole_body) {
    size_t total = 0, offset = 0, blen = 0;
    const uint8_t* bdata = nullptr;
    if (coap_get_data_large(pdu, &blen, &bdata, &offset, &total) && offset == 0 && blen == total &&
        blen > m.payload.size()) {
      m.payload.assign(bdata, bdata + blen);
      // The message is now the assembled body, no longer one block of it.
      m.RemoveOption(m.IsRequest() ? CoapOption::kBlock1 : CoapOption::kBlock2);
    }
  }
  return m;
}

bool AddOptions(coap_pdu_t* pdu, const CoapMessage& m) {
  for (const CoapOptionValue& o : m.options) {
    if (coap_add_option(pdu, o.number, o.value.size(), o.value.data()) == 0 && !o.value.empty()) {
      return false;
    }
  }
  return true;
}

}  // namespace lwm2m::coap
