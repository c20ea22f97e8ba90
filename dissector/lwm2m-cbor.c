/* lwm2m-cbor.c: a bounded CBOR reader (RFC 8949 §3) and the two CBOR payload formats of LwM2M 1.2:
 * SenML CBOR / SenML-ETCH CBOR (RFC 8428 §6, RFC 8790; Core §7.4.5) and LwM2M CBOR 11544 (Core
 * TS 1.2.2 §7.5.4: nested maps keyed by path ids or arrays of ids, top level at the Object id).
 * Example: {[3, 0]: {0: "ACME", 9: 85}} -> records /3/0/0 = "ACME", /3/0/9 = 85.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "lwm2m-int.h"

#include <string.h>
#include <math.h>

#define CB_INDEF G_MAXUINT64

static double half_to_double(guint16 h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0 ? ldexp(m, -24) : e != 31 ? ldexp(m + 1024, e - 25) : (m == 0 ? INFINITY : NAN);
	return (h & 0x8000) ? -v : v;
}

gboolean cb_read(const guint8 *b, int len, int *off, cb_item_t *it)
{
	int o = *off;
	if (o >= len)
		return FALSE;
	guint8 ib = b[o++];
	int mt = ib >> 5, ai = ib & 31;
	guint64 v = 0;
	memset(it, 0, sizeof *it);
	it->off = *off;
	if (ai < 24) {
		v = (guint64)ai;
	} else if (ai <= 27) {
		int n = 1 << (ai - 24);
		if (o + n > len)
			return FALSE;
		for (int i = 0; i < n; i++)
			v = (v << 8) | b[o + i];
		o += n;
	} else if (ai == 31) {
		if (mt == 0 || mt == 1 || mt == 6)
			return FALSE;
		v = CB_INDEF;
	} else {
		return FALSE;
	}
	it->u = v;
	switch (mt) {
	case 0: it->major = CB_UINT; break;
	case 1: it->major = CB_NINT; break;
	case 2:
	case 3:
		it->major = mt == 2 ? CB_BYTES : CB_TEXT;
		it->data_off = o;
		if (v != CB_INDEF) {
			if (v > (guint64)(len - o))
				return FALSE;
			o += (int)v;
		}
		break;
	case 4: it->major = CB_ARRAY; break;
	case 5: it->major = CB_MAP; break;
	case 6: it->major = CB_TAG; break;
	case 7:
		if (ai == 31) {
			it->major = CB_BREAK;
		} else if (ai == 25) {
			it->major = CB_FLOAT;
			it->d = half_to_double((guint16)v);
		} else if (ai == 26) {
			guint32 w = (guint32)v;
			float f;
			memcpy(&f, &w, 4);
			it->major = CB_FLOAT;
			it->d = f;
		} else if (ai == 27) {
			double d;
			memcpy(&d, &v, 8);
			it->major = CB_FLOAT;
			it->d = d;
		} else {
			it->major = CB_SIMPLE;
		}
		break;
	default:
		return FALSE;
	}
	it->end = o;
	*off = o;
	return TRUE;
}

gboolean cb_skip(const guint8 *b, int len, int *off, int depth)
{
	cb_item_t it;
	if (depth > 32 || !cb_read(b, len, off, &it))
		return FALSE;
	switch (it.major) {
	case CB_BYTES:
	case CB_TEXT:
		if (it.u == CB_INDEF) {
			for (;;) {
				int save = *off;
				cb_item_t c;
				if (!cb_read(b, len, off, &c))
					return FALSE;
				if (c.major == CB_BREAK)
					return TRUE;
				if (c.major != it.major || c.u == CB_INDEF)
					return FALSE;
				(void)save;
			}
		}
		return TRUE;
	case CB_ARRAY:
	case CB_MAP: {
		guint64 n = it.u;
		int per = it.major == CB_MAP ? 2 : 1;
		if (n == CB_INDEF) {
			for (;;) {
				if (*off >= len)
					return FALSE;
				if (b[*off] == 0xff) {
					(*off)++;
					return TRUE;
				}
				for (int k = 0; k < per; k++)
					if (!cb_skip(b, len, off, depth + 1))
						return FALSE;
			}
		}
		if (n > (guint64)len)
			return FALSE;
		for (guint64 i = 0; i < n * (guint64)per; i++)
			if (!cb_skip(b, len, off, depth + 1))
				return FALSE;
		return TRUE;
	}
	case CB_TAG:
		return cb_skip(b, len, off, depth + 1);
	case CB_BREAK:
		return FALSE;
	default:
		return TRUE;
	}
}

/* Container iteration: returns TRUE while there is another element (consumes a break). */
static gboolean cb_more(const guint8 *b, int len, int *off, guint64 n, guint64 *i)
{
	if (n == CB_INDEF) {
		if (*off < len && b[*off] == 0xff) {
			(*off)++;
			return FALSE;
		}
		return *off < len;
	}
	return (*i)++ < n;
}

/* Reads a leaf value (tags 0/1 unwrapped). FALSE for containers or malformed input. */
static gboolean cb_value(tvbuff_t *tvb, packet_info *pinfo, const guint8 *b, int len, int *off, lwm2m_val_t *v)
{
	cb_item_t it;
	int start = *off;
	memset(v, 0, sizeof *v);
	if (!cb_read(b, len, off, &it))
		return FALSE;
	while (it.major == CB_TAG) {
		if (!cb_read(b, len, off, &it))
			return FALSE;
	}
	v->off = start;
	switch (it.major) {
	case CB_UINT:
		v->k = LV_UINT;
		v->u = it.u;
		break;
	case CB_NINT:
		if (it.u > (guint64)G_MAXINT64) {
			v->k = LV_NUM;
			v->d = -1.0 - (double)it.u;
		} else {
			v->k = LV_INT;
			v->i = -1 - (gint64)it.u;
		}
		break;
	case CB_FLOAT:
		v->k = LV_NUM;
		v->d = it.d;
		break;
	case CB_TEXT:
		if (it.u == CB_INDEF)
			return FALSE;
		v->k = LV_STR;
		v->s = (const char *)tvb_get_string_enc(pinfo->pool, tvb, it.data_off, (gint)it.u, ENC_UTF_8);
		break;
	case CB_BYTES:
		if (it.u == CB_INDEF)
			return FALSE;
		v->k = LV_BYTES;
		v->off = it.data_off;
		v->len = (int)it.u;
		return TRUE;
	case CB_SIMPLE:
		if (it.u == 20 || it.u == 21) {
			v->k = LV_BOOL;
			v->b = it.u == 21;
		} else {
			v->k = LV_NONE; /* null / undefined */
		}
		break;
	default:
		return FALSE;
	}
	v->len = *off - start;
	return TRUE;
}

/* ---- SenML CBOR (RFC 8428 §6: labels bn -2, bt -3, n 0, u 1, v 2, vs 3, vb 4, s 5, t 6, ut 7, vd 8;
 * LwM2M adds "vlo" for object links, Core TS §7) ---- */
void lwm2m_decode_senml_cbor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base)
{
	int len = (int)tvb_captured_length(tvb);
	const guint8 *b = tvb_get_ptr(tvb, 0, len);
	proto_item *top = NULL;
	proto_tree *pt = proto_tree_add_subtree(tree, tvb, 0, len, ett_lwm2m_payload, &top, "SenML CBOR");
	int off = 0;
	cb_item_t arr;
	if (!cb_read(b, len, &off, &arr) || arr.major != CB_ARRAY) {
		expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "SenML CBOR: the payload is not a CBOR array (RFC 8428 §6)");
		return;
	}
	char *bn = wmem_strdup(pinfo->pool, "");
	guint64 i = 0;
	guint32 nrec = 0;
	while (cb_more(b, len, &off, arr.u, &i)) {
		int rec_start = off;
		cb_item_t map;
		if (!cb_read(b, len, &off, &map) || map.major != CB_MAP) {
			expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed,
					       "SenML CBOR: record %u at offset %d is not a map", nrec + 1, rec_start);
			return;
		}
		const char *n = "";
		lwm2m_val_t val;
		memset(&val, 0, sizeof val);
		val.k = LV_NONE;
		gboolean have_t = FALSE;
		double t = 0;
		guint64 j = 0;
		while (cb_more(b, len, &off, map.u, &j)) {
			cb_item_t key;
			int key_off = off;
			if (!cb_read(b, len, &off, &key)) {
				expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "SenML CBOR: truncated at offset %d", key_off);
				return;
			}
			gint64 label = 1000;
			gboolean vlo = FALSE;
			if (key.major == CB_UINT && key.u < 100)
				label = (gint64)key.u;
			else if (key.major == CB_NINT && key.u < 100)
				label = -1 - (gint64)key.u;
			else if (key.major == CB_TEXT && key.u == 3 && tvb_memeql(tvb, key.data_off, (const guint8 *)"vlo", 3) == 0)
				vlo = TRUE;
			int voff = off;
			lwm2m_val_t v;
			if (!cb_value(tvb, pinfo, b, len, &off, &v)) {
				off = voff;
				if (!cb_skip(b, len, &off, 0)) {
					expert_add_info_format(pinfo, top, &ei_lwm2m_payload_malformed, "SenML CBOR: malformed value at offset %d", voff);
					return;
				}
				continue;
			}
			if (vlo && v.k == LV_STR) {
				val = v;
				val.k = LV_OBJLNK;
				continue;
			}
			switch (label) {
			case -2: /* bn */
				if (v.k == LV_STR) {
					bn = wmem_strdup(pinfo->pool, v.s);
					proto_tree_add_string(pt, hf_lwm2m_senml_basename, tvb, v.off, v.len, v.s);
				}
				break;
			case -3: /* bt */
				if (v.k == LV_NUM || v.k == LV_INT || v.k == LV_UINT)
					proto_tree_add_double(pt, hf_lwm2m_senml_basetime, tvb, v.off, v.len,
						v.k == LV_NUM ? v.d : v.k == LV_INT ? (double)v.i : (double)v.u);
				break;
			case 0: /* n */
				if (v.k == LV_STR) {
					n = v.s;
				}
				break;
			case 2: /* v */
			case 3: /* vs */
			case 4: /* vb */
			case 8: /* vd */
				val = v;
				break;
			case 6: /* t */
				have_t = TRUE;
				t = v.k == LV_NUM ? v.d : v.k == LV_INT ? (double)v.i : (double)v.u;
				break;
			default:
				break;
			}
		}
		nrec++;
		char *name = wmem_strdup_printf(pinfo->pool, "%s%s", bn, n);
		lwm2m_path_t p;
		proto_item *ri;
		proto_tree *rt = lwm2m_add_record(tvb, pinfo, pt, rec_start, off - rec_start, name, &p, &ri);
		if (have_t)
			proto_tree_add_double(rt, hf_lwm2m_senml_time, tvb, rec_start, off - rec_start, t);
		if (val.k != LV_NONE)
			lwm2m_add_value(tvb, pinfo, rt, ri, &p, &val);
		if (p.depth < 0)
			expert_add_info_format(pinfo, ri, &ei_lwm2m_payload_malformed,
					       "SenML name \"%s\" is not an LwM2M path", name);
	}
	proto_item_append_text(top, ": %u record%s", nrec, nrec == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(pt, hf_lwm2m_record_count, tvb, 0, 0, nrec);
	proto_item_set_generated(ci);
	(void)base;
}

/* ---- LwM2M CBOR 11544 ---- */
typedef struct {
	tvbuff_t *tvb;
	packet_info *pinfo;
	proto_tree *tree;
	proto_item *top;
	const guint8 *b;
	int len;
	guint32 nrec;
	gboolean bad;
} lc_state_t;

static void lc_walk(lc_state_t *st, int *off, const char *prefix, const guint32 *ids, int depth, int level)
{
	cb_item_t map;
	int map_off = *off;
	if (level > 8 || !cb_read(st->b, st->len, off, &map) || map.major != CB_MAP) {
		expert_add_info_format(st->pinfo, st->top, &ei_lwm2m_payload_malformed,
				       "LwM2M CBOR: expected a map at offset %d (Core TS 1.2.2 §7.5.4)", map_off);
		st->bad = TRUE;
		return;
	}
	guint64 i = 0;
	while (!st->bad && cb_more(st->b, st->len, off, map.u, &i)) {
		int entry_off = *off;
		guint32 path[8];
		int d = depth;
		memcpy(path, ids, sizeof(guint32) * (size_t)depth);
		const char *pfx = prefix;
		cb_item_t key;
		if (!cb_read(st->b, st->len, off, &key)) {
			st->bad = TRUE;
			break;
		}
		if (key.major == CB_UINT) {
			if (d >= 4 || key.u > 65535) { st->bad = TRUE; break; }
			path[d++] = (guint32)key.u;
		} else if (key.major == CB_ARRAY && key.u != CB_INDEF) {
			for (guint64 k = 0; k < key.u; k++) {
				cb_item_t e;
				if (!cb_read(st->b, st->len, off, &e)) { st->bad = TRUE; break; }
				if (e.major == CB_UINT && d < 4 && e.u <= 65535) {
					path[d++] = (guint32)e.u;
				} else if (e.major == CB_TEXT && e.u != CB_INDEF && k == 0 && depth == 0) {
					pfx = (const char *)tvb_get_string_enc(st->pinfo->pool, st->tvb, e.data_off, (gint)e.u, ENC_UTF_8);
				} else {
					st->bad = TRUE;
					break;
				}
			}
			if (st->bad)
				break;
		} else if (key.major == CB_TEXT && key.u != CB_INDEF && depth == 0) {
			pfx = (const char *)tvb_get_string_enc(st->pinfo->pool, st->tvb, key.data_off, (gint)key.u, ENC_UTF_8);
		} else {
			st->bad = TRUE;
			break;
		}
		if (*off >= st->len) { st->bad = TRUE; break; }
		guint8 mt = st->b[*off] >> 5;
		if (mt == 5) {
			lc_walk(st, off, pfx, path, d, level + 1);
			continue;
		}
		lwm2m_val_t v;
		int voff = *off;
		if (!cb_value(st->tvb, st->pinfo, st->b, st->len, off, &v)) {
			*off = voff;
			if (!cb_skip(st->b, st->len, off, 0)) { st->bad = TRUE; break; }
			v.k = LV_NONE;
		}
		lwm2m_path_t p;
		memset(&p, 0, sizeof p);
		p.depth = d;
		memcpy(p.id, path, sizeof(guint32) * (size_t)(d > 4 ? 4 : d));
		char *name = lwm2m_path_str(st->pinfo->pool, &p);
		if (pfx)
			name = wmem_strdup_printf(st->pinfo->pool, "/%s%s", pfx, name);
		lwm2m_path_t rp;
		proto_item *ri;
		proto_tree *rt = lwm2m_add_record(st->tvb, st->pinfo, st->tree, entry_off, *off - entry_off,
						  pfx ? lwm2m_path_str(st->pinfo->pool, &p) : name, &rp, &ri);
		if (pfx)
			proto_item_append_text(ri, " [prefix %s]", pfx);
		st->nrec++;
		if (v.k != LV_NONE)
			lwm2m_add_value(st->tvb, st->pinfo, rt, ri, &rp, &v);
	}
	if (st->bad)
		expert_add_info_format(st->pinfo, st->top, &ei_lwm2m_payload_malformed,
				       "LwM2M CBOR: invalid key or truncated data near offset %d", *off);
}

void lwm2m_decode_lwm2m_cbor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base)
{
	lc_state_t st;
	memset(&st, 0, sizeof st);
	st.tvb = tvb;
	st.pinfo = pinfo;
	st.len = (int)tvb_captured_length(tvb);
	st.b = tvb_get_ptr(tvb, 0, st.len);
	st.tree = proto_tree_add_subtree(tree, tvb, 0, st.len, ett_lwm2m_payload, &st.top, "LwM2M CBOR");
	int off = 0;
	guint32 ids[4] = { 0 };
	lc_walk(&st, &off, NULL, ids, 0, 0);
	proto_item_append_text(st.top, ": %u record%s", st.nrec, st.nrec == 1 ? "" : "s");
	proto_item *ci = proto_tree_add_uint(st.tree, hf_lwm2m_record_count, tvb, 0, 0, st.nrec);
	proto_item_set_generated(ci);
	(void)base;
}
