/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ARC_TYPE_CLI_CLIENT (arc_cli_client_get_type())
G_DECLARE_FINAL_TYPE(ArcCliClient, arc_cli_client, ARC, CLI_CLIENT, GObject)

gchar *arc_cli_client_normalize_url(const gchar *url, GError **error);

ArcCliClient *arc_cli_client_new(GPtrArray *urls, guint timeout_sec, gboolean trace);
void arc_cli_client_set_bearer_token(ArcCliClient *self, const gchar *token);
void arc_cli_client_set_recovery_token(ArcCliClient *self, const gchar *token);
void arc_cli_client_set_tls_database(ArcCliClient *self, GTlsDatabase *database);
GTlsDatabase *arc_cli_client_load_ca_file(const gchar *path, GError **error);
const gchar *arc_cli_client_get_url(ArcCliClient *self);
gboolean arc_cli_client_get_connected(ArcCliClient *self);

JsonNode *arc_cli_client_request(ArcCliClient *self, const gchar *method, const gchar *path,
				 JsonNode *body, guint *status, GError **error);
JsonNode *arc_cli_client_call(ArcCliClient *self, const gchar *method, const gchar *path,
			      JsonNode *body, GError **error);
gboolean arc_cli_client_fetch_token(ArcCliClient *self, const gchar *client_id,
				    const gchar *client_secret, GError **error);
GError *arc_cli_client_api_error(guint status, JsonNode *body);

G_END_DECLS
