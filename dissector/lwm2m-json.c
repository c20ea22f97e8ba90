/* lwm2m-json.c: SenML JSON and SenML-ETCH JSON payloads (RFC 8428 §5, RFC 8790; Core §7.4.4) with a
 * small bounded JSON scanner (RFC 8259): an array of objects with bn, bt, n, v, vs, vb, vd, vlo, t.
 * Also the LwM2M 1.0 JSON format 11543 (Core 1.0 §6.4.4: {"bn": ..., "e": [{"n", "v"|"sv"|"bv"|"ov", "t"}]}).
 * Example: [{"bn":"/3/0/","n":"0","vs":"ACME"}] -> record /3/0/0 (Device / Manufacturer) = "ACME".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "lwm2m-int.h"

#include <string.h>

typedef struct {
	const guint8 *b;
	int len;
	int off;
} js_t;

static void js_ws(js_t *j)
{
	while (j->off < j->len && (j->b[j->off] == ' ' || j->b[j->off] == '\t' || j->b[j->off] == '\n' || j->b[j->off] == '\r'))
		j->off++;
}

static gboolean js_expect(js_t *j, char c)
{
	js_ws(j);
	if (j->off < j->len && j->b[j->off] == (guint8)c) {
		j->off++;
		return TRUE;
	}
	return FALSE;
}

/* Reads a string (with escapes, \uXXXX as UTF-8) into `a`. */
static char *js_string(js_t *j, wmem_allocator_t *a)
{
	js_ws(j);
	if (j->off >= j->len || j->b[j->off] != '"')
		return NULL;
	j->off++;
	wmem_strbuf_t *s = wmem_strbuf_new(a, "");
	while (j->off < j->len) {
		guint8 c = j->b[j->off++];
		if (c == '"') {
			char *r = wmem_strbuf_finalize(s);
			if (!g_utf8_validate(r, -1, NULL)) {
				gchar *valid = g_utf8_make_valid(r, -1); /* never show raw invalid UTF-8 */
				r = wmem_strdup(a, valid);
				g_free(valid);
			}
			return r;
		}
		if (c != '\\') {
			wmem_strbuf_append_c(s, (gchar)c);
			continue;
		}
		if (j->off >= j->len)
			return NULL;
		c = j->b[j->off++];
		switch (c) {
		case 'n': wmem_strbuf_append_c(s, '\n'); break;
		case 't': wmem_strbuf_append_c(s, '\t'); break;
		case 'r': wmem_strbuf_append_c(s, '\r'); break;
		case 'b': wmem_strbuf_append_c(s, '\b'); break;
		case 'f': wmem_strbuf_append_c(s, '\f'); break;
		case 'u': {
			if (j->off + 4 > j->len)
				return NULL;
			char hex[5];
			memcpy(hex, j->b + j->off, 4);
			hex[4] = '\0';
			j->off += 4;
			gunichar u = (gunichar)g_ascii_strtoull(hex, NULL, 16);
			wmem_strbuf_append_unichar(s, u);
			break;
		}
		default: wmem_strbuf_append_c(s, (gchar)c); break;
		}
	}
	return NULL;
}

static gboolean js_skip(js_t *j, int depth)
{
	js_ws(j);
	if (depth > 32 || j->off >= j->len)
		return FALSE;
	guint8 c = j->b[j->off];
	if (c == '"')
		return js_string(j, wmem_packet_scope()) != NULL;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		j->off++;
		if (js_expect(j, close))
			return TRUE;
		for (;;) {
			if (c == '{') {
				if (!js_string(j, wmem_packet_scope()) || !js_expect(j, ':'))
					return FALSE;
			}
			if (!js_skip(j, depth + 1))
				return FALSE;
			if (js_expect(j, ','))
				continue;
			return js_expect(j, close);
		}
	}
	while (j->off < j->len && !strchr(",]} \t\r\n", j->b[j->off]))
		j->off++;
	return TRUE;
}

/* A scalar value: number, string, true/false/null. */
static gboolean js_value(js_t *j, packet_info *pinfo, lwm2m_val_t *v)
{
	js_ws(j);
	memset(v, 0, sizeof *v);
	v->off = j->off;
	if (j->off >= j->len)
		return FALSE;
	guint8 c = j->b[j->off];
	if (c == '"') {
		v->k = LV_STR;
		v->s = js_string(j, pinfo->pool);
		if (!v->s)
			return FALSE;
	} else if (c == 't' && j->off + 4 <= j->len && memcmp(j->b + j->off, "true", 4) == 0) {
		v->k = LV_BOOL;
		v->b = TRUE;
		j->off += 4;
	} else if (c == 'f' && j->off + 5 <= j->len && memcmp(j->b + j->off, "false", 5) == 0) {
		v->k = LV_BOOL;
		j->off += 5;
	} else if (c == 'n' && j->off + 4 <= j->len && memcmp(j->b + j->off, "null", 4) == 0) {
		v->k = LV_NONE;
		j->off += 4;
	} else if (c == '-' || g_ascii_isdigit(c)) {
		int s = j->off;
		while (j->off < j->len && strchr("+-0123456789.eE", j->b[j->off]))
			j->off++;
		char *num = wmem_strndup(pinfo->pool, (const char *)j->b + s, (size_t)(j->off - s));
		char *end = NULL;
		if (!strpbrk(num, ".eE")) {
			gint64 i = g_ascii_strtoll(num, &end, 10);
			if (end && *end == '\0') {
				v->k = i < 0 ? LV_INT : LV_UINT;
				v->i = i;
				v->u = (guint64)i;
			}
		}
		if (!end || *end) {
			v->k = LV_NUM;
			v->d = g_ascii_strtod(num, &end);
			if (!end || *end)
				return FALSE;
		}
	} else {
		return FALSE;
	}
	v->len = j->off - v->off;
	return TRUE;
}

void lwm2m_decode_senml_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base)
{
	js_t j;
	j.len = (int)tvb_captured_length(tvb);
	j.b = tvb_get_ptr(tvb, 0, j.len);
	j.off = 0;
	proto_item *top = NULL;
	proto_tree *pt = proto_tree_add_subtree(tree, tvb, 0, j.len, ett_lwm2m_payload, &top, "SenML JSON");
	if (!js_expect(&j, '[')) {
		expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "SenML JSON: the payload is not a JSON array (RFC 8428 §5)");
		return;
	}
	char *bn = wmem_strdup(pinfo->pool, "");
	guint32 nrec = 0;
	gboolean ok = TRUE;
	if (js_expect(&j, ']'))
		goto done;
	for (;;) {
		js_ws(&j);
		int rec_start = j.off;
		if (!js_expect(&j, '{')) {
			ok = FALSE;
			break;
		}
		const char *n = "";
		lwm2m_val_t val;
		memset(&val, 0, sizeof val);
		val.k = LV_NONE;
		gboolean have_t = FALSE;
		double t = 0;
		if (!js_expect(&j, '}')) {
			for (;;) {
				char *key = js_string(&j, pinfo->pool);
				if (!key || !js_expect(&j, ':')) {
					ok = FALSE;
					break;
				}
				int voff = j.off;
				lwm2m_val_t v;
				if (!js_value(&j, pinfo, &v)) {
					j.off = voff;
					if (!js_skip(&j, 0)) {
						ok = FALSE;
						break;
					}
				} else if (strcmp(key, "bn") == 0 && v.k == LV_STR) {
					bn = wmem_strdup(pinfo->pool, v.s);
					proto_tree_add_string(pt, hf_lwm2m_senml_basename, tvb, v.off, v.len, v.s);
				} else if (strcmp(key, "bt") == 0 && (v.k == LV_NUM || v.k == LV_INT || v.k == LV_UINT)) {
					proto_tree_add_double(pt, hf_lwm2m_senml_basetime, tvb, v.off, v.len,
							      v.k == LV_NUM ? v.d : (double)v.i);
				} else if (strcmp(key, "n") == 0 && v.k == LV_STR) {
					n = v.s;
				} else if (strcmp(key, "t") == 0 && v.k != LV_STR) {
					have_t = TRUE;
					t = v.k == LV_NUM ? v.d : (double)v.i;
				} else if (strcmp(key, "v") == 0 || strcmp(key, "vs") == 0 || strcmp(key, "vb") == 0) {
					val = v;
				} else if (strcmp(key, "vlo") == 0 && v.k == LV_STR) {
					val = v;
					val.k = LV_OBJLNK;
				} else if (strcmp(key, "vd") == 0 && v.k == LV_STR) {
					/* base64url without padding (RFC 8428 §5) */
					char *s = wmem_strdup(pinfo->pool, v.s);
					for (char *c = s; *c; c++) {
						if (*c == '-') *c = '+';
						else if (*c == '_') *c = '/';
					}
					size_t sl = strlen(s);
					char *padded = wmem_strdup_printf(pinfo->pool, "%s%s", s, (sl % 4) == 2 ? "==" : (sl % 4) == 3 ? "=" : "");
					gsize nb = 0;
					guchar *raw = g_base64_decode(padded, &nb);
					val = v;
					val.k = LV_BYTES;
					val.bytes = (const guint8 *)wmem_memdup(pinfo->pool, raw, nb);
					val.nbytes = (int)nb;
					g_free(raw);
				}
				if (js_expect(&j, ','))
					continue;
				if (!js_expect(&j, '}'))
					ok = FALSE;
				break;
			}
		}
		if (!ok)
			break;
		nrec++;
		char *name = wmem_strdup_printf(pinfo->pool, "%s%s", bn, n);
		lwm2m_path_t p;
		proto_item *ri;
		proto_tree *rt = lwm2m_add_record(tvb, pinfo, pt, rec_start, j.off - rec_start, name, &p, &ri);
		if (have_t)
			proto_tree_add_double(rt, hf_lwm2m_senml_time, tvb, rec_start, j.off - rec_start, t);
		if (val.k != LV_NONE)
			lwm2m_add_value(tvb, pinfo, rt, ri, &p, &val);
		if (p.depth < 0)
			expert_add_info_format(pinfo, ri, &ei_lwm2m_payload_malformed, "SenML name \"%s\" is not an LwM2M path", name);
		if (js_expect(&j, ','))
			continue;
		if (!js_expect(&j, ']'))
			ok = FALSE;
		break;
	}
done:
	if (!ok)
		expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "SenML JSON: syntax error at offset %d", j.off);
	proto_item_append_text(top, ": %u record%s", nrec, nrec == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(pt, hf_lwm2m_record_count, tvb, 0, 0, nrec);
	proto_item_set_generated(ci);
	(void)base;
}

/* One record object of SenML ({"n","v","vs","vb","vd","vlo","t"}) or LwM2M JSON ({"n","v","sv","bv","ov","t"}):
 * the parser is at '{'. */
static gboolean js_record(js_t *j, tvbuff_t *tvb, packet_info *pinfo, proto_tree *pt, const char *bn, guint32 *nrec)
{
	js_ws(j);
	int rec_start = j->off;
	if (!js_expect(j, '{'))
		return FALSE;
	const char *n = "";
	lwm2m_val_t val;
	memset(&val, 0, sizeof val);
	val.k = LV_NONE;
	if (!js_expect(j, '}')) {
		for (;;) {
			char *key = js_string(j, pinfo->pool);
			if (!key || !js_expect(j, ':'))
				return FALSE;
			int voff = j->off;
			lwm2m_val_t v;
			if (!js_value(j, pinfo, &v)) {
				j->off = voff;
				if (!js_skip(j, 0))
					return FALSE;
			} else if (strcmp(key, "n") == 0 && v.k == LV_STR) {
				n = v.s;
			} else if (strcmp(key, "v") == 0 || strcmp(key, "sv") == 0 || strcmp(key, "bv") == 0) {
				val = v;
			} else if (strcmp(key, "ov") == 0 && v.k == LV_STR) {
				val = v;
				val.k = LV_OBJLNK;
			}
			if (js_expect(j, ','))
				continue;
			if (!js_expect(j, '}'))
				return FALSE;
			break;
		}
	}
	(*nrec)++;
	char *name = wmem_strdup_printf(pinfo->pool, "%s%s", bn, n);
	lwm2m_path_t p;
	proto_item *ri;
	proto_tree *rt = lwm2m_add_record(tvb, pinfo, pt, rec_start, j->off - rec_start, name, &p, &ri);
	if (val.k != LV_NONE)
		lwm2m_add_value(tvb, pinfo, rt, ri, &p, &val);
	if (p.depth < 0)
		expert_add_info_format(pinfo, ri, &ei_lwm2m_payload_malformed, "LwM2M JSON name \"%s\" is not an LwM2M path", name);
	return TRUE;
}

void lwm2m_decode_lwm2m_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base)
{
	js_t j;
	j.len = (int)tvb_captured_length(tvb);
	j.b = tvb_get_ptr(tvb, 0, j.len);
	j.off = 0;
	proto_item *top = NULL;
	proto_tree *pt = proto_tree_add_subtree(tree, tvb, 0, j.len, ett_lwm2m_payload, &top, "LwM2M JSON");
	const char *bn = base && strcmp(base, "/") != 0 ? wmem_strdup_printf(pinfo->pool, "%s/", base) : "";
	guint32 nrec = 0;
	gboolean ok = js_expect(&j, '{');
	while (ok && !js_expect(&j, '}')) {
		char *key = js_string(&j, pinfo->pool);
		if (!key || !js_expect(&j, ':')) {
			ok = FALSE;
			break;
		}
		if (strcmp(key, "bn") == 0) {
			lwm2m_val_t v;
			if (!js_value(&j, pinfo, &v) || v.k != LV_STR) {
				ok = FALSE;
				break;
			}
			bn = v.s;
			proto_tree_add_string(pt, hf_lwm2m_senml_basename, tvb, v.off, v.len, v.s);
		} else if (strcmp(key, "e") == 0) {
			if (!js_expect(&j, '[')) {
				ok = FALSE;
				break;
			}
			if (!js_expect(&j, ']')) {
				for (;;) {
					if (!js_record(&j, tvb, pinfo, pt, bn, &nrec)) {
						ok = FALSE;
						break;
					}
					if (js_expect(&j, ','))
						continue;
					ok = js_expect(&j, ']');
					break;
				}
			}
		} else if (!js_skip(&j, 0)) {
			ok = FALSE;
		}
		if (ok && !js_expect(&j, ',')) {
			ok = js_expect(&j, '}');
			break;
		}
	}
	if (!ok)
		expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "LwM2M JSON: syntax error at offset %d", j.off);
	proto_item_append_text(top, ": %u record%s", nrec, nrec == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(pt, hf_lwm2m_record_count, tvb, 0, 0, nrec);
	proto_item_set_generated(ci);
}
