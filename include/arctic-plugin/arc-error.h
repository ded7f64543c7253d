/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ARC_ERROR (arc_error_quark())

/**
 * ArcError:
 *
 * The one error enumeration of the project. Every error that leaves the engine carries one of
 * these codes, and a plugin's vfuncs fail with them. How a code appears to clients (the REST
 * `code` string and HTTP status, the D-Bus error name) is the agent's business: its one table
 * is not part of the SDK. New codes are added before %ARC_ERROR_LAST only (a minor bump).
 */
typedef enum {
	ARC_ERROR_INTERNAL,
	ARC_ERROR_INVALID_REQUEST,
	ARC_ERROR_MISSING_FIELD,
	ARC_ERROR_INVALID_CIDR,
	ARC_ERROR_INVALID_TRANSPORT,
	ARC_ERROR_PAYLOAD_TOO_LARGE,
	ARC_ERROR_LENGTH_REQUIRED,
	ARC_ERROR_UNAUTHORIZED,
	ARC_ERROR_TOKEN_EXPIRED,
	ARC_ERROR_FORBIDDEN,
	ARC_ERROR_NOT_FOUND,
	ARC_ERROR_METHOD_NOT_ALLOWED,
	ARC_ERROR_ALREADY_EXISTS,
	ARC_ERROR_ALREADY_BOOTSTRAPPED,
	ARC_ERROR_NOT_BOOTSTRAPPED,
	ARC_ERROR_NODE_LIMIT_EXCEEDED,
	ARC_ERROR_SERVICE_LIMIT_EXCEEDED,
	ARC_ERROR_LICENSE_EXPIRED,
	ARC_ERROR_LICENSE_INVALID,
	ARC_ERROR_LICENSE_MISMATCH,
	ARC_ERROR_LICENSE_READ_ONLY,
	ARC_ERROR_LICENSE_SUSPENDED,
	ARC_ERROR_HANDSHAKE_FAILED,
	ARC_ERROR_PEER_UNREACHABLE,
	ARC_ERROR_CANNOT_REVOKE_CURRENT,
	ARC_ERROR_NOT_SUPPORTED,
	ARC_ERROR_UNAVAILABLE,
	ARC_ERROR_STORAGE,
	ARC_ERROR_LAST /*< skip >*/
} ArcError;

GQuark arc_error_quark(void);
void arc_error_convert(GError **error);

G_END_DECLS
