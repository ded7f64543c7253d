/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-auth-manager.h"
#include "arc-cluster-view.h"
#include "arc-config.h"
#include "arc-license-manager.h"
#include "arc-license-state.h"
#include "arc-node.h"
#include "arc-peer-state.h"
#include "arc-requests.h"
#include "arc-service-interface-status.h"
#include "arc-tunnel-status.h"

G_BEGIN_DECLS

/**
 * ArcIdentityInfo:
 *
 * What `GET /v1/cluster/identity` and the D-Bus Agent properties show. Fields are %NULL
 * before bootstrap.
 */
typedef struct {
	gchar *peer_id;
	gchar *name;
	gchar *public_key;
	gchar *license_id;
	gchar *customer_id;
	gchar *cluster_id;
	const gchar *version;
} ArcIdentityInfo;

void arc_identity_info_free(ArcIdentityInfo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcIdentityInfo, arc_identity_info_free)

/**
 * ArcBootstrapResult:
 *
 * The answer to a bootstrap; @client_secret is shown this once.
 */
typedef struct {
	gchar *peer_id;
	gchar *name;
	gchar *peer_public_key;
	gchar *client_id;
	gchar *client_secret;
	gchar *license_id;
	gchar *customer_id;
	gchar *cluster_id;
	gint64 expires_at;
	gint64 max_nodes;
	gint64 max_services;
} ArcBootstrapResult;

void arc_bootstrap_result_free(ArcBootstrapResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcBootstrapResult, arc_bootstrap_result_free)

/**
 * ArcJoinToken:
 * @id: `jt_` + ULID
 * @token: `<id>.<secret>`, shown this once
 * @expires_at: Unix seconds
 */
typedef struct {
	gchar *id;
	gchar *token;
	gint64 expires_at;
} ArcJoinToken;

void arc_join_token_free(ArcJoinToken *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcJoinToken, arc_join_token_free)

/**
 * ArcReadinessCheck:
 * @name: storage, license, plugins, listeners
 * @ok: whether it passes
 * @message: detail for the operator
 */
typedef struct {
	const gchar *name;
	gboolean ok;
	gchar *message;
} ArcReadinessCheck;

/**
 * ArcCreatedCredential:
 *
 * A new credential with its secret, shown this once.
 */
typedef struct {
	const ArcCredential *credential;
	gchar *client_secret;
} ArcCreatedCredential;

void arc_created_credential_free(ArcCreatedCredential *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcCreatedCredential, arc_created_credential_free)

/**
 * ArcPeerInfo:
 *
 * A peer as `GET /v1/peers` shows it.
 */
typedef struct {
	gchar *id;
	gchar *name;
	gchar *public_key;
	gchar *address;
	ArcPeerState state;
	gint64 created_at;
	gboolean is_local;
	gchar *tunnel_key; /* (nullable): base64, with the three below; %NULL: no tunnel yet */
	guint16 tunnel_port;
	gchar *tunnel_ipv4; /* (nullable) */
	gchar *tunnel_ipv6; /* (nullable) */
} ArcPeerInfo;

void arc_peer_info_free(ArcPeerInfo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcPeerInfo, arc_peer_info_free)

/**
 * ArcHandshakeStep:
 * @step: connect, hello, verify_reply, confirm, store, …
 * @ok: whether it passed
 * @detail: what happened, for `arctic peers add --debug`
 * @elapsed_ms: how long it took
 */
typedef struct {
	gchar *step;
	gboolean ok;
	gchar *detail;
	gdouble elapsed_ms;
} ArcHandshakeStep;

void arc_handshake_step_free(ArcHandshakeStep *self);

/**
 * ArcLeaveResult:
 * @peer_id: the local peer, now deactivated
 * @notified: (element-type utf8): the peers that acknowledged the announcement
 * @unreachable: (element-type utf8): triples of peer id, address and error
 */
typedef struct {
	gchar *peer_id;
	GPtrArray *notified;
	GPtrArray *unreachable;
} ArcLeaveResult;

void arc_leave_result_free(ArcLeaveResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcLeaveResult, arc_leave_result_free)

/**
 * ArcClusterStatus:
 * @registry_hash: the hash two agents compare to know they hold the same records
 * @kinds: (element-type utf8): record kinds, in order
 * @live: per kind, records that are not deleted
 * @deleted: per kind, tombstones
 * @peers: (element-type ArcPeerInfo): the peers this agent stores
 *
 * What `GET /v1/cluster/status` shows (docs/protocol.md §6).
 */
typedef struct {
	gchar *registry_hash;
	GPtrArray *kinds;
	GArray *live;
	GArray *deleted;
	GPtrArray *peers;
} ArcClusterStatus;

void arc_cluster_status_free(ArcClusterStatus *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterStatus, arc_cluster_status_free)

/**
 * ArcClusterInitResult:
 * @cluster_id: the cluster id in force
 * @created_by: the peer that created it (the oldest peer, unless just created here)
 * @oldest_peer_id: the oldest active peer
 * @was_created: whether this call created it
 */
typedef struct {
	gchar *cluster_id;
	gchar *created_by;
	gchar *oldest_peer_id;
	gboolean was_created;
} ArcClusterInitResult;

void arc_cluster_init_result_free(ArcClusterInitResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcClusterInitResult, arc_cluster_init_result_free)

#define ARC_TYPE_ENGINE (arc_engine_get_type())
G_DECLARE_FINAL_TYPE(ArcEngine, arc_engine, ARC, ENGINE, GObject)

ArcEngine *arc_engine_new(ArcConfig *config);
void arc_engine_set_clock(ArcEngine *self, ArcClockFunc func, gpointer user_data);
gint64 arc_engine_now(ArcEngine *self);
ArcNode *arc_engine_get_node(ArcEngine *self);
void arc_engine_set_plugins(ArcEngine *self, ArcStorage *storage, ArcLicenseBackend *license);
gboolean arc_engine_start(ArcEngine *self, GError **error);
void arc_engine_stop(ArcEngine *self);
gboolean arc_engine_is_bootstrapped(ArcEngine *self);
gboolean arc_engine_is_member_address(ArcEngine *self, GInetAddress *address);
void arc_engine_set_listeners_ready(ArcEngine *self, gboolean ready, const gchar *detail);
GArray *arc_engine_get_readiness(ArcEngine *self, gboolean *all_ok);
ArcClusterView *arc_engine_get_view(ArcEngine *self);
void arc_engine_set_dataplane_ready(ArcEngine *self, gboolean ok, const gchar *detail);
void arc_engine_set_tunnel_status_func(ArcEngine *self, ArcTunnelStatusFunc func,
				       gpointer user_data, GDestroyNotify destroy);
GPtrArray *arc_engine_get_tunnel_status(ArcEngine *self);
void arc_engine_set_service_interface_func(ArcEngine *self, ArcServiceInterfaceFunc func,
					   gpointer user_data);
GPtrArray *arc_engine_get_service_interfaces(ArcEngine *self);

ArcIdentityInfo *arc_engine_get_identity(ArcEngine *self);
ArcJoinToken *arc_engine_create_join_token(ArcEngine *self, const ArcCaller *caller, gint64 ttl,
					   GError **error);
gboolean arc_engine_check_bootstrap_origin(ArcEngine *self, gboolean loopback,
					   const gchar *recovery, GError **error);
gboolean arc_engine_check_bootstrappable(ArcEngine *self, GError **error);
ArcBootstrapResult *arc_engine_bootstrap(ArcEngine *self, const ArcBootstrapRequest *req,
					 GError **error);
ArcLicenseInfo *arc_engine_get_license(ArcEngine *self, GError **error);
ArcLicenseState arc_engine_get_license_state(ArcEngine *self);
GPtrArray *arc_engine_get_jwks_keys(ArcEngine *self);
const gchar *arc_engine_get_token_issuer(ArcEngine *self);
gchar *arc_engine_get_public_url(ArcEngine *self);

ArcTokenGrant *arc_engine_issue_token(ArcEngine *self, const gchar *client_id,
				      const gchar *client_secret, ArcScope requested,
				      GError **error);
ArcCaller *arc_engine_authenticate(ArcEngine *self, const gchar *bearer, const gchar *recovery,
				   GError **error);
gboolean arc_engine_check_scope(const ArcCaller *caller, ArcScope needed, GError **error);
gboolean arc_engine_authorize_bootstrapped(ArcEngine *self, const ArcCaller *caller,
					   ArcScope needed, GError **error);
gboolean arc_engine_authorize(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
			      GError **error);

GPtrArray *arc_engine_list_peers(ArcEngine *self, const ArcCaller *caller, gint is_local,
				 GError **error);
ArcPeerInfo *arc_engine_get_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id,
				 GError **error);

void arc_engine_add_peer_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			       const gchar *name, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data);
void arc_engine_join_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			   const gchar *name, const gchar *join_token, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data);
void arc_engine_discover_peer_async(ArcEngine *self, const gchar *address,
				    GCancellable *cancellable, GAsyncReadyCallback callback,
				    gpointer user_data);
ArcPeerInfo *arc_engine_add_peer_finish(ArcEngine *self, GAsyncResult *res, GPtrArray **steps,
					GError **error);
ArcPeerInfo *arc_engine_update_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id,
				    const ArcPeerUpdate *update, GError **error);
gboolean arc_engine_delete_peer(ArcEngine *self, const ArcCaller *caller, const gchar *peer_id,
				GPtrArray **revoked_credentials, GError **error);
void arc_engine_remove_self_async(ArcEngine *self, const ArcCaller *caller,
				  GCancellable *cancellable, GAsyncReadyCallback callback,
				  gpointer user_data);
ArcLeaveResult *arc_engine_remove_self_finish(ArcEngine *self, GAsyncResult *res, GError **error);

gchar *arc_engine_handshake_hello(ArcEngine *self, const gchar *body, gsize length,
				  const gchar *source, gchar **refusal, GError **error);
void arc_engine_handshake_confirm_async(ArcEngine *self, const gchar *body, gsize length,
					GCancellable *cancellable, GAsyncReadyCallback callback,
					gpointer user_data);
gboolean arc_engine_handshake_confirm_finish(ArcEngine *self, GAsyncResult *res, GError **error);
gboolean arc_engine_handshake_leave(ArcEngine *self, const gchar *body, gsize length,
				    GError **error);
void arc_engine_set_api_port(ArcEngine *self, guint16 port);
guint16 arc_engine_get_api_port(ArcEngine *self);

ArcClusterStatus *arc_engine_get_cluster_status(ArcEngine *self, const ArcCaller *caller,
						GError **error);

gchar *arc_engine_gossip_receive(ArcEngine *self, const gchar *type, const gchar *body,
				 gsize length, GError **error);
void arc_engine_gossip_probe_async(ArcEngine *self, const gchar *body, gsize length,
				   GAsyncReadyCallback callback, gpointer user_data);
gchar *arc_engine_gossip_probe_finish(ArcEngine *self, GAsyncResult *res, GError **error);
gint arc_engine_sync(ArcEngine *self, const ArcCaller *caller, GError **error);
gboolean arc_engine_get_peer_health(ArcEngine *self, const gchar *peer_id, ArcGossipState *state,
				    gint64 *last_seen, const gchar **registry_hash);
guint arc_engine_count_peers_in_state(ArcEngine *self, ArcGossipState state);

GPtrArray *arc_engine_list_credentials(ArcEngine *self, const ArcCaller *caller, GError **error);
ArcCreatedCredential *arc_engine_create_credential(ArcEngine *self, const ArcCaller *caller,
						   const gchar *const *scopes, GError **error);
ArcClusterInitResult *arc_engine_cluster_init(ArcEngine *self, const ArcCaller *caller,
					      gboolean force, GError **error);
const ArcCredential *arc_engine_get_cluster_credential(ArcEngine *self, const ArcCaller *caller,
						       GError **error);
ArcCreatedCredential *arc_engine_rotate_cluster_credential(ArcEngine *self, const ArcCaller *caller,
							   GError **error);
gboolean arc_engine_revoke_credential(ArcEngine *self, const ArcCaller *caller,
				      const gchar *client_id, GError **error);

G_END_DECLS
