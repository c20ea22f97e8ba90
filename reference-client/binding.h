// binding.h: which transport the reference client uses towards one LwM2M server (Core TS 1.2
// §6.2.1.2 "Transport binding selection", requirements TRAN-BIND-001..009): a TABLE of binding
// letters (U, T, S, N, M, H; a new transport is a new row) and the pure rule function on it.
//   BindingInputs in{.server_uris = {"coap://127.0.0.1:5683", "coap+tcp://127.0.0.1:5685"},
//                    .server_binding = "UT", .preferred_transport = "T", .client_supported = "UT"};
//   SelectTransport(in)->transport == coap::Transport::kTcp;   // rule: TRAN-BIND-001
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coap/types.h"
#include "lwm2m/result.h"

namespace lwm2m::refclient {

// One binding letter of Core TS 1.2 §6.2.1.1 (Table 6.2.1.1-1) and how this client reaches it.
struct TransportRow {
  char letter = 'U';
  std::string_view name;                         // "UDP"
  bool ip = true;                                // carried over an IP PDN (TRAN-BIND-006)
  std::optional<coap::Transport> plain, secure;  // the coap/ transport without / with (D)TLS
  std::string_view scheme, secure_scheme;        // URI schemes of the server URI (/0/x/0, /0/x/25)
  bool available = false;                        // this client can open it now
};
// U UDP/DTLS and T TCP/TLS are available; S, N, M, H are rows without a transport yet.
const std::vector<TransportRow>& TransportTable();
const TransportRow* FindTransportRow(char letter);
// The row whose scheme (plain or secure) is the URI's, and whether the URI is secure.
std::optional<std::pair<const TransportRow*, bool>> RowForUri(std::string_view uri);

struct BindingInputs {
  std::vector<std::string> server_uris;            // /0/x/0 first, then /0/x/25 Secondary URIs
  std::string server_binding = "U";                // /1/x/7 (a 1.0 "UQ" is accepted: Q is not a transport)
  std::optional<std::string> preferred_transport;  // /1/x/22, one letter
  std::string client_supported = "UT";             // /3/0/16 Supported Binding and Modes
  std::string client_preference = "UT";            // the client's own order, best first
  std::optional<std::string> trigger_binding;      // argument 0 of the last /1/x/8 Execute
  std::optional<int64_t> pdn_type;                 // /11/x/24 of the APN named by /1/x/10: 0 Non-IP, 1..3 IP
  // Deliberate faults (README): skip the rule.
  bool ignore_preferred_transport = false;
  bool ignore_trigger_binding = false;
};

struct TransportChoice {
  char letter = 'U';
  coap::Transport transport = coap::Transport::kUdp;
  std::string uri;   // the server URI to connect to
  std::string rule;  // which rule chose it, "TRAN-BIND-001: Preferred Transport /1/x/22 'T'"
  bool operator==(const TransportChoice&) const = default;
};

// The rules, in this order (the first that yields a possible transport wins):
//  1. TRAN-BIND-002/003: the Registration Update Trigger argument, when the client supports it
//     and the server lists it in /1/x/7 (U counts as listed, TRAN-BIND-005);
//  2. TRAN-BIND-001: Preferred Transport /1/x/22 when defined, "unless unable to do so";
//  3. TRAN-BIND-006: the APN profile's PDN type (Non-IP: N, IP: an IP binding) when present in /1/x/7;
//  4. TRAN-BIND-004/005: the first client-preferred binding supported by both /1/x/7 (+U) and /3/0/16.
// A binding is possible when its row is available, /3/0/16 lists it and a server URI has its scheme.
// Fails (4.06) when none is possible, naming what each rule lacked.
Result<TransportChoice> SelectTransport(const BindingInputs& in);

// The transport letters of a binding string without mode flags: "UQ" -> "U", "UT" -> "UT".
std::string BindingLetters(std::string_view binding);

}  // namespace lwm2m::refclient
