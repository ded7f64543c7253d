/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cluster-view.h"

G_BEGIN_DECLS

/* The first bytes of every Pegasus stream, entry → exit, and the exit's one status byte
 * back (docs/protocol.md, "Pegasus streams"). Fixed-size, no allocation: a connection's cost
 * stays the same whatever the bytes say. */

#define ARC_PEGASUS_VERSION 1
#define ARC_PEGASUS_HEADER_SIZE 8
#define ARC_PEGASUS_SERVICE_ID_MAX 64
#define ARC_PEGASUS_PREAMBLE_MAX (ARC_PEGASUS_HEADER_SIZE + 32 + ARC_PEGASUS_SERVICE_ID_MAX)

typedef enum {
	ARC_PEGASUS_FLAG_TRANSPARENT = 1 << 0,
} ArcPegasusFlags;

/* the exit's answer, one byte before the destination's bytes */
typedef enum {
	ARC_PEGASUS_STATUS_CONNECTED = 0,
	ARC_PEGASUS_STATUS_REFUSED = 1,
	ARC_PEGASUS_STATUS_UNREACHABLE = 2,
	ARC_PEGASUS_STATUS_TIMEOUT = 3,
	ARC_PEGASUS_STATUS_NOT_ALLOWED = 4,
	ARC_PEGASUS_STATUS_BAD_PREAMBLE = 5,
} ArcPegasusStatus;

/**
 * ArcPegasusPreamble:
 * @flags: #ArcPegasusFlags
 * @family: 4 or 6, both addresses'
 * @destination_port: where the client connected to
 * @source_port: the client's port
 * @destination: the original destination (4 or 16 bytes used)
 * @source: the client's address
 * @service_id: the service whose route captured the connection, NUL-terminated
 */
typedef struct {
	guint8 flags;
	guint8 family;
	guint16 destination_port;
	guint16 source_port;
	guint8 destination[16];
	guint8 source[16];
	gchar service_id[ARC_PEGASUS_SERVICE_ID_MAX + 1];
} ArcPegasusPreamble;

typedef enum {
	ARC_PEGASUS_PARSE_OK,
	ARC_PEGASUS_PARSE_MORE, /* a valid beginning: read more */
	ARC_PEGASUS_PARSE_INVALID,
} ArcPegasusParse;

gsize arc_pegasus_preamble_write(const ArcPegasusPreamble *preamble,
				 guint8 out[ARC_PEGASUS_PREAMBLE_MAX]);
ArcPegasusParse arc_pegasus_preamble_parse(const guint8 *data, gsize len, ArcPegasusPreamble *out,
					   gsize *consumed, const gchar **why);
const gchar *arc_pegasus_status_to_string(guint8 status);
ArcPegasusStatus arc_pegasus_exit_check(const ArcClusterView *view,
					const ArcPegasusPreamble *preamble,
					const gchar *from_peer_id, const gchar **why);

G_END_DECLS
