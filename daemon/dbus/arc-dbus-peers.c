/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "arc-dbus-service-private.h"

#include <sodium.h>

#include "arc-dbus-options.h"
#include "arc-dbus-tunnel-peer.h"

/* The objects of com.tillered.Arctic1.Peer below the ObjectManager, kept in step with the
 * engine, and the methods of com.tillered.Arctic1.Agent on peers. */

/* The objects below the ObjectManager only mirror what the engine shows; reading the peers
 * needs no more than this. */
static const ArcCaller arc_dbus_service_peer_reader = {.scopes = ARC_SCOPE_PEERS_READ};

/* Returns: (transfer full) (nullable): the Peer interface exported for @peer_id */
static ArcDbusPeer *
arc_dbus_service_lookup_peer(ArcDbusService *self, const gchar *peer_id, gchar **path_out)
{
	g_autofree gchar *path = arc_dbus_service_object_path(ARC_DBUS_SERVICE_PEERS_PATH, peer_id);
	g_autoptr(GDBusObject) object =
		g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(self->manager), path);
	ArcDbusPeer *peer =
		object != NULL ? arc_dbus_object_get_peer(ARC_DBUS_OBJECT(object)) : NULL;

	if (path_out != NULL)
		*path_out = g_steal_pointer(&path);
	return peer;
}

/**
 * arc_dbus_service_peer_object:
 * @self: the service
 * @peer_id: (nullable): a peer id
 *
 * Returns: (transfer full): the path of the object of @peer_id, or "/" when none is exported
 *   (no peer, or one this agent does not show), the NetworkManager convention
 */
gchar *
arc_dbus_service_peer_object(ArcDbusService *self, const gchar *peer_id)
{
	g_autofree gchar *path = NULL;
	g_autoptr(ArcDbusPeer) peer = NULL;

	if (peer_id == NULL || peer_id[0] == '\0')
		return g_strdup("/");
	peer = arc_dbus_service_lookup_peer(self, peer_id, &path);
	if (peer == NULL || g_strcmp0(arc_dbus_peer_get_id(peer), peer_id) != 0)
		return g_strdup("/");
	return g_steal_pointer(&path);
}

/* the skeleton announces only the properties whose values differ, in one signal */
static void
arc_dbus_service_set_peer_properties(ArcDbusService *self, ArcDbusPeer *peer,
				     const ArcPeerInfo *info)
{
	ArcGossipState health;
	const gchar *reachability =
		arc_engine_get_peer_health(self->engine, info->id, &health, NULL, NULL)
			? arc_gossip_state_to_string(health)
			: NULL;

	arc_dbus_peer_set_name(peer, info->name != NULL ? info->name : "");
	arc_dbus_peer_set_address(peer, info->address != NULL ? info->address : "");
	arc_dbus_peer_set_public_key(peer, info->public_key != NULL ? info->public_key : "");
	arc_dbus_peer_set_is_local(peer, info->is_local);
	arc_dbus_peer_set_state(peer, arc_peer_state_to_string(info->state));
	arc_dbus_peer_set_created_at(peer, info->created_at);
	arc_dbus_peer_set_reachability(peer, reachability != NULL ? reachability : "");
	if (ARC_IS_DBUS_TUNNEL_PEER(peer))
		arc_dbus_tunnel_peer_set_has_tunnel(ARC_DBUS_TUNNEL_PEER(peer),
						    info->tunnel_key != NULL);
}

/* Exports the object of @info, or updates the one already exported. Returns: whether it
 * exported a new object */
static gboolean
arc_dbus_service_export_peer(ArcDbusService *self, const ArcPeerInfo *info)
{
	g_autofree gchar *path = NULL;
	g_autoptr(ArcDbusPeer) peer = arc_dbus_service_lookup_peer(self, info->id, &path);
	g_autoptr(ArcDbusObjectSkeleton) object = NULL;

	if (peer != NULL && g_strcmp0(arc_dbus_peer_get_id(peer), info->id) == 0) {
		arc_dbus_service_set_peer_properties(self, peer, info);
		return FALSE;
	}
	if (peer != NULL) {
		g_warning("peer %s would be exported at %s, which peer %s holds: not exported",
			  info->id, path, arc_dbus_peer_get_id(peer));
		return FALSE;
	}
	/* every property is set before the export, so InterfacesAdded carries them all */
	peer = arc_dbus_tunnel_peer_new(self->engine);
	arc_dbus_peer_set_id(peer, info->id);
	arc_dbus_service_set_peer_properties(self, peer, info);
	object = arc_dbus_object_skeleton_new(path);
	arc_dbus_object_skeleton_set_peer(object, peer);
	g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
	return TRUE;
}

/* Returns: whether it unexported an object */
static gboolean
arc_dbus_service_unexport_peer(ArcDbusService *self, const gchar *peer_id)
{
	g_autofree gchar *path = NULL;
	g_autoptr(ArcDbusPeer) peer = arc_dbus_service_lookup_peer(self, peer_id, &path);

	if (peer == NULL || g_strcmp0(arc_dbus_peer_get_id(peer), peer_id) != 0)
		return FALSE;
	return g_dbus_object_manager_server_unexport(self->manager, path);
}

/* Makes the peer objects what the engine shows: at start, and when the local peer changes
 * (bootstrap), which changes IsLocal too. */
void
arc_dbus_service_sync_peers(ArcDbusService *self)
{
	g_autoptr(GPtrArray) peers = NULL;
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autolist(GDBusObject) objects = NULL;
	g_autoptr(GError) error = NULL;

	peers = arc_engine_list_peers(self->engine, &arc_dbus_service_peer_reader, -1, &error);
	if (peers == NULL) {
		g_warning("cannot list the peers for D-Bus: %s", error->message);
		return;
	}
	for (guint i = 0; i < peers->len; i++) {
		ArcPeerInfo *info = g_ptr_array_index(peers, i);
		arc_dbus_service_export_peer(self, info);
		g_hash_table_add(ids, info->id);
	}
	objects = g_dbus_object_manager_get_objects(G_DBUS_OBJECT_MANAGER(self->manager));
	for (GList *l = objects; l != NULL; l = l->next) {
		g_autoptr(ArcDbusPeer) peer = arc_dbus_object_get_peer(ARC_DBUS_OBJECT(l->data));
		if (peer != NULL && !g_hash_table_contains(ids, arc_dbus_peer_get_id(peer)))
			g_dbus_object_manager_server_unexport(
				self->manager, g_dbus_object_get_object_path(l->data));
	}
	arc_dbus_service_objects_changed(self);
}

/* After any add, update, delete or departure of @peer_id: its object follows. */
void
arc_dbus_service_peer_changed_cb(ArcEngine *engine, const gchar *peer_id, gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	info = arc_engine_get_peer(engine, &arc_dbus_service_peer_reader, peer_id, &error);
	if (info != NULL) {
		if (arc_dbus_service_export_peer(self, info))
			arc_dbus_service_objects_changed(self);
		return;
	}
	if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_NOT_FOUND)) {
		g_warning("cannot read peer %s for D-Bus: %s", peer_id, error->message);
		return;
	}
	if (arc_dbus_service_unexport_peer(self, peer_id))
		arc_dbus_service_objects_changed(self);
}

/* gossip observed a change: Reachability follows */
void
arc_dbus_service_peer_state_changed_cb(ArcEngine *engine, const gchar *peer_id, gint state,
				       gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autoptr(ArcDbusPeer) peer = arc_dbus_service_lookup_peer(self, peer_id, NULL);

	if (peer != NULL && g_strcmp0(arc_dbus_peer_get_id(peer), peer_id) == 0)
		arc_dbus_peer_set_reachability(peer, arc_gossip_state_to_string(state));
}

static void
arc_dbus_service_add_peer_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusServiceCall) call = user_data;
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;

	info = arc_engine_add_peer_finish(ARC_ENGINE(source), res, NULL, &error);
	if (info == NULL) {
		arc_dbus_service_return_error(call->invocation, &error);
		return;
	}
	/* the engine's peer-changed exported it already; this only makes sure */
	if (arc_dbus_service_export_peer(call->self, info))
		arc_dbus_service_objects_changed(call->self);
	path = arc_dbus_service_object_path(ARC_DBUS_SERVICE_PEERS_PATH, info->id);
	if (g_strcmp0(g_dbus_method_invocation_get_method_name(call->invocation),
		      "AddPeerWithOptions") == 0)
		arc_dbus_agent_complete_add_peer_with_options(
			call->self->agent, call->invocation, path,
			g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
	else
		arc_dbus_agent_complete_add_peer(call->self->agent, call->invocation, path);
}

static void
arc_dbus_service_add_peer(ArcDbusService *self, GDBusMethodInvocation *invocation,
			  const ArcCaller *caller)
{
	g_autoptr(GError) error = NULL;
	const gchar *address = NULL;
	const gchar *name = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &address,
		      &name);
	if (address[0] == '\0') {
		g_set_error_literal(&error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'address' is required (host:port)");
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_engine_add_peer_async(self->engine, caller, address, name[0] != '\0' ? name : NULL,
				  self->cancellable, arc_dbus_service_add_peer_cb,
				  arc_dbus_service_call_new(self, invocation));
}

/* AddPeerWithOptions: the engine call of POST /v1/peers, join token included */
static void
arc_dbus_service_add_peer_with_options(ArcDbusService *self, GDBusMethodInvocation *invocation,
				       const ArcCaller *caller)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) options = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *join_token = NULL;
	const gchar *address = NULL;
	/* the members of the body of POST /v1/peers besides the address */
	static const gchar *const names[] = {"name", "join_token", NULL};
	gchar **values[] = {&name, &join_token};

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s@a{sv})", &address,
		      &options);
	if (!arc_dbus_string_options(options, names, values, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	if (address[0] == '\0') {
		g_set_error_literal(&error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'address' is required (host:port)");
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_engine_join_async(self->engine, caller, address, name, join_token, self->cancellable,
			      arc_dbus_service_add_peer_cb,
			      arc_dbus_service_call_new(self, invocation));
	if (join_token != NULL)
		sodium_memzero(join_token, strlen(join_token));
}

static void
arc_dbus_service_update_peer(ArcDbusService *self, GDBusMethodInvocation *invocation,
			     const ArcCaller *caller)
{
	g_autoptr(ArcPeerInfo) info = NULL;
	g_autoptr(ArcPeerUpdate) update = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *peer_id = NULL;
	const gchar *name = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &peer_id,
		      &name);
	update = arc_peer_update_new(name);
	info = arc_engine_update_peer(self->engine, caller, peer_id, update, &error);
	if (info == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_agent_complete_update_peer(self->agent, invocation);
}

static void
arc_dbus_service_remove_peer(ArcDbusService *self, GDBusMethodInvocation *invocation,
			     const ArcCaller *caller)
{
	g_autoptr(GError) error = NULL;
	const gchar *peer_id = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s)", &peer_id);
	if (!arc_engine_delete_peer(self->engine, caller, peer_id, NULL, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_agent_complete_remove_peer(self->agent, invocation);
}

/* RemovePeerWithOptions: RemovePeer answering what DELETE /v1/peers/{id} answers */
static void
arc_dbus_service_remove_peer_with_options(ArcDbusService *self, GDBusMethodInvocation *invocation,
					  const ArcCaller *caller)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) options = NULL;
	g_autoptr(GPtrArray) revoked = NULL;
	const gchar *peer_id = NULL;
	GVariantBuilder result;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s@a{sv})", &peer_id,
		      &options);
	/* none defined yet: a client that sends one expects what this agent cannot do */
	if (!arc_dbus_string_options(options, (const gchar *const[]){NULL}, NULL, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	if (!arc_engine_delete_peer(self->engine, caller, peer_id, &revoked, &error)) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	g_ptr_array_add(revoked, NULL);
	g_variant_builder_init(&result, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&result, "{sv}", "revoked_credentials",
			      g_variant_new_strv((const gchar *const *)revoked->pdata, -1));
	arc_dbus_agent_complete_remove_peer_with_options(self->agent, invocation,
							 g_variant_builder_end(&result));
}

/* CreateJoinToken: POST /v1/cluster/join-tokens */
static void
arc_dbus_service_create_join_token(ArcDbusService *self, GDBusMethodInvocation *invocation,
				   const ArcCaller *caller)
{
	g_autoptr(ArcJoinToken) token = NULL;
	g_autoptr(GError) error = NULL;
	guint32 ttl = 0;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(u)", &ttl);
	token = arc_engine_create_join_token(self->engine, caller, ttl, &error);
	if (token == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_agent_complete_create_join_token(self->agent, invocation, token->id, token->token,
						  token->expires_at);
}

static void
arc_dbus_service_remove_self_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusServiceCall) call = user_data;
	g_autoptr(ArcLeaveResult) result = NULL;
	g_autoptr(GPtrArray) notified = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	GVariantBuilder unreachable;

	result = arc_engine_remove_self_finish(ARC_ENGINE(source), res, &error);
	if (result == NULL) {
		arc_dbus_service_return_error(call->invocation, &error);
		return;
	}
	for (guint i = 0; i < result->notified->len; i++)
		g_ptr_array_add(notified, g_ptr_array_index(result->notified, i));
	g_ptr_array_add(notified, NULL);
	g_variant_builder_init(&unreachable, G_VARIANT_TYPE("a(sss)"));
	for (guint i = 0; i + 2 < result->unreachable->len; i += 3)
		g_variant_builder_add(&unreachable, "(sss)",
				      (const gchar *)g_ptr_array_index(result->unreachable, i),
				      (const gchar *)g_ptr_array_index(result->unreachable, i + 1),
				      (const gchar *)g_ptr_array_index(result->unreachable, i + 2));
	arc_dbus_agent_complete_remove_self(call->self->agent, call->invocation,
					    (const gchar *const *)notified->pdata,
					    g_variant_builder_end(&unreachable));
}

void
arc_dbus_service_remove_self(ArcDbusService *self, GDBusMethodInvocation *invocation,
			     const ArcCaller *caller)
{
	arc_engine_remove_self_async(self->engine, caller, self->cancellable,
				     arc_dbus_service_remove_self_cb,
				     arc_dbus_service_call_new(self, invocation));
}

gboolean
arc_dbus_service_handle_add_peer_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				    const gchar *address, const gchar *name, gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE, arc_dbus_service_add_peer);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
arc_dbus_service_handle_add_peer_with_options_cb(ArcDbusAgent *agent,
						 GDBusMethodInvocation *invocation,
						 const gchar *address, GVariant *options,
						 gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE,
					 arc_dbus_service_add_peer_with_options);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
arc_dbus_service_handle_create_join_token_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					     guint ttl, gpointer user_data)
{
	/* peers.write, as POST /v1/cluster/join-tokens: a token admits one peer */
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE, arc_dbus_service_create_join_token);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
arc_dbus_service_handle_update_peer_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				       const gchar *peer_id, const gchar *name, gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE, arc_dbus_service_update_peer);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
arc_dbus_service_handle_remove_peer_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				       const gchar *peer_id, gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE, arc_dbus_service_remove_peer);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
arc_dbus_service_handle_remove_peer_with_options_cb(ArcDbusAgent *agent,
						    GDBusMethodInvocation *invocation,
						    const gchar *peer_id, GVariant *options,
						    gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE,
					 arc_dbus_service_remove_peer_with_options);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}
