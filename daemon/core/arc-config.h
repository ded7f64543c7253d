/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "arc-cidr.h"

G_BEGIN_DECLS

/* the cluster ranges tunnel addresses come from, unless [tunnel] says otherwise */
#define ARC_CONFIG_DEFAULT_TUNNEL_IPV4 "100.79.0.0/16"
#define ARC_CONFIG_DEFAULT_TUNNEL_IPV6 "fd79:a7c::/64"

typedef enum {
	ARC_LOG_FORMAT_JSON,
	ARC_LOG_FORMAT_TEXT,
} ArcLogFormat;

/**
 * ArcConfig:
 *
 * The agent's settings, from (lowest to highest precedence) built-in defaults, agent.conf,
 * the environment (API_PORT, DATA_DIR, LOG_FORMAT) and the command line.
 */
typedef struct {
	gchar *config_path;
	GKeyFile *keyfile;
	gchar *data_dir;
	gchar *listen_address;
	guint16 listen_port;
	gchar *plugin_dir;
	gchar *storage_plugin;
	gchar *license_plugin;
	gchar *recovery_token_file;
	gchar *advertise_address;
	/* [api]: TLS on the API port when a certificate is set */
	gchar *tls_certificate;
	gchar *tls_key;
	gchar *tls_ca_file;          /* extra trust for https:// peers, besides the system store */
	guint tls_handshake_timeout; /* seconds a client has to complete its TLS handshake */
	guint tls_key_check_timeout; /* seconds the check of the key at start may take */
	gchar *auth_issuer;          /* [auth] issuer, NULL: derived from the cluster id */
	guint handshake_timeout;
	guint reach_back_timeout;
	/* [gossip], all in milliseconds */
	guint gossip_interval;
	guint gossip_fanout;
	guint gossip_suspect_after;
	guint gossip_unreachable_after;
	guint gossip_max_clock_skew;
	guint gossip_timeout;
	guint tombstone_retention; /* seconds */
	ArcLogFormat log_format;
	gsize max_body_size;
	/* [api]: how the API port holds under load and abuse (docs/api-limits.md) */
	guint api_max_connections;
	guint api_peer_reserve;   /* percent of api_max_connections */
	guint api_header_timeout; /* seconds, all three */
	guint api_body_timeout;
	guint api_idle_timeout;
	guint api_max_request_line; /* bytes */
	guint api_max_head;
	gboolean session_bus;
	gboolean no_dbus;
	/* [plugins] tunnel and [tunnel] (docs/dataplane.md) */
	gchar *tunnel_plugin;
	gchar *tunnel_interface; /* the device that carries the tunnel's UDP socket and `wg` name */
	guint16 tunnel_port;
	ArcCidr tunnel_ipv4_range;
	ArcCidr tunnel_ipv6_range;
	guint tunnel_mtu;
	gchar *tunnel_aead; /* auto, sodium or openssl */
	/* [proxy] (docs/dataplane.md): the transparent proxy's listener, 0 for none, and the
	 * port every member's inter-peer transport listens on, on the host of its API address */
	guint16 proxy_port;
	guint16 proxy_transport_port;
} ArcConfig;

ArcConfig *arc_config_new(void);
void arc_config_free(ArcConfig *self);
gboolean arc_config_apply_keyfile(ArcConfig *self, const gchar *path, GError **error);
gboolean arc_config_apply_variables(ArcConfig *self, const gchar *port, const gchar *data_dir,
				    const gchar *log_format, GError **error);
gboolean arc_config_set_listen(ArcConfig *self, const gchar *listen, GError **error);
gboolean arc_config_set_log_format(ArcConfig *self, const gchar *format, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcConfig, arc_config_free)

G_END_DECLS
