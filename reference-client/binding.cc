// binding.cc: the transport table and the TRAN-BIND selection rules.
#include "reference-client/binding.h"

namespace lwm2m::refclient {

using coap::Transport;

const std::vector<TransportRow>& TransportTable() {
  // Core TS 1.2 Table 6.2.1.1-1 letters; Transport TS 1.2 §5 (UDP/DTLS), §6 (TCP/TLS), §7 (SMS),
  // §8 (Non-IP), §9 (MQTT), §10 (HTTP). MQTT and SMS become available when their rows get a transport.
  static const std::vector<TransportRow> table = {
      {'U', "UDP", true, Transport::kUdp, Transport::kDtls, "coap", "coaps", true},
      {'T', "TCP", true, Transport::kTcp, Transport::kTls, "coap+tcp", "coaps+tcp", true},
      {'S', "SMS", false, std::nullopt, std::nullopt, "sms", "sms", false},
      {'N', "Non-IP", false, std::nullopt, std::nullopt, "", "", false},
      {'M', "MQTT", true, std::nullopt, std::nullopt, "mqtt", "mqtts", false},
      {'H', "HTTP", true, std::nullopt, std::nullopt, "http", "https", false},
  };
  return table;
}

const TransportRow* FindTransportRow(char letter) {
  for (const auto& r : TransportTable())
    if (r.letter == letter) return &r;
  return nullptr;
}

std::optional<std::pair<const TransportRow*, bool>> RowForUri(std::string_view uri) {
  size_t colon = uri.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view scheme = uri.substr(0, colon);
  for (const auto& r : TransportTable()) {
    if (!r.scheme.empty() && scheme == r.scheme) return std::make_pair(&r, false);
    if (!r.secure_scheme.empty() && scheme == r.secure_scheme) return std::make_pair(&r, true);
  }
  return std::nullopt;
}

std::string BindingLetters(std::string_view binding) {
  std::string out;
  for (char c : binding)
    if (c != 'Q' && FindTransportRow(c) && out.find(c) == std::string::npos) out += c;
  return out;
}

namespace {

// The first server URI of the row's scheme, and why not when there is none.
std::optional<TransportChoice> Possible(const BindingInputs& in, char letter, std::string rule, std::string& why) {
  const TransportRow* row = FindTransportRow(letter);
  if (!row) {
    why += std::string(" '") + letter + "' is no binding;";
    return std::nullopt;
  }
  if (!row->available) {
    why += std::string(" ") + std::string(row->name) + " is not available in this client;";
    return std::nullopt;
  }
  if (BindingLetters(in.client_supported).find(letter) == std::string::npos) {
    why += std::string(" ") + std::string(row->name) + " is not in /3/0/16 '" + in.client_supported + "';";
    return std::nullopt;
  }
  for (const auto& uri : in.server_uris) {
    auto r = RowForUri(uri);
    if (!r || r->first != row) continue;
    auto t = r->second ? row->secure : row->plain;
    if (!t) continue;
    return TransportChoice{letter, *t, uri, std::move(rule)};
  }
  why += std::string(" no server URI (/0/x/0, /0/x/25) for ") + std::string(row->name) + ";";
  return std::nullopt;
}

bool ServerLists(const BindingInputs& in, char letter) {
  // TRAN-BIND-005: UDP is assumed supported by the server even when /1/x/7 omits it.
  return letter == 'U' || BindingLetters(in.server_binding).find(letter) != std::string::npos;
}

}  // namespace

Result<TransportChoice> SelectTransport(const BindingInputs& in) {
  std::string why;
  if (in.trigger_binding && !in.ignore_trigger_binding) {
    std::string letters = BindingLetters(*in.trigger_binding);
    if (letters.size() == 1 && ServerLists(in, letters[0])) {
      if (auto c = Possible(in, letters[0], "TRAN-BIND-002: Registration Update Trigger argument '" + letters + "'", why))
        return *c;
    } else {
      why += " trigger argument '" + *in.trigger_binding + "' is not one binding listed in /1/x/7;";
    }
  }
  if (in.preferred_transport && !in.preferred_transport->empty() && !in.ignore_preferred_transport) {
    std::string letters = BindingLetters(*in.preferred_transport);
    if (letters.size() == 1) {
      if (auto c = Possible(in, letters[0], "TRAN-BIND-001: Preferred Transport /1/x/22 '" + letters + "'", why))
        return *c;
    } else {
      why += " /1/x/22 '" + *in.preferred_transport + "' is not a single binding;";
    }
  }
  if (in.pdn_type) {
    bool non_ip = *in.pdn_type == 0;
    for (char letter : in.client_preference) {
      const TransportRow* row = FindTransportRow(letter);
      if (!row || row->ip == non_ip || BindingLetters(in.server_binding).find(letter) == std::string::npos) continue;
      if (auto c = Possible(in, letter,
                            "TRAN-BIND-006: APN PDN type " + std::to_string(*in.pdn_type) + " -> '" + letter + "'", why))
        return *c;
    }
  }
  for (char letter : in.client_preference) {
    if (!ServerLists(in, letter)) continue;
    std::string rule = BindingLetters(in.server_binding).find(letter) == std::string::npos
                           ? std::string("TRAN-BIND-005: UDP assumed supported by the server")
                           : std::string("TRAN-BIND-004: client-preferred binding '") + letter + "' in /1/x/7 '" +
                                 in.server_binding + "' and /3/0/16 '" + in.client_supported + "'";
    if (auto c = Possible(in, letter, std::move(rule), why)) return *c;
  }
  return Status(StatusCode::kNotAcceptable, "no transport possible towards the server:" + why);
}

}  // namespace lwm2m::refclient
