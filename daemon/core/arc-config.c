/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-config.h"

#include <arctic-plugin.h>
#include <gio/gio.h>

#define ARC_CONFIG_DEFAULT_PORT 8080
#define ARC_CONFIG_DEFAULT_TUNNEL_PORT 51840
#define ARC_CONFIG_DEFAULT_MAX_BODY (1024 * 1024)
/* the initiator waits for the confirmation, which includes the responder's probe back */
#define ARC_CONFIG_DEFAULT_HANDSHAKE_TIMEOUT 10
#define ARC_CONFIG_DEFAULT_REACH_BACK_TIMEOUT 5
/* a client that opens a connection to the TLS port and never finishes its handshake */
#define ARC_CONFIG_DEFAULT_TLS_HANDSHAKE_TIMEOUT 10
#define ARC_CONFIG_DEFAULT_TLS_KEY_CHECK_TIMEOUT 5

/**
 * arc_config_new:
 *
 * Returns: (transfer full): the built-in defaults
 */
ArcConfig *
arc_config_new(void)
{
	ArcConfig *self = g_new0(ArcConfig, 1);
	self->keyfile = g_key_file_new();
	self->data_dir = g_strdup(ARC_DEFAULT_DATA_DIR);
	self->listen_address = g_strdup("0.0.0.0");
	self->listen_port = ARC_CONFIG_DEFAULT_PORT;
	self->plugin_dir = g_strdup(ARC_PLUGINDIR);
	self->storage_plugin = g_strdup("sqlite");
	self->license_plugin = g_strdup("ed25519-file");
	self->recovery_token_file = g_strdup(ARC_RECOVERY_TOKEN_PATH);
	self->log_format = ARC_LOG_FORMAT_JSON;
	self->max_body_size = ARC_CONFIG_DEFAULT_MAX_BODY;
	self->api_max_connections = 1024;
	self->api_peer_reserve = 10;
	self->api_header_timeout = 10;
	self->api_body_timeout = 30;
	self->api_idle_timeout = 60;
	self->api_max_request_line = 8 * 1024;
	self->api_max_head = 32 * 1024;
	self->handshake_timeout = ARC_CONFIG_DEFAULT_HANDSHAKE_TIMEOUT;
	self->reach_back_timeout = ARC_CONFIG_DEFAULT_REACH_BACK_TIMEOUT;
	self->tls_handshake_timeout = ARC_CONFIG_DEFAULT_TLS_HANDSHAKE_TIMEOUT;
	self->tls_key_check_timeout = ARC_CONFIG_DEFAULT_TLS_KEY_CHECK_TIMEOUT;
	self->gossip_interval = 1000;
	self->gossip_fanout = 3;
	self->gossip_suspect_after = 5000;
	self->gossip_unreachable_after = 30000;
	self->gossip_max_clock_skew = 30000;
	self->gossip_timeout = 2000;
	self->tombstone_retention = 7 * 24 * 3600;
	self->tunnel_plugin = g_strdup("tempest");
	self->tunnel_interface = g_strdup("arctic0");
	self->tunnel_port = ARC_CONFIG_DEFAULT_TUNNEL_PORT;
	arc_cidr_read(ARC_CONFIG_DEFAULT_TUNNEL_IPV4, ARC_CIDR_NETWORK, &self->tunnel_ipv4_range);
	arc_cidr_read(ARC_CONFIG_DEFAULT_TUNNEL_IPV6, ARC_CIDR_NETWORK, &self->tunnel_ipv6_range);
	self->tunnel_mtu = 1420;
	self->proxy_port = 61000;
	self->proxy_transport_port = 61001;
	self->tunnel_aead = g_strdup("auto");
	return self;
}

void
arc_config_free(ArcConfig *self)
{
	if (self == NULL)
		return;
	g_free(self->config_path);
	g_key_file_unref(self->keyfile);
	g_free(self->data_dir);
	g_free(self->listen_address);
	g_free(self->plugin_dir);
	g_free(self->storage_plugin);
	g_free(self->license_plugin);
	g_free(self->tunnel_plugin);
	g_free(self->tunnel_interface);
	g_free(self->tunnel_aead);
	g_free(self->recovery_token_file);
	g_free(self->advertise_address);
	g_free(self->tls_certificate);
	g_free(self->tls_key);
	g_free(self->tls_ca_file);
	g_free(self->auth_issuer);
	g_free(self);
}

static gboolean
arc_config_parse_port(const gchar *str, guint16 *port, GError **error)
{
	guint64 value = 0;
	/* 0 asks the kernel for a free port; the agent logs the one it got */
	if (!g_ascii_string_to_unsigned(str, 10, 0, G_MAXUINT16, &value, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' is not a port number (0-65535)", str);
		return FALSE;
	}
	*port = (guint16)value;
	return TRUE;
}

/**
 * arc_config_set_listen:
 * @self: the config
 * @listen: `ADDRESS:PORT`, `[IPV6]:PORT`, `ADDRESS` or `PORT`
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @listen was understood
 */
gboolean
arc_config_set_listen(ArcConfig *self, const gchar *listen, GError **error)
{
	g_autofree gchar *host = NULL;
	const gchar *colon = strrchr(listen, ':');
	guint16 port = self->listen_port;

	if (g_ascii_isdigit(listen[0]) && strchr(listen, '.') == NULL && colon == NULL)
		return arc_config_parse_port(listen, &self->listen_port, error);
	if (listen[0] == '[') {
		const gchar *end = strchr(listen, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'%s' is not ADDRESS:PORT", listen);
			return FALSE;
		}
		host = g_strndup(listen + 1, (gsize)(end - listen - 1));
		if (end[1] == ':' && !arc_config_parse_port(end + 2, &port, error))
			return FALSE;
	} else if (colon != NULL && strchr(listen, ':') == colon) {
		host = g_strndup(listen, (gsize)(colon - listen));
		if (!arc_config_parse_port(colon + 1, &port, error))
			return FALSE;
	} else {
		host = g_strdup(listen);
	}
	if (!g_hostname_is_ip_address(host)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' is not an IP address to listen on", host);
		return FALSE;
	}
	g_free(self->listen_address);
	self->listen_address = g_steal_pointer(&host);
	self->listen_port = port;
	return TRUE;
}

gboolean
arc_config_set_log_format(ArcConfig *self, const gchar *format, GError **error)
{
	if (g_strcmp0(format, "json") == 0) {
		self->log_format = ARC_LOG_FORMAT_JSON;
	} else if (g_strcmp0(format, "text") == 0) {
		self->log_format = ARC_LOG_FORMAT_TEXT;
	} else {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "log format '%s' is not 'json' or 'text'", format);
		return FALSE;
	}
	return TRUE;
}

static void
arc_config_take_string(GKeyFile *kf, const gchar *group, const gchar *key, gchar **dest)
{
	g_autofree gchar *value = g_key_file_get_string(kf, group, key, NULL);
	if (value != NULL && value[0] != '\0') {
		g_free(*dest);
		*dest = g_steal_pointer(&value);
	}
}

static gboolean
arc_config_get_seconds(GKeyFile *kf, const gchar *key, guint max, guint *out, GError **error)
{
	g_autofree gchar *text = g_key_file_get_string(kf, "peers", key, NULL);
	guint64 value = 0;

	if (text == NULL)
		return TRUE;
	if (!g_ascii_string_to_unsigned(text, 10, 1, max, &value, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[peers] %s must be a number of seconds between 1 and %u", key, max);
		return FALSE;
	}
	*out = (guint)value;
	return TRUE;
}

/* [agent] advertise, [peers] handshake_timeout and reach_back_timeout */
static gboolean
arc_config_apply_peers(ArcConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *advertise = g_key_file_get_string(kf, "agent", "advertise", NULL);

	/* empty: not set, the address is worked out */
	if (advertise != NULL && advertise[0] != '\0') {
		g_autoptr(GSocketConnectable) parsed = g_network_address_parse(advertise, 0, NULL);
		if (parsed == NULL || g_network_address_get_port(G_NETWORK_ADDRESS(parsed)) == 0) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[agent] advertise must be host:port, not '%s'", advertise);
			return FALSE;
		}
		g_free(self->advertise_address);
		self->advertise_address = g_steal_pointer(&advertise);
	}
	if (!arc_config_get_seconds(kf, "handshake_timeout", 300, &self->handshake_timeout,
				    error) ||
	    !arc_config_get_seconds(kf, "reach_back_timeout", 300, &self->reach_back_timeout,
				    error))
		return FALSE;
	if (self->reach_back_timeout >= self->handshake_timeout) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[peers] reach_back_timeout must be shorter than "
				    "handshake_timeout: the initiator waits for the probe");
		return FALSE;
	}
	return TRUE;
}

/* [auth] issuer: what RFC 8414 §2 allows an issuer to be, http too for a plain API port */
static gboolean
arc_config_apply_auth(ArcConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *issuer = g_key_file_get_string(kf, "auth", "issuer", NULL);
	g_autoptr(GUri) uri = NULL;

	if (issuer == NULL || issuer[0] == '\0')
		return TRUE;
	uri = g_uri_parse(issuer, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL ||
	    (g_strcmp0(g_uri_get_scheme(uri), "https") != 0 &&
	     g_strcmp0(g_uri_get_scheme(uri), "http") != 0) ||
	    g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0' ||
	    g_uri_get_query(uri) != NULL || g_uri_get_fragment(uri) != NULL ||
	    g_uri_get_userinfo(uri) != NULL || g_str_has_suffix(issuer, "/")) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[auth] issuer must be an https:// or http:// URL without query, "
			    "fragment or trailing slash, not '%s'",
			    issuer);
		return FALSE;
	}
	g_free(self->auth_issuer);
	self->auth_issuer = g_steal_pointer(&issuer);
	return TRUE;
}

/* a duration in seconds, decimals allowed ("0.2"), kept in milliseconds */
static gboolean
arc_config_get_duration(GKeyFile *kf, const gchar *key, guint min_ms, guint max_ms, guint *out,
			GError **error)
{
	g_autofree gchar *text = g_key_file_get_string(kf, "gossip", key, NULL);
	gchar *end = NULL;
	gdouble value;

	if (text == NULL)
		return TRUE;
	value = g_ascii_strtod(text, &end);
	if (end == text || *end != '\0' || !(value * 1000 >= min_ms && value * 1000 <= max_ms)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[gossip] %s must be a number of seconds between %g and %g, not '%s'",
			    key, min_ms / 1000.0, max_ms / 1000.0, text);
		return FALSE;
	}
	*out = (guint)(value * 1000 + 0.5);
	return TRUE;
}

/* [gossip] interval, fanout, suspect_after, unreachable_after, max_clock_skew, timeout */
static gboolean
arc_config_apply_gossip(ArcConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *fanout = g_key_file_get_string(kf, "gossip", "fanout", NULL);
	g_autofree gchar *retention =
		g_key_file_get_string(kf, "gossip", "tombstone_retention", NULL);
	guint64 value = 0;

	if (!arc_config_get_duration(kf, "interval", 10, 3600000, &self->gossip_interval, error) ||
	    !arc_config_get_duration(kf, "suspect_after", 10, 3600000, &self->gossip_suspect_after,
				     error) ||
	    !arc_config_get_duration(kf, "unreachable_after", 10, 86400000,
				     &self->gossip_unreachable_after, error) ||
	    !arc_config_get_duration(kf, "max_clock_skew", 1000, 3600000,
				     &self->gossip_max_clock_skew, error) ||
	    !arc_config_get_duration(kf, "timeout", 10, 300000, &self->gossip_timeout, error))
		return FALSE;
	if (retention != NULL) {
		if (!g_ascii_string_to_unsigned(retention, 10, 1, 365 * 86400, &value, NULL)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[gossip] tombstone_retention must be a number of seconds "
				    "between 1 and 31536000, not '%s'",
				    retention);
			return FALSE;
		}
		self->tombstone_retention = (guint)value;
	}
	if (fanout != NULL) {
		if (!g_ascii_string_to_unsigned(fanout, 10, 1, 64, &value, NULL)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[gossip] fanout must be a number between 1 and 64, not '%s'",
				    fanout);
			return FALSE;
		}
		self->gossip_fanout = (guint)value;
	}
	if (self->gossip_unreachable_after < self->gossip_suspect_after) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[gossip] unreachable_after must not be shorter than "
				    "suspect_after");
		return FALSE;
	}
	return TRUE;
}

/* one [api] key: a whole number within its bounds */
static gboolean
arc_config_get_api_uint(GKeyFile *kf, const gchar *key, guint min, guint max, guint *out,
			GError **error)
{
	g_autofree gchar *text = g_key_file_get_string(kf, "api", key, NULL);
	guint64 value = 0;

	if (text == NULL)
		return TRUE;
	if (!g_ascii_string_to_unsigned(text, 10, min, max, &value, NULL)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[api] %s must be a number between %u and %u, not '%s'", key, min, max,
			    text);
		return FALSE;
	}
	*out = (guint)value;
	return TRUE;
}

/* [api] tls_certificate, tls_key, tls_ca_file (the files are read when the API starts) and
 * tls_handshake_timeout, tls_key_check_timeout */
static gboolean
arc_config_apply_api_tls(ArcConfig *self, GKeyFile *kf, GError **error)
{
	gchar **paths[] = {&self->tls_certificate, &self->tls_key, &self->tls_ca_file};

	arc_config_take_string(kf, "api", "tls_certificate", &self->tls_certificate);
	arc_config_take_string(kf, "api", "tls_key", &self->tls_key);
	arc_config_take_string(kf, "api", "tls_ca_file", &self->tls_ca_file);
	/* GIO wants absolute paths; relative ones are taken from the working directory */
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		if (*paths[i] != NULL && !g_path_is_absolute(*paths[i])) {
			gchar *absolute = g_canonicalize_filename(*paths[i], NULL);
			g_free(*paths[i]);
			*paths[i] = absolute;
		}
	}
	if (g_key_file_has_key(kf, "api", "tls_handshake_timeout", NULL)) {
		g_autofree gchar *text =
			g_key_file_get_string(kf, "api", "tls_handshake_timeout", NULL);
		guint64 value = 0;

		if (!g_ascii_string_to_unsigned(text, 10, 1, 300, &value, NULL)) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "[api] tls_handshake_timeout must be a number of "
					    "seconds between 1 and 300");
			return FALSE;
		}
		self->tls_handshake_timeout = (guint)value;
	}
	if (!arc_config_get_api_uint(kf, "tls_key_check_timeout", 1, 300,
				     &self->tls_key_check_timeout, error))
		return FALSE;
	if (self->tls_key != NULL && self->tls_certificate == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[api] tls_key is set but tls_certificate is not");
		return FALSE;
	}
	return TRUE;
}

/* [api] max_connections, peer_reserve, header_timeout, body_timeout, idle_timeout,
 * max_request_line, max_head */
static gboolean
arc_config_apply_api_limits(ArcConfig *self, GKeyFile *kf, GError **error)
{
	return arc_config_get_api_uint(kf, "max_connections", 16, 1048576,
				       &self->api_max_connections, error) &&
	       arc_config_get_api_uint(kf, "peer_reserve", 0, 50, &self->api_peer_reserve, error) &&
	       arc_config_get_api_uint(kf, "header_timeout", 1, 3600, &self->api_header_timeout,
				       error) &&
	       arc_config_get_api_uint(kf, "body_timeout", 1, 3600, &self->api_body_timeout,
				       error) &&
	       arc_config_get_api_uint(kf, "idle_timeout", 1, 86400, &self->api_idle_timeout,
				       error) &&
	       arc_config_get_api_uint(kf, "max_request_line", 1024, 65536,
				       &self->api_max_request_line, error) &&
	       arc_config_get_api_uint(kf, "max_head", 4096, 49152, &self->api_max_head, error);
}

/* [tunnel] ipv4_range or ipv6_range: a network of @family with a prefix in [min, max] */
static gboolean
arc_config_get_tunnel_range(GKeyFile *kf, const gchar *key, guint family, guint min, guint max,
			    ArcCidr *out, GError **error)
{
	g_autofree gchar *text = g_key_file_get_string(kf, "tunnel", key, NULL);
	ArcCidr range;

	if (text == NULL)
		return TRUE;
	if (arc_cidr_read(text, ARC_CIDR_NETWORK, &range) != ARC_CIDR_OK ||
	    range.family != family || range.prefix < min || range.prefix > max) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[tunnel] %s must be an IPv%u network with a prefix from /%u to /%u, "
			    "not '%s'",
			    key, family, min, max, text);
		return FALSE;
	}
	*out = range;
	return TRUE;
}

/* [tunnel] interface: a Linux interface name the per-peer devices (arc-…) cannot take */
static gboolean
arc_config_get_tunnel_interface(ArcConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *name = g_key_file_get_string(kf, "tunnel", "interface", NULL);
	gsize len;

	if (name == NULL)
		return TRUE;
	len = strlen(name);
	if (len == 0 || len > 15 || g_str_has_prefix(name, "arc-") ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
		    len) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[tunnel] interface must be 1 to 15 letters, digits, '_', '.' or '-', "
			    "not starting with 'arc-', not '%s'",
			    name);
		return FALSE;
	}
	g_free(self->tunnel_interface);
	self->tunnel_interface = g_steal_pointer(&name);
	return TRUE;
}

/* [tunnel] interface, port, ipv4_range, ipv6_range, mtu, aead */
static gboolean
arc_config_apply_tunnel(ArcConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *port = g_key_file_get_string(kf, "tunnel", "port", NULL);
	g_autofree gchar *mtu = g_key_file_get_string(kf, "tunnel", "mtu", NULL);
	g_autofree gchar *aead = g_key_file_get_string(kf, "tunnel", "aead", NULL);
	guint64 value = 0;

	arc_config_take_string(kf, "plugins", "tunnel", &self->tunnel_plugin);
	if (!arc_config_get_tunnel_interface(self, kf, error))
		return FALSE;
	if (port != NULL && !arc_config_parse_port(port, &self->tunnel_port, error)) {
		g_prefix_error(error, "[tunnel] port: ");
		return FALSE;
	}
	/* the port is published for every member to send to: a fixed one, and not a
	 * well-known service's (other agents refuse such a record, docs/protocol.md §6.5) */
	if (port != NULL && self->tunnel_port < 1024) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[tunnel] port must be a number between 1024 and 65535, not '%s'",
			    port);
		return FALSE;
	}
	if (mtu != NULL) {
		if (!g_ascii_string_to_unsigned(mtu, 10, 1280, 9000, &value, NULL)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[tunnel] mtu must be a number between 1280 and 9000, not '%s'",
				    mtu);
			return FALSE;
		}
		self->tunnel_mtu = (guint)value;
	}
	if (aead != NULL) {
		if (g_strcmp0(aead, "auto") != 0 && g_strcmp0(aead, "sodium") != 0 &&
		    g_strcmp0(aead, "openssl") != 0) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "[tunnel] aead must be auto, sodium or openssl, not '%s'",
				    aead);
			return FALSE;
		}
		g_free(self->tunnel_aead);
		self->tunnel_aead = g_steal_pointer(&aead);
	}
	return arc_config_get_tunnel_range(kf, "ipv4_range", 4, 8, 30, &self->tunnel_ipv4_range,
					   error) &&
	       arc_config_get_tunnel_range(kf, "ipv6_range", 6, 48, 120, &self->tunnel_ipv6_range,
					   error);
}

/* one port of [proxy]; @allow_zero: 0 turns the feature off */
static gboolean
arc_config_get_proxy_port(GKeyFile *kf, const gchar *key, gboolean allow_zero, guint16 *out,
			  GError **error)
{
	g_autofree gchar *text = g_key_file_get_string(kf, "proxy", key, NULL);
	guint64 value = 0;

	if (text == NULL)
		return TRUE;
	if (!g_ascii_string_to_unsigned(text, 10, allow_zero ? 0 : 1024, 65535, &value, NULL) ||
	    (value != 0 && value < 1024)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[proxy] %s must be a number between 1024 and 65535%s, not '%s'", key,
			    allow_zero ? " (or 0 for none)" : "", text);
		return FALSE;
	}
	*out = (guint16)value;
	return TRUE;
}

/* [proxy] port, transport_port: different, since both listen on this host */
static gboolean
arc_config_apply_proxy(ArcConfig *self, GKeyFile *kf, GError **error)
{
	if (!arc_config_get_proxy_port(kf, "port", TRUE, &self->proxy_port, error) ||
	    !arc_config_get_proxy_port(kf, "transport_port", FALSE, &self->proxy_transport_port,
				       error))
		return FALSE;
	if (self->proxy_port == self->proxy_transport_port) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[proxy] port and transport_port must differ (both are %u)",
			    self->proxy_port);
		return FALSE;
	}
	return TRUE;
}

static gboolean
arc_config_apply_groups(ArcConfig *self, GError **error)
{
	GKeyFile *kf = self->keyfile;
	g_autofree gchar *listen = g_key_file_get_string(kf, "agent", "listen", NULL);
	g_autofree gchar *port = g_key_file_get_string(kf, "agent", "api_port", NULL);
	g_autofree gchar *log_format = g_key_file_get_string(kf, "agent", "log_format", NULL);

	arc_config_take_string(kf, "agent", "data_dir", &self->data_dir);
	arc_config_take_string(kf, "agent", "plugin_dir", &self->plugin_dir);
	arc_config_take_string(kf, "agent", "recovery_token_file", &self->recovery_token_file);
	arc_config_take_string(kf, "plugins", "storage", &self->storage_plugin);
	arc_config_take_string(kf, "plugins", "license", &self->license_plugin);
	if (g_key_file_has_key(kf, "agent", "max_body_size", NULL)) {
		guint64 value = g_key_file_get_uint64(kf, "agent", "max_body_size", NULL);
		if (value < 1024 || value > 64 * 1024 * 1024) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "max_body_size must be between 1024 and 67108864");
			return FALSE;
		}
		self->max_body_size = value;
	}
	if (listen != NULL && !arc_config_set_listen(self, listen, error))
		return FALSE;
	if (!arc_config_apply_peers(self, kf, error) || !arc_config_apply_gossip(self, kf, error) ||
	    !arc_config_apply_api_tls(self, kf, error) ||
	    !arc_config_apply_api_limits(self, kf, error) ||
	    !arc_config_apply_auth(self, kf, error) || !arc_config_apply_tunnel(self, kf, error) ||
	    !arc_config_apply_proxy(self, kf, error))
		return FALSE;
	if (port != NULL && !arc_config_parse_port(port, &self->listen_port, error))
		return FALSE;
	if (log_format != NULL && !arc_config_set_log_format(self, log_format, error))
		return FALSE;
	return TRUE;
}

/**
 * arc_config_apply_keyfile:
 * @self: the config, whose @keyfile holds what was read
 * @path: where it was read from, for the messages
 * @error: return location for a #GError
 *
 * Applies the agent.conf that main/arc-config-file.c read into @self's @keyfile: reading the
 * file is I/O, what it says is checked here.
 *
 * Returns: %TRUE if every setting was valid
 */
gboolean
arc_config_apply_keyfile(ArcConfig *self, const gchar *path, GError **error)
{
	g_free(self->config_path);
	self->config_path = g_strdup(path);
	if (!arc_config_apply_groups(self, error)) {
		g_prefix_error(error, "%s: ", path);
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_config_apply_variables:
 * @self: the config
 * @port: (nullable): API_PORT
 * @data_dir: (nullable): DATA_DIR
 * @log_format: (nullable): LOG_FORMAT
 * @error: return location for a #GError
 *
 * The environment's settings, as the product documentation names them; an unset or empty
 * one changes nothing.
 *
 * Returns: %TRUE if every variable set was valid
 */
gboolean
arc_config_apply_variables(ArcConfig *self, const gchar *port, const gchar *data_dir,
			   const gchar *log_format, GError **error)
{
	if (port != NULL && port[0] != '\0' &&
	    !arc_config_parse_port(port, &self->listen_port, error)) {
		g_prefix_error(error, "API_PORT: ");
		return FALSE;
	}
	if (data_dir != NULL && data_dir[0] != '\0') {
		g_free(self->data_dir);
		self->data_dir = g_strdup(data_dir);
	}
	if (log_format != NULL && log_format[0] != '\0' &&
	    !arc_config_set_log_format(self, log_format, error)) {
		g_prefix_error(error, "LOG_FORMAT: ");
		return FALSE;
	}
	return TRUE;
}
