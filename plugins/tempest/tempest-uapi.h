/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-allowedips.h"
#include "tempest-endpoint.h"

G_BEGIN_DECLS

/*
 * The cross-platform userspace configuration protocol of WireGuard (wireguard.com/xplatform):
 * "get=1\n\n" answered by key=value lines and "errno=0\n\n"; "set=1\n" followed by key=value
 * lines and an empty line, answered by "errno=N\n\n" with N 0 or a negative errno, as
 * wireguard-go answers it (the wg tool reads it that way).
 *
 * Pure code: parsing and serialising only, no I/O. Every object here belongs to one thread at a
 * time. A change set and a snapshot hold secrets (keys); their free functions wipe them, and
 * the text tempest_uapi_snapshot_serialize() returns must be wiped the same way
 * (tempest_uapi_text_free()).
 */

#define TEMPEST_KEY_LEN 32

/* bounds of one request: what a large configuration (wg setconf) needs, with room */
#define TEMPEST_UAPI_MAX_LINE 512
#define TEMPEST_UAPI_MAX_PEERS 8192
#define TEMPEST_UAPI_MAX_ALLOWED_IPS 65536
#define TEMPEST_UAPI_MAX_REQUEST (8 * 1024 * 1024)

/* Error domain of the parser; each code is the errno the protocol answers, negated. */
#define TEMPEST_UAPI_ERROR (tempest_uapi_error_quark())
typedef enum {
	TEMPEST_UAPI_ERROR_INVALID,  /* EINVAL: unknown key, bad value */
	TEMPEST_UAPI_ERROR_PROTOCOL, /* EPROTO: a line without "=", unknown operation, NUL byte */
	TEMPEST_UAPI_ERROR_TOO_BIG,  /* E2BIG: a line, the request, peers or networks over bounds */
} TempestUapiError;

GQuark tempest_uapi_error_quark(void);
gint tempest_uapi_error_to_errno(const GError *error);

typedef enum {
	TEMPEST_UAPI_OP_GET,
	TEMPEST_UAPI_OP_SET,
} TempestUapiOp;

/* what a set request changes on the interface; a flag per key that was given */
typedef enum {
	TEMPEST_UAPI_CHANGE_PRIVATE_KEY = 1 << 0,
	TEMPEST_UAPI_CHANGE_LISTEN_PORT = 1 << 1,
	TEMPEST_UAPI_CHANGE_FWMARK = 1 << 2,
	TEMPEST_UAPI_CHANGE_REPLACE_PEERS = 1 << 3,
} TempestUapiChangeFlags;

typedef enum {
	TEMPEST_UAPI_PEER_REMOVE = 1 << 0,
	TEMPEST_UAPI_PEER_UPDATE_ONLY = 1 << 1,
	TEMPEST_UAPI_PEER_PRESHARED_KEY = 1 << 2,
	TEMPEST_UAPI_PEER_ENDPOINT = 1 << 3,
	TEMPEST_UAPI_PEER_KEEPALIVE = 1 << 4,
	TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS = 1 << 5,
	TEMPEST_UAPI_PEER_PROTOCOL_VERSION = 1 << 6,
} TempestUapiPeerFlags;

typedef struct {
	TempestCidr cidr; /* host bits cleared */
	gboolean remove;  /* "allowed_ip=-CIDR" */
} TempestUapiAllowedIp;

/*
 * One "public_key=" section, in request order. The sections are applied in order, each as
 * wireguard-go applies it: replace_allowed_ips drops the peer's networks before the listed ones
 * are added or removed (the parser already dropped the lines given before it in the same
 * section); after remove=true the rest of the section is validated but changes nothing.
 */
typedef struct {
	guint8 public_key[TEMPEST_KEY_LEN];
	guint8 preshared_key[TEMPEST_KEY_LEN];
	guint32 flags; /* TempestUapiPeerFlags */
	TempestEndpoint endpoint;
	guint16 persistent_keepalive_interval;
	guint protocol_version;
	guint allowed_ips_start; /* into TempestUapiChange.allowed_ips */
	guint n_allowed_ips;
} TempestUapiPeerChange;

typedef struct {
	guint32 flags; /* TempestUapiChangeFlags */
	guint8 private_key[TEMPEST_KEY_LEN];
	guint16 listen_port;
	guint32 fwmark;
	TempestUapiPeerChange *peers;
	guint n_peers;
	TempestUapiAllowedIp *allowed_ips;
	guint n_allowed_ips;
} TempestUapiChange;

void tempest_uapi_change_free(TempestUapiChange *change);
const TempestUapiAllowedIp *
tempest_uapi_peer_change_get_allowed_ips(const TempestUapiChange *change,
					 const TempestUapiPeerChange *peer);

gsize tempest_uapi_request_length(const gchar *data, gsize len);
gboolean tempest_uapi_parse_request(const gchar *data, gsize len, TempestUapiOp *op_out,
				    TempestUapiChange **change_out, GError **error);
TempestUapiChange *tempest_uapi_parse_set(const gchar *body, gsize len, GError **error);
gchar *tempest_uapi_change_to_request(const TempestUapiChange *change);

/* What a get answers: filled by the device, serialised here. */
typedef struct {
	guint8 public_key[TEMPEST_KEY_LEN];
	guint8 preshared_key[TEMPEST_KEY_LEN]; /* all zero: none */
	gboolean has_endpoint;
	TempestEndpoint endpoint;
	gint64 last_handshake_time_sec; /* 0 and 0: never */
	gint64 last_handshake_time_nsec;
	guint64 tx_bytes;
	guint64 rx_bytes;
	guint16 persistent_keepalive_interval;
	GArray *allowed_ips; /* of TempestCidr, owned */
} TempestUapiPeerInfo;

typedef struct {
	gboolean has_private_key;
	guint8 private_key[TEMPEST_KEY_LEN];
	guint16 listen_port; /* 0: not listening, not printed */
	guint32 fwmark;      /* 0: not printed */
	GArray *peers;       /* of TempestUapiPeerInfo, owned */
} TempestUapiSnapshot;

TempestUapiSnapshot *tempest_uapi_snapshot_new(void);
void tempest_uapi_snapshot_free(TempestUapiSnapshot *snapshot);
TempestUapiPeerInfo *tempest_uapi_snapshot_add_peer(TempestUapiSnapshot *snapshot,
						    const guint8 *public_key);
void tempest_uapi_peer_info_add_allowed_ip(TempestUapiPeerInfo *peer, const TempestCidr *cidr);
gchar *tempest_uapi_snapshot_serialize(const TempestUapiSnapshot *snapshot, gsize *len_out);
gchar *tempest_uapi_errno_reply(gint err);
void tempest_uapi_text_free(gchar *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestUapiChange, tempest_uapi_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestUapiSnapshot, tempest_uapi_snapshot_free)

G_END_DECLS
