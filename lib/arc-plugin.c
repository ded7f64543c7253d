/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-plugin.h"

#include "arc-error.h"
#include "arc-license-backend.h"
#include "arc-storage.h"
#include "arc-transport.h"
#include "arc-tunnel.h"

typedef struct {
	gchar *name;
} ArcPluginPrivate;

G_DEFINE_TYPE_WITH_PRIVATE(ArcPlugin, arc_plugin, G_TYPE_OBJECT)

#define GET_PRIVATE(o) (arc_plugin_get_instance_private(o))

static const gchar *arc_plugin_kind_names[] = {"storage", "license", "transport", "tunnel"};
G_STATIC_ASSERT(G_N_ELEMENTS(arc_plugin_kind_names) == ARC_PLUGIN_KIND_LAST);

static void
arc_plugin_finalize(GObject *object)
{
	ArcPluginPrivate *priv = GET_PRIVATE(ARC_PLUGIN(object));
	g_free(priv->name);
	G_OBJECT_CLASS(arc_plugin_parent_class)->finalize(object);
}

static void
arc_plugin_class_init(ArcPluginClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_plugin_finalize;
}

static void
arc_plugin_init(ArcPlugin *self)
{
}

/**
 * arc_plugin_get_name:
 * @self: a #ArcPlugin
 *
 * Returns: the name from the plugin's descriptor, or the type name before it is loaded
 */
const gchar *
arc_plugin_get_name(ArcPlugin *self)
{
	ArcPluginPrivate *priv;

	g_return_val_if_fail(ARC_IS_PLUGIN(self), NULL);
	priv = GET_PRIVATE(self);
	return priv->name != NULL ? priv->name : G_OBJECT_TYPE_NAME(self);
}

void
arc_plugin_set_name(ArcPlugin *self, const gchar *name)
{
	ArcPluginPrivate *priv;

	g_return_if_fail(ARC_IS_PLUGIN(self));
	priv = GET_PRIVATE(self);
	g_free(priv->name);
	priv->name = g_strdup(name);
}

/**
 * arc_plugin_setup:
 * @self: a #ArcPlugin
 * @config: the agent configuration
 * @data_dir: the agent's data directory
 * @error: return location for a #GError
 *
 * Runs the plugin's setup vfunc, if it has one.
 *
 * Returns: %TRUE if the plugin is ready to use
 */
gboolean
arc_plugin_setup(ArcPlugin *self, GKeyFile *config, const gchar *data_dir, GError **error)
{
	ArcPluginClass *klass;
	GError *error_local = NULL;
	gboolean ok;

	g_return_val_if_fail(ARC_IS_PLUGIN(self), FALSE);
	klass = ARC_PLUGIN_GET_CLASS(self);
	if (klass->setup == NULL)
		return TRUE;
	ok = klass->setup(self, config, data_dir, &error_local);
	return arc_plugin_check_result(self, "setup", ok, error_local, error);
}

const gchar *
arc_plugin_kind_to_string(ArcPluginKind kind)
{
	if ((guint)kind >= ARC_PLUGIN_KIND_LAST)
		return "unknown";
	return arc_plugin_kind_names[kind];
}

gboolean
arc_plugin_kind_from_string(const gchar *str, ArcPluginKind *kind)
{
	for (guint i = 0; i < ARC_PLUGIN_KIND_LAST; i++) {
		if (g_strcmp0(str, arc_plugin_kind_names[i]) == 0) {
			*kind = (ArcPluginKind)i;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * arc_plugin_kind_interface_type:
 * @kind: an #ArcPluginKind
 *
 * Returns: the GInterface a plugin of @kind must implement
 */
GType
arc_plugin_kind_interface_type(ArcPluginKind kind)
{
	switch (kind) {
	case ARC_PLUGIN_KIND_STORAGE:
		return ARC_TYPE_STORAGE;
	case ARC_PLUGIN_KIND_LICENSE:
		return ARC_TYPE_LICENSE_BACKEND;
	case ARC_PLUGIN_KIND_TRANSPORT:
		return ARC_TYPE_TRANSPORT;
	case ARC_PLUGIN_KIND_TUNNEL:
		return ARC_TYPE_TUNNEL;
	default:
		return G_TYPE_INVALID;
	}
}

/**
 * arc_plugin_check_result:
 * @self: the plugin whose vfunc ran
 * @vfunc_name: which vfunc, for the message
 * @ok: what the vfunc reported
 * @error_local: (transfer full) (nullable): the error the vfunc set
 * @error: return location for a #GError
 *
 * The common half of every runner: a failure must carry an #ArcError, and the error names
 * the plugin so an operator knows where to look.
 *
 * Returns: @ok
 */
gboolean
arc_plugin_check_result(ArcPlugin *self, const gchar *vfunc_name, gboolean ok, GError *error_local,
			GError **error)
{
	if (ok) {
		if (error_local != NULL) {
			g_warning("plugin %s: %s succeeded but set an error: %s",
				  arc_plugin_get_name(self), vfunc_name, error_local->message);
			g_error_free(error_local);
		}
		return TRUE;
	}
	if (error_local == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "%s: %s failed without saying why", arc_plugin_get_name(self),
			    vfunc_name);
		return FALSE;
	}
	arc_error_convert(&error_local);
	g_propagate_prefixed_error(error, error_local, "%s: ", arc_plugin_get_name(self));
	return FALSE;
}

gboolean
arc_plugin_not_supported(ArcPlugin *self, const gchar *vfunc_name, GError **error)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_NOT_SUPPORTED, "%s: %s is not implemented",
		    arc_plugin_get_name(self), vfunc_name);
	return FALSE;
}
