/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine.h"
#include "arc-engine-license.h"
#include "arc-engine-managers.h"

#include "arc-engine-view.h"
#include "arc-readiness.h"

/* The facade: the engine owns the managers and knows nothing of HTTP or D-Bus; the REST and
 * D-Bus adapters call its methods and serialise what they return. This file is the only one
 * that sees the struct: it makes the managers over the local node, hands them the host
 * tables of arc-engine-managers.c, turns their signals into its own, and starts and stops
 * them. The other arc-engine-*.c files implement the rest of arc-engine.h through the
 * managers' public headers. */

struct _ArcEngine {
	GObject parent_instance;
	ArcNode *node;
	ArcReadiness *readiness;
	ArcLicenseManager *licenses; /* once plugins are loaded */
	ArcAuthManager *auth;
	ArcHandshaker *handshaker; /* at the first handshake */
	ArcRegistry *registry;     /* once plugins are loaded */
	ArcPeerManager *peers;     /* with the registry */
	ArcServiceManager *services;
	ArcGossip *gossip;
	ArcClusterIdentity *cluster;   /* with the peer manager */
	ArcBootstrapper *bootstrapper; /* once plugins are loaded */
	ArcLeaver *leaver;             /* once plugins are loaded */
	ArcEngineView *view;           /* once plugins are loaded */
};

enum {
	PROP_0,
	PROP_BOOTSTRAPPED,
	PROP_PEER_ID,
	PROP_CLUSTER_ID,
	PROP_LICENSE_ID,
	PROP_LICENSE_STATE,
	N_PROPS
};
static GParamSpec *arc_engine_props[N_PROPS];

enum {
	SIGNAL_PEER_CHANGED,
	SIGNAL_PEER_STATE_CHANGED,
	SIGNAL_SERVICE_CHANGED,
	SIGNAL_VIEW_CHANGED,
	N_SIGNALS
};
static guint arc_engine_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcEngine, arc_engine, G_TYPE_OBJECT)

static void
arc_engine_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	ArcEngine *self = ARC_ENGINE(object);
	ArcLicense *license;

	switch (prop_id) {
	case PROP_BOOTSTRAPPED:
		g_value_set_boolean(value, arc_node_is_bootstrapped(self->node));
		break;
	case PROP_PEER_ID:
		g_value_set_string(value, arc_node_get_peer_id(self->node));
		break;
	case PROP_CLUSTER_ID:
		g_value_set_string(value, arc_node_get_cluster_id(self->node));
		break;
	case PROP_LICENSE_ID:
		license = arc_engine_get_license_doc(self);
		g_value_set_string(value, license != NULL ? license->license_id : NULL);
		break;
	case PROP_LICENSE_STATE:
		g_value_set_string(value, arc_engine_get_license_doc(self) != NULL
						  ? arc_license_state_to_string(
							    arc_engine_get_license_state(self))
						  : NULL);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
arc_engine_finalize(GObject *object)
{
	ArcEngine *self = ARC_ENGINE(object);
	arc_engine_stop(self);
	arc_engine_set_tunnel_status_func(self, NULL, NULL, NULL);
	g_clear_pointer(&self->view, arc_engine_view_free);
	g_clear_object(&self->auth);
	g_clear_object(&self->licenses);
	g_clear_pointer(&self->handshaker, arc_handshaker_free);
	g_clear_pointer(&self->bootstrapper, arc_bootstrapper_free);
	g_clear_pointer(&self->leaver, arc_leaver_free);
	g_clear_pointer(&self->cluster, arc_cluster_identity_free);
	g_clear_pointer(&self->peers, arc_peer_manager_free);
	g_clear_object(&self->services);
	g_clear_object(&self->registry);
	g_clear_pointer(&self->readiness, arc_readiness_free);
	g_clear_object(&self->node);
	G_OBJECT_CLASS(arc_engine_parent_class)->finalize(object);
}

static void
arc_engine_class_init(ArcEngineClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->finalize = arc_engine_finalize;
	object_class->get_property = arc_engine_get_property;
	arc_engine_props[PROP_BOOTSTRAPPED] = g_param_spec_boolean(
		"bootstrapped", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	arc_engine_props[PROP_PEER_ID] = g_param_spec_string(
		"peer-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	arc_engine_props[PROP_CLUSTER_ID] = g_param_spec_string(
		"cluster-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	arc_engine_props[PROP_LICENSE_ID] = g_param_spec_string(
		"license-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	arc_engine_props[PROP_LICENSE_STATE] = g_param_spec_string(
		"license-state", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, arc_engine_props);
	/**
	 * ArcEngine::peer-changed:
	 * @peer_id: the peer added, changed or removed
	 */
	arc_engine_signals[SIGNAL_PEER_CHANGED] =
		g_signal_new("peer-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	/**
	 * ArcEngine::peer-state-changed:
	 * @peer_id: a peer
	 * @state: an #ArcGossipState: what this agent now observes of it (the adapters name
	 *   it with arc_gossip_state_to_string())
	 */
	arc_engine_signals[SIGNAL_PEER_STATE_CHANGED] =
		g_signal_new("peer-state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
	/**
	 * ArcEngine::service-changed:
	 * @service_id: the service created, changed (its routes too) or deleted
	 */
	arc_engine_signals[SIGNAL_SERVICE_CHANGED] =
		g_signal_new("service-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	/**
	 * ArcEngine::view-changed:
	 * @view: (type gpointer): the new #ArcClusterView, as arc_engine_get_view() returns it
	 */
	arc_engine_signals[SIGNAL_VIEW_CHANGED] =
		g_signal_new("view-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
arc_engine_init(ArcEngine *self)
{
}

/* clusters merged or `cluster init --force`: tokens are issued for the new id */
static void
arc_engine_cluster_id_changed_cb(ArcNode *node, const gchar *former, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	arc_auth_manager_set_issuer(self->auth, arc_node_get_identity(node),
				    arc_node_get_peer_id(node), arc_node_get_cluster_id(node));
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_CLUSTER_ID]);
}

/**
 * arc_engine_new:
 * @config: (transfer none): the settings; must outlive the engine
 *
 * Returns: (transfer full): an engine; call arc_engine_set_plugins() and arc_engine_start()
 */
ArcEngine *
arc_engine_new(ArcConfig *config)
{
	ArcEngine *self = g_object_new(ARC_TYPE_ENGINE, NULL);
	self->node = arc_node_new(config);
	self->readiness = arc_readiness_new(self->node);
	g_signal_connect(self->node, "cluster-id-changed",
			 G_CALLBACK(arc_engine_cluster_id_changed_cb), self);
	return self;
}

/**
 * arc_engine_set_clock:
 * @self: the engine
 * @func: returns seconds since the epoch
 * @user_data: for @func
 *
 * Lets tests move time, e.g. through the license states.
 */
void
arc_engine_set_clock(ArcEngine *self, ArcClockFunc func, gpointer user_data)
{
	arc_node_set_clock(self->node, func, user_data);
}

gint64
arc_engine_now(ArcEngine *self)
{
	return arc_node_now(self->node);
}

/* (transfer none): the local node, which the managers share */
ArcNode *
arc_engine_get_node(ArcEngine *self)
{
	return self->node;
}

/* what a commit changes beyond storage: the other peers */
static void
arc_engine_records_changed_cb(ArcRegistry *registry, GPtrArray *records, const gchar *from,
			      gboolean push, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	if (push && self->gossip != NULL && !arc_peer_manager_is_deactivated(self->peers))
		arc_gossip_push(self->gossip, records, from);
	if (self->view != NULL)
		arc_engine_view_records_changed(self->view, records);
}

/* what the peer manager's upcall tells (arc_engine_peers_host) */
void
arc_engine_emit_peer_changed(ArcEngine *self, const gchar *peer_id)
{
	g_signal_emit(self, arc_engine_signals[SIGNAL_PEER_CHANGED], 0, peer_id);
}

/* what gossip observes of a peer is the engine's to tell */
static void
arc_engine_gossip_peer_state_cb(ArcGossip *gossip, const gchar *peer_id, gint state,
				gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);

	g_signal_emit(self, arc_engine_signals[SIGNAL_PEER_STATE_CHANGED], 0, peer_id, state);
	arc_engine_view_schedule(self->view);
}

static void
arc_engine_service_changed_cb(ArcServiceManager *services, const gchar *service_id,
			      gpointer user_data)
{
	g_signal_emit(ARC_ENGINE(user_data), arc_engine_signals[SIGNAL_SERVICE_CHANGED], 0,
		      service_id);
}

static void
arc_engine_view_publish_cb(ArcClusterView *view, gpointer user_data)
{
	g_signal_emit(ARC_ENGINE(user_data), arc_engine_signals[SIGNAL_VIEW_CHANGED], 0, view);
}

/**
 * arc_engine_get_view:
 * @self: the engine
 *
 * What this node must realise in the kernel, rebuilt on idle after the changes that touch
 * it (#ArcEngine::view-changed).
 *
 * Returns: (transfer none) (nullable): the last view published, %NULL before the first
 */
ArcClusterView *
arc_engine_get_view(ArcEngine *self)
{
	return self->view != NULL ? arc_engine_view_get(self->view) : NULL;
}

static void
arc_engine_setup_registry(ArcEngine *self)
{
	ArcStorage *storage = arc_node_get_storage(self->node);

	self->registry = arc_registry_new(storage);
	self->auth = arc_auth_manager_new(storage);
	arc_auth_manager_set_registry(self->auth, self->registry,
				      arc_node_get_config(self->node)->auth_issuer);
	self->services =
		arc_service_manager_new(self->node, self->registry, &arc_engine_service_host, self);
	g_signal_connect(self->services, "service-changed",
			 G_CALLBACK(arc_engine_service_changed_cb), self);
	self->peers = arc_peer_manager_new(self->node, self->registry, self->auth,
					   &arc_engine_peers_host, self);
	self->cluster = arc_cluster_identity_new(self->node, self->auth, self->peers);
	g_signal_connect(self->registry, "records-changed",
			 G_CALLBACK(arc_engine_records_changed_cb), self);
}

static void
arc_engine_license_state_changed_cb(ArcLicenseManager *licenses, gpointer user_data)
{
	g_object_notify_by_pspec(G_OBJECT(user_data), arc_engine_props[PROP_LICENSE_STATE]);
	arc_engine_view_schedule(ARC_ENGINE(user_data)->view);
}

/* a renewal in force: services are counted again against its limits, and this agent's own
 * record states the license id */
static void
arc_engine_license_changed_cb(ArcLicenseManager *licenses, ArcLicense *license, gpointer user_data)
{
	ArcEngine *self = ARC_ENGINE(user_data);
	g_autoptr(GError) error = NULL;

	arc_service_manager_invalidate(self->services);
	arc_engine_view_schedule(self->view);
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_LICENSE_ID]);
	if (!arc_peer_manager_edit_own_record(self->peers, "license_id", license->license_id,
					      &error))
		g_warning("cannot state license %s in this agent's record: %s", license->license_id,
			  error->message);
}

static void
arc_engine_setup_licenses(ArcEngine *self)
{
	self->licenses = arc_license_manager_new(self->node, self->registry);
	g_signal_connect(self->licenses, "state-changed",
			 G_CALLBACK(arc_engine_license_state_changed_cb), self);
	g_signal_connect(self->licenses, "license-changed",
			 G_CALLBACK(arc_engine_license_changed_cb), self);
}

/**
 * arc_engine_set_plugins:
 * @self: the engine, not started
 * @storage: the storage plugin agent.conf names, set up
 * @license: the license plugin agent.conf names, set up
 *
 * The plugins the agent's wiring loaded (arc_plugin_loader_load_required()): the managers
 * are made over them.
 */
void
arc_engine_set_plugins(ArcEngine *self, ArcStorage *storage, ArcLicenseBackend *license)
{
	arc_node_set_plugins(self->node, storage, license);
	arc_engine_setup_registry(self);
	arc_engine_setup_licenses(self);
	self->bootstrapper = arc_bootstrapper_new(self->node, self->registry, self->auth,
						  self->licenses, self->peers, self->cluster);
	self->leaver = arc_leaver_new(self->node, self->registry, self->peers, self->licenses);
	self->view = arc_engine_view_new(self->node, self->peers, self->services, self->licenses,
					 arc_engine_view_publish_cb, self);
}

static void arc_engine_start_gossip(ArcEngine *self);

/* this node's tunnel key beside peer.key, and a first view, which claims its addresses: at
 * once, so that the record states them before the agent answers */
static void
arc_engine_start_tunnel(ArcEngine *self)
{
	g_autoptr(GError) error = NULL;

	if (!arc_node_load_tunnel_key(self->node, &error))
		g_warning("this node has no tunnel: %s", error->message);
	arc_engine_view_flush(self->view);
}

/**
 * arc_engine_start:
 * @self: the engine, with plugins loaded
 * @error: return location for a #GError
 *
 * Opens storage and, for a bootstrapped agent, checks peer.key and the stored license.
 *
 * Returns: %TRUE if the agent may serve
 */
gboolean
arc_engine_start(ArcEngine *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	ArcConfig *config = arc_node_get_config(self->node);
	ArcStorage *storage = arc_node_get_storage(self->node);

	if (g_mkdir_with_parents(config->data_dir, 0700) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "cannot create data directory %s: %s", config->data_dir,
			    g_strerror(errno));
		return FALSE;
	}
	arc_bootstrapper_log_data_state(self->bootstrapper);
	if (!arc_storage_open(storage, config->data_dir, error))
		return FALSE;
	arc_auth_manager_load_issuer(self->auth, config->auth_issuer);
	if (!arc_auth_manager_load(self->auth, error))
		return FALSE;
	if (!arc_bootstrapper_load(self->bootstrapper, error))
		return FALSE;
	arc_bootstrapper_publish_issuer(self->bootstrapper);
	if (!arc_auth_manager_setup_recovery(self->auth, config->recovery_token_file,
					     &error_local)) {
		g_warning("recovery token disabled: %s", error_local->message);
	}
	if (arc_node_is_bootstrapped(self->node)) {
		g_info("agent is peer %s of cluster %s", arc_node_get_peer_id(self->node),
		       arc_node_get_cluster_id(self->node));
		arc_engine_start_gossip(self);
		arc_engine_start_tunnel(self);
	} else
		g_info("agent is not bootstrapped yet: POST /v1/bootstrap with a license");
	return TRUE;
}

void
arc_engine_stop(ArcEngine *self)
{
	if (self->gossip != NULL) {
		arc_gossip_stop(self->gossip);
		g_clear_object(&self->gossip);
	}
	if (self->licenses != NULL)
		arc_license_manager_stop(self->licenses);
	if (arc_node_get_storage(self->node) != NULL)
		arc_storage_close(arc_node_get_storage(self->node));
}

static void
arc_engine_start_gossip(ArcEngine *self)
{
	if (self->gossip != NULL || !arc_node_is_bootstrapped(self->node))
		return;
	g_ptr_array_unref(arc_registry_get_members(self->registry));
	self->gossip = arc_gossip_new(self->node, self->registry, &arc_engine_gossip_host, self);
	g_signal_connect(self->gossip, "peer-state-changed",
			 G_CALLBACK(arc_engine_gossip_peer_state_cb), self);
	arc_gossip_start(self->gossip);
}

/* (transfer none) (nullable): the registry, once plugins are loaded */
ArcRegistry *
arc_engine_get_registry(ArcEngine *self)
{
	return self->registry;
}

ArcAuthManager *
arc_engine_get_auth(ArcEngine *self)
{
	return self->auth;
}

/* (transfer none) (nullable): the keeper of the cluster id, once plugins are loaded */
ArcClusterIdentity *
arc_engine_get_cluster_identity(ArcEngine *self)
{
	return self->cluster;
}

/* (transfer none) (nullable): the leave protocol, once plugins are loaded */
ArcLeaver *
arc_engine_get_leaver(ArcEngine *self)
{
	return self->leaver;
}

/* (transfer none) (nullable): gossip, once bootstrapped */
ArcGossip *
arc_engine_get_gossip(ArcEngine *self)
{
	return self->gossip;
}

/* (transfer none) (nullable): the license manager, once plugins are loaded */
ArcLicenseManager *
arc_engine_get_licenses(ArcEngine *self)
{
	return self->licenses;
}

ArcServiceManager *
arc_engine_get_service_manager(ArcEngine *self)
{
	return self->services;
}

ArcPeerManager *
arc_engine_get_peer_manager(ArcEngine *self)
{
	return self->peers;
}

/* (transfer none) (nullable): bootstrap, once plugins are loaded */
ArcBootstrapper *
arc_engine_get_bootstrapper(ArcEngine *self)
{
	return self->bootstrapper;
}

ArcHandshaker *
arc_engine_get_handshaker(ArcEngine *self)
{
	ArcConfig *config = arc_node_get_config(self->node);

	if (self->handshaker != NULL)
		return self->handshaker;
	self->handshaker = arc_handshaker_new(config->handshake_timeout, config->reach_back_timeout,
					      config->tls_ca_file);
	arc_handshaker_set_peers(self->handshaker, self->node, self->registry, self->peers);
	arc_handshaker_set_host(self->handshaker, &arc_engine_handshaker_host, self);
	return self->handshaker;
}

gboolean
arc_engine_is_bootstrapped(ArcEngine *self)
{
	return arc_node_is_bootstrapped(self->node);
}

/* (transfer none): the checks of /readyz and the data plane's reports (arc-engine-status.c) */
ArcReadiness *
arc_engine_get_readiness_tracker(ArcEngine *self)
{
	return self->readiness;
}

/**
 * arc_engine_bootstrapped:
 * @self: the engine
 * @res: the bootstrap the bootstrapper stored and adopted
 * @license: its license
 *
 * Tells the change of identity and starts what a bootstrapped agent runs: gossip and the
 * tunnel.
 */
void
arc_engine_bootstrapped(ArcEngine *self, const ArcBootstrapResult *res, const ArcLicense *license)
{
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_PEER_ID]);
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_CLUSTER_ID]);
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_LICENSE_ID]);
	g_object_notify_by_pspec(G_OBJECT(self), arc_engine_props[PROP_BOOTSTRAPPED]);
	g_info("bootstrapped as peer %s of cluster %s with license %s", res->peer_id,
	       res->cluster_id, license->license_id);
	arc_engine_start_gossip(self);
	arc_engine_start_tunnel(self);
}
