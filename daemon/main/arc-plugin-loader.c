/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "plugins"

#include "arc-plugin-loader.h"

#include <gmodule.h>

#include "arc-plugin-note.h"

struct _ArcPluginLoader {
	GObject parent_instance;
	gchar *directory;
	GPtrArray *infos; /* of ArcPluginInfo, in file-name order */
};

G_DEFINE_FINAL_TYPE(ArcPluginLoader, arc_plugin_loader, G_TYPE_OBJECT)

static void
arc_plugin_info_free(ArcPluginInfo *info)
{
	g_free(info->path);
	g_free(info->name);
	g_free(info->version);
	g_clear_object(&info->plugin);
	g_free(info->refused);
	g_free(info);
}

static void
arc_plugin_loader_finalize(GObject *object)
{
	ArcPluginLoader *self = ARC_PLUGIN_LOADER(object);
	g_free(self->directory);
	g_ptr_array_unref(self->infos);
	G_OBJECT_CLASS(arc_plugin_loader_parent_class)->finalize(object);
}

static void
arc_plugin_loader_class_init(ArcPluginLoaderClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_plugin_loader_finalize;
}

static void
arc_plugin_loader_init(ArcPluginLoader *self)
{
	self->infos = g_ptr_array_new_with_free_func((GDestroyNotify)arc_plugin_info_free);
}

/**
 * arc_plugin_loader_new:
 * @directory: where the plugin modules are
 *
 * Returns: (transfer full): a loader; call arc_plugin_loader_scan()
 */
ArcPluginLoader *
arc_plugin_loader_new(const gchar *directory)
{
	ArcPluginLoader *self = g_object_new(ARC_TYPE_PLUGIN_LOADER, NULL);
	self->directory = g_strdup(directory);
	return self;
}

const gchar *
arc_plugin_loader_get_directory(ArcPluginLoader *self)
{
	return self->directory;
}

static gboolean arc_plugin_loader_refuse(ArcPluginInfo *info, const gchar *format, ...)
	G_GNUC_PRINTF(2, 3);

static gboolean
arc_plugin_loader_refuse(ArcPluginInfo *info, const gchar *format, ...)
{
	va_list args;
	va_start(args, format);
	info->refused = g_strdup_vprintf(format, args);
	va_end(args);
	g_warning("refusing plugin %s: %s", info->path, info->refused);
	return FALSE;
}

/* the facts a descriptor or a note gives, before anything in the module is called */
typedef struct {
	guint32 abi_major;
	guint32 abi_minor;
	const gchar *name;
	guint kind;
	const gchar *version;
} ArcPluginFacts;

static gboolean
arc_plugin_loader_check_facts(ArcPluginLoader *self, ArcPluginInfo *info,
			      const ArcPluginFacts *facts)
{
	info->abi_major = facts->abi_major;
	info->abi_minor = facts->abi_minor;
	if (facts->abi_major != ARC_PLUGIN_ABI_MAJOR || facts->abi_minor > ARC_PLUGIN_ABI_MINOR) {
		return arc_plugin_loader_refuse(
			info, "built for plugin ABI %u.%u, this agent provides ABI %u.%u",
			facts->abi_major, facts->abi_minor, (guint)ARC_PLUGIN_ABI_MAJOR,
			(guint)ARC_PLUGIN_ABI_MINOR);
	}
	if (facts->name == NULL || facts->name[0] == '\0')
		return arc_plugin_loader_refuse(info, "descriptor has no name or no get_type");
	if (facts->kind >= ARC_PLUGIN_KIND_LAST)
		return arc_plugin_loader_refuse(info, "descriptor has unknown kind %u",
						facts->kind);
	g_free(info->name);
	info->name = g_strdup(facts->name);
	info->kind = facts->kind;
	info->version = g_strdup(facts->version != NULL ? facts->version : "");
	for (guint i = 0; i < self->infos->len; i++) {
		ArcPluginInfo *other = g_ptr_array_index(self->infos, i);
		if (other != info && other->refused == NULL &&
		    g_strcmp0(other->name, info->name) == 0)
			return arc_plugin_loader_refuse(info,
							"a plugin named '%s' is already "
							"loaded from %s",
							info->name, other->path);
	}
	return TRUE;
}

static gboolean
arc_plugin_loader_check_descriptor(ArcPluginLoader *self, ArcPluginInfo *info,
				   const ArcPluginDescriptor *desc)
{
	ArcPluginFacts facts = {desc->abi_major, desc->abi_minor, desc->name, (guint)desc->kind,
				desc->version};

	if (desc->get_type == NULL)
		return arc_plugin_loader_refuse(info, "descriptor has no name or no get_type");
	return arc_plugin_loader_check_facts(self, info, &facts);
}

static gboolean
arc_plugin_loader_instantiate(ArcPluginInfo *info, const ArcPluginDescriptor *desc)
{
	GType type = desc->get_type();
	GType iface = arc_plugin_kind_interface_type(info->kind);

	if (!g_type_is_a(type, ARC_TYPE_PLUGIN))
		return arc_plugin_loader_refuse(info, "type %s is not an ArcPlugin",
						g_type_name(type));
	if (!g_type_is_a(type, iface))
		return arc_plugin_loader_refuse(info, "type %s does not implement %s",
						g_type_name(type), g_type_name(iface));
	if (G_TYPE_IS_ABSTRACT(type))
		return arc_plugin_loader_refuse(info, "type %s is abstract", g_type_name(type));
	info->plugin = g_object_new(type, NULL);
	arc_plugin_set_name(info->plugin, info->name);
	return TRUE;
}

/* a module with the note of ARC_PLUGIN_DEFINE: checked from its file, opened only when used */
static gboolean
arc_plugin_loader_read_note(ArcPluginLoader *self, ArcPluginInfo *info)
{
	ArcPluginNoteDesc note;
	ArcPluginFacts facts;

	if (!arc_plugin_note_read_file(info->path, &note))
		return FALSE;
	facts = (ArcPluginFacts){note.abi_major, note.abi_minor, note.name, note.kind,
				 note.version};
	arc_plugin_loader_check_facts(self, info, &facts);
	return TRUE;
}

static void
arc_plugin_loader_load_file(ArcPluginLoader *self, const gchar *path)
{
	ArcPluginInfo *info = g_new0(ArcPluginInfo, 1);
	const ArcPluginDescriptor *desc = NULL;
	GModule *module;

	info->path = g_strdup(path);
	info->name = g_path_get_basename(path);
	info->kind = ARC_PLUGIN_KIND_LAST;
	g_ptr_array_add(self->infos, info);

	if (arc_plugin_loader_read_note(self, info))
		return;
	/* no note (an older SDK, or not a plugin): the descriptor is read from the module */
	module = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	if (module == NULL) {
		arc_plugin_loader_refuse(info, "cannot be loaded: %s", g_module_error());
		return;
	}
	if (!g_module_symbol(module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, (gpointer *)&desc) ||
	    desc == NULL) {
		arc_plugin_loader_refuse(info, "no %s symbol: not an Arctic plugin",
					 ARC_PLUGIN_DESCRIPTOR_SYMBOL);
		g_module_close(module);
		return;
	}
	if (!arc_plugin_loader_check_descriptor(self, info, desc)) {
		g_module_close(module);
		return;
	}
	/* Only a plugin the agent uses is instantiated (a tunnel plugin while the data plane is
	 * off is not: no types, no self-tests). The module stays mapped: closing it would not
	 * unmap what its libraries pin (libcrypto), and their constructors' allocations would
	 * then look leaked to LeakSanitizer. arc_plugin_loader_use() instantiates it. */
	g_module_make_resident(module);
}

/* whether the descriptor of a module says what its note, or an earlier open, said */
static gboolean
arc_plugin_loader_same(const ArcPluginInfo *info, const ArcPluginDescriptor *desc)
{
	return desc != NULL && desc->get_type != NULL && g_strcmp0(desc->name, info->name) == 0 &&
	       desc->kind == info->kind && desc->abi_major == info->abi_major &&
	       desc->abi_minor == info->abi_minor;
}

/* opens a module the scan accepted, for good, and makes its instance */
static gboolean
arc_plugin_loader_use(ArcPluginInfo *info)
{
	const ArcPluginDescriptor *desc = NULL;
	GModule *module;

	if (info->plugin != NULL || info->refused != NULL)
		return info->plugin != NULL;
	module = g_module_open(info->path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
	if (module == NULL)
		return arc_plugin_loader_refuse(info, "cannot be loaded: %s", g_module_error());
	if (!g_module_symbol(module, ARC_PLUGIN_DESCRIPTOR_SYMBOL, (gpointer *)&desc) ||
	    !arc_plugin_loader_same(info, desc)) {
		g_module_close(module);
		return arc_plugin_loader_refuse(info, "its descriptor differs from its note, or it "
						      "changed on disk since the agent started");
	}
	/* for good: GTypes cannot be unregistered once get_type() runs */
	g_module_make_resident(module);
	if (!arc_plugin_loader_instantiate(info, desc))
		return FALSE;
	g_debug("loaded %s plugin %s %s from %s", arc_plugin_kind_to_string(info->kind), info->name,
		info->version, info->path);
	return TRUE;
}

/**
 * arc_plugin_loader_load_all:
 * @self: the loader
 *
 * Loads every module the scan accepted, so that each one's type is checked too (for
 * `--list-plugins`); the agent itself loads only those it uses.
 */
void
arc_plugin_loader_load_all(ArcPluginLoader *self)
{
	for (guint i = 0; i < self->infos->len; i++)
		arc_plugin_loader_use(g_ptr_array_index(self->infos, i));
}

static gint
arc_plugin_loader_cmp_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/**
 * arc_plugin_loader_scan:
 * @self: the loader
 * @error: return location for a #GError
 *
 * Reads the descriptor of every `*.so` of the directory in file-name order: from the module's
 * plugin note, without loading it, or, for a module without one, from the loaded module. A
 * module that cannot be used is refused with a logged reason; only an unreadable directory is
 * an error. A module is loaded, for good, once arc_plugin_loader_get_plugin() asks for it.
 *
 * Returns: %TRUE if the directory could be read
 */
gboolean
arc_plugin_loader_scan(ArcPluginLoader *self, GError **error)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error_local = NULL;
	const gchar *name;

	dir = g_dir_open(self->directory, 0, &error_local);
	if (dir == NULL) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "cannot read plugin directory %s: %s", self->directory,
			    error_local->message);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(name, ".so"))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, arc_plugin_loader_cmp_cb);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path =
			g_build_filename(self->directory, g_ptr_array_index(names, i), NULL);
		arc_plugin_loader_load_file(self, path);
	}
	return TRUE;
}

/**
 * arc_plugin_loader_get_infos:
 * @self: the loader
 *
 * Returns: (transfer none) (element-type ArcPluginInfo): every module seen
 */
GPtrArray *
arc_plugin_loader_get_infos(ArcPluginLoader *self)
{
	return self->infos;
}

/**
 * arc_plugin_loader_get_plugin:
 * @self: the loader
 * @kind: the kind the agent needs
 * @name: the plugin agent.conf chose
 * @error: return location for a #GError
 *
 * Returns: (transfer none): the plugin, or %NULL with an error naming it and the directory
 */
ArcPlugin *
arc_plugin_loader_get_plugin(ArcPluginLoader *self, ArcPluginKind kind, const gchar *name,
			     GError **error)
{
	for (guint i = 0; i < self->infos->len; i++) {
		ArcPluginInfo *info = g_ptr_array_index(self->infos, i);
		if (g_strcmp0(info->name, name) != 0)
			continue;
		if (info->kind == kind)
			arc_plugin_loader_use(info);
		if (info->plugin == NULL && info->refused != NULL) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
				    "%s plugin '%s' in %s was refused: %s",
				    arc_plugin_kind_to_string(kind), name, self->directory,
				    info->refused);
			return NULL;
		}
		if (info->kind != kind) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
				    "plugin '%s' in %s is a %s plugin, not a %s plugin", name,
				    self->directory, arc_plugin_kind_to_string(info->kind),
				    arc_plugin_kind_to_string(kind));
			return NULL;
		}
		return info->plugin;
	}
	g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
		    "%s plugin '%s' not found in plugin directory %s",
		    arc_plugin_kind_to_string(kind), name, self->directory);
	return NULL;
}

/**
 * arc_plugin_loader_load_required:
 * @self: the loader
 * @config: agent.conf, which names the storage and license plugins
 * @storage: (out) (transfer none): the storage plugin, set up
 * @license: (out) (transfer none): the license plugin, set up
 * @error: return location for a #GError
 *
 * Scans the plugin directory and sets up the two plugins every agent needs, for
 * arc_engine_set_plugins().
 *
 * Returns: %TRUE if both are there and set up
 */
gboolean
arc_plugin_loader_load_required(ArcPluginLoader *self, ArcConfig *config, ArcStorage **storage,
				ArcLicenseBackend **license, GError **error)
{
	ArcPlugin *storage_plugin, *license_plugin;

	if (!arc_plugin_loader_scan(self, error))
		return FALSE;
	storage_plugin = arc_plugin_loader_get_plugin(self, ARC_PLUGIN_KIND_STORAGE,
						      config->storage_plugin, error);
	if (storage_plugin == NULL)
		return FALSE;
	license_plugin = arc_plugin_loader_get_plugin(self, ARC_PLUGIN_KIND_LICENSE,
						      config->license_plugin, error);
	if (license_plugin == NULL)
		return FALSE;
	if (!arc_plugin_setup(storage_plugin, config->keyfile, config->data_dir, error) ||
	    !arc_plugin_setup(license_plugin, config->keyfile, config->data_dir, error))
		return FALSE;
	*storage = ARC_STORAGE(storage_plugin);
	*license = ARC_LICENSE_BACKEND(license_plugin);
	return TRUE;
}
