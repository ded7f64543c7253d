/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-error-map.h"

#include <gio/gio.h>

/* The mapping of ArcError to the surfaces (REST code and status, D-Bus name) belongs to the
 * agent, not to the plugin SDK: plugins only raise ArcError codes, and a new status or name
 * must not change the SDK's ABI. The CLI links this too, as it reads the API's codes. */

typedef struct {
	ArcError error;
	const gchar *code;
	guint http_status;
	const gchar *dbus_name;
} ArcErrorEntry;

/* The one table: REST code strings and statuses follow spec/arctic-reference.md §4.3. */
static const ArcErrorEntry arc_error_table[] = {
	{ARC_ERROR_INTERNAL, "INTERNAL_ERROR", 500, "com.tillered.Arctic1.Error.Internal"},
	{ARC_ERROR_INVALID_REQUEST, "INVALID_REQUEST", 400,
	 "com.tillered.Arctic1.Error.InvalidRequest"},
	{ARC_ERROR_MISSING_FIELD, "MISSING_FIELD", 400, "com.tillered.Arctic1.Error.MissingField"},
	{ARC_ERROR_INVALID_CIDR, "INVALID_CIDR", 400, "com.tillered.Arctic1.Error.InvalidCidr"},
	{ARC_ERROR_INVALID_TRANSPORT, "INVALID_TRANSPORT", 400,
	 "com.tillered.Arctic1.Error.InvalidTransport"},
	{ARC_ERROR_PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", 413,
	 "com.tillered.Arctic1.Error.PayloadTooLarge"},
	{ARC_ERROR_LENGTH_REQUIRED, "LENGTH_REQUIRED", 411,
	 "com.tillered.Arctic1.Error.LengthRequired"},
	{ARC_ERROR_UNAUTHORIZED, "UNAUTHORIZED", 401, "com.tillered.Arctic1.Error.Unauthorized"},
	{ARC_ERROR_TOKEN_EXPIRED, "TOKEN_EXPIRED", 401, "com.tillered.Arctic1.Error.TokenExpired"},
	{ARC_ERROR_FORBIDDEN, "FORBIDDEN", 403, "com.tillered.Arctic1.Error.Forbidden"},
	{ARC_ERROR_NOT_FOUND, "NOT_FOUND", 404, "com.tillered.Arctic1.Error.NotFound"},
	{ARC_ERROR_METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", 405,
	 "com.tillered.Arctic1.Error.MethodNotAllowed"},
	{ARC_ERROR_ALREADY_EXISTS, "ALREADY_EXISTS", 409,
	 "com.tillered.Arctic1.Error.AlreadyExists"},
	{ARC_ERROR_ALREADY_BOOTSTRAPPED, "ALREADY_BOOTSTRAPPED", 409,
	 "com.tillered.Arctic1.Error.AlreadyBootstrapped"},
	{ARC_ERROR_NOT_BOOTSTRAPPED, "NOT_BOOTSTRAPPED", 409,
	 "com.tillered.Arctic1.Error.NotBootstrapped"},
	{ARC_ERROR_NODE_LIMIT_EXCEEDED, "NODE_LIMIT_EXCEEDED", 422,
	 "com.tillered.Arctic1.Error.NodeLimitExceeded"},
	{ARC_ERROR_SERVICE_LIMIT_EXCEEDED, "SERVICE_LIMIT_EXCEEDED", 422,
	 "com.tillered.Arctic1.Error.ServiceLimitExceeded"},
	{ARC_ERROR_LICENSE_EXPIRED, "LICENSE_EXPIRED", 422,
	 "com.tillered.Arctic1.Error.LicenseExpired"},
	{ARC_ERROR_LICENSE_INVALID, "LICENSE_INVALID", 422,
	 "com.tillered.Arctic1.Error.LicenseInvalid"},
	{ARC_ERROR_LICENSE_MISMATCH, "LICENSE_MISMATCH", 422,
	 "com.tillered.Arctic1.Error.LicenseMismatch"},
	{ARC_ERROR_LICENSE_READ_ONLY, "LICENSE_READ_ONLY", 403,
	 "com.tillered.Arctic1.Error.LicenseReadOnly"},
	{ARC_ERROR_LICENSE_SUSPENDED, "LICENSE_SUSPENDED", 403,
	 "com.tillered.Arctic1.Error.LicenseSuspended"},
	{ARC_ERROR_HANDSHAKE_FAILED, "HANDSHAKE_FAILED", 422,
	 "com.tillered.Arctic1.Error.HandshakeFailed"},
	{ARC_ERROR_PEER_UNREACHABLE, "PEER_UNREACHABLE", 422,
	 "com.tillered.Arctic1.Error.PeerUnreachable"},
	{ARC_ERROR_CANNOT_REVOKE_CURRENT, "CANNOT_REVOKE_CURRENT", 422,
	 "com.tillered.Arctic1.Error.CannotRevokeCurrent"},
	{ARC_ERROR_NOT_SUPPORTED, "NOT_SUPPORTED", 501, "com.tillered.Arctic1.Error.NotSupported"},
	{ARC_ERROR_UNAVAILABLE, "UNAVAILABLE", 503, "com.tillered.Arctic1.Error.Unavailable"},
	{ARC_ERROR_STORAGE, "STORAGE_ERROR", 500, "com.tillered.Arctic1.Error.Storage"},
};

G_STATIC_ASSERT(G_N_ELEMENTS(arc_error_table) == ARC_ERROR_LAST);

static const ArcErrorEntry *
arc_error_lookup(ArcError code)
{
	if ((guint)code >= G_N_ELEMENTS(arc_error_table))
		return &arc_error_table[ARC_ERROR_INTERNAL];
	return &arc_error_table[code];
}

/**
 * arc_error_to_code:
 * @code: an #ArcError
 *
 * Returns: the `code` string of the REST error body, e.g. `LICENSE_INVALID`
 */
const gchar *
arc_error_to_code(ArcError code)
{
	return arc_error_lookup(code)->code;
}

/**
 * arc_error_http_status:
 * @code: an #ArcError
 *
 * Returns: the HTTP status the REST API answers with
 */
guint
arc_error_http_status(ArcError code)
{
	return arc_error_lookup(code)->http_status;
}

/**
 * arc_error_dbus_name:
 * @code: an #ArcError
 *
 * Returns: the D-Bus error name the D-Bus API answers with
 */
const gchar *
arc_error_dbus_name(ArcError code)
{
	return arc_error_lookup(code)->dbus_name;
}

/**
 * arc_error_from_code:
 * @code_str: a REST `code` string
 * @code: (out): the matching #ArcError
 *
 * Returns: %TRUE if @code_str is known
 */
gboolean
arc_error_from_code(const gchar *code_str, ArcError *code)
{
	if (code_str == NULL)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(arc_error_table); i++) {
		if (g_strcmp0(arc_error_table[i].code, code_str) == 0) {
			*code = arc_error_table[i].error;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * arc_error_register_dbus_domain:
 *
 * Registers every #ArcError with GDBus, so that a GError of %ARC_ERROR returned by any path
 * (g_dbus_method_invocation_return_gerror(), a property setter, ...) reaches clients as
 * `com.tillered.Arctic1.Error.<Name>` instead of an `org.gtk.GDBus.UnmappedGError` name.
 * Safe to call more than once.
 */
void
arc_error_register_dbus_domain(void)
{
	static gsize registered = 0;

	if (!g_once_init_enter(&registered))
		return;
	for (guint i = 0; i < G_N_ELEMENTS(arc_error_table); i++)
		g_dbus_error_register_error(ARC_ERROR, arc_error_table[i].error,
					    arc_error_table[i].dbus_name);
	g_once_init_leave(&registered, 1);
}
