/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-readiness.h"

#include "arc-storage-probe.h"

/* readiness writes to storage at most this often: k8s asks every 5 s (docs/decisions.md) */
#define ARC_READINESS_STORAGE_PROBE_USEC (5 * G_USEC_PER_SEC)

struct _ArcReadiness {
	ArcNode *node;
	ArcStorageProbe *storage_probe; /* created by the first readiness check */
	gboolean listeners_ready;
	gchar *listeners_detail;
	gchar *dataplane_detail; /* (nullable): no `dataplane` check before the agent sets one */
	gboolean dataplane_ok;
	/* the tunnel's per-peer counters, installed by the agent's data plane (none while it is
	 * off): the engine shows them without knowing where they come from */
	ArcTunnelStatusFunc tunnel_status_func;
	gpointer tunnel_status_data;
	GDestroyNotify tunnel_status_destroy;
	/* the service interfaces' realised state, the same way */
	ArcServiceInterfaceFunc service_interface_func;
	gpointer service_interface_data;
};

/**
 * arc_readiness_new:
 * @node: this agent, whose storage and plugin settings are checked
 *
 * Returns: (transfer full): the readiness state: not listening yet
 */
ArcReadiness *
arc_readiness_new(ArcNode *node)
{
	ArcReadiness *self = g_new0(ArcReadiness, 1);

	self->node = g_object_ref(node);
	return self;
}

void
arc_readiness_free(ArcReadiness *self)
{
	if (self == NULL)
		return;
	arc_readiness_set_tunnel_status_func(self, NULL, NULL, NULL);
	g_clear_pointer(&self->storage_probe, arc_storage_probe_free);
	g_clear_object(&self->node);
	g_free(self->listeners_detail);
	g_free(self->dataplane_detail);
	g_free(self);
}

void
arc_readiness_set_listeners(ArcReadiness *self, gboolean ready, const gchar *detail)
{
	self->listeners_ready = ready;
	g_free(self->listeners_detail);
	self->listeners_detail = g_strdup(detail);
}

/* the agent's data plane: ok when it runs, and when it is off for lack of privilege */
void
arc_readiness_set_dataplane(ArcReadiness *self, gboolean ok, const gchar *detail)
{
	self->dataplane_ok = ok;
	g_free(self->dataplane_detail);
	self->dataplane_detail = g_strdup(detail);
}

/* how the data plane's tunnel reports its peers; replaces (and destroys) the one before */
void
arc_readiness_set_tunnel_status_func(ArcReadiness *self, ArcTunnelStatusFunc func,
				     gpointer user_data, GDestroyNotify destroy)
{
	if (self->tunnel_status_destroy != NULL)
		self->tunnel_status_destroy(self->tunnel_status_data);
	self->tunnel_status_func = func;
	self->tunnel_status_data = user_data;
	self->tunnel_status_destroy = destroy;
}

/* (transfer full) (nullable): the tunnel's peers now; %NULL without a tunnel */
GPtrArray *
arc_readiness_get_tunnel_status(ArcReadiness *self)
{
	if (self->tunnel_status_func == NULL)
		return NULL;
	return self->tunnel_status_func(self->tunnel_status_data);
}

/* how the data plane reports this node's service interfaces; %NULL while it is off */
void
arc_readiness_set_service_interface_func(ArcReadiness *self, ArcServiceInterfaceFunc func,
					 gpointer user_data)
{
	self->service_interface_func = func;
	self->service_interface_data = user_data;
}

/* (transfer full) (nullable): the service interfaces now; %NULL without a data plane */
GPtrArray *
arc_readiness_get_service_interfaces(ArcReadiness *self)
{
	if (self->service_interface_func == NULL)
		return NULL;
	return self->service_interface_func(self->service_interface_data);
}

static void
arc_readiness_add(GArray *checks, const gchar *name, gboolean ok, gchar *message)
{
	ArcReadinessCheck check = {name, ok, message};
	g_array_append_val(checks, check);
}

static void
arc_readiness_check_clear(gpointer data)
{
	ArcReadinessCheck *check = data;
	g_free(check->message);
}

/**
 * arc_readiness_check:
 * @self: the readiness state
 * @licenses: (nullable): the license manager, once plugins are loaded
 * @all_ok: (out): whether every check passes
 *
 * The checks of /readyz and of the systemd READY notification.
 *
 * Returns: (transfer full) (element-type ArcReadinessCheck): the checks
 */
GArray *
arc_readiness_check(ArcReadiness *self, ArcLicenseManager *licenses, gboolean *all_ok)
{
	GArray *checks = g_array_new(FALSE, TRUE, sizeof(ArcReadinessCheck));
	g_autoptr(GError) error = NULL;
	ArcLicense *license = licenses != NULL ? arc_license_manager_get_license(licenses) : NULL;
	ArcStorage *storage = arc_node_get_storage(self->node);
	ArcConfig *config = arc_node_get_config(self->node);
	gboolean storage_ok;

	g_array_set_clear_func(checks, arc_readiness_check_clear);
	if (self->storage_probe == NULL)
		self->storage_probe = arc_storage_probe_new(ARC_READINESS_STORAGE_PROBE_USEC);
	storage_ok = storage != NULL && arc_storage_probe_check(self->storage_probe, storage,
								g_get_monotonic_time(), &error);
	arc_readiness_add(checks, "storage", storage_ok,
			  storage_ok ? arc_storage_describe(storage)
				     : g_strdup(error != NULL ? error->message : "not open"));
	/* ready in every license state: a suspended agent must still take a renewed license
	 * (docs/license.md "Warnings") */
	if (license == NULL) {
		arc_readiness_add(checks, "license", TRUE, g_strdup("awaiting bootstrap"));
	} else {
		g_autofree gchar *message = arc_license_manager_get_message(licenses);
		arc_readiness_add(checks, "license", TRUE,
				  g_strdup_printf("%s is %s: %s", license->license_id,
						  arc_license_state_to_string(
							  arc_license_manager_get_state(licenses)),
						  message));
	}
	arc_readiness_add(checks, "plugins", licenses != NULL,
			  g_strdup_printf("storage=%s license=%s", config->storage_plugin,
					  config->license_plugin));
	arc_readiness_add(checks, "listeners", self->listeners_ready,
			  g_strdup(self->listeners_detail != NULL ? self->listeners_detail
								  : "not listening"));
	if (self->dataplane_detail != NULL)
		arc_readiness_add(checks, "dataplane", self->dataplane_ok,
				  g_strdup(self->dataplane_detail));
	*all_ok = TRUE;
	for (guint i = 0; i < checks->len; i++)
		*all_ok = *all_ok && g_array_index(checks, ArcReadinessCheck, i).ok;
	return checks;
}
