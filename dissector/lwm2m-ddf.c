/* lwm2m-ddf.c: loads OMA DDF XML object definitions (LWM2M-v1_1.xsd subset: Object/Name/ObjectID/
 * ObjectVersion and Resources/Item@ID with Name, Type, MultipleInstances, Operations) with GMarkup.
 * Example: lwm2m_ddf_load_dir("/usr/lib/.../epan/lwm2m-ddf", &err); lwm2m_ddf_resource(3, 0)->name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "lwm2m-int.h"

#include <string.h>
#include <stdlib.h>

static GHashTable *objects; /* guint oid -> lwm2m_object_def_t* */

static void resource_free(gpointer p)
{
	lwm2m_resource_def_t *r = (lwm2m_resource_def_t *)p;
	g_free(r->name);
	g_free(r);
}

static void object_free(gpointer p)
{
	lwm2m_object_def_t *o = (lwm2m_object_def_t *)p;
	g_free(o->name);
	g_free(o->version);
	g_hash_table_destroy(o->resources);
	g_free(o);
}

void lwm2m_ddf_clear(void)
{
	if (objects)
		g_hash_table_remove_all(objects);
}

const lwm2m_object_def_t *lwm2m_ddf_object(guint oid)
{
	return objects ? (const lwm2m_object_def_t *)g_hash_table_lookup(objects, GUINT_TO_POINTER(oid)) : NULL;
}

const lwm2m_resource_def_t *lwm2m_ddf_resource(guint oid, guint rid)
{
	const lwm2m_object_def_t *o = lwm2m_ddf_object(oid);
	return o ? (const lwm2m_resource_def_t *)g_hash_table_lookup(o->resources, GUINT_TO_POINTER(rid)) : NULL;
}

guint lwm2m_ddf_object_count(void)
{
	return objects ? g_hash_table_size(objects) : 0;
}

/* Parser state for one file. */
typedef struct {
	GString *text;
	gboolean in_resources;
	gboolean in_item;
	gboolean have_oid;
	guint oid;
	char *obj_name;
	char *obj_version;
	GPtrArray *items;         /* lwm2m_resource_def_t* */
	lwm2m_resource_def_t *cur;
} ddf_parse_t;

static lwm2m_type_t type_from_string(const char *s)
{
	static const struct { const char *n; lwm2m_type_t t; } map[] = {
		{ "String", LWM2M_TYPE_STRING }, { "Integer", LWM2M_TYPE_INTEGER },
		{ "Unsigned Integer", LWM2M_TYPE_UNSIGNED }, { "Float", LWM2M_TYPE_FLOAT },
		{ "Boolean", LWM2M_TYPE_BOOLEAN }, { "Opaque", LWM2M_TYPE_OPAQUE }, { "Time", LWM2M_TYPE_TIME },
		{ "Objlnk", LWM2M_TYPE_OBJLNK }, { "Corelnk", LWM2M_TYPE_CORELNK },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (g_ascii_strcasecmp(s, map[i].n) == 0)
			return map[i].t;
	return LWM2M_TYPE_NONE;
}

static void on_start(GMarkupParseContext *ctx, const gchar *el, const gchar **an, const gchar **av,
		     gpointer ud, GError **err)
{
	ddf_parse_t *st = (ddf_parse_t *)ud;
	g_string_truncate(st->text, 0);
	if (strcmp(el, "Resources") == 0) {
		st->in_resources = TRUE;
	} else if (st->in_resources && strcmp(el, "Item") == 0) {
		st->in_item = TRUE;
		st->cur = g_new0(lwm2m_resource_def_t, 1);
		st->cur->id = G_MAXUINT16;
		for (int i = 0; an[i]; i++) {
			if (strcmp(an[i], "ID") == 0) {
				char *end = NULL;
				unsigned long v = strtoul(av[i], &end, 10);
				if (end && *end == '\0' && v < 65535)
					st->cur->id = (guint16)v;
			}
		}
	}
}

static void on_end(GMarkupParseContext *ctx, const gchar *el, gpointer ud, GError **err)
{
	ddf_parse_t *st = (ddf_parse_t *)ud;
	char *t = g_strstrip(st->text->str);
	if (st->in_item && st->cur) {
		if (strcmp(el, "Name") == 0) {
			g_free(st->cur->name);
			st->cur->name = g_strdup(t);
		} else if (strcmp(el, "Type") == 0) {
			st->cur->type = type_from_string(t);
		} else if (strcmp(el, "MultipleInstances") == 0) {
			st->cur->multiple = strcmp(t, "Multiple") == 0;
		} else if (strcmp(el, "Operations") == 0) {
			g_strlcpy(st->cur->operations, t, sizeof st->cur->operations);
		} else if (strcmp(el, "Item") == 0) {
			if (st->cur->id != G_MAXUINT16 && st->cur->name)
				g_ptr_array_add(st->items, st->cur);
			else
				resource_free(st->cur);
			st->cur = NULL;
			st->in_item = FALSE;
		}
	} else if (strcmp(el, "Resources") == 0) {
		st->in_resources = FALSE;
	} else if (!st->in_resources) {
		if (strcmp(el, "Name") == 0 && !st->obj_name) {
			st->obj_name = g_strdup(t);
		} else if (strcmp(el, "ObjectID") == 0) {
			char *end = NULL;
			unsigned long v = strtoul(t, &end, 10);
			if (end && *end == '\0' && *t && v < 65535) {
				st->oid = (guint)v;
				st->have_oid = TRUE;
			}
		} else if (strcmp(el, "ObjectVersion") == 0 && !st->obj_version) {
			st->obj_version = g_strdup(t);
		}
	}
	g_string_truncate(st->text, 0);
}

static void on_text(GMarkupParseContext *ctx, const gchar *text, gsize len, gpointer ud, GError **err)
{
	ddf_parse_t *st = (ddf_parse_t *)ud;
	g_string_append_len(st->text, text, (gssize)len);
}

static gboolean load_file(const char *path)
{
	gchar *contents = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &contents, &len, NULL))
		return FALSE;
	static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
	ddf_parse_t st;
	memset(&st, 0, sizeof st);
	st.text = g_string_new(NULL);
	st.items = g_ptr_array_new();
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, (GMarkupParseFlags)0, &st, NULL);
	gboolean ok = g_markup_parse_context_parse(ctx, contents, (gssize)len, NULL) &&
		      g_markup_parse_context_end_parse(ctx, NULL) && st.have_oid && st.obj_name;
	g_markup_parse_context_free(ctx);
	if (st.cur)
		resource_free(st.cur);
	if (ok) {
		lwm2m_object_def_t *o = (lwm2m_object_def_t *)g_hash_table_lookup(objects, GUINT_TO_POINTER(st.oid));
		/* A later version of the same object (files are read in sorted order) overrides the
		 * name and resources it redefines, keeping resources only older versions had. */
		if (!o) {
			o = g_new0(lwm2m_object_def_t, 1);
			o->id = (guint16)st.oid;
			o->resources = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, resource_free);
			g_hash_table_insert(objects, GUINT_TO_POINTER(st.oid), o);
		}
		g_free(o->name);
		o->name = st.obj_name;
		st.obj_name = NULL;
		g_free(o->version);
		o->version = st.obj_version;
		st.obj_version = NULL;
		for (guint i = 0; i < st.items->len; i++) {
			lwm2m_resource_def_t *r = (lwm2m_resource_def_t *)g_ptr_array_index(st.items, i);
			g_hash_table_replace(o->resources, GUINT_TO_POINTER(r->id), r);
		}
	} else {
		for (guint i = 0; i < st.items->len; i++)
			resource_free(g_ptr_array_index(st.items, i));
	}
	g_ptr_array_free(st.items, TRUE);
	g_free(st.obj_name);
	g_free(st.obj_version);
	g_string_free(st.text, TRUE);
	g_free(contents);
	return ok;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int lwm2m_ddf_load_dir(const char *dir, int *errors)
{
	if (!objects)
		objects = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, object_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return 0;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const gchar *n;
	while ((n = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(n, ".xml"))
			g_ptr_array_add(names, g_build_filename(dir, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_str);
	int loaded = 0;
	for (guint i = 0; i < names->len; i++) {
		if (load_file((const char *)g_ptr_array_index(names, i)))
			loaded++;
		else if (errors)
			(*errors)++;
	}
	g_ptr_array_free(names, TRUE);
	return loaded;
}

gboolean lwm2m_path_parse(const char *s, lwm2m_path_t *p)
{
	memset(p, 0, sizeof *p);
	if (!s)
		return FALSE;
	while (*s == '/')
		s++;
	while (*s) {
		if (p->depth == 4 || !g_ascii_isdigit(*s))
			return FALSE;
		guint64 v = 0;
		while (g_ascii_isdigit(*s)) {
			v = v * 10 + (guint64)(*s - '0');
			if (v >= 65535)
				return FALSE;
			s++;
		}
		p->id[p->depth++] = (guint32)v;
		if (*s == '/')
			s++;
		else if (*s)
			return FALSE;
	}
	return TRUE;
}

char *lwm2m_path_str(wmem_allocator_t *a, const lwm2m_path_t *p)
{
	if (p->depth == 0)
		return wmem_strdup(a, "/");
	wmem_strbuf_t *b = wmem_strbuf_new(a, "");
	for (int i = 0; i < p->depth; i++)
		wmem_strbuf_append_printf(b, "/%u", p->id[i]);
	return wmem_strbuf_finalize(b);
}
