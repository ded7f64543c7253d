/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"
#include "arc-text.h"

/* The engine's status: who this agent is, the JWKS keys, and what /readyz checks and the
 * data plane reports, which ArcReadiness (arc-readiness.c) keeps. */

void
arc_identity_info_free(ArcIdentityInfo *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->name);
	g_free(self->public_key);
	g_free(self->license_id);
	g_free(self->customer_id);
	g_free(self->cluster_id);
	g_free(self);
}

/**
 * arc_engine_get_identity:
 * @self: the engine
 *
 * Returns: (transfer full): who this agent is
 */
ArcIdentityInfo *
arc_engine_get_identity(ArcEngine *self)
{
	ArcIdentityInfo *info = g_new0(ArcIdentityInfo, 1);
	ArcNode *node = arc_engine_get_node(self);
	ArcIdentity *identity = arc_node_get_identity(node);
	ArcLicense *license;

	info->peer_id = g_strdup(arc_node_get_peer_id(node));
	info->name = g_strdup(arc_node_get_name(node));
	info->cluster_id = g_strdup(arc_node_get_cluster_id(node));
	info->version = PACKAGE_VERSION;
	if (identity != NULL)
		info->public_key = g_strdup(arc_identity_get_public_key_base64(identity));
	license = arc_engine_get_license_doc(self);
	if (license != NULL) {
		info->license_id = g_strdup(license->license_id);
		info->customer_id = g_strdup(license->customer_id);
	}
	return info;
}

/**
 * arc_engine_get_jwks_keys:
 * @self: the engine
 *
 * Returns: (transfer container) (element-type utf8): pairs of peer id and base64url public
 *   key, for /.well-known/jwks.json
 */
GPtrArray *
arc_engine_get_jwks_keys(ArcEngine *self)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	ArcIdentity *identity = arc_node_get_identity(arc_engine_get_node(self));
	const gchar *peer_id = arc_node_get_peer_id(arc_engine_get_node(self));
	g_autoptr(GPtrArray) members = NULL;

	if (identity == NULL)
		return keys;
	/* this agent first, then every active peer whose tokens it accepts */
	g_ptr_array_add(keys, g_strdup(peer_id));
	g_ptr_array_add(keys, arc_base64url_encode(arc_identity_get_public_key(identity),
						   ARC_IDENTITY_PUBLIC_KEY_SIZE));
	members = arc_registry_get_members(arc_engine_get_registry(self));
	for (guint i = 0; i < members->len; i++) {
		ArcMember *member = g_ptr_array_index(members, i);
		if (g_strcmp0(member->id, peer_id) == 0)
			continue;
		g_ptr_array_add(keys, g_strdup(member->id));
		g_ptr_array_add(keys, arc_base64url_encode(member->key, sizeof(member->key)));
	}
	return keys;
}

void
arc_engine_set_listeners_ready(ArcEngine *self, gboolean ready, const gchar *detail)
{
	arc_readiness_set_listeners(arc_engine_get_readiness_tracker(self), ready, detail);
}

/**
 * arc_engine_set_dataplane_ready:
 * @self: the engine
 * @ok: whether the `dataplane` check of /readyz passes
 * @detail: its message
 */
void
arc_engine_set_dataplane_ready(ArcEngine *self, gboolean ok, const gchar *detail)
{
	arc_readiness_set_dataplane(arc_engine_get_readiness_tracker(self), ok, detail);
}

/**
 * arc_engine_set_tunnel_status_func:
 * @self: the engine
 * @func: (nullable): reads the tunnel's peers; %NULL while the data plane is off
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data when replaced
 */
void
arc_engine_set_tunnel_status_func(ArcEngine *self, ArcTunnelStatusFunc func, gpointer user_data,
				  GDestroyNotify destroy)
{
	arc_readiness_set_tunnel_status_func(arc_engine_get_readiness_tracker(self), func,
					     user_data, destroy);
}

/**
 * arc_engine_get_tunnel_status:
 * @self: the engine
 *
 * Reads the tunnel's per-peer counters now, from the function the data plane installed.
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus) (nullable): one entry per
 *   member in the tunnel; %NULL when this agent has no tunnel (data plane disabled, or its
 *   tunnel not running)
 */
GPtrArray *
arc_engine_get_tunnel_status(ArcEngine *self)
{
	return arc_readiness_get_tunnel_status(arc_engine_get_readiness_tracker(self));
}

/**
 * arc_engine_set_service_interface_func:
 * @self: the engine
 * @func: (nullable): reads the service interfaces; %NULL while the data plane is off
 * @user_data: for @func
 */
void
arc_engine_set_service_interface_func(ArcEngine *self, ArcServiceInterfaceFunc func,
				      gpointer user_data)
{
	arc_readiness_set_service_interface_func(arc_engine_get_readiness_tracker(self), func,
						 user_data);
}

/**
 * arc_engine_get_service_interfaces:
 * @self: the engine
 *
 * Reads what the data plane realised of this node's service interfaces, now.
 *
 * Returns: (transfer full) (element-type ArcServiceInterfaceStatus) (nullable): one entry
 *   per service interface of this node; %NULL without a data plane
 */
GPtrArray *
arc_engine_get_service_interfaces(ArcEngine *self)
{
	return arc_readiness_get_service_interfaces(arc_engine_get_readiness_tracker(self));
}

/**
 * arc_engine_get_readiness:
 * @self: the engine
 * @all_ok: (out): whether every check passes
 *
 * The checks of /readyz and of the systemd READY notification.
 *
 * Returns: (transfer full) (element-type ArcReadinessCheck): the checks
 */
GArray *
arc_engine_get_readiness(ArcEngine *self, gboolean *all_ok)
{
	return arc_readiness_check(arc_engine_get_readiness_tracker(self),
				   arc_engine_get_licenses(self), all_ok);
}
