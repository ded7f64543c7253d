/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "arc-handshake.h"

G_BEGIN_DECLS

/* HTTP from this agent to another agent's API: the handshake, reachability probes and
 * the deactivation announcement. Transport errors become handshake reasons. */

#define ARC_TYPE_PEER_CLIENT (arc_peer_client_get_type())
G_DECLARE_FINAL_TYPE(ArcPeerClient, arc_peer_client, ARC, PEER_CLIENT, GObject)

/**
 * ArcPeerResponse:
 * @status: the HTTP status, for the peer client's own checks: callers ask
 *   arc_peer_response_is_ok() and its siblings
 * @body: the body, possibly empty
 */
typedef struct {
	guint status;
	GBytes *body;
} ArcPeerResponse;

void arc_peer_response_free(ArcPeerResponse *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcPeerResponse, arc_peer_response_free)

ArcPeerClient *arc_peer_client_new(guint timeout_secs);
ArcPeerClient *arc_peer_client_new_full(guint timeout_secs, guint idle_secs, gsize max_body);
gboolean arc_peer_client_set_ca_file(ArcPeerClient *self, const gchar *path, GError **error);
void arc_peer_client_request_async(ArcPeerClient *self, const gchar *method, const gchar *address,
				   const gchar *path, const gchar *body, GCancellable *cancellable,
				   GAsyncReadyCallback callback, gpointer user_data);
ArcPeerResponse *arc_peer_client_request_finish(ArcPeerClient *self, GAsyncResult *res,
						GError **error);
void arc_peer_client_convert_error(GError **error, const gchar *address, gchar **detail);
gboolean arc_peer_response_check(ArcPeerResponse *response, const gchar *address, gchar **detail,
				 GError **error);
gboolean arc_peer_response_is_ok(const ArcPeerResponse *response);
gchar *arc_peer_response_describe_refusal(const ArcPeerResponse *response);
gboolean arc_peer_response_check_ok(const ArcPeerResponse *response, const gchar *address,
				    const gchar *request, gchar **detail);

G_END_DECLS
