/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-cli-peer-address.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "arc-cli-error.h"

/* a 255-byte host name, ':' and a port: what the agent accepts as a peer address */
#define ARC_CLI_PEER_ADDRESS_MAX 261
#define ARC_CLI_PEER_ADDRESS_SCHEME "http://"
#define ARC_CLI_PEER_ADDRESS_TLS_SCHEME "https://"

static gboolean
arc_cli_peer_address_is_valid(const gchar *address)
{
	g_autoptr(GSocketConnectable) parsed = NULL;
	const gchar *hostname;
	const gchar *port;

	if (address[0] == '\0' || strlen(address) > ARC_CLI_PEER_ADDRESS_MAX)
		return FALSE;
	for (const gchar *p = address; *p != '\0'; p++) {
		/* a path, a query, user info: the agent wants host and port only */
		if (!g_ascii_isgraph(*p) || strchr("/?#@", *p) != NULL)
			return FALSE;
	}
	/* GIO also takes service names (`host:http`); the peer record keeps a number */
	port = strrchr(address, ':');
	if (port == NULL || port[1] == '\0')
		return FALSE;
	for (const gchar *p = port + 1; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	parsed = g_network_address_parse(address, 0, NULL);
	if (parsed == NULL || g_network_address_get_port(G_NETWORK_ADDRESS(parsed)) == 0)
		return FALSE;
	hostname = g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed));
	return hostname != NULL && hostname[0] != '\0';
}

/**
 * arc_cli_peer_address_parse:
 * @text: the address of a peer as the user wrote it: `host:port`, `[v6]:port`, or either
 *   after `http://` (the agent's URL, as other commands take it) or `https://` (an agent
 *   whose API speaks TLS)
 *
 * Returns: (transfer full): the `host:port` (`https://host:port` for TLS) to send to the
 * agent, or %NULL with @error set (%ARC_CLI_ERROR_USAGE), e.g. when the port is missing
 */
gchar *
arc_cli_peer_address_parse(const gchar *text, GError **error)
{
	gsize scheme_len = strlen(ARC_CLI_PEER_ADDRESS_SCHEME);
	gsize tls_len = strlen(ARC_CLI_PEER_ADDRESS_TLS_SCHEME);
	gboolean tls = g_ascii_strncasecmp(text, ARC_CLI_PEER_ADDRESS_TLS_SCHEME, tls_len) == 0;
	g_autofree gchar *address = NULL;

	if (tls)
		scheme_len = tls_len;
	if (tls || g_ascii_strncasecmp(text, ARC_CLI_PEER_ADDRESS_SCHEME, scheme_len) == 0) {
		address = g_strdup(text + scheme_len);
		/* a URL copied from a browser or a config file ends in a slash */
		if (g_str_has_suffix(address, "/"))
			address[strlen(address) - 1] = '\0';
	} else {
		address = g_strdup(text);
	}
	if (!arc_cli_peer_address_is_valid(address)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_USAGE,
			    /* TRANSLATORS: %s is what the user typed; keep HOST:PORT */
			    _("invalid peer address \"%s\": use HOST:PORT, e.g. 192.168.1.20:8080"),
			    text);
		return NULL;
	}
	if (tls)
		return g_strconcat(ARC_CLI_PEER_ADDRESS_TLS_SCHEME, address, NULL);
	return g_steal_pointer(&address);
}

/**
 * arc_cli_peer_address_to_url:
 * @address: a peer's address as the agent states it, `host:port` or `https://host:port`
 *
 * Returns: (transfer full): the URL of its API
 */
gchar *
arc_cli_peer_address_to_url(const gchar *address)
{
	if (strstr(address, "://") != NULL)
		return g_strdup(address);
	return g_strconcat(ARC_CLI_PEER_ADDRESS_SCHEME, address, NULL);
}
