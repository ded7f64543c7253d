/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-engine-status.h"

#include "arc-engine-license.h"
#include "arc-engine-managers.h"
#include "arc-storage-probe.h"
#include "arc-text.h"

/* readiness writes to storage at most this often: k8s asks every 5 s (docs/decisions.md) */
#define ARC_ENGINE_STORAGE_PROBE_USEC (5 * G_USEC_PER_SEC)

/* The engine's status for the health endpoints: readiness and the JWKS keys. */

struct _ArcEngineReadiness {
	ArcStorageProbe *storage_probe; /* created by the first readiness check */
	gboolean listeners_ready;
	gchar *listeners_detail;
	gchar *dataplane_detail; /* (nullable): no `dataplane` check before the agent sets one */
	gboolean dataplane_ok;
};

ArcEngineReadiness *
arc_engine_readiness_new(void)
{
	return g_new0(ArcEngineReadiness, 1);
}

void
arc_engine_readiness_free(ArcEngineReadiness *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->storage_probe, arc_storage_probe_free);
	g_free(self->listeners_detail);
	g_free(self->dataplane_detail);
	g_free(self);
}

void
arc_engine_readiness_set_listeners(ArcEngineReadiness *self, gboolean ready, const gchar *detail)
{
	self->listeners_ready = ready;
	g_free(self->listeners_detail);
	self->listeners_detail = g_strdup(detail);
}

/* the agent's data plane: ok when it runs, and when it is disabled for lack of privilege */
void
arc_engine_readiness_set_dataplane(ArcEngineReadiness *self, gboolean ok, const gchar *detail)
{
	self->dataplane_ok = ok;
	g_free(self->dataplane_detail);
	self->dataplane_detail = g_strdup(detail);
}

static void
arc_engine_add_check(GArray *checks, const gchar *name, gboolean ok, gchar *message)
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
 * arc_engine_readiness_check:
 * @self: the readiness state
 * @engine: the engine whose storage, license and plugins are checked
 * @all_ok: (out): whether every check passes
 *
 * The checks of /readyz and of the systemd READY notification.
 *
 * Returns: (transfer full) (element-type ArcReadinessCheck): the checks
 */
GArray *
arc_engine_readiness_check(ArcEngineReadiness *self, ArcEngine *engine, gboolean *all_ok)
{
	GArray *checks = g_array_new(FALSE, TRUE, sizeof(ArcReadinessCheck));
	g_autoptr(GError) error = NULL;
	ArcLicense *license;
	ArcStorage *storage = arc_node_get_storage(arc_engine_get_node(engine));
	ArcConfig *config = arc_node_get_config(arc_engine_get_node(engine));
	gboolean storage_ok;

	g_array_set_clear_func(checks, arc_readiness_check_clear);
	if (self->storage_probe == NULL)
		self->storage_probe = arc_storage_probe_new(ARC_ENGINE_STORAGE_PROBE_USEC);
	storage_ok = storage != NULL && arc_storage_probe_check(self->storage_probe, storage,
								g_get_monotonic_time(), &error);
	arc_engine_add_check(checks, "storage", storage_ok,
			     storage_ok ? arc_storage_describe(storage)
					: g_strdup(error != NULL ? error->message : "not open"));
	/* ready in every license state: a suspended agent must still take a renewed license
	 * (docs/license.md "Warnings") */
	license = arc_engine_get_license_doc(engine);
	if (license == NULL) {
		arc_engine_add_check(checks, "license", TRUE, g_strdup("awaiting bootstrap"));
	} else {
		g_autofree gchar *message = arc_engine_get_license_message(engine);
		arc_engine_add_check(checks, "license", TRUE,
				     g_strdup_printf("%s is %s: %s", license->license_id,
						     arc_license_state_to_string(
							     arc_engine_get_license_state(engine)),
						     message));
	}
	arc_engine_add_check(checks, "plugins", arc_engine_get_licenses(engine) != NULL,
			     g_strdup_printf("storage=%s license=%s", config->storage_plugin,
					     config->license_plugin));
	arc_engine_add_check(checks, "listeners", self->listeners_ready,
			     g_strdup(self->listeners_detail != NULL ? self->listeners_detail
								     : "not listening"));
	if (self->dataplane_detail != NULL)
		arc_engine_add_check(checks, "dataplane", self->dataplane_ok,
				     g_strdup(self->dataplane_detail));
	*all_ok = TRUE;
	for (guint i = 0; i < checks->len; i++)
		*all_ok = *all_ok && g_array_index(checks, ArcReadinessCheck, i).ok;
	return checks;
}

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
