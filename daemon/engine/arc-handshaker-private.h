/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-handshaker.h"

G_BEGIN_DECLS

/* for the files of the handshaker (arc-handshaker*.c) */
struct _ArcHandshaker {
	ArcRegistry *registry; /* (nullable) where join tokens are */
	ArcPeerManager *peers; /* (nullable) */
	ArcNode *node;         /* this agent: its id, name, key, address, clock */
	GHashTable *sessions;  /* id → ArcHandshakeSession */
	GHashTable *in_flight; /* addresses this agent is adding */
	ArcPeerClient *client;
	ArcPeerClient *probe;
	guint prune_id; /* while sessions are open */
	const ArcHandshakerHost *host;
	gpointer host_data;
};

void arc_handshaker_fail(GError **error, gchar **detail, ArcHandshakeReason reason, gchar *text);
void arc_handshaker_count(const gchar *role, const GError *error);
void arc_handshaker_log_refusal(const gchar *what, const ArcHandshakePeer *peer,
				const GError *error, const gchar *detail);

G_END_DECLS
