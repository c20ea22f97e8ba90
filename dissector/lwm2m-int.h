/* lwm2m-int.h: shared declarations of the LwM2M 1.2 Wireshark plugin (OMA-TS-LightweightM2M_Core
 * V1_2 §6 operations, §7 content formats): header fields, the DDF object model, payload decoders.
 * Example: lwm2m_decode_payload(tvb, pinfo, tree, 112, "/3/0") adds one subtree per SenML record.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LWM2M_INT_H
#define LWM2M_INT_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>

/* ---- header fields shared by the decoders (defined in packet-lwm2m.c) ---- */
extern int hf_lwm2m_link;
extern int hf_lwm2m_link_uri;
extern int hf_lwm2m_link_param;
extern int hf_lwm2m_link_object_version;
extern int hf_lwm2m_link_ct;
extern int hf_lwm2m_link_rt;
extern int hf_lwm2m_link_count;
extern int hf_lwm2m_record;
extern int hf_lwm2m_value_path;
extern int hf_lwm2m_value_name;
extern int hf_lwm2m_value_object_name;
extern int hf_lwm2m_value_string;
extern int hf_lwm2m_value_integer;
extern int hf_lwm2m_value_unsigned;
extern int hf_lwm2m_value_float;
extern int hf_lwm2m_value_boolean;
extern int hf_lwm2m_value_opaque;
extern int hf_lwm2m_value_objlnk;
extern int hf_lwm2m_value_time;
extern int hf_lwm2m_value_text;
extern int hf_lwm2m_senml_basename;
extern int hf_lwm2m_senml_basetime;
extern int hf_lwm2m_senml_time;
extern int hf_lwm2m_record_count;
extern gint ett_lwm2m_payload;
extern gint ett_lwm2m_record;
extern gint ett_lwm2m_link;
extern expert_field ei_lwm2m_payload_malformed;
extern expert_field ei_lwm2m_value_type;
extern expert_field ei_lwm2m_link_malformed;

/* ---- OMA DDF object model (lwm2m-ddf.c) ---- */
typedef enum {
	LWM2M_TYPE_NONE = 0, LWM2M_TYPE_STRING, LWM2M_TYPE_INTEGER, LWM2M_TYPE_UNSIGNED, LWM2M_TYPE_FLOAT,
	LWM2M_TYPE_BOOLEAN, LWM2M_TYPE_OPAQUE, LWM2M_TYPE_TIME, LWM2M_TYPE_OBJLNK, LWM2M_TYPE_CORELNK
} lwm2m_type_t;

typedef struct {
	guint16 id;
	char *name;
	lwm2m_type_t type;
	gboolean multiple;
	char operations[4];
} lwm2m_resource_def_t;

typedef struct {
	guint16 id;
	char *name;
	char *version;
	GHashTable *resources; /* guint id -> lwm2m_resource_def_t* */
} lwm2m_object_def_t;

/* Loads every *.xml of `dir` (later versions of an object override earlier ones). Returns the
 * number of files loaded; parse errors are counted in *errors and do not abort. */
int lwm2m_ddf_load_dir(const char *dir, int *errors);
void lwm2m_ddf_clear(void);
const lwm2m_object_def_t *lwm2m_ddf_object(guint oid);
const lwm2m_resource_def_t *lwm2m_ddf_resource(guint oid, guint rid);
guint lwm2m_ddf_object_count(void);

/* ---- paths ---- */
typedef struct {
	int depth;        /* 0 = root, 1..4 */
	guint32 id[4];
} lwm2m_path_t;

/* "/3/0/1" -> depth 3. FALSE when a segment is not a number below 65535. */
gboolean lwm2m_path_parse(const char *s, lwm2m_path_t *p);
char *lwm2m_path_str(wmem_allocator_t *a, const lwm2m_path_t *p);

/* ---- payload decoders (lwm2m-payload.c and friends) ---- */
#define LWM2M_CF_TEXT 0
#define LWM2M_CF_LINK 40
#define LWM2M_CF_OPAQUE 42
#define LWM2M_CF_CBOR 60
#define LWM2M_CF_SENML_JSON 110
#define LWM2M_CF_SENML_CBOR 112
#define LWM2M_CF_SENML_ETCH_JSON 320
#define LWM2M_CF_SENML_ETCH_CBOR 322
#define LWM2M_CF_TLV 11542
#define LWM2M_CF_LWM2M_JSON 11543
#define LWM2M_CF_LWM2M_CBOR 11544

/* Link-format summary filled by the link decoder (for Register cross-checks). */
typedef struct {
	int links;
	gboolean has_root_rt;        /* </>;rt="oma.lwm2m" */
	char *root_path;             /* alternate root path, NULL when "/" */
	gint32 forbidden_oid;        /* first link to /0 or /21 (Register/Update must not list them), or -1 */
	int forbidden_off, forbidden_len;
} lwm2m_link_summary_t;

/* A decoded value, before typing by the object model. */
typedef enum { LV_INT, LV_UINT, LV_NUM, LV_STR, LV_BOOL, LV_BYTES, LV_OBJLNK, LV_NONE } lwm2m_val_kind_t;
typedef struct {
	lwm2m_val_kind_t k;
	gint64 i;
	guint64 u;
	double d;
	gboolean b;
	const char *s;          /* LV_STR, LV_OBJLNK */
	const guint8 *bytes;    /* LV_BYTES when not taken from the tvb */
	int nbytes;
	int off, len;           /* where the value is in the tvb */
} lwm2m_val_t;

/* Adds a record subtree "<path> <names>" for a resolved SenML name / CBOR path; *p receives the
 * parsed path (depth -1 when the name is not an LwM2M path). */
proto_tree *lwm2m_add_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int off, int len,
			     const char *name, lwm2m_path_t *p, proto_item **item);
/* Adds the value typed by the model of `p` and appends it to the record's text. */
void lwm2m_add_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *rt, proto_item *ri, const lwm2m_path_t *p,
		     const lwm2m_val_t *v);

/* Returns TRUE when `cf` is handled. `base` is the request path (may be NULL). */
gboolean lwm2m_decode_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint cf,
			      const char *base, lwm2m_link_summary_t *links);

/* Adds one typed resource value (text/plain or opaque single value) for `path`. */
void lwm2m_add_text_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const lwm2m_path_t *path,
			  gboolean opaque);

/* Adds path + names to a record subtree and returns the resource type (NONE when unknown). */
lwm2m_type_t lwm2m_add_path_items(tvbuff_t *tvb, proto_tree *tree, int off, int len, const lwm2m_path_t *p);
/* "Device / Manufacturer" or NULL */
const char *lwm2m_path_names(wmem_allocator_t *a, const lwm2m_path_t *p);

/* ---- CBOR (lwm2m-cbor.c): a bounded reader over a byte buffer ---- */
typedef enum { CB_UINT, CB_NINT, CB_BYTES, CB_TEXT, CB_ARRAY, CB_MAP, CB_TAG, CB_SIMPLE, CB_FLOAT, CB_BREAK } cb_major_t;

typedef struct {
	cb_major_t major;
	guint64 u;          /* value, length or count; G_MAXUINT64 = indefinite */
	double d;           /* CB_FLOAT */
	int off;            /* offset of the head */
	int data_off;       /* offset of the content (strings) */
	int end;            /* offset after the head (+ content for definite strings) */
} cb_item_t;

/* Reads one head at *off. Returns FALSE on truncation or an invalid head. */
gboolean cb_read(const guint8 *b, int len, int *off, cb_item_t *it);
/* Skips one complete data item (recursion bounded by depth). */
gboolean cb_skip(const guint8 *b, int len, int *off, int depth);

void lwm2m_decode_senml_cbor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base);
void lwm2m_decode_lwm2m_cbor(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base);
void lwm2m_decode_senml_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base);
void lwm2m_decode_lwm2m_json(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const char *base);

#endif
