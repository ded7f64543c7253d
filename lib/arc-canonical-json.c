/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-canonical-json.h"

#include "arc-error.h"

/* The canonical form signed by licenses, handshakes and gossip (docs/protocol.md §1):
 * objects with members sorted by the bytes of their UTF-8 names, no insignificant
 * whitespace, integers in decimal, strings with only '"', '\\' and control characters
 * escaped. Non-integer numbers have no canonical form here and are refused. */

static gboolean arc_canonical_json_append(GString *out, JsonNode *node, const gchar *skip,
					  GError **error);

static void
arc_canonical_json_append_string(GString *out, const gchar *str)
{
	g_string_append_c(out, '"');
	for (const guchar *p = (const guchar *)str; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (gchar)*p);
		}
	}
	g_string_append_c(out, '"');
}

static gint
arc_canonical_json_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

static gboolean
arc_canonical_json_append_object(GString *out, JsonObject *obj, const gchar *skip, GError **error)
{
	g_autoptr(GList) members = json_object_get_members(obj);
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	gboolean first = TRUE;

	for (GList *l = members; l != NULL; l = l->next) {
		if (skip == NULL || g_strcmp0(l->data, skip) != 0)
			g_ptr_array_add(names, l->data);
	}
	g_ptr_array_sort(names, arc_canonical_json_cmp);
	g_string_append_c(out, '{');
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = g_ptr_array_index(names, i);
		if (!first)
			g_string_append_c(out, ',');
		first = FALSE;
		arc_canonical_json_append_string(out, name);
		g_string_append_c(out, ':');
		if (!arc_canonical_json_append(out, json_object_get_member(obj, name), NULL, error))
			return FALSE;
	}
	g_string_append_c(out, '}');
	return TRUE;
}

static gboolean
arc_canonical_json_append_value(GString *out, JsonNode *node, GError **error)
{
	GType vtype = json_node_get_value_type(node);

	if (vtype == G_TYPE_STRING) {
		arc_canonical_json_append_string(out, json_node_get_string(node));
	} else if (vtype == G_TYPE_INT64) {
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(node));
	} else if (vtype == G_TYPE_BOOLEAN) {
		g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
	} else {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "non-integer numbers cannot be signed");
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_canonical_json_append(GString *out, JsonNode *node, const gchar *skip, GError **error)
{
	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT:
		return arc_canonical_json_append_object(out, json_node_get_object(node), skip,
							error);
	case JSON_NODE_ARRAY: {
		JsonArray *array = json_node_get_array(node);
		g_string_append_c(out, '[');
		for (guint i = 0; i < json_array_get_length(array); i++) {
			if (i > 0)
				g_string_append_c(out, ',');
			if (!arc_canonical_json_append(out, json_array_get_element(array, i), NULL,
						       error))
				return FALSE;
		}
		g_string_append_c(out, ']');
		return TRUE;
	}
	case JSON_NODE_NULL:
		g_string_append(out, "null");
		return TRUE;
	case JSON_NODE_VALUE:
		return arc_canonical_json_append_value(out, node, error);
	default:
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "unexpected JSON node");
		return FALSE;
	}
}

/**
 * arc_canonical_json:
 * @node: a JSON tree
 * @skip_member: (nullable): a member of the top-level object to leave out, e.g. "signature"
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the canonical form of @node, the bytes that get signed
 */
gchar *
arc_canonical_json(JsonNode *node, const gchar *skip_member, GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);

	if (!arc_canonical_json_append(out, node, skip_member, error))
		return NULL;
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static gint
arc_json_hex4(const gchar *p, gsize avail)
{
	gint value = 0;

	if (avail < 4)
		return -1;
	for (guint i = 0; i < 4; i++) {
		gint digit = g_ascii_xdigit_value(p[i]);
		if (digit < 0)
			return -1;
		value = value * 16 + digit;
	}
	return value;
}

/* Returns the index of the escape's last byte, or 0 if it is malformed. A \u escape must
 * not leave half a surrogate pair: json-glib would turn it into bytes that are not UTF-8 and
 * swallow the next character, so two documents would share one canonical form. */
static gsize
arc_json_check_escape(const gchar *data, gsize len, gsize i)
{
	gint unit;

	if (i + 1 >= len)
		return 0;
	if (data[i + 1] != '\0' && strchr("\"\\/bfnrt", data[i + 1]) != NULL)
		return i + 1;
	if (data[i + 1] != 'u' || (unit = arc_json_hex4(data + i + 2, len - i - 2)) < 0)
		return 0;
	/* NUL would cut the string short in the parsed tree: "a\u0000b" and "a\u0000c" must
	 * not share a canonical form */
	if (unit == 0 || (unit >= 0xdc00 && unit <= 0xdfff))
		return 0;
	if (unit < 0xd800 || unit > 0xdbff)
		return i + 5;
	if (i + 7 >= len || data[i + 6] != '\\' || data[i + 7] != 'u')
		return 0;
	unit = arc_json_hex4(data + i + 8, len - i - 8);
	return (unit >= 0xdc00 && unit <= 0xdfff) ? i + 11 : 0;
}

static gboolean
arc_json_is_space(gchar c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A member name as scanned: the bytes between its quotes when it holds no escape (most
 * do: copying each name cost a message more than the rest of the check), else its
 * unescaped copy in @owned. */
typedef struct {
	const gchar *p;
	gsize n;
	gchar *owned;
} ArcJsonName;

static void
arc_json_name_clear(gpointer data)
{
	g_free(((ArcJsonName *)data)->owned);
}

/* The object or array being scanned, innermost last: the names of an object's members so
 * far (a GArray of ArcJsonName), or %NULL for an array. */
static void
arc_json_frame_free(gpointer frame)
{
	if (frame != NULL)
		g_array_unref(frame);
}

static GArray *
arc_json_frame_new_object(void)
{
	GArray *names = g_array_sized_new(FALSE, FALSE, sizeof(ArcJsonName), 16);

	g_array_set_clear_func(names, arc_json_name_clear);
	return names;
}

static gchar
arc_json_unescape_char(gchar c)
{
	switch (c) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return c; /* '"', '\\', '/' */
	}
}

/* @p..@p+@n is the inside of a string whose escapes arc_json_check_escape() accepted */
static gchar *
arc_json_unescape(const gchar *p, gsize n)
{
	GString *out = g_string_sized_new(n);

	for (gsize i = 0; i < n; i++) {
		gunichar c;

		if (p[i] != '\\') {
			g_string_append_c(out, p[i]);
			continue;
		}
		if (p[++i] != 'u') {
			g_string_append_c(out, arc_json_unescape_char(p[i]));
			continue;
		}
		c = (gunichar)arc_json_hex4(p + i + 1, 4);
		i += 4;
		if (c >= 0xd800 && c <= 0xdbff) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    ((gunichar)arc_json_hex4(p + i + 3, 4) - 0xdc00);
			i += 6;
		}
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* orders names by their unescaped bytes; equal names compare equal (none holds a NUL) */
static gint
arc_json_name_cmp(gconstpointer pa, gconstpointer pb)
{
	const ArcJsonName *a = pa;
	const ArcJsonName *b = pb;
	gint c = memcmp(a->p, b->p, MIN(a->n, b->n));

	if (c != 0)
		return c;
	return a->n < b->n ? -1 : (a->n > b->n ? 1 : 0);
}

/* Sorting rather than hashing: names are chosen by whoever sent the bytes, and a
 * predictable hash could be made to collide. */
static gboolean
arc_json_check_names(GArray *names, GError **error)
{
	g_array_sort(names, arc_json_name_cmp);
	for (guint i = 1; i < names->len; i++) {
		const ArcJsonName *name = &g_array_index(names, ArcJsonName, i);
		gboolean printable = name->n <= 64;

		if (arc_json_name_cmp(name, &g_array_index(names, ArcJsonName, i - 1)) != 0)
			continue;
		for (gsize j = 0; printable && j < name->n; j++)
			printable = g_ascii_isprint(name->p[j]);
		if (printable)
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "malformed JSON: duplicate member \"%.*s\" in an object",
				    (int)name->n, name->p);
		else
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "malformed JSON: duplicate member name in an object");
		return FALSE;
	}
	return TRUE;
}

typedef struct {
	GPtrArray *frames;    /* of arc_json_frame_free() frames */
	gboolean expect_name; /* the next string in the innermost object is a member name */
	gsize string_start;
	gboolean string_is_name;
} ArcJsonScan;

static void
arc_json_scan_string_end(ArcJsonScan *scan, const gchar *data, gsize end)
{
	const gchar *p = data + scan->string_start + 1;
	ArcJsonName name = {p, end - scan->string_start - 1, NULL};

	if (!scan->string_is_name)
		return;
	if (memchr(name.p, '\\', name.n) != NULL) {
		name.owned = arc_json_unescape(name.p, name.n);
		name.p = name.owned;
		name.n = strlen(name.owned);
	}
	g_array_append_val(g_ptr_array_index(scan->frames, scan->frames->len - 1), name);
}

/* a structural byte outside strings; returns %FALSE with @error set if the document is
 * refused, sets @done when its outermost object closed */
static gboolean
arc_json_scan_byte(ArcJsonScan *scan, gchar c, gsize max_depth, gboolean *done, GError **error)
{
	GArray *top = scan->frames->len > 0 ? g_ptr_array_index(scan->frames, scan->frames->len - 1)
					    : NULL;

	if (c == '{' || c == '[') {
		if (scan->frames->len + 1 > max_depth) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "malformed JSON: JSON nested too deeply");
			return FALSE;
		}
		g_ptr_array_add(scan->frames, c == '{' ? arc_json_frame_new_object() : NULL);
		scan->expect_name = c == '{';
	} else if (c == '}' || c == ']') {
		if (scan->frames->len == 0)
			return TRUE;
		if (top != NULL && !arc_json_check_names(top, error))
			return FALSE;
		g_ptr_array_remove_index(scan->frames, scan->frames->len - 1);
		scan->expect_name = FALSE;
		*done = scan->frames->len == 0;
	} else if (c == ',') {
		scan->expect_name = top != NULL;
	} else if (c == ':') {
		scan->expect_name = FALSE;
	}
	return TRUE;
}

/* Checked on the raw bytes before json-glib's recursive parser sees them: exactly one
 * object with nothing but whitespace after it (json-glib keeps the first of several values
 * and leaks the rest), nesting at most @max_depth (a million '[' would exhaust the stack),
 * well-formed escapes, no raw control characters in strings, and no member name twice in
 * one object, compared after unescaping (json-glib keeps the last, so a signer and a
 * reader could see different values). The grammar itself is left to json-glib. */
static gboolean
arc_json_check_syntax(const gchar *data, gsize len, gsize max_depth, GError **error)
{
	g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func(arc_json_frame_free);
	ArcJsonScan scan = {frames, FALSE, 0, FALSE};
	const gchar *what = NULL;
	gboolean in_string = FALSE, done = FALSE;
	gsize i = 0;

	while (i < len && arc_json_is_space(data[i]))
		i++;
	if (i == len || data[i] != '{')
		what = "expected a JSON object";
	for (; what == NULL && !done && i < len; i++) {
		gchar c = data[i];
		if (!in_string && c == '"') {
			in_string = TRUE;
			scan.string_start = i;
			scan.string_is_name = scan.expect_name && frames->len > 0 &&
					      g_ptr_array_index(frames, frames->len - 1) != NULL;
			scan.expect_name = FALSE;
		} else if (!in_string) {
			if (!arc_json_scan_byte(&scan, c, max_depth, &done, error))
				return FALSE;
		} else if (c == '\\' && (i = arc_json_check_escape(data, len, i)) == 0) {
			what = "invalid escape in a JSON string";
		} else if (c == '"') {
			in_string = FALSE;
			arc_json_scan_string_end(&scan, data, i);
		} else if ((guchar)c < 0x20) {
			what = "control character in a JSON string";
		}
	}
	if (what == NULL && !done)
		what = "unterminated JSON object";
	for (; what == NULL && i < len; i++) {
		if (!arc_json_is_space(data[i]))
			what = "more than one JSON value";
	}
	if (what != NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "malformed JSON: %s",
			    what);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_json_check_strict:
 * @data: bytes from the network or a file
 * @length: bytes in @data, or -1 if NUL-terminated
 * @max_depth: deepest nesting accepted
 * @error: return location for a #GError
 *
 * The checks arc_json_parse_object() makes before parsing, for callers that parse with
 * something else: valid UTF-8, one object, bounded nesting, well-formed escapes without
 * `\u0000` or lone surrogates, no raw control characters in strings, no duplicate member
 * names (docs/protocol.md §1).
 *
 * Returns: %TRUE if the bytes pass, else %FALSE with %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_json_check_strict(const gchar *data, gssize length, gsize max_depth, GError **error)
{
	gsize len = length < 0 ? strlen(data) : (gsize)length;

	if (!g_utf8_validate_len(data, len, NULL)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "body is not valid UTF-8");
		return FALSE;
	}
	return arc_json_check_syntax(data, len, max_depth, error);
}

/**
 * arc_json_parse_object:
 * @data: bytes from the network or a file
 * @length: bytes in @data, or -1 if NUL-terminated
 * @max_depth: deepest nesting accepted
 * @error: return location for a #GError
 *
 * Parses untrusted bytes that must hold one JSON object.
 *
 * Returns: (transfer full): the object node, or %NULL with %ARC_ERROR_INVALID_REQUEST
 */
JsonNode *
arc_json_parse_object(const gchar *data, gssize length, gsize max_depth, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error_local = NULL;
	gsize len = length < 0 ? strlen(data) : (gsize)length;
	JsonNode *root;

	if (!arc_json_check_strict(data, (gssize)len, max_depth, error))
		return NULL;
	if (!json_parser_load_from_data(parser, data, (gssize)len, &error_local)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "malformed JSON: %s",
			    error_local->message);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "expected a JSON object");
		return NULL;
	}
	return json_node_ref(root);
}

/**
 * arc_json_object_get_string:
 * @object: an object from untrusted input
 * @member: the member name
 *
 * json-glib's getters warn when a member has another type; input from the network may.
 *
 * Returns: (nullable): the string, or %NULL if @member is absent or not a string
 */
const gchar *
arc_json_object_get_string(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);
	if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

/**
 * arc_json_object_get_array:
 * @object: an object from untrusted input
 * @member: the member name
 *
 * Returns: (nullable): the array, or %NULL if @member is absent or not an array
 */
JsonArray *
arc_json_object_get_array(JsonObject *object, const gchar *member)
{
	JsonNode *node = json_object_get_member(object, member);
	if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node))
		return NULL;
	return json_node_get_array(node);
}
