/* packet-lwm2m.c: LwM2M 1.2 meaning on top of Wireshark's CoAP (OMA-TS-LightweightM2M_Core V1_2 §6:
 * Bootstrap, Client Registration, Device Management and Information Reporting interfaces).
 * A postdissector: it finds each CoAP PDU of a frame, labels it with its LwM2M interface and
 * operation, pairs responses and notifications with their request, follows registrations and
 * observations, decodes payloads with object/resource names from OMA DDF files, and feeds a tap.
 * Example: tshark -r cap.pcapng -T fields -e lwm2m.operation -e lwm2m.endpoint -e lwm2m.path
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include "lwm2m-int.h"

#include <dlfcn.h>
#include <string.h>
#include <stdlib.h>

#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stats_tree.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/epan.h>
#include <wiretap/wtap.h>
#include <wiretap/wtap_opttypes.h>
#include <ws_version.h>
#include <wsutil/pint.h>

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

/* ------------------------------------------------------------------------------------------------
 * Operations and interfaces (Core TS §6; names follow the TS operation names).
 */
typedef enum {
	OP_NONE = 0,
	OP_BS_REQUEST, OP_BS_PACK_REQUEST, OP_BS_FINISH, OP_BS_DISCOVER, OP_BS_READ, OP_BS_WRITE, OP_BS_DELETE,
	OP_REGISTER, OP_UPDATE, OP_DEREGISTER,
	OP_READ, OP_READ_COMPOSITE, OP_DISCOVER, OP_WRITE, OP_WRITE_COMPOSITE, OP_WRITE_ATTRIBUTES,
	OP_EXECUTE, OP_CREATE, OP_DELETE,
	OP_OBSERVE, OP_OBSERVE_COMPOSITE, OP_CANCEL, OP_CANCEL_COMPOSITE, OP_NOTIFY, OP_SEND,
	OP_PING, OP_EMPTY_ACK, OP_RESET, OP_UNKNOWN,
	OP_COUNT
} lwm2m_op_t;

static const char *const op_names[OP_COUNT] = {
	"", "Bootstrap-Request", "Bootstrap-Pack-Request", "Bootstrap-Finish", "Bootstrap-Discover",
	"Bootstrap-Read", "Bootstrap-Write", "Bootstrap-Delete", "Register", "Update", "De-register",
	"Read", "Read-Composite", "Discover", "Write", "Write-Composite", "Write-Attributes", "Execute",
	"Create", "Delete", "Observe", "Observe-Composite", "Cancel Observation",
	"Cancel Observation-Composite", "Notify", "Send", "CoAP Ping", "Empty ACK", "Reset", "Unknown",
};

typedef enum { IF_NONE = 0, IF_BOOTSTRAP, IF_REGISTRATION, IF_DM, IF_REPORTING, IF_COAP, IF_COUNT } lwm2m_iface_t;
static const char *const iface_names[IF_COUNT] = {
	"", "Bootstrap", "Client Registration", "Device Management and Service Enablement",
	"Information Reporting", "CoAP",
};

typedef enum { KIND_REQUEST = 0, KIND_RESPONSE, KIND_NOTIFICATION, KIND_EMPTY } lwm2m_kind_t;
static const char *const kind_names[] = { "Request", "Response", "Notification", "Empty" };

/* Violations found on the first pass (state-dependent), rendered on every pass. */
enum {
	FL_REG_BAD_RESPONSE = 1u << 0,
	FL_REG_NO_LOCATION = 1u << 1,
	FL_OBS_BACKWARDS = 1u << 2,
	FL_OBS_AFTER_CANCEL = 1u << 3,
	FL_UPDATE_EXPIRED = 1u << 4,
	FL_UPDATE_UNKNOWN = 1u << 5,
	FL_RESPONSE_NO_REQUEST = 1u << 6,
	FL_AFTER_DEREGISTER = 1u << 7,
	FL_REG_LOCATION_NOT_RD = 1u << 8,
};

/* ------------------------------------------------------------------------------------------------
 * Protocol, fields, subtrees, expert items
 */
static int proto_lwm2m = -1;
static int proto_coap = -1;
static int proto_icmp = -1, proto_icmpv6 = -1, proto_tcp = -1, proto_websocket = -1;
static int lwm2m_tap = -1;
static int expert_tap = -1;
static dissector_handle_t lwm2m_post_handle;

static int hf_lwm2m_operation = -1;
static int hf_lwm2m_interface = -1;
static int hf_lwm2m_kind = -1;
static int hf_lwm2m_code = -1;
static int hf_lwm2m_response_to = -1;
static int hf_lwm2m_response_in = -1;
static int hf_lwm2m_path = -1;
static int hf_lwm2m_object = -1;
static int hf_lwm2m_object_name = -1;
static int hf_lwm2m_instance = -1;
static int hf_lwm2m_resource = -1;
static int hf_lwm2m_resource_name = -1;
static int hf_lwm2m_resource_instance = -1;
static int hf_lwm2m_endpoint = -1;
static int hf_lwm2m_location = -1;
static int hf_lwm2m_registration_in = -1;
static int hf_lwm2m_version = -1;
static int hf_lwm2m_binding = -1;
static int hf_lwm2m_lifetime = -1;
static int hf_lwm2m_sms = -1;
static int hf_lwm2m_queue = -1;
static int hf_lwm2m_pct = -1;
static int hf_lwm2m_query = -1;
static int hf_lwm2m_observe_in = -1;
static int hf_lwm2m_observe_count = -1;
static int hf_lwm2m_cancelled_in = -1;
static int hf_lwm2m_attr = -1;
static int hf_lwm2m_attr_pmin = -1;
static int hf_lwm2m_attr_pmax = -1;
static int hf_lwm2m_attr_gt = -1;
static int hf_lwm2m_attr_lt = -1;
static int hf_lwm2m_attr_st = -1;
static int hf_lwm2m_attr_epmin = -1;
static int hf_lwm2m_attr_epmax = -1;
static int hf_lwm2m_content_format = -1;
static int hf_lwm2m_accept = -1;
static int hf_lwm2m_echo = -1;
static int hf_lwm2m_no_response = -1;
static int hf_lwm2m_request_tag = -1;
static int hf_lwm2m_case = -1;
static int hf_lwm2m_step = -1;
static int hf_lwm2m_comment = -1;
static int hf_lwm2m_verdict = -1;
int hf_lwm2m_link = -1;
int hf_lwm2m_link_uri = -1;
int hf_lwm2m_link_param = -1;
int hf_lwm2m_link_object_version = -1;
int hf_lwm2m_link_ct = -1;
int hf_lwm2m_link_rt = -1;
int hf_lwm2m_link_count = -1;
int hf_lwm2m_record = -1;
int hf_lwm2m_record_count = -1;
int hf_lwm2m_value_path = -1;
int hf_lwm2m_value_name = -1;
int hf_lwm2m_value_object_name = -1;
int hf_lwm2m_value_string = -1;
int hf_lwm2m_value_integer = -1;
int hf_lwm2m_value_unsigned = -1;
int hf_lwm2m_value_float = -1;
int hf_lwm2m_value_boolean = -1;
int hf_lwm2m_value_opaque = -1;
int hf_lwm2m_value_objlnk = -1;
int hf_lwm2m_value_time = -1;
int hf_lwm2m_value_text = -1;
int hf_lwm2m_senml_basename = -1;
int hf_lwm2m_senml_basetime = -1;
int hf_lwm2m_senml_time = -1;

static gint ett_lwm2m = -1;
static gint ett_lwm2m_attr = -1;
gint ett_lwm2m_payload = -1;
gint ett_lwm2m_record = -1;
gint ett_lwm2m_link = -1;

static expert_field ei_register_no_ep = EI_INIT;
static expert_field ei_register_no_version = EI_INIT;
static expert_field ei_register_bad_version = EI_INIT;
static expert_field ei_register_bad_binding = EI_INIT;
static expert_field ei_register_bad_lifetime = EI_INIT;
static expert_field ei_register_bad_response = EI_INIT;
static expert_field ei_register_unanswered = EI_INIT;
static expert_field ei_register_forbidden_object = EI_INIT;
static expert_field ei_register_no_links = EI_INIT;
static expert_field ei_bootstrap_no_ep = EI_INIT;
static expert_field ei_wattr_lt_ge_gt = EI_INIT;
static expert_field ei_wattr_step = EI_INIT;
static expert_field ei_wattr_pmin_gt_pmax = EI_INIT;
static expert_field ei_wattr_payload = EI_INIT;
static expert_field ei_wattr_unknown = EI_INIT;
static expert_field ei_wattr_bad_value = EI_INIT;
static expert_field ei_observe_backwards = EI_INIT;
static expert_field ei_observe_after_cancel = EI_INIT;
static expert_field ei_update_expired = EI_INIT;
static expert_field ei_update_unknown = EI_INIT;
static expert_field ei_after_deregister = EI_INIT;
static expert_field ei_cf_forbidden = EI_INIT;
static expert_field ei_cf_version = EI_INIT;
static expert_field ei_unexpected_success = EI_INIT;
static expert_field ei_model_operation = EI_INIT;
static expert_field ei_register_sms_missing = EI_INIT;
static expert_field ei_response_error = EI_INIT;
static expert_field ei_response_no_request = EI_INIT;
static expert_field ei_coap_option_known = EI_INIT;
expert_field ei_lwm2m_payload_malformed = EI_INIT;
expert_field ei_lwm2m_value_type = EI_INIT;
expert_field ei_lwm2m_link_malformed = EI_INIT;

/* Preferences */
static const char *pref_ddf_dir = "";
static gboolean pref_use_bundled_ddf = TRUE;
static char *bundled_ddf_dir;

/* ------------------------------------------------------------------------------------------------
 * A CoAP message parsed from the bytes of Wireshark's CoAP item (RFC 7252 §3, RFC 8323 §3.2).
 */
#define MAX_SEGS 16
typedef struct {
	gboolean tcp;
	guint8 type;        /* 0 CON 1 NON 2 ACK 3 RST (UDP only) */
	guint8 code;
	guint16 mid;
	guint8 tkl;
	guint8 token[8];
	int n_path, n_query, n_loc;
	const char *path[MAX_SEGS];
	const char *query[MAX_SEGS];
	const char *loc[MAX_SEGS];
	int query_off[MAX_SEGS], query_len[MAX_SEGS];
	gint64 cf, accept, observe, no_response;
	int echo_off, echo_len, rtag_off, rtag_len;
	gboolean has_rtag;
	gboolean has_block1, has_block2;
	int payload_off, payload_len;
} coap_msg_t;

static gboolean opt_uint(const guint8 *b, int off, int len, gint64 *out)
{
	if (len > 4)
		return FALSE;
	guint32 v = 0;
	for (int i = 0; i < len; i++)
		v = (v << 8) | b[off + i];
	*out = v;
	return TRUE;
}

/* An option value as a string; invalid UTF-8 is replaced (never shown raw). */
static const char *opt_str(wmem_allocator_t *pool, tvbuff_t *tvb, const guint8 *b, int off, guint len)
{
	if (g_utf8_validate((const char *)b + off, (gssize)len, NULL))
		return wmem_strndup(pool, (const char *)b + off, len);
	return (const char *)tvb_get_string_enc(pool, tvb, off, (gint)len, ENC_UTF_8);
}

/* Returns FALSE when the bytes are not a well-formed CoAP message. Strings are in `pool`. */
static gboolean coap_parse(tvbuff_t *tvb, gboolean tcp, wmem_allocator_t *pool, coap_msg_t *m)
{
	memset(m, 0, sizeof *m);
	m->cf = m->accept = m->observe = m->no_response = -1;
	m->tcp = tcp;
	int len = (int)tvb_captured_length(tvb);
	int off = 0, end = len;
	const guint8 *b = tvb_get_ptr(tvb, 0, len);
	if (!tcp) {
		if (len < 4)
			return FALSE;
		guint8 b0 = b[0];
		if ((b0 >> 6) != 1)
			return FALSE;
		m->type = (b0 >> 4) & 3;
		m->tkl = b0 & 0x0f;
		m->code = b[1];
		m->mid = pntoh16(b + 2);
		off = 4;
	} else {
		if (len < 2)
			return FALSE;
		guint8 b0 = b[0];
		guint32 l = b0 >> 4;
		m->tkl = b0 & 0x0f;
		off = 1;
		if (l == 13) {
			if (len < 2) return FALSE;
			l = 13 + b[1];
			off = 2;
		} else if (l == 14) {
			if (len < 3) return FALSE;
			l = 269 + pntoh16(b + 1);
			off = 3;
		} else if (l == 15) {
			if (len < 5) return FALSE;
			l = 65805 + pntoh32(b + 1);
			off = 5;
		}
		if (off >= len)
			return FALSE;
		m->code = b[off];
		off++;
		/* Len counts options + payload; a WebSocket frame carries Len = 0 and runs to its end. */
		if (l != 0 && (gint64)off + m->tkl + l <= len)
			end = off + m->tkl + (int)l;
	}
	if (m->tkl > 8 || off + m->tkl > end)
		return FALSE;
	memcpy(m->token, b + off, m->tkl);
	off += m->tkl;
	guint opt = 0;
	m->payload_off = end;
	while (off < end) {
		guint8 ob = b[off];
		if (ob == 0xff) {
			m->payload_off = off + 1;
			break;
		}
		off++;
		guint delta = ob >> 4, olen = ob & 0x0f;
		if (delta == 13) {
			if (off >= end) return FALSE;
			delta = 13 + b[off++];
		} else if (delta == 14) {
			if (off + 2 > end) return FALSE;
			delta = 269 + pntoh16(b + off);
			off += 2;
		} else if (delta == 15) {
			return FALSE;
		}
		if (olen == 13) {
			if (off >= end) return FALSE;
			olen = 13 + b[off++];
		} else if (olen == 14) {
			if (off + 2 > end) return FALSE;
			olen = 269 + pntoh16(b + off);
			off += 2;
		} else if (olen == 15) {
			return FALSE;
		}
		if ((gint64)off + olen > end)
			return FALSE;
		opt += delta;
		switch (opt) {
		case 6: /* Observe */
			opt_uint(b, off, (int)olen, &m->observe);
			break;
		case 8: /* Location-Path */
			if (m->n_loc < MAX_SEGS)
				m->loc[m->n_loc++] = opt_str(pool, tvb, b, off, olen);
			break;
		case 11: /* Uri-Path */
			if (m->n_path < MAX_SEGS)
				m->path[m->n_path++] = opt_str(pool, tvb, b, off, olen);
			break;
		case 12: /* Content-Format */
			opt_uint(b, off, (int)olen, &m->cf);
			break;
		case 15: /* Uri-Query */
			if (m->n_query < MAX_SEGS) {
				m->query_off[m->n_query] = off;
				m->query_len[m->n_query] = (int)olen;
				m->query[m->n_query++] = opt_str(pool, tvb, b, off, olen);
			}
			break;
		case 17: /* Accept */
			opt_uint(b, off, (int)olen, &m->accept);
			break;
		case 23:
			m->has_block2 = TRUE;
			break;
		case 27:
			m->has_block1 = TRUE;
			break;
		case 252: /* Echo, RFC 9175 §2 */
			m->echo_off = off;
			m->echo_len = (int)olen;
			break;
		case 258: /* No-Response, RFC 7967 */
			opt_uint(b, off, (int)olen, &m->no_response);
			break;
		case 292: /* Request-Tag, RFC 9175 §3 */
			m->has_rtag = TRUE;
			m->rtag_off = off;
			m->rtag_len = (int)olen;
			break;
		default:
			break;
		}
		off += (int)olen;
	}
	if (m->payload_off > end)
		m->payload_off = end;
	m->payload_len = end - m->payload_off;
	return TRUE;
}

static const char *query_value(const coap_msg_t *m, const char *key, int *idx)
{
	size_t kl = strlen(key);
	for (int i = 0; i < m->n_query; i++) {
		const char *q = m->query[i];
		if (strncmp(q, key, kl) == 0 && (q[kl] == '=' || q[kl] == '\0')) {
			if (idx)
				*idx = i;
			return q[kl] == '=' ? q + kl + 1 : "";
		}
	}
	return NULL;
}

static char *path_join(wmem_allocator_t *a, const char *const *segs, int n)
{
	if (n == 0)
		return wmem_strdup(a, "/");
	wmem_strbuf_t *b = wmem_strbuf_new(a, "");
	for (int i = 0; i < n; i++) {
		wmem_strbuf_append_c(b, '/');
		wmem_strbuf_append(b, segs[i]);
	}
	return wmem_strbuf_finalize(b);
}

/* ------------------------------------------------------------------------------------------------
 * Conversation state, all in file scope (rebuilt when a capture is (re)loaded).
 */
typedef struct lwm2m_reg {
	char *ep;
	char *location;         /* "/rd/5a3f" */
	guint32 reg_frame;
	guint32 lifetime;       /* seconds; 0 = unknown */
	char *version;          /* lwm2m= of the Register ("1.0" when absent) */
	nstime_t refreshed;     /* last Register or Update */
	guint32 dereg_frame;
} lwm2m_reg_t;

typedef struct lwm2m_obs {
	guint32 req_frame;
	guint8 op;              /* OP_OBSERVE or OP_OBSERVE_COMPOSITE */
	guint32 cancel_frame;
	gboolean have_seq;
	guint32 last_seq;
	nstime_t last_ts;
	guint32 count;
} lwm2m_obs_t;

typedef struct lwm2m_req {
	guint32 frame;
	guint32 rsp_frame;
	guint8 op, iface;
	guint8 rsp_code;
	guint32 n_rsp;
	char *path;
	lwm2m_reg_t *reg;       /* Register (pending until 2.01), Update, De-register */
	lwm2m_obs_t *obs;       /* Observe, Observe-Composite */
} lwm2m_req_t;

typedef struct {
	guint8 op, iface, kind, code;
	guint32 flags;
	guint32 prev_seq;       /* FL_OBS_BACKWARDS */
	guint32 obs_count;      /* notification number */
	lwm2m_req_t *req;
	lwm2m_reg_t *reg;
	lwm2m_obs_t *obs;
	guint8 *bytes;          /* copy of the CoAP message, for passes where CoAP's item is absent */
	guint len;
	gboolean tcp;
} lwm2m_pdu_t;

static wmem_map_t *tokens;        /* (requester, token) -> lwm2m_req_t* (latest request) */
static wmem_map_t *observations;  /* (requester, token) -> lwm2m_obs_t* */
static wmem_map_t *mids;          /* (sender, MID) -> lwm2m_pdu_t* of notifications */
static wmem_map_t *locations;     /* (server, "/rd/x") -> lwm2m_reg_t* */
static wmem_map_t *clients;       /* (client) -> lwm2m_reg_t* (latest registration of that address) */
static wmem_map_t *bootstraps;    /* (client) -> (bootstrap server) key while bootstrapping */

/* Binary map keys: endpoint (address type, address bytes, port), a tag and optional bytes, with a
 * precomputed FNV-1a hash (cheaper than formatting address strings for every message). */
typedef struct {
	guint32 hash;
	guint32 len;
	guint8 data[];
} bkey_t;

#define KEY_MAX 300
typedef struct {
	guint32 len;
	guint8 data[KEY_MAX];
} keybuf_t;

static void kb_endpoint(keybuf_t *k, const address *a, guint32 port)
{
	k->len = 0;
	int al = a->len > 16 ? 16 : a->len;
	k->data[k->len++] = (guint8)a->type;
	k->data[k->len++] = (guint8)al;
	if (al > 0)
		memcpy(k->data + k->len, a->data, (size_t)al);
	k->len += (guint32)al;
	k->data[k->len++] = (guint8)(port >> 8);
	k->data[k->len++] = (guint8)port;
}

static void kb_append(keybuf_t *k, guint8 tag, const void *p, size_t n)
{
	if (k->len + 1 + n > KEY_MAX)
		n = KEY_MAX - k->len - 1;
	k->data[k->len++] = tag;
	if (n)
		memcpy(k->data + k->len, p, n);
	k->len += (guint32)n;
}

static bkey_t *kb_key(wmem_allocator_t *a, const keybuf_t *k)
{
	bkey_t *key = (bkey_t *)wmem_alloc(a, sizeof(bkey_t) + k->len);
	guint32 h = 2166136261u;
	for (guint32 i = 0; i < k->len; i++)
		h = (h ^ k->data[i]) * 16777619u;
	key->hash = h;
	key->len = k->len;
	memcpy(key->data, k->data, k->len);
	return key;
}

static guint bkey_hash(gconstpointer p)
{
	return ((const bkey_t *)p)->hash;
}

static gboolean bkey_equal(gconstpointer a, gconstpointer b)
{
	const bkey_t *x = (const bkey_t *)a, *y = (const bkey_t *)b;
	return x->hash == y->hash && x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

/* Keys of this message's source and destination endpoints. */
typedef struct {
	keybuf_t src, dst;
} msg_keys_t;

static bkey_t *key_plain(wmem_allocator_t *a, const keybuf_t *ep)
{
	return kb_key(a, ep);
}

static bkey_t *key_token(wmem_allocator_t *a, const keybuf_t *ep, const coap_msg_t *m)
{
	keybuf_t k = *ep;
	kb_append(&k, 'T', m->token, m->tkl);
	return kb_key(a, &k);
}

static bkey_t *key_mid(wmem_allocator_t *a, const keybuf_t *ep, guint16 mid)
{
	keybuf_t k = *ep;
	guint8 b[2] = { (guint8)(mid >> 8), (guint8)mid };
	kb_append(&k, 'M', b, 2);
	return kb_key(a, &k);
}

static bkey_t *key_location(wmem_allocator_t *a, const keybuf_t *ep, const char *loc)
{
	keybuf_t k = *ep;
	kb_append(&k, 'L', loc, strlen(loc));
	return kb_key(a, &k);
}

static gboolean is_number(const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return FALSE;
	return TRUE;
}

/* Request classification (Core TS §6 and the Transport TS tables mapping each operation to a
 * CoAP method and URI). `bootstrap` is TRUE while the peer is between Bootstrap-Request and
 * Bootstrap-Finish. */
static void classify_request(const coap_msg_t *m, gboolean bootstrap, guint8 *op, guint8 *iface)
{
	const char *p0 = m->n_path > 0 ? m->path[0] : "";
	guint8 method = m->code;
	*op = OP_UNKNOWN;
	*iface = IF_NONE;
	if (m->n_path >= 1 && strcmp(p0, "bs") == 0 && method == 2) {
		*iface = IF_BOOTSTRAP;
		*op = (m->n_path == 1 && query_value(m, "ep", NULL)) ? OP_BS_REQUEST
			: (m->n_path == 1 && m->n_query == 0) ? OP_BS_FINISH : OP_BS_REQUEST;
		return;
	}
	if (m->n_path == 1 && strcmp(p0, "bspack") == 0 && method == 1) {
		*iface = IF_BOOTSTRAP;
		*op = OP_BS_PACK_REQUEST;
		return;
	}
	if (m->n_path >= 1 && strcmp(p0, "rd") == 0) {
		*iface = IF_REGISTRATION;
		if (m->n_path == 1 && method == 2)
			*op = OP_REGISTER;
		else if (m->n_path >= 2 && method == 2)
			*op = OP_UPDATE;
		else if (m->n_path >= 2 && method == 4)
			*op = OP_DEREGISTER;
		return;
	}
	if (m->n_path == 1 && strcmp(p0, "dp") == 0 && method == 2) {
		*iface = IF_REPORTING;
		*op = OP_SEND;
		return;
	}
	for (int i = 0; i < m->n_path; i++)
		if (!is_number(m->path[i]))
			return;
	int depth = m->n_path;
	if (bootstrap) {
		*iface = IF_BOOTSTRAP;
		switch (method) {
		case 1: *op = m->accept == LWM2M_CF_LINK ? OP_BS_DISCOVER : OP_BS_READ; return;
		case 3: *op = OP_BS_WRITE; return;
		case 4: *op = OP_BS_DELETE; return;
		default: return;
		}
	}
	*iface = IF_DM;
	switch (method) {
	case 1: /* GET */
		if (m->observe == 0) {
			*op = OP_OBSERVE;
			*iface = IF_REPORTING;
		} else if (m->observe == 1) {
			*op = OP_CANCEL;
			*iface = IF_REPORTING;
		} else {
			*op = m->accept == LWM2M_CF_LINK ? OP_DISCOVER : OP_READ;
		}
		return;
	case 5: /* FETCH */
		if (m->observe == 0) {
			*op = OP_OBSERVE_COMPOSITE;
			*iface = IF_REPORTING;
		} else if (m->observe == 1) {
			*op = OP_CANCEL_COMPOSITE;
			*iface = IF_REPORTING;
		} else {
			*op = OP_READ_COMPOSITE;
		}
		return;
	case 7: /* iPATCH */
		*op = OP_WRITE_COMPOSITE;
		return;
	case 3: /* PUT: Write (Replace), or Write-Attributes (query, no payload) */
		*op = (m->n_query > 0 && m->payload_len == 0) ? OP_WRITE_ATTRIBUTES : OP_WRITE;
		return;
	case 2: /* POST */
		*op = depth == 1 ? OP_CREATE : depth == 3 ? OP_EXECUTE : OP_WRITE;
		return;
	case 4:
		*op = OP_DELETE;
		return;
	default:
		return;
	}
}

static guint32 parse_u32(const char *s, gboolean *ok)
{
	char *end = NULL;
	if (!s || !*s || !g_ascii_isdigit(*s)) {
		*ok = FALSE;
		return 0;
	}
	guint64 v = g_ascii_strtoull(s, &end, 10);
	*ok = end && *end == '\0' && v <= G_MAXUINT32;
	return (guint32)v;
}

/* First pass: classification and state. */
static lwm2m_pdu_t *analyze(packet_info *pinfo, tvbuff_t *tvb, const coap_msg_t *m)
{
	wmem_allocator_t *fs = wmem_file_scope();
	lwm2m_pdu_t *pdu = wmem_new0(fs, lwm2m_pdu_t);
	pdu->code = m->code;
	pdu->tcp = m->tcp;
	pdu->len = tvb_captured_length(tvb);
	pdu->bytes = (guint8 *)tvb_memdup(fs, tvb, 0, pdu->len);
	msg_keys_t mk;
	kb_endpoint(&mk.src, &pinfo->src, pinfo->srcport);
	kb_endpoint(&mk.dst, &pinfo->dst, pinfo->destport);
	const keybuf_t *src = &mk.src, *dst = &mk.dst;
	wmem_allocator_t *pp = pinfo->pool;
	guint8 cls = m->code >> 5;


	if (m->code == 0) {
		pdu->kind = KIND_EMPTY;
		pdu->iface = IF_COAP;
		if (m->type == 0) {
			pdu->op = OP_PING;
		} else if (m->type == 2) {
			pdu->op = OP_EMPTY_ACK;
		} else if (m->type == 3) {
			pdu->op = OP_RESET;
			/* RST to a notification cancels the observation (RFC 7641 §3.6; Core TS §6 Cancel Observation). */
			lwm2m_pdu_t *orig = (lwm2m_pdu_t *)wmem_map_lookup(mids, key_mid(pp, dst, m->mid));
			if (orig && orig->kind == KIND_NOTIFICATION && orig->obs) {
				pdu->op = orig->obs->op == OP_OBSERVE_COMPOSITE ? OP_CANCEL_COMPOSITE : OP_CANCEL;
				pdu->iface = IF_REPORTING;
				pdu->obs = orig->obs;
				if (!orig->obs->cancel_frame)
					orig->obs->cancel_frame = pinfo->num;
			}
		}
		pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, src));
		if (!pdu->reg)
			pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, dst));
		return pdu;
	}

	if (cls == 0) { /* request */
		const bkey_t *bs_server = (const bkey_t *)wmem_map_lookup(bootstraps, key_plain(pp, dst));
		gboolean bootstrap = bs_server && bkey_equal(bs_server, key_plain(pp, src));
		classify_request(m, bootstrap, &pdu->op, &pdu->iface);
		pdu->kind = KIND_REQUEST;
		lwm2m_req_t *req = wmem_new0(fs, lwm2m_req_t);
		req->frame = pinfo->num;
		req->op = pdu->op;
		req->iface = pdu->iface;
		req->path = path_join(fs, m->path, m->n_path);
		pdu->req = req;
		switch (pdu->op) {
		case OP_BS_REQUEST:
			wmem_map_insert(bootstraps, key_plain(fs, src), key_plain(fs, dst));
			break;
		case OP_BS_FINISH:
			wmem_map_remove(bootstraps, key_plain(pp, dst));
			break;
		case OP_REGISTER: {
			lwm2m_reg_t *reg = wmem_new0(fs, lwm2m_reg_t);
			const char *ep = query_value(m, "ep", NULL);
			reg->ep = ep ? wmem_strdup(fs, ep) : NULL;
			gboolean ok;
			guint32 lt = parse_u32(query_value(m, "lt", NULL), &ok);
			reg->lifetime = ok ? lt : 86400; /* Core: default lifetime 86400 s */
			const char *ver = query_value(m, "lwm2m", NULL);
			reg->version = wmem_strdup(fs, ver ? ver : "1.0");
			reg->reg_frame = pinfo->num;
			reg->refreshed = pinfo->abs_ts;
			req->reg = reg;
			pdu->reg = reg;
			break;
		}
		case OP_UPDATE:
		case OP_DEREGISTER: {
			lwm2m_reg_t *reg = (lwm2m_reg_t *)wmem_map_lookup(locations, key_location(pp, dst, req->path));
			if (!reg) {
				pdu->flags |= FL_UPDATE_UNKNOWN;
				break;
			}
			req->reg = reg;
			pdu->reg = reg;
			if (reg->dereg_frame)
				pdu->flags |= FL_AFTER_DEREGISTER;
			nstime_t d;
			nstime_delta(&d, &pinfo->abs_ts, &reg->refreshed);
			if (reg->lifetime && d.secs >= (time_t)reg->lifetime && !reg->dereg_frame)
				pdu->flags |= FL_UPDATE_EXPIRED;
			if (pdu->op == OP_UPDATE) {
				gboolean ok;
				guint32 lt = parse_u32(query_value(m, "lt", NULL), &ok);
				if (ok)
					reg->lifetime = lt;
				reg->refreshed = pinfo->abs_ts;
			} else {
				reg->dereg_frame = pinfo->num;
			}
			break;
		}
		case OP_OBSERVE:
		case OP_OBSERVE_COMPOSITE: {
			lwm2m_obs_t *obs = wmem_new0(fs, lwm2m_obs_t);
			obs->req_frame = pinfo->num;
			obs->op = pdu->op;
			req->obs = obs;
			pdu->obs = obs;
			wmem_map_insert(observations, key_token(fs, src, m), obs);
			break;
		}
		case OP_CANCEL:
		case OP_CANCEL_COMPOSITE: {
			lwm2m_obs_t *obs = (lwm2m_obs_t *)wmem_map_lookup(observations, key_token(pp, src, m));
			if (obs) {
				pdu->obs = obs;
				req->obs = obs;
				if (!obs->cancel_frame)
					obs->cancel_frame = pinfo->num;
			}
			break;
		}
		default:
			break;
		}
		if (!pdu->reg) {
			/* Requests from the client name it by its source, requests to it by destination. */
			pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, pdu->iface == IF_REGISTRATION ||
				pdu->op == OP_SEND || pdu->op == OP_BS_REQUEST ? src : dst));
		}
		if (m->tkl > 0 || m->tcp)
			wmem_map_insert(tokens, key_token(fs, src, m), req);
		return pdu;
	}

	/* response (2.xx-5.xx) or signalling (7.xx) */
	pdu->kind = KIND_RESPONSE;
	lwm2m_req_t *req = (lwm2m_req_t *)wmem_map_lookup(tokens, key_token(pp, dst, m));
	if (!req) {
		pdu->op = OP_UNKNOWN;
		pdu->iface = IF_NONE;
		if (cls >= 2 && cls <= 5)
			pdu->flags |= FL_RESPONSE_NO_REQUEST;
		pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, src));
		if (!pdu->reg)
			pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, dst));
		return pdu;
	}
	pdu->req = req;
	pdu->op = req->op;
	pdu->iface = req->iface;
	lwm2m_obs_t *obs = req->obs;
	if (!obs && m->observe >= 0)
		obs = (lwm2m_obs_t *)wmem_map_lookup(observations, key_token(pp, dst, m));
	gboolean first = req->n_rsp == 0;
	req->n_rsp++;
	if (m->observe >= 0 && obs && (!first || (req->op != OP_OBSERVE && req->op != OP_OBSERVE_COMPOSITE))) {
		pdu->kind = KIND_NOTIFICATION;
		pdu->op = OP_NOTIFY;
		pdu->iface = IF_REPORTING;
		/* for a later RST (reactive cancel) */
		if (!m->tcp)
			wmem_map_insert(mids, key_mid(fs, src, m->mid), pdu);
	}
	if (m->observe >= 0 && obs) {
		pdu->obs = obs;
		guint32 seq = (guint32)m->observe & 0xffffff;
		if (obs->have_seq) {
			/* RFC 7641 §3.4: V2 is newer when (V1 < V2 and V2 - V1 < 2^23) or (V1 > V2 and
			 * V1 - V2 > 2^23), or more than 128 s passed. */
			guint32 diff = (seq - obs->last_seq) & 0xffffff;
			nstime_t d;
			nstime_delta(&d, &pinfo->abs_ts, &obs->last_ts);
			if ((diff == 0 || diff >= (1u << 23)) && d.secs < 128) {
				pdu->flags |= FL_OBS_BACKWARDS;
				pdu->prev_seq = obs->last_seq;
			}
		}
		obs->have_seq = TRUE;
		obs->last_seq = seq;
		obs->last_ts = pinfo->abs_ts;
		if (pdu->kind == KIND_NOTIFICATION) {
			obs->count++;
			pdu->obs_count = obs->count;
			if (obs->cancel_frame && obs->cancel_frame < pinfo->num)
				pdu->flags |= FL_OBS_AFTER_CANCEL;
		}
	}
	if (pdu->kind == KIND_RESPONSE && first) {
		req->rsp_frame = pinfo->num;
		req->rsp_code = m->code;
	}
	if (req->op == OP_REGISTER && req->reg && first) {
		lwm2m_reg_t *reg = req->reg;
		/* 2.01 Created with a Location under /rd (Transport TS, Registration Interface). Error codes
		 * (4.00, 4.03, 4.12, ...) are the server's verdict, not a violation: lwm2m.response.error. */
		if ((m->code >> 5) != 2) {
			/* rejected */
		} else if (m->code != 0x41) {
			pdu->flags |= FL_REG_BAD_RESPONSE;
		} else if (m->n_loc == 0) {
			pdu->flags |= FL_REG_NO_LOCATION;
		} else {
			if (strcmp(m->loc[0], "rd") != 0)
				pdu->flags |= FL_REG_LOCATION_NOT_RD;
			reg->location = path_join(fs, m->loc, m->n_loc);
			wmem_map_insert(locations, key_location(fs, src, reg->location), reg);
			wmem_map_insert(clients, key_plain(fs, dst), reg);
		}
	}
	pdu->reg = req->reg;
	if (!pdu->reg)
		pdu->reg = (lwm2m_reg_t *)wmem_map_lookup(clients, key_plain(pp, pdu->iface == IF_REGISTRATION ||
			pdu->op == OP_SEND ? dst : src));
	return pdu;
}

/* ------------------------------------------------------------------------------------------------
 * Rendering (every pass)
 */
typedef struct {
	guint8 op, kind, code;
	const char *ep;
} lwm2m_tap_info_t;

static const value_string cf_vals[] = {
	{ 0, "text/plain" }, { 40, "application/link-format" }, { 42, "application/octet-stream" },
	{ 60, "application/cbor" }, { 110, "application/senml+json" }, { 112, "application/senml+cbor" },
	{ 320, "application/senml-etch+json" }, { 322, "application/senml-etch+cbor" },
	{ 11542, "application/vnd.oma.lwm2m+tlv" }, { 11543, "application/vnd.oma.lwm2m+json" },
	{ 11544, "application/vnd.oma.lwm2m+cbor" }, { 0, NULL }
};

static char *code_str(wmem_allocator_t *a, guint8 code)
{
	char *c = (char *)wmem_alloc(a, 5);
	guint d = code & 0x1f;
	c[0] = (char)('0' + (code >> 5));
	c[1] = '.';
	c[2] = (char)('0' + d / 10);
	c[3] = (char)('0' + d % 10);
	c[4] = '\0';
	return c;
}

static void add_path_fields(proto_tree *tree, tvbuff_t *tvb, const char *path_s)
{
	proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_path, tvb, 0, 0, path_s);
	proto_item_set_generated(pi);
	lwm2m_path_t p;
	if (!lwm2m_path_parse(path_s, &p) || p.depth == 0)
		return;
	pi = proto_tree_add_uint(tree, hf_lwm2m_object, tvb, 0, 0, p.id[0]);
	proto_item_set_generated(pi);
	const lwm2m_object_def_t *o = lwm2m_ddf_object(p.id[0]);
	if (o) {
		pi = proto_tree_add_string(tree, hf_lwm2m_object_name, tvb, 0, 0, o->name);
		proto_item_set_generated(pi);
	}
	if (p.depth >= 2) {
		pi = proto_tree_add_uint(tree, hf_lwm2m_instance, tvb, 0, 0, p.id[1]);
		proto_item_set_generated(pi);
	}
	if (p.depth >= 3) {
		pi = proto_tree_add_uint(tree, hf_lwm2m_resource, tvb, 0, 0, p.id[2]);
		proto_item_set_generated(pi);
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p.id[0], p.id[2]);
		if (r) {
			pi = proto_tree_add_string(tree, hf_lwm2m_resource_name, tvb, 0, 0, r->name);
			proto_item_set_generated(pi);
		}
	}
	if (p.depth >= 4) {
		pi = proto_tree_add_uint(tree, hf_lwm2m_resource_instance, tvb, 0, 0, p.id[3]);
		proto_item_set_generated(pi);
	}
}

/* Register / Bootstrap-Request / Update query parameters (Core §6.2.1 Table: Register). */
static void render_register_query(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const coap_msg_t *m,
				  lwm2m_op_t op, proto_item *top)
{
	int qi;
	const char *ep = query_value(m, "ep", &qi);
	if (ep)
		proto_tree_add_string(tree, hf_lwm2m_endpoint, tvb, m->query_off[qi], m->query_len[qi], ep);
	else if (op == OP_REGISTER)
		expert_add_info(pinfo, top, &ei_register_no_ep);
	else if (op == OP_BS_REQUEST)
		expert_add_info(pinfo, top, &ei_bootstrap_no_ep);
	const char *ver = query_value(m, "lwm2m", &qi);
	if (ver) {
		proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_version, tvb, m->query_off[qi], m->query_len[qi], ver);
		if (op == OP_REGISTER && strcmp(ver, "1.0") != 0 && strcmp(ver, "1.1") != 0 && strcmp(ver, "1.2") != 0)
			expert_add_info_format(pinfo, pi, &ei_register_bad_version,
					       "lwm2m=%s is not a published LwM2M version (1.0, 1.1, 1.2)", ver);
	} else if (op == OP_REGISTER) {
		expert_add_info(pinfo, top, &ei_register_no_version);
	}
	const char *lt = query_value(m, "lt", &qi);
	if (lt) {
		gboolean ok;
		guint32 v = parse_u32(lt, &ok);
		proto_item *pi = proto_tree_add_uint(tree, hf_lwm2m_lifetime, tvb, m->query_off[qi], m->query_len[qi], v);
		if (!ok)
			expert_add_info_format(pinfo, pi, &ei_register_bad_lifetime, "lt=%s is not an unsigned integer", lt);
	}
	const char *b = query_value(m, "b", &qi);
	if (b) {
		proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_binding, tvb, m->query_off[qi], m->query_len[qi], b);
		gboolean v10 = !ver || strcmp(ver, "1.0") == 0;
		gboolean v11 = ver && strcmp(ver, "1.1") == 0;
		for (const char *c = b; *c; c++) {
			if (!strchr("UMHTSNQ", *c) || (!v10 && *c == 'Q') || (v10 && strchr("MHTN", *c)) ||
			    (v11 && strchr("MH", *c))) {
				expert_add_info_format(pinfo, pi, &ei_register_bad_binding,
					"b=%s: binding letter '%c' is not valid for LwM2M %s (1.0: U,S,Q; 1.1: U,T,S,N; "
					"1.2: U,M,H,T,S,N; since 1.1 queue mode is the separate Q parameter)",
					b, *c, ver ? ver : "1.0");
				break;
			}
		}
	}
	const char *sms = query_value(m, "sms", &qi);
	if (sms)
		proto_tree_add_string(tree, hf_lwm2m_sms, tvb, m->query_off[qi], m->query_len[qi], sms);
	else if (op == OP_REGISTER && b && strchr(b, 'S'))
		expert_add_info(pinfo, top, &ei_register_sms_missing);
	if (query_value(m, "Q", &qi)) {
		proto_item *pi = proto_tree_add_boolean(tree, hf_lwm2m_queue, tvb, m->query_off[qi], m->query_len[qi], TRUE);
		if (op == OP_REGISTER && (!ver || strcmp(ver, "1.0") == 0))
			expert_add_info_format(pinfo, pi, &ei_register_bad_binding,
					       "The Q parameter exists since LwM2M 1.1; a 1.0 client signals queue mode with b=UQ");
	}
	const char *pct = query_value(m, "pct", &qi);
	if (pct) {
		gboolean ok;
		proto_tree_add_uint(tree, hf_lwm2m_pct, tvb, m->query_off[qi], m->query_len[qi], parse_u32(pct, &ok));
	}
}

/* Write-Attributes (Core TS <NOTIFICATION> attributes: lt < gt and lt + 2*st < gt; a client answers 4.00 otherwise). */
static void render_attributes(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const coap_msg_t *m,
			      lwm2m_op_t op, proto_item *top)
{
	double gt = 0, lt = 0, st = 0;
	gboolean have_gt = FALSE, have_lt = FALSE, have_st = FALSE;
	gint64 pmin = -1, pmax = -1;
	proto_item *lt_item = NULL, *pmin_item = NULL;
	for (int i = 0; i < m->n_query; i++) {
		const char *q = m->query[i];
		const char *eq = strchr(q, '=');
		char *name = eq ? wmem_strndup(pinfo->pool, q, (size_t)(eq - q)) : wmem_strdup(pinfo->pool, q);
		const char *val = eq ? eq + 1 : "";
		proto_item *ai = proto_tree_add_string(tree, hf_lwm2m_attr, tvb, m->query_off[i], m->query_len[i], q);
		int hf = -1;
		gboolean is_float = FALSE;
		if (strcmp(name, "pmin") == 0) hf = hf_lwm2m_attr_pmin;
		else if (strcmp(name, "pmax") == 0) hf = hf_lwm2m_attr_pmax;
		else if (strcmp(name, "epmin") == 0) hf = hf_lwm2m_attr_epmin;
		else if (strcmp(name, "epmax") == 0) hf = hf_lwm2m_attr_epmax;
		else if (strcmp(name, "gt") == 0) { hf = hf_lwm2m_attr_gt; is_float = TRUE; }
		else if (strcmp(name, "lt") == 0) { hf = hf_lwm2m_attr_lt; is_float = TRUE; }
		else if (strcmp(name, "st") == 0) { hf = hf_lwm2m_attr_st; is_float = TRUE; }
		else if (strcmp(name, "edge") != 0 && strcmp(name, "con") != 0 && strcmp(name, "hqmax") != 0 &&
			 strcmp(name, "dim") != 0 && strcmp(name, "ver") != 0 && strcmp(name, "ssid") != 0 &&
			 strcmp(name, "uri") != 0) {
			expert_add_info_format(pinfo, ai, &ei_wattr_unknown, "Unknown attribute \"%s\"", name);
			continue;
		}
		if (hf == -1 || !eq)
			continue;
		proto_tree *at = proto_item_add_subtree(ai, ett_lwm2m_attr);
		if (is_float) {
			char *end = NULL;
			double d = g_ascii_strtod(val, &end);
			if (!*val || !end || *end) {
				expert_add_info_format(pinfo, ai, &ei_wattr_bad_value, "%s=%s is not a number", name, val);
				continue;
			}
			proto_item *vi = proto_tree_add_double(at, hf, tvb, m->query_off[i], m->query_len[i], d);
			if (hf == hf_lwm2m_attr_gt) { gt = d; have_gt = TRUE; }
			if (hf == hf_lwm2m_attr_lt) { lt = d; have_lt = TRUE; lt_item = vi; }
			if (hf == hf_lwm2m_attr_st) { st = d; have_st = TRUE; }
		} else {
			gboolean ok;
			guint32 v = parse_u32(val, &ok);
			if (!ok) {
				expert_add_info_format(pinfo, ai, &ei_wattr_bad_value, "%s=%s is not an unsigned integer", name, val);
				continue;
			}
			proto_item *vi = proto_tree_add_uint(at, hf, tvb, m->query_off[i], m->query_len[i], v);
			if (hf == hf_lwm2m_attr_pmin) { pmin = v; pmin_item = vi; }
			if (hf == hf_lwm2m_attr_pmax) pmax = v;
		}
	}
	if (op != OP_WRITE_ATTRIBUTES)
		return;
	if (have_gt && have_lt && lt >= gt)
		expert_add_info_format(pinfo, lt_item ? lt_item : top, &ei_wattr_lt_ge_gt,
				       "Write-Attributes with lt=%g >= gt=%g: lt must be less than gt", lt, gt);
	else if (have_gt && have_lt && have_st && lt + 2 * st >= gt)
		expert_add_info_format(pinfo, lt_item ? lt_item : top, &ei_wattr_step,
				       "Write-Attributes with lt + 2*st = %g >= gt = %g: lt + 2*st must be less than gt",
				       lt + 2 * st, gt);
	if (pmin >= 0 && pmax >= 0 && pmax < pmin)
		expert_add_info_format(pinfo, pmin_item ? pmin_item : top, &ei_wattr_pmin_gt_pmax,
				       "pmin=%" G_GINT64_FORMAT " > pmax=%" G_GINT64_FORMAT ": the client ignores pmax",
				       pmin, pmax);
}

/* Content formats an operation may not use (Core §7: composite operations and Send carry SenML
 * JSON/CBOR or LwM2M CBOR; TLV, plain text, opaque and link-format address a single path). */
static const char *cf_violation(guint8 op, gint64 cf)
{
	if (cf < 0)
		return NULL;
	gboolean single = cf == LWM2M_CF_TEXT || cf == LWM2M_CF_OPAQUE || cf == LWM2M_CF_TLV ||
			  cf == LWM2M_CF_LINK || cf == LWM2M_CF_LWM2M_JSON;
	switch (op) {
	case OP_SEND:
		return single ? "Send must carry SenML JSON, SenML CBOR or LwM2M CBOR" : NULL;
	case OP_READ_COMPOSITE:
	case OP_OBSERVE_COMPOSITE:
	case OP_WRITE_COMPOSITE:
	case OP_CANCEL_COMPOSITE:
		return single ? "composite operations carry SenML (JSON, CBOR, ETCH) or LwM2M CBOR" : NULL;
	case OP_EXECUTE:
		return cf != LWM2M_CF_TEXT ? "Execute arguments are text/plain" : NULL;
	default:
		return NULL;
	}
}

/* The LwM2M version that introduced a content format (Core 1.1 §7: SenML JSON/CBOR and plain CBOR;
 * Core 1.2 §7: LwM2M CBOR and SenML-ETCH), or NULL for formats every version has. */
static const char *cf_since(gint64 cf)
{
	switch (cf) {
	case LWM2M_CF_CBOR:
	case LWM2M_CF_SENML_JSON:
	case LWM2M_CF_SENML_CBOR:
		return "1.1";
	case LWM2M_CF_LWM2M_CBOR:
	case LWM2M_CF_SENML_ETCH_JSON:
	case LWM2M_CF_SENML_ETCH_CBOR:
		return "1.2";
	default:
		return NULL;
	}
}

static void check_cf_version(packet_info *pinfo, proto_item *top, const lwm2m_pdu_t *pdu, gint64 cf, const char *what)
{
	const char *since = cf_since(cf);
	const char *ver = pdu->reg ? pdu->reg->version : NULL;
	if (!since || !ver || pdu->iface == IF_REGISTRATION || pdu->iface == IF_BOOTSTRAP)
		return;
	if (strlen(ver) == 3 && strcmp(ver, since) < 0)
		expert_add_info_format(pinfo, top, &ei_cf_version, "%s %s needs LwM2M %s; the client registered with lwm2m=%s",
				       what, val_to_str_const((guint32)cf, cf_vals, "?"), since, ver);
}

/* The success code of each operation (Core §6, the operation tables of each interface). */
static guint8 expected_success(guint8 op)
{
	switch (op) {
	case OP_REGISTER: case OP_CREATE:
		return 0x41; /* 2.01 */
	case OP_DEREGISTER: case OP_DELETE: case OP_BS_DELETE:
		return 0x42; /* 2.02 */
	case OP_UPDATE: case OP_WRITE: case OP_WRITE_ATTRIBUTES: case OP_WRITE_COMPOSITE: case OP_EXECUTE:
	case OP_SEND: case OP_BS_REQUEST: case OP_BS_FINISH: case OP_BS_WRITE:
		return 0x44; /* 2.04 */
	case OP_READ: case OP_DISCOVER: case OP_READ_COMPOSITE: case OP_OBSERVE: case OP_OBSERVE_COMPOSITE:
	case OP_CANCEL: case OP_CANCEL_COMPOSITE: case OP_NOTIFY: case OP_BS_DISCOVER: case OP_BS_READ:
	case OP_BS_PACK_REQUEST:
		return 0x45; /* 2.05 */
	default:
		return 0;
	}
}

/* The model's Operations letter an operation on a resource needs (DDF <Operations>: R, W, E). */
static char needed_operation(guint8 op)
{
	switch (op) {
	case OP_READ: case OP_OBSERVE:
		return 'R';
	case OP_WRITE:
		return 'W';
	case OP_EXECUTE:
		return 'E';
	default:
		return 0;
	}
}

static void add_comment_fields(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb)
{
	wtap_block_t block = NULL;
	if (pinfo->fd->has_modified_block)
		block = epan_get_modified_block(pinfo->epan, pinfo->fd);
	else if (pinfo->rec)
		block = pinfo->rec->block;
	if (!block)
		return;
	char *c = NULL;
	for (guint i = 0; wtap_block_get_nth_string_option_value(block, OPT_COMMENT, i, &c) == WTAP_OPTTYPE_SUCCESS; i++) {
		proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_comment, tvb, 0, 0, c);
		proto_item_set_generated(pi);
		/* Harness comments: "case=<id> step=<n> ..." (whitespace-separated key=value). */
		gchar **words = g_strsplit_set(c, " \t;,", -1);
		for (int w = 0; words[w]; w++) {
			if (g_str_has_prefix(words[w], "case=") && words[w][5]) {
				pi = proto_tree_add_string(tree, hf_lwm2m_case, tvb, 0, 0, words[w] + 5);
				proto_item_set_generated(pi);
			} else if (g_str_has_prefix(words[w], "step=") && words[w][5]) {
				pi = proto_tree_add_string(tree, hf_lwm2m_step, tvb, 0, 0, words[w] + 5);
				proto_item_set_generated(pi);
			} else if (g_str_has_prefix(words[w], "verdict=") && words[w][8]) {
				pi = proto_tree_add_string(tree, hf_lwm2m_verdict, tvb, 0, 0, words[w] + 8);
				proto_item_set_generated(pi);
			}
		}
		g_strfreev(words);
	}
}

static void render(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb, lwm2m_pdu_t *pdu, const coap_msg_t *m,
		   gboolean first_in_frame)
{
	const char *opn = op_names[pdu->op < OP_COUNT ? pdu->op : OP_UNKNOWN];
	const char *ep = pdu->reg ? pdu->reg->ep : NULL;

	/* Info column */
	if (pdu->op != OP_UNKNOWN) { /* plain CoAP (e.g. /.well-known/core) keeps CoAP's Info column */
		col_set_str(pinfo->cinfo, COL_PROTOCOL, "LwM2M");
		/* col_append_str: no format parsing on the per-packet path */
		if (pdu->kind == KIND_NOTIFICATION) {
			col_append_fstr(pinfo->cinfo, COL_INFO, " [LwM2M Notify #%u]", pdu->obs_count);
		} else {
			col_append_str(pinfo->cinfo, COL_INFO, " [LwM2M ");
			col_append_str(pinfo->cinfo, COL_INFO, opn);
			if (pdu->kind == KIND_RESPONSE) {
				col_append_str(pinfo->cinfo, COL_INFO, " response]");
			} else {
				if (ep) {
					col_append_str(pinfo->cinfo, COL_INFO, " ep=");
					col_append_str(pinfo->cinfo, COL_INFO, ep);
				}
				col_append_str(pinfo->cinfo, COL_INFO, "]");
			}
		}
	}
	if (!tree)
		return;
	/* Skip building items nobody looks at: the tree is not shown, no lwm2m field is in a filter or
	 * -e list (priming a field marks its protocol as referenced), and no expert tap listens. */
	if (!PTREE_DATA(tree)->visible && proto_registrar_get_nth((guint)proto_lwm2m)->ref_type == HF_REF_TYPE_NONE) {
		if (expert_tap < 0)
			expert_tap = find_tap_id("expert");
		if (expert_tap < 0 || !have_tap_listener(expert_tap))
			return;
	}
	const char *path = pdu->kind == KIND_REQUEST ? (pdu->req ? pdu->req->path : path_join(pinfo->pool, m->path, m->n_path))
			 : pdu->req ? pdu->req->path : NULL;
	proto_item *top = proto_tree_add_item(tree, proto_lwm2m, tvb, 0, -1, ENC_NA);
	proto_item_append_text(top, ", %s%s", opn, pdu->kind == KIND_RESPONSE ? " response" : "");
	if (path && pdu->op != OP_REGISTER && pdu->iface != IF_REGISTRATION)
		proto_item_append_text(top, " %s", path);
	if (ep)
		proto_item_append_text(top, ", ep=%s", ep);
	proto_tree *lt = proto_item_add_subtree(top, ett_lwm2m);
	proto_item *pi;

	pi = proto_tree_add_string(lt, hf_lwm2m_operation, tvb, 0, 0, opn);
	proto_item_set_generated(pi);
	if (pdu->iface != IF_NONE) {
		pi = proto_tree_add_string(lt, hf_lwm2m_interface, tvb, 0, 0, iface_names[pdu->iface]);
		proto_item_set_generated(pi);
	}
	pi = proto_tree_add_string(lt, hf_lwm2m_kind, tvb, 0, 0, kind_names[pdu->kind]);
	proto_item_set_generated(pi);
	if (pdu->kind == KIND_RESPONSE || pdu->kind == KIND_NOTIFICATION) {
		pi = proto_tree_add_string(lt, hf_lwm2m_code, tvb, 0, 0, code_str(pinfo->pool, m->code));
		proto_item_set_generated(pi);
	}
	if (pdu->kind == KIND_REQUEST && pdu->req && pdu->req->rsp_frame) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_response_in, tvb, 0, 0, pdu->req->rsp_frame);
		proto_item_set_generated(pi);
	}
	if ((pdu->kind == KIND_RESPONSE || pdu->kind == KIND_NOTIFICATION) && pdu->req) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_response_to, tvb, 0, 0, pdu->req->frame);
		proto_item_set_generated(pi);
	}
	if (path && pdu->iface != IF_REGISTRATION && pdu->op != OP_SEND && pdu->op != OP_BS_REQUEST &&
	    pdu->op != OP_BS_PACK_REQUEST && pdu->op != OP_BS_FINISH && pdu->op != OP_UNKNOWN)
		add_path_fields(lt, tvb, path);
	if (ep && !(pdu->kind == KIND_REQUEST && (pdu->op == OP_REGISTER))) {
		pi = proto_tree_add_string(lt, hf_lwm2m_endpoint, tvb, 0, 0, ep);
		proto_item_set_generated(pi);
	}
	if (pdu->reg && pdu->reg->location &&
	    (pdu->op == OP_UPDATE || pdu->op == OP_DEREGISTER || pdu->op == OP_REGISTER)) {
		pi = proto_tree_add_string(lt, hf_lwm2m_location, tvb, 0, 0, pdu->reg->location);
		proto_item_set_generated(pi);
		if (pdu->op != OP_REGISTER) {
			pi = proto_tree_add_uint(lt, hf_lwm2m_registration_in, tvb, 0, 0, pdu->reg->reg_frame);
			proto_item_set_generated(pi);
		}
	}
	if (pdu->obs && pdu->kind != KIND_REQUEST) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_observe_in, tvb, 0, 0, pdu->obs->req_frame);
		proto_item_set_generated(pi);
		if (pdu->kind == KIND_NOTIFICATION) {
			pi = proto_tree_add_uint(lt, hf_lwm2m_observe_count, tvb, 0, 0, pdu->obs_count);
			proto_item_set_generated(pi);
		}
	} else if (pdu->obs && (pdu->op == OP_CANCEL || pdu->op == OP_CANCEL_COMPOSITE)) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_observe_in, tvb, 0, 0, pdu->obs->req_frame);
		proto_item_set_generated(pi);
	}
	if (pdu->obs && pdu->obs->cancel_frame && (pdu->op == OP_OBSERVE || pdu->op == OP_OBSERVE_COMPOSITE ||
						   pdu->kind == KIND_NOTIFICATION)) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_cancelled_in, tvb, 0, 0, pdu->obs->cancel_frame);
		proto_item_set_generated(pi);
	}
	if (m->cf >= 0)
		proto_tree_add_uint(lt, hf_lwm2m_content_format, tvb, 0, 0, (guint32)m->cf);
	if (m->accept >= 0)
		proto_tree_add_uint(lt, hf_lwm2m_accept, tvb, 0, 0, (guint32)m->accept);
	/* Options Wireshark 4.0's CoAP flags as invalid (RFC 9175, RFC 7967): decoded here. */
	if (m->echo_len > 0) {
		pi = proto_tree_add_item(lt, hf_lwm2m_echo, tvb, m->echo_off, m->echo_len, ENC_NA);
		expert_add_info_format(pinfo, pi, &ei_coap_option_known,
				       "Option 252 is Echo (RFC 9175 §2.2), not an invalid option");
	}
	if (m->has_rtag) {
		pi = proto_tree_add_item(lt, hf_lwm2m_request_tag, tvb, m->rtag_off, m->rtag_len, ENC_NA);
		expert_add_info_format(pinfo, pi, &ei_coap_option_known,
				       "Option 292 is Request-Tag (RFC 9175 §3.2), not an invalid option");
	}
	if (m->no_response >= 0) {
		pi = proto_tree_add_uint(lt, hf_lwm2m_no_response, tvb, 0, 0, (guint32)m->no_response);
		expert_add_info_format(pinfo, pi, &ei_coap_option_known,
				       "Option 258 is No-Response (RFC 7967 §2), not an invalid option");
	}

	/* Operation-specific analysis */
	lwm2m_link_summary_t links;
	memset(&links, 0, sizeof links);
	links.forbidden_oid = -1;
	if (pdu->kind == KIND_REQUEST) {
		switch (pdu->op) {
		case OP_REGISTER:
		case OP_UPDATE:
		case OP_BS_REQUEST:
			render_register_query(lt, pinfo, tvb, m, (lwm2m_op_t)pdu->op, top);
			if (pdu->op == OP_REGISTER && pdu->req && !pdu->req->rsp_frame && PINFO_FD_VISITED(pinfo))
				expert_add_info(pinfo, top, &ei_register_unanswered);
			break;
		case OP_WRITE_ATTRIBUTES:
			render_attributes(lt, pinfo, tvb, m, (lwm2m_op_t)pdu->op, top);
			break;
		case OP_DISCOVER:
		case OP_READ:
		case OP_OBSERVE:
		case OP_BS_DISCOVER:
			if (m->n_query > 0)
				render_attributes(lt, pinfo, tvb, m, (lwm2m_op_t)pdu->op, top);
			break;
		default:
			for (int i = 0; i < m->n_query; i++)
				proto_tree_add_string(lt, hf_lwm2m_query, tvb, m->query_off[i], m->query_len[i], m->query[i]);
			break;
		}
	}
	if (pdu->flags & FL_REG_BAD_RESPONSE)
		expert_add_info_format(pinfo, top, &ei_register_bad_response,
				       "Register answered %s instead of 2.01 Created with a Location-Path",
				       code_str(pinfo->pool, m->code));
	if (pdu->flags & FL_REG_NO_LOCATION)
		expert_add_info_format(pinfo, top, &ei_register_bad_response,
				       "Register answered 2.01 without a Location-Path: Update and De-register have no target");
	if (pdu->flags & FL_REG_LOCATION_NOT_RD)
		expert_add_info_format(pinfo, top, &ei_register_bad_response,
				       "Register answered with Location-Path %s, which is not under /rd", pdu->reg->location);
	if (pdu->flags & FL_OBS_BACKWARDS)
		expert_add_info_format(pinfo, top, &ei_observe_backwards,
				       "Observe sequence number %u is not newer than %u (RFC 7641 §3.4)",
				       (guint32)(m->observe & 0xffffff), pdu->prev_seq);
	if (pdu->flags & FL_OBS_AFTER_CANCEL)
		expert_add_info_format(pinfo, top, &ei_observe_after_cancel,
				       "Notification after the observation was cancelled in frame %u", pdu->obs->cancel_frame);
	if (pdu->flags & FL_UPDATE_EXPIRED)
		expert_add_info_format(pinfo, top, &ei_update_expired,
				       "%s after the registration lifetime (%u s) expired", opn, pdu->reg->lifetime);
	if (pdu->flags & FL_UPDATE_UNKNOWN)
		expert_add_info(pinfo, top, &ei_update_unknown);
	if (pdu->flags & FL_AFTER_DEREGISTER)
		expert_add_info_format(pinfo, top, &ei_after_deregister,
				       "%s for a registration already removed in frame %u", opn, pdu->reg->dereg_frame);
	if (pdu->flags & FL_RESPONSE_NO_REQUEST)
		expert_add_info(pinfo, top, &ei_response_no_request);
	if ((pdu->kind == KIND_RESPONSE || pdu->kind == KIND_NOTIFICATION) && (m->code >> 5) == 2) {
		guint8 want = expected_success(pdu->op);
		if (want && m->code != want && !(pdu->flags & FL_REG_BAD_RESPONSE) &&
		    !((m->has_block1 || m->has_block2) && m->code == 0x5f)) /* 2.31 Continue (RFC 7959) */
			expert_add_info_format(pinfo, top, &ei_unexpected_success, "%s answered %s; the TS specifies %s",
					       opn, code_str(pinfo->pool, m->code), code_str(pinfo->pool, want));
	}
	if (pdu->kind == KIND_REQUEST && path && needed_operation(pdu->op)) {
		lwm2m_path_t p;
		const lwm2m_resource_def_t *r = NULL;
		if (lwm2m_path_parse(path, &p) && p.depth >= 3)
			r = lwm2m_ddf_resource(p.id[0], p.id[2]);
		char need = needed_operation(pdu->op);
		if (r && !strchr(r->operations, need))
			expert_add_info_format(pinfo, top, &ei_model_operation,
					       "%s on %s (%s), whose object model allows only \"%s\": expect 4.05 Method Not Allowed",
					       opn, path, r->name, r->operations[0] ? r->operations : "no operation");
	}
	if ((pdu->kind == KIND_RESPONSE || pdu->kind == KIND_NOTIFICATION) && (m->code >> 5) >= 4 && pdu->op != OP_UNKNOWN)
		expert_add_info_format(pinfo, top, &ei_response_error, "%s answered %s", opn, code_str(pinfo->pool, m->code));
	if (m->payload_len > 0) {
		const char *why = cf_violation(pdu->kind == KIND_REQUEST || pdu->op == OP_SEND ? pdu->op : OP_NONE, m->cf);
		if (pdu->kind != KIND_REQUEST && (pdu->op == OP_READ_COMPOSITE || pdu->op == OP_OBSERVE_COMPOSITE ||
						  (pdu->kind == KIND_NOTIFICATION && pdu->obs && pdu->obs->op == OP_OBSERVE_COMPOSITE)))
			why = cf_violation(OP_READ_COMPOSITE, m->cf);
		if (pdu->op == OP_SEND && pdu->kind != KIND_REQUEST)
			why = NULL;
		if (why)
			expert_add_info_format(pinfo, top, &ei_cf_forbidden, "%s with content format %s: %s", opn,
					       val_to_str_const((guint32)m->cf, cf_vals, "unknown"), why);
	}

	if (m->payload_len > 0)
		check_cf_version(pinfo, top, pdu, m->cf, "Content-Format");
	if (pdu->kind == KIND_REQUEST)
		check_cf_version(pinfo, top, pdu, m->accept, "Accept");

	/* Payload */
	if (m->payload_len > 0) {
		tvbuff_t *ptvb = tvb_new_subset_length(tvb, m->payload_off, m->payload_len);
		gint64 cf = m->cf;
		if (cf < 0 && pdu->kind != KIND_REQUEST && (m->code >> 5) == 2)
			cf = LWM2M_CF_TEXT; /* no Content-Format: text/plain (RFC 7252 §5.10.3) */
		const char *base = path;
		if (pdu->op == OP_REGISTER || pdu->op == OP_UPDATE || pdu->op == OP_SEND || pdu->op == OP_BS_REQUEST)
			base = "/";
		if (cf >= 0 && !(m->has_block1 || m->has_block2)) {
			lwm2m_decode_payload(ptvb, pinfo, lt, (guint)cf, base, &links);
		} else if (cf >= 0) {
			/* Block-wise (RFC 7959): CoAP reassembles into this data source on the last block. */
			tvbuff_t *whole = get_data_source_tvb_by_name(pinfo, "Reassembled CoAP blocks");
			if (whole)
				lwm2m_decode_payload(whole, pinfo, lt, (guint)cf, base, &links);
		}
		if ((pdu->op == OP_REGISTER || pdu->op == OP_UPDATE) && pdu->kind == KIND_REQUEST && cf == LWM2M_CF_LINK) {
			if (links.links == 0 && pdu->op == OP_REGISTER)
				expert_add_info(pinfo, top, &ei_register_no_links);
			/* Core §6.2.1: the Security Object and the OSCORE Object MUST NOT be part of the
			 * Registration Objects and Object Instances list. */
			if (links.forbidden_oid >= 0)
				expert_add_info_format(pinfo, top, &ei_register_forbidden_object,
					"%s lists Object %d, which must not be part of the registered objects "
					"(Security 0 and OSCORE 21 are never registered)", opn, links.forbidden_oid);
		}
	} else if (pdu->op == OP_REGISTER && pdu->kind == KIND_REQUEST) {
		expert_add_info(pinfo, top, &ei_register_no_links);
	}
	if (first_in_frame)
		add_comment_fields(lt, pinfo, tvb);

	if (pdu->kind == KIND_REQUEST && pdu->op == OP_WRITE_ATTRIBUTES && m->payload_len > 0)
		expert_add_info(pinfo, top, &ei_wattr_payload);
}

static int dissect_lwm2m_post(tvbuff_t *frame_tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	if (!tree)
		return 0;
	/* One pass over the frame's layers (proto_is_frame_protocol() compares names, per call). */
	gboolean has_coap = FALSE, has_ws = FALSE;
	for (wmem_list_frame_t *lf = wmem_list_head(pinfo->layers); lf; lf = wmem_list_frame_next(lf)) {
		int id = GPOINTER_TO_INT(wmem_list_frame_data(lf));
		if (id == proto_coap)
			has_coap = TRUE;
		else if (id == proto_icmp || id == proto_icmpv6)
			return 0; /* CoAP quoted in an ICMP error is not a message of the exchange */
		else if (id == proto_tcp || id == proto_websocket)
			has_ws = TRUE;
	}
	if (!has_coap)
		return 0;
	GPtrArray *items = proto_get_finfo_ptr_array(tree, proto_coap);
	guint n = items ? items->len : 0;
	/* RFC 8323 framing for TCP, TLS and WebSockets (also in exported PDUs with port type TCP). */
	gboolean tcp = pinfo->ptype == PT_TCP || has_ws;
	gboolean visited = PINFO_FD_VISITED(pinfo);
	guint count = n;
	if (count == 0 && visited) {
		/* CoAP's item is not in this pass's tree (tshark -2 second pass): use our copies. */
		while (p_get_proto_data(wmem_file_scope(), pinfo, proto_lwm2m, count))
			count++;
	}
	for (guint i = 0; i < count && i < 64; i++) {
		tvbuff_t *tvb = NULL;
		lwm2m_pdu_t *pdu = visited ? (lwm2m_pdu_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_lwm2m, i) : NULL;
		if (i < n) {
			field_info *fi = (field_info *)g_ptr_array_index(items, i);
			if (!fi->ds_tvb || fi->length <= 0)
				continue;
			tvb = tvb_new_subset_length(fi->ds_tvb, fi->start, fi->length);
		} else if (pdu) {
			tvb = tvb_new_child_real_data(frame_tvb, pdu->bytes, pdu->len, pdu->len);
			add_new_data_source(pinfo, tvb, "CoAP message (LwM2M)");
		}
		if (!tvb)
			continue;
		coap_msg_t m;
		if (!coap_parse(tvb, pdu ? pdu->tcp : tcp, pinfo->pool, &m))
			continue;
		if (!visited) {
			pdu = analyze(pinfo, tvb, &m);
			p_add_proto_data(wmem_file_scope(), pinfo, proto_lwm2m, i, pdu);
		}
		if (!pdu)
			continue;
		render(pinfo, tree, tvb, pdu, &m, i == 0);
		if (have_tap_listener(lwm2m_tap)) {
			lwm2m_tap_info_t *ti = wmem_new0(pinfo->pool, lwm2m_tap_info_t);
			ti->op = pdu->op;
			ti->kind = pdu->kind;
			ti->code = pdu->code;
			ti->ep = pdu->reg ? pdu->reg->ep : NULL;
			tap_queue_packet(lwm2m_tap, pinfo, ti);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Statistics tree: tshark -z lwm2m,tree
 */
static const char *st_str_ops = "LwM2M operations";
static const char *st_str_eps = "LwM2M endpoints";
static int st_node_ops = -1;
static int st_node_eps = -1;

static void lwm2m_stats_init(stats_tree *st)
{
	st_node_ops = stats_tree_create_node(st, st_str_ops, 0, STAT_DT_INT, TRUE);
	st_node_eps = stats_tree_create_node(st, st_str_eps, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status lwm2m_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt,
					    const void *p, tap_flags_t flags)
{
	const lwm2m_tap_info_t *ti = (const lwm2m_tap_info_t *)p;
	const char *opn = op_names[ti->op < OP_COUNT ? ti->op : OP_UNKNOWN];
	char detail[32];
	if (ti->kind == KIND_REQUEST)
		g_strlcpy(detail, "request", sizeof detail);
	else if (ti->kind == KIND_EMPTY)
		g_strlcpy(detail, "empty", sizeof detail);
	else
		g_snprintf(detail, sizeof detail, "%u.%02u", ti->code >> 5, ti->code & 0x1f);
	tick_stat_node(st, st_str_ops, 0, TRUE);
	int op_node = tick_stat_node(st, opn, st_node_ops, TRUE);
	tick_stat_node(st, detail, op_node, FALSE);
	if (ti->ep) {
		tick_stat_node(st, st_str_eps, 0, TRUE);
		int ep_node = tick_stat_node(st, ti->ep, st_node_eps, TRUE);
		tick_stat_node(st, opn, ep_node, FALSE);
	}
	return TAP_PACKET_REDRAW;
}

/* ------------------------------------------------------------------------------------------------
 * media_type sub-dissectors for payloads Wireshark 4.0's CoAP shows nowhere (link-format, SenML-ETCH,
 * LwM2M CBOR 11544, which 4.0's table lacks and names "Unknown Type 11544"): a raw view in the CoAP
 * tree; the LwM2M meaning is in the lwm2m tree.
 */
static dissector_handle_t cbor_handle, json_handle, text_lines_handle;

static int dissect_media_text(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	return text_lines_handle ? call_dissector_with_data(text_lines_handle, tvb, pinfo, tree, data)
				 : (int)tvb_captured_length(tvb);
}

static int dissect_media_cbor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	return cbor_handle ? call_dissector_with_data(cbor_handle, tvb, pinfo, tree, data) : (int)tvb_captured_length(tvb);
}

static int dissect_media_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
	return json_handle ? call_dissector_with_data(json_handle, tvb, pinfo, tree, data) : (int)tvb_captured_length(tvb);
}

/* ------------------------------------------------------------------------------------------------
 * DDF loading: the bundled folder next to the plugin (<plugin dir>/lwm2m-ddf), then the user's.
 */
static void find_bundled_ddf_dir(void)
{
	Dl_info info;
	if (dladdr((void *)&find_bundled_ddf_dir, &info) && info.dli_fname) {
		char *dir = g_path_get_dirname(info.dli_fname);
		bundled_ddf_dir = g_build_filename(dir, "lwm2m-ddf", NULL);
		g_free(dir);
	}
}

static void load_models(void)
{
	lwm2m_ddf_clear();
	int errors = 0;
	if (pref_use_bundled_ddf && bundled_ddf_dir)
		lwm2m_ddf_load_dir(bundled_ddf_dir, &errors);
	if (pref_ddf_dir && *pref_ddf_dir)
		lwm2m_ddf_load_dir(pref_ddf_dir, &errors);
	if (errors)
		ws_warning("lwm2m: %d DDF file(s) could not be parsed", errors);
}

static void lwm2m_init(void)
{
	wmem_allocator_t *fs = wmem_file_scope();
	tokens = wmem_map_new(fs, bkey_hash, bkey_equal);
	observations = wmem_map_new(fs, bkey_hash, bkey_equal);
	mids = wmem_map_new(fs, bkey_hash, bkey_equal);
	locations = wmem_map_new(fs, bkey_hash, bkey_equal);
	clients = wmem_map_new(fs, bkey_hash, bkey_equal);
	bootstraps = wmem_map_new(fs, bkey_hash, bkey_equal);
}

static void lwm2m_prefs_apply(void)
{
	load_models();
}

void proto_register_lwm2m(void);
void proto_reg_handoff_lwm2m(void);

void proto_register_lwm2m(void)
{
	static hf_register_info hf[] = {
		{ &hf_lwm2m_operation, { "Operation", "lwm2m.operation", FT_STRING, BASE_NONE, NULL, 0x0,
			"LwM2M operation of this message (responses carry the operation they answer)", HFILL } },
		{ &hf_lwm2m_interface, { "Interface", "lwm2m.interface", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_kind, { "Message kind", "lwm2m.kind", FT_STRING, BASE_NONE, NULL, 0x0,
			"Request, Response, Notification or Empty", HFILL } },
		{ &hf_lwm2m_code, { "Response code", "lwm2m.code", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_response_to, { "Response to", "lwm2m.response_to", FT_FRAMENUM, BASE_NONE,
			FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "Frame of the request this message answers", HFILL } },
		{ &hf_lwm2m_response_in, { "Response in", "lwm2m.response_in", FT_FRAMENUM, BASE_NONE,
			FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
		{ &hf_lwm2m_path, { "Path", "lwm2m.path", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_object, { "Object ID", "lwm2m.object", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_object_name, { "Object", "lwm2m.object_name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_instance, { "Object Instance ID", "lwm2m.instance", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_resource, { "Resource ID", "lwm2m.resource", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_resource_name, { "Resource", "lwm2m.resource_name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_resource_instance, { "Resource Instance ID", "lwm2m.resource_instance", FT_UINT16, BASE_DEC,
			NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_endpoint, { "Endpoint Client Name", "lwm2m.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
			"ep= of the Register (or of the registration an Update, De-register or request belongs to)", HFILL } },
		{ &hf_lwm2m_location, { "Registration location", "lwm2m.location", FT_STRING, BASE_NONE, NULL, 0x0,
			"Location-Path of the Register's 2.01", HFILL } },
		{ &hf_lwm2m_registration_in, { "Registered in", "lwm2m.registration_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
			"Frame of the Register this Update or De-register belongs to", HFILL } },
		{ &hf_lwm2m_version, { "LwM2M version", "lwm2m.version", FT_STRING, BASE_NONE, NULL, 0x0, "lwm2m=", HFILL } },
		{ &hf_lwm2m_binding, { "Binding", "lwm2m.binding", FT_STRING, BASE_NONE, NULL, 0x0, "b=", HFILL } },
		{ &hf_lwm2m_lifetime, { "Lifetime", "lwm2m.lifetime", FT_UINT32, BASE_DEC | BASE_UNIT_STRING,
			&units_second_seconds, 0x0, "lt=", HFILL } },
		{ &hf_lwm2m_sms, { "SMS number", "lwm2m.sms", FT_STRING, BASE_NONE, NULL, 0x0, "sms=", HFILL } },
		{ &hf_lwm2m_queue, { "Queue mode", "lwm2m.queue", FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Q", HFILL } },
		{ &hf_lwm2m_pct, { "Preferred content type", "lwm2m.pct", FT_UINT32, BASE_DEC, NULL, 0x0, "pct=", HFILL } },
		{ &hf_lwm2m_query, { "Query parameter", "lwm2m.query", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_observe_in, { "Observation requested in", "lwm2m.observe_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
			"Frame of the Observe or Observe-Composite this message belongs to", HFILL } },
		{ &hf_lwm2m_observe_count, { "Notification number", "lwm2m.notify_count", FT_UINT32, BASE_DEC, NULL, 0x0,
			NULL, HFILL } },
		{ &hf_lwm2m_cancelled_in, { "Observation cancelled in", "lwm2m.cancelled_in", FT_FRAMENUM, BASE_NONE,
			NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr, { "Attribute", "lwm2m.attr", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_pmin, { "Minimum period (pmin)", "lwm2m.attr.pmin", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_pmax, { "Maximum period (pmax)", "lwm2m.attr.pmax", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_gt, { "Greater than (gt)", "lwm2m.attr.gt", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_lt, { "Less than (lt)", "lwm2m.attr.lt", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_st, { "Step (st)", "lwm2m.attr.st", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_attr_epmin, { "Evaluation min period (epmin)", "lwm2m.attr.epmin", FT_UINT32, BASE_DEC, NULL, 0x0,
			NULL, HFILL } },
		{ &hf_lwm2m_attr_epmax, { "Evaluation max period (epmax)", "lwm2m.attr.epmax", FT_UINT32, BASE_DEC, NULL, 0x0,
			NULL, HFILL } },
		{ &hf_lwm2m_content_format, { "Content-Format", "lwm2m.content_format", FT_UINT32, BASE_DEC, VALS(cf_vals), 0x0,
			NULL, HFILL } },
		{ &hf_lwm2m_accept, { "Accept", "lwm2m.accept", FT_UINT32, BASE_DEC, VALS(cf_vals), 0x0, NULL, HFILL } },
		{ &hf_lwm2m_echo, { "Echo option", "lwm2m.coap.echo", FT_BYTES, BASE_NONE, NULL, 0x0, "CoAP option 252", HFILL } },
		{ &hf_lwm2m_no_response, { "No-Response option", "lwm2m.coap.no_response", FT_UINT32, BASE_HEX, NULL, 0x0,
			"CoAP option 258", HFILL } },
		{ &hf_lwm2m_request_tag, { "Request-Tag option", "lwm2m.coap.request_tag", FT_BYTES, BASE_NONE, NULL, 0x0,
			"CoAP option 292", HFILL } },
		{ &hf_lwm2m_case, { "Harness case", "lwm2m.case", FT_STRING, BASE_NONE, NULL, 0x0,
			"case= in the frame comment written by the harness", HFILL } },
		{ &hf_lwm2m_step, { "Harness step", "lwm2m.step", FT_STRING, BASE_NONE, NULL, 0x0,
			"step= in the frame comment written by the harness", HFILL } },
		{ &hf_lwm2m_verdict, { "Harness verdict hint", "lwm2m.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
			"verdict= in the frame comment written by the harness", HFILL } },
		{ &hf_lwm2m_comment, { "Frame comment", "lwm2m.comment", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_link, { "Link", "lwm2m.link", FT_STRING, BASE_NONE, NULL, 0x0, "CoRE link-format entry", HFILL } },
		{ &hf_lwm2m_link_uri, { "Target", "lwm2m.link.uri", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_link_param, { "Parameter", "lwm2m.link.param", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_link_object_version, { "Object version", "lwm2m.link.ver", FT_STRING, BASE_NONE, NULL, 0x0,
			NULL, HFILL } },
		{ &hf_lwm2m_link_ct, { "Content formats", "lwm2m.link.ct", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_link_rt, { "Resource type", "lwm2m.link.rt", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_link_count, { "Link count", "lwm2m.link.count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_record, { "Record", "lwm2m.record", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_record_count, { "Record count", "lwm2m.record.count", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_path, { "Path", "lwm2m.value.path", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_name, { "Resource", "lwm2m.value.name", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_object_name, { "Object", "lwm2m.value.object", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_string, { "String", "lwm2m.value.string", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_integer, { "Integer", "lwm2m.value.integer", FT_INT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_unsigned, { "Unsigned Integer", "lwm2m.value.unsigned", FT_UINT64, BASE_DEC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_float, { "Float", "lwm2m.value.float", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_boolean, { "Boolean", "lwm2m.value.boolean", FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_opaque, { "Opaque", "lwm2m.value.opaque", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_objlnk, { "Objlnk", "lwm2m.value.objlnk", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_time, { "Time", "lwm2m.value.time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_value_text, { "Value", "lwm2m.value", FT_STRING, BASE_NONE, NULL, 0x0,
			"Any value as text", HFILL } },
		{ &hf_lwm2m_senml_basename, { "Base name", "lwm2m.senml.bn", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_senml_basetime, { "Base time", "lwm2m.senml.bt", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
		{ &hf_lwm2m_senml_time, { "Time", "lwm2m.senml.t", FT_DOUBLE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
	};
	static gint *ett[] = { &ett_lwm2m, &ett_lwm2m_attr, &ett_lwm2m_payload, &ett_lwm2m_record, &ett_lwm2m_link };
	static ei_register_info ei[] = {
		{ &ei_register_no_ep, { "lwm2m.register.no_ep", PI_PROTOCOL, PI_ERROR,
			"Register without the mandatory ep= parameter (Core §6.2.1)", EXPFILL } },
		{ &ei_register_no_version, { "lwm2m.register.no_version", PI_PROTOCOL, PI_NOTE,
			"Register without lwm2m=: the client claims LwM2M 1.0 (mandatory since 1.1, Core §6.2.1)", EXPFILL } },
		{ &ei_register_bad_version, { "lwm2m.register.bad_version", PI_PROTOCOL, PI_WARN,
			"Unknown LwM2M version", EXPFILL } },
		{ &ei_register_bad_binding, { "lwm2m.register.bad_binding", PI_PROTOCOL, PI_WARN,
			"Invalid binding letters", EXPFILL } },
		{ &ei_register_bad_lifetime, { "lwm2m.register.bad_lifetime", PI_PROTOCOL, PI_WARN,
			"Invalid lifetime", EXPFILL } },
		{ &ei_register_bad_response, { "lwm2m.register.bad_response", PI_PROTOCOL, PI_ERROR,
			"Register not answered 2.01 Created with a Location-Path (Transport TS: 2.01 with a Location under /rd)", EXPFILL } },
		{ &ei_register_unanswered, { "lwm2m.register.unanswered", PI_SEQUENCE, PI_WARN,
			"Register never answered in this capture", EXPFILL } },
		{ &ei_register_forbidden_object, { "lwm2m.register.forbidden_object", PI_PROTOCOL, PI_WARN,
			"Security (0) and OSCORE (21) objects must not be listed in Register/Update (Core §6.2.1)", EXPFILL } },
		{ &ei_register_no_links, { "lwm2m.register.no_links", PI_PROTOCOL, PI_WARN,
			"Register without a link-format list of Objects and Object Instances", EXPFILL } },
		{ &ei_bootstrap_no_ep, { "lwm2m.bootstrap.no_ep", PI_PROTOCOL, PI_ERROR,
			"Bootstrap-Request without the mandatory ep= parameter (Transport TS, Bootstrap Interface)", EXPFILL } },
		{ &ei_wattr_lt_ge_gt, { "lwm2m.wattr.lt_ge_gt", PI_PROTOCOL, PI_WARN,
			"Write-Attributes with lt >= gt (Core TS <NOTIFICATION> attributes: lt must be less than gt)", EXPFILL } },
		{ &ei_wattr_step, { "lwm2m.wattr.step", PI_PROTOCOL, PI_WARN,
			"Write-Attributes with lt + 2*st >= gt (Core TS <NOTIFICATION> attributes)", EXPFILL } },
		{ &ei_wattr_pmin_gt_pmax, { "lwm2m.wattr.pmin_gt_pmax", PI_PROTOCOL, PI_NOTE,
			"pmin greater than pmax", EXPFILL } },
		{ &ei_wattr_payload, { "lwm2m.wattr.payload", PI_PROTOCOL, PI_WARN,
			"Write-Attributes carries a payload", EXPFILL } },
		{ &ei_wattr_unknown, { "lwm2m.wattr.unknown", PI_PROTOCOL, PI_NOTE, "Unknown attribute", EXPFILL } },
		{ &ei_wattr_bad_value, { "lwm2m.wattr.bad_value", PI_PROTOCOL, PI_WARN, "Invalid attribute value", EXPFILL } },
		{ &ei_observe_backwards, { "lwm2m.observe.backwards", PI_SEQUENCE, PI_WARN,
			"Observe sequence number went backwards (RFC 7641 §3.4)", EXPFILL } },
		{ &ei_observe_after_cancel, { "lwm2m.observe.after_cancel", PI_SEQUENCE, PI_WARN,
			"Notification after the observation was cancelled", EXPFILL } },
		{ &ei_update_expired, { "lwm2m.update.expired", PI_SEQUENCE, PI_WARN,
			"Update after the registration lifetime expired", EXPFILL } },
		{ &ei_update_unknown, { "lwm2m.update.unknown_registration", PI_SEQUENCE, PI_NOTE,
			"Update/De-register for a registration not seen in this capture", EXPFILL } },
		{ &ei_after_deregister, { "lwm2m.update.after_deregister", PI_SEQUENCE, PI_WARN,
			"Update/De-register after De-register", EXPFILL } },
		{ &ei_cf_forbidden, { "lwm2m.content_format.forbidden", PI_PROTOCOL, PI_WARN,
			"Content format not allowed for this operation", EXPFILL } },
		{ &ei_cf_version, { "lwm2m.content_format.version", PI_PROTOCOL, PI_WARN,
			"Content format newer than the LwM2M version the client registered with", EXPFILL } },
		{ &ei_register_sms_missing, { "lwm2m.register.sms_missing", PI_PROTOCOL, PI_NOTE,
			"SMS binding without the sms= parameter (MSISDN)", EXPFILL } },
		{ &ei_unexpected_success, { "lwm2m.response.unexpected_code", PI_PROTOCOL, PI_WARN,
			"Success code other than the one the TS specifies for this operation", EXPFILL } },
		{ &ei_model_operation, { "lwm2m.model.operation", PI_PROTOCOL, PI_NOTE,
			"Operation not allowed on this resource by its object model", EXPFILL } },
		{ &ei_response_error, { "lwm2m.response.error", PI_RESPONSE_CODE, PI_NOTE,
			"Operation failed", EXPFILL } },
		{ &ei_response_no_request, { "lwm2m.response.no_request", PI_SEQUENCE, PI_NOTE,
			"Response to a request not seen in this capture", EXPFILL } },
		{ &ei_coap_option_known, { "lwm2m.coap.option_known", PI_PROTOCOL, PI_CHAT,
			"CoAP option unknown to Wireshark 4.0, decoded by the LwM2M plugin", EXPFILL } },
		{ &ei_lwm2m_payload_malformed, { "lwm2m.payload.malformed", PI_MALFORMED, PI_WARN,
			"Malformed payload", EXPFILL } },
		{ &ei_lwm2m_value_type, { "lwm2m.value.type_mismatch", PI_PROTOCOL, PI_WARN,
			"Value does not match the resource type of the object model", EXPFILL } },
		{ &ei_lwm2m_link_malformed, { "lwm2m.link.malformed", PI_MALFORMED, PI_WARN,
			"Malformed CoRE link-format", EXPFILL } },
	};

	proto_lwm2m = proto_register_protocol("OMA Lightweight M2M", "LwM2M", "lwm2m");
	proto_register_field_array(proto_lwm2m, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
	expert_module_t *em = expert_register_protocol(proto_lwm2m);
	expert_register_field_array(em, ei, array_length(ei));

	module_t *mod = prefs_register_protocol(proto_lwm2m, lwm2m_prefs_apply);
	prefs_register_bool_preference(mod, "bundled_ddf", "Use the bundled OMA object definitions",
		"Load the DDF XML files installed with the plugin (<plugin folder>/lwm2m-ddf)", &pref_use_bundled_ddf);
	prefs_register_directory_preference(mod, "ddf_dir", "Additional DDF folder",
		"A folder of OMA DDF XML object definitions (<oid>-<version>.xml); they override the bundled ones",
		&pref_ddf_dir);

	lwm2m_tap = register_tap("lwm2m");
	register_init_routine(lwm2m_init);
	find_bundled_ddf_dir();
	load_models();
}

void proto_reg_handoff_lwm2m(void)
{
	proto_coap = proto_get_id_by_filter_name("coap");
	proto_icmp = proto_get_id_by_filter_name("icmp");
	proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
	proto_tcp = proto_get_id_by_filter_name("tcp");
	proto_websocket = proto_get_id_by_filter_name("websocket");
	lwm2m_post_handle = create_dissector_handle(dissect_lwm2m_post, proto_lwm2m);
	register_postdissector(lwm2m_post_handle);
	GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
	g_array_append_val(wanted, proto_coap);
	set_postdissector_wanted_hfids(lwm2m_post_handle, wanted);

	cbor_handle = find_dissector("cbor");
	json_handle = find_dissector("json");
	text_lines_handle = find_dissector("data-text-lines");
	dissector_handle_t h;
	h = create_dissector_handle(dissect_media_text, proto_lwm2m);
	dissector_add_string("media_type", "application/link-format", h);
	h = create_dissector_handle(dissect_media_cbor, proto_lwm2m);
	dissector_add_string("media_type", "Unknown Type 11544", h); /* 4.0's CoAP lacks 11544 */
	dissector_add_string("media_type", "application/vnd.oma.lwm2m+cbor", h);
	dissector_add_string("media_type", "application/senml-etch+cbor", h);
	h = create_dissector_handle(dissect_media_json, proto_lwm2m);
	dissector_add_string("media_type", "application/senml-etch+json", h);

	stats_tree_register_plugin("lwm2m", "lwm2m", "LwM2M/Operations and endpoints", 0,
				   lwm2m_stats_packet, lwm2m_stats_init, NULL);
}

void plugin_register(void)
{
	static proto_plugin plug;
	plug.register_protoinfo = proto_register_lwm2m;
	plug.register_handoff = proto_reg_handoff_lwm2m;
	proto_register_plugin(&plug);
}
