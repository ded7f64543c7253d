/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-rest-request.h"

G_BEGIN_DECLS

/* handlers of /v1/peers, /v1/handshake, /v1/gossip and the cluster's membership, in the
 * route table of arc-rest-routes.c */
void arc_rest_peers_list(ArcRestRequest *req);
void arc_rest_peers_get(ArcRestRequest *req);
void arc_rest_peers_add(ArcRestRequest *req);
void arc_rest_join_token_create(ArcRestRequest *req);
void arc_rest_peers_update(ArcRestRequest *req);
void arc_rest_peers_delete(ArcRestRequest *req);
void arc_rest_peers_remove_self(ArcRestRequest *req);
void arc_rest_handshake_hello(ArcRestRequest *req);
void arc_rest_handshake_confirm(ArcRestRequest *req);
void arc_rest_handshake_leave(ArcRestRequest *req);
void arc_rest_gossip_digest(ArcRestRequest *req);
void arc_rest_gossip_records(ArcRestRequest *req);
void arc_rest_gossip_probe(ArcRestRequest *req);
void arc_rest_cluster_init(ArcRestRequest *req);
void arc_rest_cluster_sync(ArcRestRequest *req);
void arc_rest_cluster_status(ArcRestRequest *req);

G_END_DECLS
