/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-ed25519-file-plugin.h"

#include <sodium.h>

#include "arc-ed25519-file-issuers.h"

struct _ArcEd25519FilePlugin {
	ArcPlugin parent_instance;
	gchar *issuers_dir;
	GPtrArray *builtin_keys; /* of utf8, canonical base64 */
};

enum {
	ARC_ED25519_FILE_PLUGIN_PROP_0,
	ARC_ED25519_FILE_PLUGIN_PROP_BUILTIN_KEYS,
	ARC_ED25519_FILE_PLUGIN_PROP_LAST
};

static GParamSpec *arc_ed25519_file_plugin_props[ARC_ED25519_FILE_PLUGIN_PROP_LAST] = {NULL};

static void arc_ed25519_file_plugin_license_iface_init(ArcLicenseBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(ArcEd25519FilePlugin, arc_ed25519_file_plugin, ARC_TYPE_PLUGIN,
			      G_IMPLEMENT_INTERFACE(ARC_TYPE_LICENSE_BACKEND,
						    arc_ed25519_file_plugin_license_iface_init))

/**
 * arc_ed25519_file_plugin_get_issuers_dir:
 * @self: the plugin
 *
 * Returns: the directory whose `*.pub` files are trusted issuer keys
 */
const gchar *
arc_ed25519_file_plugin_get_issuers_dir(ArcEd25519FilePlugin *self)
{
	g_return_val_if_fail(ARC_IS_ED25519_FILE_PLUGIN(self), NULL);
	return self->issuers_dir;
}

/* Read on every call rather than cached: verify() runs rarely, and a key added to or removed
 * from the directory must take effect without restarting the agent. */
static GPtrArray *
arc_ed25519_file_plugin_load_keys(ArcEd25519FilePlugin *self)
{
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < self->builtin_keys->len; i++)
		g_ptr_array_add(keys, g_strdup(g_ptr_array_index(self->builtin_keys, i)));
	arc_ed25519_file_issuers_scan_dir(keys, self->issuers_dir);
	return keys;
}

static ArcLicense *
arc_ed25519_file_plugin_verify(ArcLicenseBackend *backend, const gchar *document, gsize length,
			       GError **error)
{
	ArcEd25519FilePlugin *self = ARC_ED25519_FILE_PLUGIN(backend);
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GPtrArray) keys = NULL;

	g_return_val_if_fail(document != NULL, NULL);

	/* anything longer is refused by the parser; the clamp keeps the length a valid gssize */
	license = arc_license_parse(document, (gssize)MIN(length, ARC_LICENSE_MAX_SIZE + 1), error);
	if (license == NULL)
		return NULL;
	keys = arc_ed25519_file_plugin_load_keys(self);
	if (keys->len == 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
			    "license is not signed by a trusted issuer: no trusted license issuers "
			    "are configured (none built in, no usable key in %s)",
			    self->issuers_dir);
		return NULL;
	}
	for (guint i = 0; i < keys->len; i++) {
		const gchar *key_b64 = g_ptr_array_index(keys, i);
		guint8 key[crypto_sign_PUBLICKEYBYTES];

		if (!arc_ed25519_file_issuers_decode_key(key_b64, key))
			continue;
		if (arc_license_verify(license, key, NULL)) {
			g_free(license->issuer_key);
			license->issuer_key = g_strdup(key_b64);
			return g_steal_pointer(&license);
		}
	}
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
			    "license is not signed by a trusted issuer");
	return NULL;
}

static GPtrArray *
arc_ed25519_file_plugin_list_issuers(ArcLicenseBackend *backend)
{
	return arc_ed25519_file_plugin_load_keys(ARC_ED25519_FILE_PLUGIN(backend));
}

static gboolean
arc_ed25519_file_plugin_setup(ArcPlugin *plugin, GKeyFile *config, const gchar *data_dir,
			      GError **error)
{
	ArcEd25519FilePlugin *self = ARC_ED25519_FILE_PLUGIN(plugin);
	g_autofree gchar *dir = NULL;

	if (config == NULL ||
	    !g_key_file_has_key(config, ARC_ED25519_FILE_PLUGIN_GROUP, "issuers_dir", NULL))
		return TRUE;
	dir = g_key_file_get_string(config, ARC_ED25519_FILE_PLUGIN_GROUP, "issuers_dir", NULL);
	if (dir == NULL || !g_path_is_absolute(dir)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "[%s] issuers_dir must be an absolute path, not '%s'",
			    ARC_ED25519_FILE_PLUGIN_GROUP, dir != NULL ? dir : "");
		return FALSE;
	}
	g_free(self->issuers_dir);
	self->issuers_dir = g_steal_pointer(&dir);
	return TRUE;
}

static void
arc_ed25519_file_plugin_set_property(GObject *object, guint prop_id, const GValue *value,
				     GParamSpec *pspec)
{
	ArcEd25519FilePlugin *self = ARC_ED25519_FILE_PLUGIN(object);

	switch (prop_id) {
	case ARC_ED25519_FILE_PLUGIN_PROP_BUILTIN_KEYS:
		g_ptr_array_set_size(self->builtin_keys, 0);
		arc_ed25519_file_issuers_add_builtin(self->builtin_keys, g_value_get_string(value));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
arc_ed25519_file_plugin_get_property(GObject *object, guint prop_id, GValue *value,
				     GParamSpec *pspec)
{
	ArcEd25519FilePlugin *self = ARC_ED25519_FILE_PLUGIN(object);

	switch (prop_id) {
	case ARC_ED25519_FILE_PLUGIN_PROP_BUILTIN_KEYS: {
		g_autoptr(GPtrArray) copy = g_ptr_array_copy(self->builtin_keys, NULL, NULL);
		g_ptr_array_add(copy, NULL);
		g_value_take_string(value, g_strjoinv(",", (gchar **)copy->pdata));
		break;
	}
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
arc_ed25519_file_plugin_finalize(GObject *object)
{
	ArcEd25519FilePlugin *self = ARC_ED25519_FILE_PLUGIN(object);

	g_free(self->issuers_dir);
	g_ptr_array_unref(self->builtin_keys);
	G_OBJECT_CLASS(arc_ed25519_file_plugin_parent_class)->finalize(object);
}

static void
arc_ed25519_file_plugin_license_iface_init(ArcLicenseBackendInterface *iface)
{
	iface->verify = arc_ed25519_file_plugin_verify;
	iface->list_issuers = arc_ed25519_file_plugin_list_issuers;
}

static void
arc_ed25519_file_plugin_class_init(ArcEd25519FilePluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	ArcPluginClass *plugin_class = ARC_PLUGIN_CLASS(klass);

	object_class->finalize = arc_ed25519_file_plugin_finalize;
	object_class->set_property = arc_ed25519_file_plugin_set_property;
	object_class->get_property = arc_ed25519_file_plugin_get_property;
	plugin_class->setup = arc_ed25519_file_plugin_setup;

	/**
	 * ArcEd25519FilePlugin:builtin-keys:
	 *
	 * Comma-separated base64 issuer keys trusted besides the issuers directory. The agent
	 * leaves the default, the keys compiled in; tests and tools pass their own.
	 */
	arc_ed25519_file_plugin_props[ARC_ED25519_FILE_PLUGIN_PROP_BUILTIN_KEYS] =
		g_param_spec_string("builtin-keys", NULL, NULL, ARC_BUILTIN_ISSUER_KEYS,
				    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
					    G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, ARC_ED25519_FILE_PLUGIN_PROP_LAST,
					  arc_ed25519_file_plugin_props);
}

static void
arc_ed25519_file_plugin_init(ArcEd25519FilePlugin *self)
{
	self->issuers_dir = g_strdup(ARC_ISSUERS_DIR);
	self->builtin_keys = g_ptr_array_new_with_free_func(g_free);
}
