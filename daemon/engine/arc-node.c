/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-node.h"

#include "arc-handshaker.h"
#include "arc-key-file.h"

struct _ArcNode {
	GObject parent_instance;
	ArcConfig *config; /* not owned: outlives every node */
	ArcClockFunc clock_func;
	gpointer clock_data;
	ArcStorage *storage;                /* once plugins are loaded */
	ArcLicenseBackend *license_backend; /* once plugins are loaded */
	ArcIdentity *identity;              /* once bootstrapped */
	ArcTunnelKey *tunnel_key;           /* once bootstrapped */
	gchar *peer_id;
	gchar *cluster_id;
	gchar *name;
	guint16 api_port;
};

enum { SIGNAL_CLUSTER_ID_CHANGED, SIGNAL_NAME_CHANGED, N_SIGNALS };
static guint arc_node_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcNode, arc_node, G_TYPE_OBJECT)

static void
arc_node_finalize(GObject *object)
{
	ArcNode *self = ARC_NODE(object);

	g_clear_object(&self->storage);
	g_clear_object(&self->license_backend);
	g_clear_object(&self->identity);
	g_clear_object(&self->tunnel_key);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	g_free(self->name);
	G_OBJECT_CLASS(arc_node_parent_class)->finalize(object);
}

static void
arc_node_class_init(ArcNodeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->finalize = arc_node_finalize;
	/**
	 * ArcNode::cluster-id-changed:
	 * @former: the id this node held before
	 *
	 * The cluster id changed after bootstrap: clusters merged, or `cluster init --force`.
	 */
	arc_node_signals[SIGNAL_CLUSTER_ID_CHANGED] =
		g_signal_new("cluster-id-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	/**
	 * ArcNode::name-changed:
	 *
	 * The name in this agent's own record changed.
	 */
	arc_node_signals[SIGNAL_NAME_CHANGED] =
		g_signal_new("name-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 0);
}

static gint64
arc_node_real_clock_cb(gpointer user_data)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

static void
arc_node_init(ArcNode *self)
{
	self->clock_func = arc_node_real_clock_cb;
}

/**
 * arc_node_new:
 * @config: (transfer none): the settings; must outlive the node
 *
 * Returns: (transfer full): a node that is not bootstrapped, advertising the configured port
 */
ArcNode *
arc_node_new(ArcConfig *config)
{
	ArcNode *self = g_object_new(ARC_TYPE_NODE, NULL);

	self->config = config;
	self->api_port = config->listen_port;
	return self;
}

ArcConfig *
arc_node_get_config(ArcNode *self)
{
	return self->config;
}

/**
 * arc_node_set_clock:
 * @self: the node
 * @func: returns seconds since the epoch
 * @user_data: for @func
 *
 * Lets tests move time, e.g. through the license states.
 */
void
arc_node_set_clock(ArcNode *self, ArcClockFunc func, gpointer user_data)
{
	self->clock_func = func;
	self->clock_data = user_data;
}

/* the time every manager goes by, in seconds since the epoch */
gint64
arc_node_now(ArcNode *self)
{
	return self->clock_func(self->clock_data);
}

/* the plugins agent.conf chose, once loaded */
void
arc_node_set_plugins(ArcNode *self, ArcStorage *storage, ArcLicenseBackend *backend)
{
	g_set_object(&self->storage, storage);
	g_set_object(&self->license_backend, backend);
}

/* (transfer none) (nullable): storage, once plugins are loaded */
ArcStorage *
arc_node_get_storage(ArcNode *self)
{
	return self->storage;
}

/* (transfer none) (nullable): the license plugin, once plugins are loaded */
ArcLicenseBackend *
arc_node_get_license_backend(ArcNode *self)
{
	return self->license_backend;
}

/**
 * arc_node_set_identity:
 * @self: the node
 * @identity: peer.key
 * @peer_id: this agent's peer id
 * @cluster_id: its cluster
 * @name: (nullable): the name in its record
 *
 * Who this node is, from arctic.db at start or from bootstrap. Emits nothing: the engine
 * announces a bootstrap itself.
 */
void
arc_node_set_identity(ArcNode *self, ArcIdentity *identity, const gchar *peer_id,
		      const gchar *cluster_id, const gchar *name)
{
	g_set_object(&self->identity, identity);
	g_free(self->peer_id);
	self->peer_id = g_strdup(peer_id);
	g_free(self->cluster_id);
	self->cluster_id = g_strdup(cluster_id);
	g_free(self->name);
	self->name = g_strdup(name);
}

gboolean
arc_node_is_bootstrapped(ArcNode *self)
{
	return self->peer_id != NULL;
}

/* (transfer none) (nullable): peer.key, once bootstrapped */
ArcIdentity *
arc_node_get_identity(ArcNode *self)
{
	return self->identity;
}

/* (nullable): this agent's peer id, once bootstrapped */
const gchar *
arc_node_get_peer_id(ArcNode *self)
{
	return self->peer_id;
}

/* (nullable): this agent's cluster id, once bootstrapped */
const gchar *
arc_node_get_cluster_id(ArcNode *self)
{
	return self->cluster_id;
}

/**
 * arc_node_set_cluster_id:
 * @self: the node, bootstrapped
 * @cluster_id: its new cluster id
 *
 * Emits #ArcNode::cluster-id-changed with the former id if the id changes.
 */
void
arc_node_set_cluster_id(ArcNode *self, const gchar *cluster_id)
{
	g_autofree gchar *former = NULL;

	if (g_strcmp0(self->cluster_id, cluster_id) == 0)
		return;
	former = g_steal_pointer(&self->cluster_id);
	self->cluster_id = g_strdup(cluster_id);
	g_signal_emit(self, arc_node_signals[SIGNAL_CLUSTER_ID_CHANGED], 0, former);
}

/* (nullable): the name in this agent's own record */
const gchar *
arc_node_get_name(ArcNode *self)
{
	return self->name;
}

/* emits #ArcNode::name-changed if @name differs */
void
arc_node_set_name(ArcNode *self, const gchar *name)
{
	if (g_strcmp0(self->name, name) == 0)
		return;
	g_free(self->name);
	self->name = g_strdup(name);
	g_signal_emit(self, arc_node_signals[SIGNAL_NAME_CHANGED], 0);
}

/* the port the API listens on once bound: it differs from the configured one when that is 0 */
void
arc_node_set_api_port(ArcNode *self, guint16 port)
{
	self->api_port = port;
}

guint16
arc_node_get_api_port(ArcNode *self)
{
	return self->api_port;
}

/* (transfer full): where other agents reach this one (arc_handshaker_advertised_address()) */
gchar *
arc_node_advertised_address(ArcNode *self, const gchar *remote)
{
	return arc_handshaker_advertised_address(self->config, self->api_port, remote);
}

/* (transfer full): the address this agent's own record should state, given the one @stored
 * there (arc_handshaker_own_address()) */
gchar *
arc_node_own_address(ArcNode *self, const gchar *stored, const gchar *remote)
{
	return arc_handshaker_own_address(self->config, self->api_port, stored, remote);
}

/**
 * arc_node_load_tunnel_key:
 * @self: the node
 * @error: return location for a #GError
 *
 * Loads `tunnel.key` beside `peer.key` in the data directory, or creates it (mode 0600):
 * the X25519 key of this node's tunnel, which its peer record publishes.
 *
 * Returns: %TRUE once the node holds its tunnel key
 */
gboolean
arc_node_load_tunnel_key(ArcNode *self, GError **error)
{
	g_autofree gchar *path = NULL;
	ArcTunnelKey *key;

	if (self->tunnel_key != NULL)
		return TRUE;
	path = g_build_filename(self->config->data_dir, "tunnel.key", NULL);
	key = arc_tunnel_key_load_or_create(path, error);
	if (key == NULL)
		return FALSE;
	self->tunnel_key = key;
	return TRUE;
}

/* (transfer none) (nullable): the tunnel key, once loaded */
ArcTunnelKey *
arc_node_get_tunnel_key(ArcNode *self)
{
	return self->tunnel_key;
}
