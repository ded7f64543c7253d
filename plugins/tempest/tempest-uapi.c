/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-uapi.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK(tempest - uapi - error - quark, tempest_uapi_error)

/**
 * tempest_uapi_error_to_errno:
 *
 * Returns: the positive errno a TEMPEST_UAPI_ERROR stands for (EIO for any other error)
 */
gint
tempest_uapi_error_to_errno(const GError *error)
{
	if (error == NULL || error->domain != TEMPEST_UAPI_ERROR)
		return EIO;
	switch ((TempestUapiError)error->code) {
	case TEMPEST_UAPI_ERROR_INVALID:
		return EINVAL;
	case TEMPEST_UAPI_ERROR_PROTOCOL:
		return EPROTO;
	case TEMPEST_UAPI_ERROR_TOO_BIG:
		return E2BIG;
	}
	return EIO;
}

void
tempest_uapi_change_free(TempestUapiChange *change)
{
	if (change == NULL)
		return;
	if (change->peers != NULL) {
		sodium_memzero(change->peers, sizeof(TempestUapiPeerChange) * change->n_peers);
		g_free(change->peers);
	}
	g_free(change->allowed_ips);
	sodium_memzero(change, sizeof(*change));
	g_free(change);
}

/**
 * tempest_uapi_peer_change_get_allowed_ips:
 *
 * Returns: (transfer none): the @peer->n_allowed_ips networks of @peer, in request order
 */
const TempestUapiAllowedIp *
tempest_uapi_peer_change_get_allowed_ips(const TempestUapiChange *change,
					 const TempestUapiPeerChange *peer)
{
	return change->allowed_ips + peer->allowed_ips_start;
}

/**
 * tempest_uapi_request_length:
 *
 * Requests end with an empty line.
 *
 * Returns: the length of the first complete request in @data, 0 while it is incomplete
 */
gsize
tempest_uapi_request_length(const gchar *data, gsize len)
{
	for (gsize pos = 0; pos + 1 < len;) {
		const gchar *nl = memchr(data + pos, '\n', len - pos - 1);
		if (nl == NULL)
			return 0;
		pos = (gsize)(nl - data) + 1;
		if (data[pos] == '\n')
			return pos + 1;
	}
	return 0;
}

static gboolean
tempest_uapi_parse_key(const gchar *value, guint8 *key_out)
{
	gsize bin_len = 0;

	if (strlen(value) != TEMPEST_KEY_LEN * 2)
		return FALSE;
	return sodium_hex2bin(key_out, TEMPEST_KEY_LEN, value, TEMPEST_KEY_LEN * 2, NULL, &bin_len,
			      NULL) == 0 &&
	       bin_len == TEMPEST_KEY_LEN;
}

/* decimal digits only, as strconv.ParseUint(value, 10, ...) reads them */
static gboolean
tempest_uapi_parse_decimal(const gchar *value, guint64 max, guint64 *out)
{
	guint64 number = 0;

	if (value[0] == '\0')
		return FALSE;
	for (const gchar *p = value; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
		number = number * 10 + (guint64)(*p - '0');
		if (number > max)
			return FALSE;
	}
	*out = number;
	return TRUE;
}

/* fwmark: decimal (no leading zero, it would mean octal to wireguard-go) or 0x hex */
static gboolean
tempest_uapi_parse_fwmark(const gchar *value, guint32 *out)
{
	guint64 number = 0;

	if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
		if (value[2] == '\0' || strlen(value + 2) > 8)
			return FALSE;
		for (const gchar *p = value + 2; *p != '\0'; p++) {
			if (!g_ascii_isxdigit(*p))
				return FALSE;
			number = number * 16 + (guint64)g_ascii_xdigit_value(*p);
		}
	} else if ((value[0] == '0' && value[1] != '\0') ||
		   !tempest_uapi_parse_decimal(value, G_MAXUINT32, &number)) {
		return FALSE;
	}
	*out = (guint32)number;
	return TRUE;
}

/* the parser's state: the current section (NULL: the interface) and where it writes */
typedef struct {
	TempestUapiChange *change;
	TempestUapiPeerChange *peer;
	guint max_peers;
	guint max_allowed_ips;
} TempestUapiParser;

static gboolean
tempest_uapi_set_invalid(GError **error, const gchar *key, const gchar *what)
{
	g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_INVALID, "%s: %s", key, what);
	return FALSE;
}

static gboolean
tempest_uapi_parse_true(const gchar *key, const gchar *value, GError **error)
{
	if (g_strcmp0(value, "true") != 0)
		return tempest_uapi_set_invalid(error, key, "only \"true\" is accepted");
	return TRUE;
}

static gboolean
tempest_uapi_parse_device_line(TempestUapiParser *parser, const gchar *key, const gchar *value,
			       GError **error)
{
	TempestUapiChange *change = parser->change;
	guint64 number = 0;

	if (g_str_equal(key, "private_key")) {
		if (!tempest_uapi_parse_key(value, change->private_key))
			return tempest_uapi_set_invalid(error, key, "not 64 hex digits");
		change->flags |= TEMPEST_UAPI_CHANGE_PRIVATE_KEY;
	} else if (g_str_equal(key, "listen_port")) {
		if (!tempest_uapi_parse_decimal(value, G_MAXUINT16, &number))
			return tempest_uapi_set_invalid(error, key, "not a port");
		change->listen_port = (guint16)number;
		change->flags |= TEMPEST_UAPI_CHANGE_LISTEN_PORT;
	} else if (g_str_equal(key, "fwmark")) {
		if (!tempest_uapi_parse_fwmark(value, &change->fwmark))
			return tempest_uapi_set_invalid(error, key, "not a 32-bit number");
		change->flags |= TEMPEST_UAPI_CHANGE_FWMARK;
	} else if (g_str_equal(key, "replace_peers")) {
		if (!tempest_uapi_parse_true(key, value, error))
			return FALSE;
		change->flags |= TEMPEST_UAPI_CHANGE_REPLACE_PEERS;
	} else {
		return tempest_uapi_set_invalid(error, key, "not an interface key");
	}
	return TRUE;
}

static gboolean
tempest_uapi_parse_allowed_ip(TempestUapiParser *parser, const gchar *value, GError **error)
{
	TempestUapiChange *change = parser->change;
	TempestUapiAllowedIp *entry;
	gboolean remove = value[0] == '-';
	TempestCidr cidr;

	if (!tempest_cidr_parse(remove ? value + 1 : value, &cidr))
		return tempest_uapi_set_invalid(error, "allowed_ip", "not a network");
	/* counted in the first pass, so this cannot overflow the array */
	g_return_val_if_fail(change->n_allowed_ips < parser->max_allowed_ips, FALSE);
	entry = &change->allowed_ips[change->n_allowed_ips++];
	entry->cidr = cidr;
	entry->remove = remove;
	parser->peer->n_allowed_ips++;
	return TRUE;
}

/* the flag-only keys and allowed_ip */
static gboolean
tempest_uapi_parse_peer_flag_line(TempestUapiParser *parser, const gchar *key, const gchar *value,
				  GError **error)
{
	TempestUapiPeerChange *peer = parser->peer;

	if (g_str_equal(key, "allowed_ip"))
		return tempest_uapi_parse_allowed_ip(parser, value, error);
	if (g_str_equal(key, "remove")) {
		peer->flags |= TEMPEST_UAPI_PEER_REMOVE;
	} else if (g_str_equal(key, "update_only")) {
		peer->flags |= TEMPEST_UAPI_PEER_UPDATE_ONLY;
	} else if (g_str_equal(key, "replace_allowed_ips")) {
		/* the networks listed so far in this section would be dropped anyway */
		parser->change->n_allowed_ips -= peer->n_allowed_ips;
		peer->n_allowed_ips = 0;
		peer->flags |= TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS;
	} else {
		return tempest_uapi_set_invalid(error, key, "not a peer key");
	}
	return tempest_uapi_parse_true(key, value, error);
}

static gboolean
tempest_uapi_parse_peer_line(TempestUapiParser *parser, const gchar *key, const gchar *value,
			     GError **error)
{
	TempestUapiPeerChange *peer = parser->peer;
	guint64 number = 0;

	if (g_str_equal(key, "preshared_key")) {
		if (!tempest_uapi_parse_key(value, peer->preshared_key))
			return tempest_uapi_set_invalid(error, key, "not 64 hex digits");
		peer->flags |= TEMPEST_UAPI_PEER_PRESHARED_KEY;
	} else if (g_str_equal(key, "endpoint")) {
		if (!tempest_endpoint_parse(value, &peer->endpoint))
			return tempest_uapi_set_invalid(error, key, "not an address and port");
		peer->flags |= TEMPEST_UAPI_PEER_ENDPOINT;
	} else if (g_str_equal(key, "persistent_keepalive_interval")) {
		if (!tempest_uapi_parse_decimal(value, G_MAXUINT16, &number))
			return tempest_uapi_set_invalid(error, key, "not a number of seconds");
		peer->persistent_keepalive_interval = (guint16)number;
		peer->flags |= TEMPEST_UAPI_PEER_KEEPALIVE;
	} else if (g_str_equal(key, "protocol_version")) {
		if (!g_str_equal(value, "1"))
			return tempest_uapi_set_invalid(error, key, "only version 1 exists");
		peer->protocol_version = 1;
		peer->flags |= TEMPEST_UAPI_PEER_PROTOCOL_VERSION;
	} else {
		return tempest_uapi_parse_peer_flag_line(parser, key, value, error);
	}
	return TRUE;
}

static gboolean
tempest_uapi_parse_line(TempestUapiParser *parser, gchar *line, GError **error)
{
	TempestUapiChange *change = parser->change;
	gchar *value = strchr(line, '=');

	if (value == NULL) {
		g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_PROTOCOL,
			    "a line without \"=\"");
		return FALSE;
	}
	*value++ = '\0';
	if (g_str_equal(line, "public_key")) {
		g_return_val_if_fail(change->n_peers < parser->max_peers, FALSE);
		parser->peer = &change->peers[change->n_peers++];
		parser->peer->allowed_ips_start = change->n_allowed_ips;
		if (!tempest_uapi_parse_key(value, parser->peer->public_key))
			return tempest_uapi_set_invalid(error, line, "not 64 hex digits");
		return TRUE;
	}
	if (parser->peer == NULL)
		return tempest_uapi_parse_device_line(parser, line, value, error);
	return tempest_uapi_parse_peer_line(parser, line, value, error);
}

/* first pass: framing, bounds, and the sizes of the arrays (so secrets are never realloc'd) */
static gboolean
tempest_uapi_scan_set(const gchar *body, gsize len, guint *n_peers, guint *n_allowed_ips,
		      GError **error)
{
	gsize pos = 0;

	*n_peers = *n_allowed_ips = 0;
	if (memchr(body, '\0', len) != NULL) {
		g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_PROTOCOL, "a NUL byte");
		return FALSE;
	}
	while (pos < len) {
		const gchar *line = body + pos;
		const gchar *nl = memchr(line, '\n', len - pos);
		gsize line_len = nl != NULL ? (gsize)(nl - line) : len - pos;
		if (line_len > TEMPEST_UAPI_MAX_LINE) {
			g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_TOO_BIG,
				    "a line longer than %u bytes", TEMPEST_UAPI_MAX_LINE);
			return FALSE;
		}
		if (nl == NULL || line_len == 0) {
			/* the end: an empty line, and nothing after it */
			if (nl == NULL || pos + 1 != len) {
				g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_PROTOCOL,
					    "the request does not end with one empty line");
				return FALSE;
			}
			return TRUE;
		}
		if (line_len >= 11 && memcmp(line, "public_key=", 11) == 0)
			(*n_peers)++;
		else if (line_len >= 11 && memcmp(line, "allowed_ip=", 11) == 0)
			(*n_allowed_ips)++;
		if (*n_peers > TEMPEST_UAPI_MAX_PEERS ||
		    *n_allowed_ips > TEMPEST_UAPI_MAX_ALLOWED_IPS) {
			g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_TOO_BIG,
				    "more than %u peers or %u networks in one request",
				    TEMPEST_UAPI_MAX_PEERS, TEMPEST_UAPI_MAX_ALLOWED_IPS);
			return FALSE;
		}
		pos += line_len + 1;
	}
	g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_PROTOCOL,
		    "the request does not end with an empty line");
	return FALSE;
}

/**
 * tempest_uapi_parse_set:
 * @body: what follows "set=1\n": key=value lines, then an empty line, nothing after it
 *
 * Strict: the first bad line refuses the whole request, so nothing is applied.
 *
 * Returns: (transfer full): the change set, or %NULL with a TEMPEST_UAPI_ERROR
 */
TempestUapiChange *
tempest_uapi_parse_set(const gchar *body, gsize len, GError **error)
{
	g_autoptr(TempestUapiChange) change = g_new0(TempestUapiChange, 1);
	TempestUapiParser parser = {.change = change};
	gchar line[TEMPEST_UAPI_MAX_LINE + 1];
	gsize pos = 0;

	if (len > TEMPEST_UAPI_MAX_REQUEST) {
		g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_TOO_BIG,
			    "a request longer than %u bytes", TEMPEST_UAPI_MAX_REQUEST);
		return NULL;
	}
	if (!tempest_uapi_scan_set(body, len, &parser.max_peers, &parser.max_allowed_ips, error))
		return NULL;
	change->peers = g_new0(TempestUapiPeerChange, MAX(parser.max_peers, 1));
	change->allowed_ips = g_new0(TempestUapiAllowedIp, MAX(parser.max_allowed_ips, 1));
	while (body[pos] != '\n') {
		const gchar *nl = memchr(body + pos, '\n', len - pos);
		gsize line_len = (gsize)(nl - (body + pos));
		gboolean ok;
		memcpy(line, body + pos, line_len);
		line[line_len] = '\0';
		ok = tempest_uapi_parse_line(&parser, line, error);
		sodium_memzero(line, sizeof(line));
		if (!ok)
			return NULL;
		pos += line_len + 1;
	}
	return g_steal_pointer(&change);
}

/**
 * tempest_uapi_parse_request:
 * @data: one request, as tempest_uapi_request_length() delimits it
 * @change_out: (out) (optional): for a set, its change set
 *
 * Returns: FALSE with a TEMPEST_UAPI_ERROR: EPROTO for an unknown operation, EINVAL for a get
 * with anything after its line, what tempest_uapi_parse_set() says for a set
 */
gboolean
tempest_uapi_parse_request(const gchar *data, gsize len, TempestUapiOp *op_out,
			   TempestUapiChange **change_out, GError **error)
{
	TempestUapiChange *change;

	if (len >= 6 && memcmp(data, "get=1\n", 6) == 0) {
		*op_out = TEMPEST_UAPI_OP_GET;
		if (len != 7 || data[6] != '\n') {
			g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_INVALID,
				    "trailing bytes after get=1");
			return FALSE;
		}
		return TRUE;
	}
	if (len < 6 || memcmp(data, "set=1\n", 6) != 0) {
		g_set_error(error, TEMPEST_UAPI_ERROR, TEMPEST_UAPI_ERROR_PROTOCOL,
			    "neither get=1 nor set=1");
		return FALSE;
	}
	*op_out = TEMPEST_UAPI_OP_SET;
	change = tempest_uapi_parse_set(data + 6, len - 6, error);
	if (change == NULL)
		return FALSE;
	if (change_out != NULL)
		*change_out = change;
	else
		tempest_uapi_change_free(change);
	return TRUE;
}

static void
tempest_uapi_peer_info_clear(gpointer data)
{
	TempestUapiPeerInfo *peer = data;

	g_clear_pointer(&peer->allowed_ips, g_array_unref);
	sodium_memzero(peer, sizeof(*peer));
}

/**
 * tempest_uapi_snapshot_new:
 *
 * Returns: (transfer full): an empty snapshot: no key, no port, no peer
 */
TempestUapiSnapshot *
tempest_uapi_snapshot_new(void)
{
	TempestUapiSnapshot *snapshot = g_new0(TempestUapiSnapshot, 1);

	snapshot->peers = g_array_new(FALSE, TRUE, sizeof(TempestUapiPeerInfo));
	g_array_set_clear_func(snapshot->peers, tempest_uapi_peer_info_clear);
	return snapshot;
}

void
tempest_uapi_snapshot_free(TempestUapiSnapshot *snapshot)
{
	if (snapshot == NULL)
		return;
	g_array_unref(snapshot->peers);
	sodium_memzero(snapshot, sizeof(*snapshot));
	g_free(snapshot);
}

/**
 * tempest_uapi_snapshot_add_peer:
 *
 * The preshared key is filled in the returned struct; the array may move when the next peer is
 * added (its old memory is not wiped: the device adds peers before their preshared keys, or
 * sizes the array first with g_array_set_size()).
 *
 * Returns: (transfer none): the new peer, valid until the next peer is added
 */
TempestUapiPeerInfo *
tempest_uapi_snapshot_add_peer(TempestUapiSnapshot *snapshot, const guint8 *public_key)
{
	TempestUapiPeerInfo *peer;

	g_array_set_size(snapshot->peers, snapshot->peers->len + 1);
	peer = &g_array_index(snapshot->peers, TempestUapiPeerInfo, snapshot->peers->len - 1);
	memcpy(peer->public_key, public_key, TEMPEST_KEY_LEN);
	peer->allowed_ips = g_array_new(FALSE, FALSE, sizeof(TempestCidr));
	return peer;
}

void
tempest_uapi_peer_info_add_allowed_ip(TempestUapiPeerInfo *peer, const TempestCidr *cidr)
{
	TempestCidr normal = *cidr;

	tempest_cidr_normalise(&normal);
	g_array_append_val(peer->allowed_ips, normal);
}

static void
tempest_uapi_append_key(GString *out, const gchar *name, const guint8 *key)
{
	gchar hex[TEMPEST_KEY_LEN * 2 + 1];

	sodium_bin2hex(hex, sizeof(hex), key, TEMPEST_KEY_LEN);
	g_string_append_printf(out, "%s=%s\n", name, hex);
	sodium_memzero(hex, sizeof(hex));
}

static void
tempest_uapi_append_peer(GString *out, const TempestUapiPeerInfo *peer)
{
	gchar text[MAX(TEMPEST_ENDPOINT_STRING_MAX, TEMPEST_CIDR_STRING_MAX)];

	tempest_uapi_append_key(out, "public_key", peer->public_key);
	tempest_uapi_append_key(out, "preshared_key", peer->preshared_key);
	g_string_append(out, "protocol_version=1\n");
	if (peer->has_endpoint)
		g_string_append_printf(
			out, "endpoint=%s\n",
			tempest_endpoint_to_string(&peer->endpoint, text, sizeof(text)));
	g_string_append_printf(out,
			       "last_handshake_time_sec=%" G_GINT64_FORMAT "\n"
			       "last_handshake_time_nsec=%" G_GINT64_FORMAT "\n"
			       "tx_bytes=%" G_GUINT64_FORMAT "\n"
			       "rx_bytes=%" G_GUINT64_FORMAT "\n"
			       "persistent_keepalive_interval=%u\n",
			       peer->last_handshake_time_sec, peer->last_handshake_time_nsec,
			       peer->tx_bytes, peer->rx_bytes, peer->persistent_keepalive_interval);
	for (guint i = 0; peer->allowed_ips != NULL && i < peer->allowed_ips->len; i++) {
		const TempestCidr *cidr = &g_array_index(peer->allowed_ips, TempestCidr, i);
		g_string_append_printf(out, "allowed_ip=%s\n",
				       tempest_cidr_to_string(cidr, text, sizeof(text)));
	}
}

/* an upper bound of the answer's length, so its buffer (holding keys) never moves */
static gsize
tempest_uapi_snapshot_size_bound(const TempestUapiSnapshot *snapshot)
{
	gsize size = 256;

	for (guint i = 0; i < snapshot->peers->len; i++) {
		const TempestUapiPeerInfo *peer =
			&g_array_index(snapshot->peers, TempestUapiPeerInfo, i);
		size += 640 + 96 * (peer->allowed_ips != NULL ? peer->allowed_ips->len : 0);
	}
	return size;
}

/**
 * tempest_uapi_snapshot_serialize:
 * @len_out: (out) (optional): the length of the text
 *
 * The answer to get=1 in wireguard-go's order, ending with "errno=0" and an empty line.
 *
 * Returns: (transfer full): the text; it holds the private key: free it with
 * tempest_uapi_text_free()
 */
gchar *
tempest_uapi_snapshot_serialize(const TempestUapiSnapshot *snapshot, gsize *len_out)
{
	gsize bound = tempest_uapi_snapshot_size_bound(snapshot);
	GString *out = g_string_sized_new(bound);

	if (snapshot->has_private_key)
		tempest_uapi_append_key(out, "private_key", snapshot->private_key);
	if (snapshot->listen_port != 0)
		g_string_append_printf(out, "listen_port=%u\n", snapshot->listen_port);
	if (snapshot->fwmark != 0)
		g_string_append_printf(out, "fwmark=%u\n", snapshot->fwmark);
	for (guint i = 0; i < snapshot->peers->len; i++)
		tempest_uapi_append_peer(out,
					 &g_array_index(snapshot->peers, TempestUapiPeerInfo, i));
	g_string_append(out, "errno=0\n\n");
	g_warn_if_fail(out->len < bound);
	if (len_out != NULL)
		*len_out = out->len;
	return g_string_free(out, FALSE);
}

/**
 * tempest_uapi_errno_reply:
 * @err: 0 or a positive errno
 *
 * Returns: (transfer full): "errno=0" or "errno=-ERR" and the empty line ending the answer
 */
gchar *
tempest_uapi_errno_reply(gint err)
{
	return g_strdup_printf("errno=%d\n\n", err > 0 ? -err : err);
}

/**
 * tempest_uapi_text_free:
 *
 * Wipes and frees an answer that may hold keys.
 */
void
tempest_uapi_text_free(gchar *text)
{
	if (text == NULL)
		return;
	sodium_memzero(text, strlen(text));
	g_free(text);
}

static void
tempest_uapi_append_peer_change(GString *out, const TempestUapiChange *change,
				const TempestUapiPeerChange *peer)
{
	const TempestUapiAllowedIp *ips = tempest_uapi_peer_change_get_allowed_ips(change, peer);
	gchar text[MAX(TEMPEST_ENDPOINT_STRING_MAX, TEMPEST_CIDR_STRING_MAX)];

	tempest_uapi_append_key(out, "public_key", peer->public_key);
	if (peer->flags & TEMPEST_UAPI_PEER_REMOVE)
		g_string_append(out, "remove=true\n");
	if (peer->flags & TEMPEST_UAPI_PEER_UPDATE_ONLY)
		g_string_append(out, "update_only=true\n");
	if (peer->flags & TEMPEST_UAPI_PEER_PRESHARED_KEY)
		tempest_uapi_append_key(out, "preshared_key", peer->preshared_key);
	if (peer->flags & TEMPEST_UAPI_PEER_ENDPOINT)
		g_string_append_printf(
			out, "endpoint=%s\n",
			tempest_endpoint_to_string(&peer->endpoint, text, sizeof(text)));
	if (peer->flags & TEMPEST_UAPI_PEER_KEEPALIVE)
		g_string_append_printf(out, "persistent_keepalive_interval=%u\n",
				       peer->persistent_keepalive_interval);
	if (peer->flags & TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS)
		g_string_append(out, "replace_allowed_ips=true\n");
	for (guint i = 0; i < peer->n_allowed_ips; i++)
		g_string_append_printf(out, "allowed_ip=%s%s\n", ips[i].remove ? "-" : "",
				       tempest_cidr_to_string(&ips[i].cidr, text, sizeof(text)));
	if (peer->flags & TEMPEST_UAPI_PEER_PROTOCOL_VERSION)
		g_string_append_printf(out, "protocol_version=%u\n", peer->protocol_version);
}

/**
 * tempest_uapi_change_to_request:
 *
 * The canonical set request of @change: interface keys first, then each section with its flags
 * before its networks; parsing it gives @change again. For logs of tests and the fuzzer.
 *
 * Returns: (transfer full): the text, holding keys: free it with tempest_uapi_text_free()
 */
gchar *
tempest_uapi_change_to_request(const TempestUapiChange *change)
{
	GString *out = g_string_sized_new(256 + 400 * (gsize)change->n_peers +
					  80 * (gsize)change->n_allowed_ips);

	g_string_append(out, "set=1\n");
	if (change->flags & TEMPEST_UAPI_CHANGE_PRIVATE_KEY)
		tempest_uapi_append_key(out, "private_key", change->private_key);
	if (change->flags & TEMPEST_UAPI_CHANGE_LISTEN_PORT)
		g_string_append_printf(out, "listen_port=%u\n", change->listen_port);
	if (change->flags & TEMPEST_UAPI_CHANGE_FWMARK)
		g_string_append_printf(out, "fwmark=%u\n", change->fwmark);
	if (change->flags & TEMPEST_UAPI_CHANGE_REPLACE_PEERS)
		g_string_append(out, "replace_peers=true\n");
	for (guint i = 0; i < change->n_peers; i++)
		tempest_uapi_append_peer_change(out, change, &change->peers[i]);
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}
