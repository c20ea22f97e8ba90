/* lwm2m-payload.c: payload dispatch by content format (Core §7.4), CoRE link-format (RFC 6690, Core
 * §6.2.1 Register payload, Discover), single text/plain and opaque values typed by the
 * object model, and the helpers that add records and typed values with object/resource names.
 * Example: lwm2m_decode_payload(tvb, pinfo, tree, 40, "/", &links) for a Register body.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "lwm2m-int.h"

#include <string.h>
#include <stdlib.h>
#include <math.h>

const char *lwm2m_path_names(wmem_allocator_t *a, const lwm2m_path_t *p)
{
	if (p->depth < 1)
		return NULL;
	const lwm2m_object_def_t *o = lwm2m_ddf_object(p->id[0]);
	if (!o)
		return NULL;
	if (p->depth >= 3) {
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p->id[0], p->id[2]);
		if (r)
			return wmem_strdup_printf(a, "%s / %s", o->name, r->name);
	}
	return o->name;
}

lwm2m_type_t lwm2m_add_path_items(tvbuff_t *tvb, proto_tree *tree, int off, int len, const lwm2m_path_t *p)
{
	lwm2m_type_t t = LWM2M_TYPE_NONE;
	if (p->depth < 1)
		return t;
	const lwm2m_object_def_t *o = lwm2m_ddf_object(p->id[0]);
	if (o) {
		proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_value_object_name, tvb, off, len, o->name);
		proto_item_set_generated(pi);
	}
	if (p->depth >= 3) {
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p->id[0], p->id[2]);
		if (r) {
			proto_item *pi = proto_tree_add_string(tree, hf_lwm2m_value_name, tvb, off, len, r->name);
			proto_item_set_generated(pi);
			t = r->type;
		}
	}
	return t;
}

proto_tree *lwm2m_add_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
			     const char *name, lwm2m_path_t *p, proto_item **item)
{
	if (!lwm2m_path_parse(name, p))
		p->depth = -1;
	const char *names = p->depth > 0 ? lwm2m_path_names(pinfo->pool, p) : NULL;
	proto_item *ri = proto_tree_add_string_format(tree, hf_lwm2m_record, tvb, off, len, name, "Record: %s%s%s%s",
						       name, names ? " (" : "", names ? names : "", names ? ")" : "");
	proto_tree *rt = proto_item_add_subtree(ri, ett_lwm2m_record);
	proto_item *pi = proto_tree_add_string(rt, hf_lwm2m_value_path, tvb, off, len, name);
	proto_item_set_generated(pi);
	if (p->depth > 0)
		lwm2m_add_path_items(tvb, rt, off, len, p);
	if (item)
		*item = ri;
	return rt;
}

static const char *type_name(lwm2m_type_t t)
{
	static const char *const n[] = { "None", "String", "Integer", "Unsigned Integer", "Float", "Boolean",
					 "Opaque", "Time", "Objlnk", "Corelnk" };
	return n[t];
}

static void mismatch(packet_info *pinfo, proto_item *pi, lwm2m_type_t t, const char *got)
{
	expert_add_info_format(pinfo, pi, &ei_lwm2m_value_type,
			       "Value is %s but the object model says %s", got, type_name(t));
}

void lwm2m_add_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *rt, proto_item *ri, const lwm2m_path_t *p,
		     const lwm2m_val_t *v)
{
	lwm2m_type_t t = LWM2M_TYPE_NONE;
	if (p && p->depth >= 3) {
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p->id[0], p->id[2]);
		if (r)
			t = r->type;
	}
	int off = v->off, len = v->len;
	proto_item *pi = NULL;
	char *text = NULL;
	wmem_allocator_t *a = pinfo->pool;
	switch (v->k) {
	case LV_INT:
	case LV_UINT: {
		gboolean neg = v->k == LV_INT && v->i < 0;
		text = neg ? wmem_strdup_printf(a, "%" G_GINT64_FORMAT, v->i) : wmem_strdup_printf(a, "%" G_GUINT64_FORMAT, v->k == LV_UINT ? v->u : (guint64)v->i);
		if (t == LWM2M_TYPE_FLOAT) {
			pi = proto_tree_add_double(rt, hf_lwm2m_value_float, tvb, off, len, neg ? (double)v->i : (double)(v->k == LV_UINT ? v->u : (guint64)v->i));
		} else if (t == LWM2M_TYPE_TIME) {
			nstime_t ts = { (time_t)(neg ? v->i : (gint64)(v->k == LV_UINT ? v->u : (guint64)v->i)), 0 };
			pi = proto_tree_add_time(rt, hf_lwm2m_value_time, tvb, off, len, &ts);
		} else if (t == LWM2M_TYPE_UNSIGNED && !neg) {
			pi = proto_tree_add_uint64(rt, hf_lwm2m_value_unsigned, tvb, off, len, v->k == LV_UINT ? v->u : (guint64)v->i);
		} else {
			if (v->k == LV_UINT && v->u > G_MAXINT64)
				pi = proto_tree_add_uint64(rt, hf_lwm2m_value_unsigned, tvb, off, len, v->u);
			else
				pi = proto_tree_add_int64(rt, hf_lwm2m_value_integer, tvb, off, len, v->k == LV_UINT ? (gint64)v->u : v->i);
			if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_INTEGER && t != LWM2M_TYPE_UNSIGNED)
				mismatch(pinfo, pi, t, "an integer");
			else if (t == LWM2M_TYPE_UNSIGNED && neg)
				mismatch(pinfo, pi, t, "a negative integer");
		}
		break;
	}
	case LV_NUM: {
		text = wmem_strdup_printf(a, "%.17g", v->d);
		gboolean integral = isfinite(v->d) && floor(v->d) == v->d && fabs(v->d) < 9.2e18;
		if (t == LWM2M_TYPE_INTEGER && integral) {
			text = wmem_strdup_printf(a, "%" G_GINT64_FORMAT, (gint64)v->d);
			pi = proto_tree_add_int64(rt, hf_lwm2m_value_integer, tvb, off, len, (gint64)v->d);
		} else if (t == LWM2M_TYPE_UNSIGNED && integral && v->d >= 0) {
			text = wmem_strdup_printf(a, "%" G_GUINT64_FORMAT, (guint64)v->d);
			pi = proto_tree_add_uint64(rt, hf_lwm2m_value_unsigned, tvb, off, len, (guint64)v->d);
		} else if (t == LWM2M_TYPE_TIME && integral) {
			nstime_t ts = { (time_t)v->d, 0 };
			text = wmem_strdup_printf(a, "%" G_GINT64_FORMAT, (gint64)v->d);
			pi = proto_tree_add_time(rt, hf_lwm2m_value_time, tvb, off, len, &ts);
		} else {
			pi = proto_tree_add_double(rt, hf_lwm2m_value_float, tvb, off, len, v->d);
			if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_FLOAT)
				mismatch(pinfo, pi, t, integral ? "a number" : "a fractional number");
		}
		break;
	}
	case LV_STR:
		text = wmem_strdup_printf(a, "\"%s\"", v->s);
		if (t == LWM2M_TYPE_OBJLNK) {
			pi = proto_tree_add_string(rt, hf_lwm2m_value_objlnk, tvb, off, len, v->s);
		} else {
			pi = proto_tree_add_string(rt, hf_lwm2m_value_string, tvb, off, len, v->s);
			if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_STRING && t != LWM2M_TYPE_CORELNK)
				mismatch(pinfo, pi, t, "a string");
		}
		break;
	case LV_OBJLNK:
		text = wmem_strdup(a, v->s);
		pi = proto_tree_add_string(rt, hf_lwm2m_value_objlnk, tvb, off, len, v->s);
		if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_OBJLNK)
			mismatch(pinfo, pi, t, "an object link");
		break;
	case LV_BOOL:
		text = wmem_strdup(a, v->b ? "true" : "false");
		pi = proto_tree_add_boolean(rt, hf_lwm2m_value_boolean, tvb, off, len, v->b);
		if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_BOOLEAN)
			mismatch(pinfo, pi, t, "a boolean");
		break;
	case LV_BYTES:
		if (v->bytes) {
			pi = proto_tree_add_bytes(rt, hf_lwm2m_value_opaque, tvb, off, len, v->bytes);
			text = wmem_strdup_printf(a, "%d bytes", v->nbytes);
		} else {
			pi = proto_tree_add_item(rt, hf_lwm2m_value_opaque, tvb, off, len, ENC_NA);
			text = wmem_strdup_printf(a, "%d bytes", len);
		}
		if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_OPAQUE)
			mismatch(pinfo, pi, t, "opaque bytes");
		break;
	case LV_NONE:
	default:
		return;
	}
	pi = proto_tree_add_string(rt, hf_lwm2m_value_text, tvb, off, len, text);
	proto_item_set_generated(pi);
	if (ri)
		proto_item_append_text(ri, " = %s", text);
}

/* ---- text/plain and opaque: one resource value (Core TS §7, plain text rules) ---- */
void lwm2m_add_text_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const lwm2m_path_t *path,
			  gboolean opaque)
{
	int len = (int)tvb_captured_length(tvb);
	char *name = lwm2m_path_str(pinfo->pool, path);
	lwm2m_path_t p;
	proto_item *ri;
	proto_tree *rt = lwm2m_add_record(tvb, pinfo, tree, 0, len, name, &p, &ri);
	lwm2m_val_t v;
	memset(&v, 0, sizeof v);
	v.off = 0;
	v.len = len;
	if (opaque) {
		v.k = LV_BYTES;
		lwm2m_add_value(tvb, pinfo, rt, ri, &p, &v);
		return;
	}
	const char *s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, 0, len, ENC_UTF_8);
	lwm2m_type_t t = LWM2M_TYPE_NONE;
	if (p.depth >= 3) {
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p.id[0], p.id[2]);
		if (r)
			t = r->type;
	}
	char *end = NULL;
	v.k = LV_STR;
	v.s = s;
	switch (t) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME: {
		gint64 i = g_ascii_strtoll(s, &end, 10);
		if (*s && end && *end == '\0') {
			v.k = LV_INT;
			v.i = i;
		}
		break;
	}
	case LWM2M_TYPE_UNSIGNED: {
		guint64 u = g_ascii_strtoull(s, &end, 10);
		if (*s && *s != '-' && end && *end == '\0') {
			v.k = LV_UINT;
			v.u = u;
		}
		break;
	}
	case LWM2M_TYPE_FLOAT: {
		double d = g_ascii_strtod(s, &end);
		if (*s && end && *end == '\0') {
			v.k = LV_NUM;
			v.d = d;
		}
		break;
	}
	case LWM2M_TYPE_BOOLEAN:
		if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0) {
			v.k = LV_BOOL;
			v.b = s[0] == '1';
		}
		break;
	case LWM2M_TYPE_OBJLNK:
		v.k = LV_OBJLNK;
		break;
	case LWM2M_TYPE_OPAQUE:
		v.k = LV_BYTES; /* opaque as text/plain is base64 (Core TS §7) */
		{
			gsize n = 0;
			guchar *raw = g_base64_decode(s, &n);
			guint8 *copy = (guint8 *)wmem_memdup(pinfo->pool, raw, n);
			g_free(raw);
			v.bytes = copy;
			v.nbytes = (int)n;
		}
		break;
	default:
		break;
	}
	if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_STRING && t != LWM2M_TYPE_CORELNK && v.k == LV_STR) {
		proto_item *pi = proto_tree_add_string(rt, hf_lwm2m_value_string, tvb, 0, len, s);
		mismatch(pinfo, pi, t, wmem_strdup_printf(pinfo->pool, "the text \"%s\"", s));
		proto_item_append_text(ri, " = \"%s\"", s);
		return;
	}
	lwm2m_add_value(tvb, pinfo, rt, ri, &p, &v);
}

/* ---- CoRE link-format (RFC 6690 §2): link *("," link), link = "<" URI ">" *(";" param) ---- */
static void decode_links(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, lwm2m_link_summary_t *sum)
{
	int len = (int)tvb_captured_length(tvb);
	const guint8 *b = tvb_get_ptr(tvb, 0, len);
	proto_item *top = NULL;
	proto_tree *pt = proto_tree_add_subtree(tree, tvb, 0, len, ett_lwm2m_payload, &top, "CoRE link-format");
	int off = 0, count = 0;
	const char *root = NULL;
	while (off < len) {
		while (off < len && (b[off] == ' ' || b[off] == '\n' || b[off] == '\r' || b[off] == '\t'))
			off++;
		if (off >= len)
			break;
		int start = off;
		/* find the end of this link: a ',' outside quotes and outside <> */
		gboolean inq = FALSE, inuri = FALSE;
		int end = off;
		for (; end < len; end++) {
			guint8 c = b[end];
			if (inq) {
				if (c == '\\' && end + 1 < len) end++;
				else if (c == '"') inq = FALSE;
			} else if (inuri) {
				if (c == '>') inuri = FALSE;
			} else if (c == '"') {
				inq = TRUE;
			} else if (c == '<') {
				inuri = TRUE;
			} else if (c == ',') {
				break;
			}
		}
		char *text = (char *)tvb_get_string_enc(pinfo->pool, tvb, start, end - start, ENC_UTF_8);
		proto_item *li = proto_tree_add_string(pt, hf_lwm2m_link, tvb, start, end - start, text);
		proto_tree *lt = proto_item_add_subtree(li, ett_lwm2m_link);
		count++;
		if (b[start] != '<' || inq || inuri) {
			expert_add_info_format(pinfo, li, &ei_lwm2m_link_malformed, "Link %d does not start with <URI> or is unterminated", count);
			off = end + 1;
			continue;
		}
		int uend = start + 1;
		while (uend < end && b[uend] != '>')
			uend++;
		char *uri = (char *)tvb_get_string_enc(pinfo->pool, tvb, start + 1, uend - start - 1, ENC_UTF_8);
		proto_tree_add_string(lt, hf_lwm2m_link_uri, tvb, start + 1, uend - start - 1, uri);
		/* parameters */
		gboolean is_root = FALSE;
		int poff = uend + 1;
		while (poff < end) {
			if (b[poff] != ';') {
				poff++;
				continue;
			}
			int ps = poff + 1, pe = ps;
			gboolean q = FALSE;
			while (pe < end && (q || b[pe] != ';')) {
				if (b[pe] == '"') q = !q;
				pe++;
			}
			char *param = (char *)tvb_get_string_enc(pinfo->pool, tvb, ps, pe - ps, ENC_UTF_8);
			proto_tree_add_string(lt, hf_lwm2m_link_param, tvb, ps, pe - ps, param);
			char *eq = strchr(param, '=');
			if (eq) {
				*eq = '\0';
				char *val = eq + 1;
				size_t vl = strlen(val);
				if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
					val[vl - 1] = '\0';
					val++;
				}
				if (strcmp(param, "ver") == 0)
					proto_tree_add_string(lt, hf_lwm2m_link_object_version, tvb, ps, pe - ps, val);
				else if (strcmp(param, "ct") == 0)
					proto_tree_add_string(lt, hf_lwm2m_link_ct, tvb, ps, pe - ps, val);
				else if (strcmp(param, "rt") == 0) {
					proto_tree_add_string(lt, hf_lwm2m_link_rt, tvb, ps, pe - ps, val);
					if (strcmp(val, "oma.lwm2m") == 0)
						is_root = TRUE;
				}
			}
			poff = pe;
		}
		if (is_root) {
			sum->has_root_rt = TRUE;
			if (strcmp(uri, "/") != 0) {
				root = uri;
				sum->root_path = uri;
			}
		} else {
			const char *rel = uri;
			if (root && g_str_has_prefix(uri, root))
				rel = uri + strlen(root);
			lwm2m_path_t p;
			if (lwm2m_path_parse(rel, &p) && p.depth > 0) {
				const char *names = lwm2m_path_names(pinfo->pool, &p);
				if (names)
					proto_item_append_text(li, " (%s)", names);
				lwm2m_add_path_items(tvb, lt, start, end - start, &p);
				if ((p.id[0] == 0 || p.id[0] == 21) && sum->forbidden_oid < 0) {
					sum->forbidden_oid = (gint32)p.id[0];
					sum->forbidden_off = start;
					sum->forbidden_len = end - start;
				}
			}
		}
		off = end + 1;
	}
	sum->links = count;
	proto_item_set_text(top, "CoRE link-format: %d link%s", count, count == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(pt, hf_lwm2m_link_count, tvb, 0, 0, (guint32)count);
	proto_item_set_generated(ci);
}

/* ---- LwM2M TLV 11542 (Core TS §7): type byte (identifier kind, id length, length type), id,
 * length, value; values typed by the object model. Wireshark's lwm2mtlv shows the raw TLV tree and
 * names only objects 0-7 and 21; this adds paths, DDF names and typed lwm2m.value fields. ---- */
static void tlv_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *rt, proto_item *ri, const lwm2m_path_t *p,
		      int off, int len)
{
	lwm2m_type_t t = LWM2M_TYPE_NONE;
	if (p->depth >= 3) {
		const lwm2m_resource_def_t *r = lwm2m_ddf_resource(p->id[0], p->id[2]);
		if (r)
			t = r->type;
	}
	lwm2m_val_t v;
	memset(&v, 0, sizeof v);
	v.off = off;
	v.len = len;
	v.k = LV_BYTES;
	switch (t) {
	case LWM2M_TYPE_INTEGER:
	case LWM2M_TYPE_TIME:
	case LWM2M_TYPE_UNSIGNED:
		if (len == 1 || len == 2 || len == 4 || len == 8) {
			guint64 u = 0;
			for (int i = 0; i < len; i++)
				u = (u << 8) | tvb_get_guint8(tvb, off + i);
			if (t == LWM2M_TYPE_UNSIGNED) {
				v.k = LV_UINT;
				v.u = u;
			} else {
				int shift = 64 - 8 * len;
				v.k = LV_INT;
				v.i = shift ? ((gint64)(u << shift)) >> shift : (gint64)u;
			}
		}
		break;
	case LWM2M_TYPE_FLOAT:
		if (len == 4) {
			v.k = LV_NUM;
			v.d = tvb_get_ntohieee_float(tvb, off);
		} else if (len == 8) {
			v.k = LV_NUM;
			v.d = tvb_get_ntohieee_double(tvb, off);
		}
		break;
	case LWM2M_TYPE_BOOLEAN:
		if (len == 1 && tvb_get_guint8(tvb, off) <= 1) {
			v.k = LV_BOOL;
			v.b = tvb_get_guint8(tvb, off) == 1;
		}
		break;
	case LWM2M_TYPE_OBJLNK:
		if (len == 4) {
			v.k = LV_OBJLNK;
			v.s = wmem_strdup_printf(pinfo->pool, "%u:%u", tvb_get_ntohs(tvb, off), tvb_get_ntohs(tvb, off + 2));
		}
		break;
	case LWM2M_TYPE_STRING:
	case LWM2M_TYPE_CORELNK:
		v.k = LV_STR;
		v.s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, off, len, ENC_UTF_8);
		break;
	default:
		break;
	}
	if (v.k == LV_BYTES && t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_OPAQUE) {
		proto_item *pi = proto_tree_add_item(rt, hf_lwm2m_value_opaque, tvb, off, len, ENC_NA);
		expert_add_info_format(pinfo, pi, &ei_lwm2m_value_type, "TLV value of %d bytes cannot be a %s", len,
				       t == LWM2M_TYPE_BOOLEAN ? "Boolean" : t == LWM2M_TYPE_FLOAT ? "Float" :
				       t == LWM2M_TYPE_OBJLNK ? "Objlnk" : "Integer");
		proto_item_append_text(ri, " = %d bytes", len);
		return;
	}
	lwm2m_add_value(tvb, pinfo, rt, ri, p, &v);
}

static gboolean tlv_walk(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_item *top, int off, int end,
			 const lwm2m_path_t *base, int level, guint32 *nrec)
{
	while (off < end) {
		int start = off;
		guint8 type = tvb_get_guint8(tvb, off++);
		int kind = type >> 6, idlen = (type & 0x20) ? 2 : 1, ltype = (type >> 3) & 3;
		if (off + idlen + ltype > end) {
			expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "TLV: header at offset %d is truncated", start);
			return FALSE;
		}
		guint32 id = idlen == 2 ? tvb_get_ntohs(tvb, off) : tvb_get_guint8(tvb, off);
		off += idlen;
		guint32 len = type & 7;
		if (ltype) {
			len = 0;
			for (int i = 0; i < ltype; i++)
				len = (len << 8) | tvb_get_guint8(tvb, off + i);
			off += ltype;
		}
		if ((gint64)off + len > end) {
			expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed,
					       "TLV: length %u at offset %d runs past the end (%d bytes left)", len, start, end - off);
			return FALSE;
		}
		/* the path of this entry: Object Instance at level 2, (Multiple) Resource at 3, Resource Instance at 4 */
		int want = kind == 0 ? 2 : kind == 1 ? 4 : 3;
		lwm2m_path_t p = *base;
		if (p.depth < want - 1 || level > 3) {
			expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed,
					       "TLV: entry at offset %d does not fit the request path", start);
			return FALSE;
		}
		p.depth = want;
		p.id[want - 1] = id;
		if (kind == 0 || kind == 2) {
			if (!tlv_walk(tvb, pinfo, tree, top, off, off + (int)len, &p, level + 1, nrec))
				return FALSE;
		} else {
			char *name = lwm2m_path_str(pinfo->pool, &p);
			lwm2m_path_t rp;
			proto_item *ri;
			proto_tree *rt = lwm2m_add_record(tvb, pinfo, tree, start, off + (int)len - start, name, &rp, &ri);
			tlv_value(tvb, pinfo, rt, ri, &rp, off, (int)len);
			(*nrec)++;
		}
		off += (int)len;
	}
	return TRUE;
}

static void decode_tlv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base)
{
	lwm2m_path_t bp;
	int len = (int)tvb_captured_length(tvb);
	proto_item *top = NULL;
	proto_tree *pt = proto_tree_add_subtree(tree, tvb, 0, len, ett_lwm2m_payload, &top, "LwM2M TLV");
	if (!base || !lwm2m_path_parse(base, &bp) || bp.depth < 1) {
		proto_item_append_text(top, " (no object path: not decoded)");
		return;
	}
	guint32 nrec = 0;
	tlv_walk(tvb, pinfo, pt, top, 0, len, &bp, 0, &nrec);
	proto_item_append_text(top, ": %u record%s", nrec, nrec == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(pt, hf_lwm2m_record_count, tvb, 0, 0, nrec);
	proto_item_set_generated(ci);
}

gboolean lwm2m_decode_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint cf, const char *base,
			      lwm2m_link_summary_t *links)
{
	lwm2m_path_t p;
	switch (cf) {
	case LWM2M_CF_LINK:
		decode_links(tvb, pinfo, tree, links);
		return TRUE;
	case LWM2M_CF_TEXT:
	case LWM2M_CF_OPAQUE:
		if (!base || !lwm2m_path_parse(base, &p) || p.depth < 3)
			return FALSE;
		lwm2m_add_text_value(tvb, pinfo, tree, &p, cf == LWM2M_CF_OPAQUE);
		return TRUE;
	case LWM2M_CF_SENML_CBOR:
	case LWM2M_CF_SENML_ETCH_CBOR:
		lwm2m_decode_senml_cbor(tvb, pinfo, tree, base);
		return TRUE;
	case LWM2M_CF_SENML_JSON:
	case LWM2M_CF_SENML_ETCH_JSON:
		lwm2m_decode_senml_json(tvb, pinfo, tree, base);
		return TRUE;
	case LWM2M_CF_LWM2M_CBOR:
		lwm2m_decode_lwm2m_cbor(tvb, pinfo, tree, base);
		return TRUE;
	case LWM2M_CF_LWM2M_JSON:
		lwm2m_decode_lwm2m_json(tvb, pinfo, tree, base);
		return TRUE;
	case LWM2M_CF_TLV:
		decode_tlv(tvb, pinfo, tree, base);
		return TRUE;
	default:
		return FALSE;
	}
}
