/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <gmodule.h>

G_BEGIN_DECLS

/* The plugin ABI. A module is accepted when its major equals ARC_PLUGIN_ABI_MAJOR and its
 * minor is not newer than ARC_PLUGIN_ABI_MINOR. Adding a vfunc at the end of an interface
 * bumps the minor; any other change bumps the major. */
#define ARC_PLUGIN_ABI_MAJOR 2
#define ARC_PLUGIN_ABI_MINOR 2

/**
 * ARC_STRUCT_HAS_FIELD:
 * @ptr: a settings struct whose first member is `struct_size`
 * @type: its type
 * @field: a member
 *
 * Whether the caller's struct is large enough to hold @field. Settings structs of the SDK only
 * grow at the end (a minor bump); the caller sets `struct_size` to the size it was compiled
 * with, so code built against a newer SDK can tell which fields an older caller did not set.
 */
#define ARC_STRUCT_HAS_FIELD(ptr, type, field)                                                     \
	((ptr)->struct_size >= G_STRUCT_OFFSET(type, field) + sizeof(((type *)NULL)->field))

/* The one symbol a plugin module exports. */
#define ARC_PLUGIN_DESCRIPTOR_SYMBOL "arc_plugin_descriptor"

typedef enum {
	ARC_PLUGIN_KIND_STORAGE,
	ARC_PLUGIN_KIND_LICENSE,
	ARC_PLUGIN_KIND_TRANSPORT,
	ARC_PLUGIN_KIND_TUNNEL,
	ARC_PLUGIN_KIND_LAST /*< skip >*/
} ArcPluginKind;

typedef struct {
	guint32 abi_major;
	guint32 abi_minor;
	const gchar *name;
	ArcPluginKind kind;
	const gchar *version;
	GType (*get_type)(void);
	gpointer reserved[8];
} ArcPluginDescriptor;

/* The ELF note ARC_PLUGIN_DEFINE writes beside the descriptor: the descriptor's facts without
 * pointers, so the agent reads them from the file without loading the module, and a plugin it
 * does not use never maps the libraries the plugin links (docs/plugins.md). A module without
 * the note (built against an older SDK) is loaded to read its descriptor instead. */
#define ARC_PLUGIN_NOTE_OWNER "Arctic"
#define ARC_PLUGIN_NOTE_TYPE 0x41524331u /* "ARC1" */
#define ARC_PLUGIN_NOTE_NAME_MAX 64
#define ARC_PLUGIN_NOTE_VERSION_MAX 32

typedef struct {
	guint32 abi_major;
	guint32 abi_minor;
	guint32 kind;
	gchar name[ARC_PLUGIN_NOTE_NAME_MAX];
	gchar version[ARC_PLUGIN_NOTE_VERSION_MAX];
} ArcPluginNoteDesc;

/* an ELF note as it lies in the file: header, owner padded to 4 bytes, descriptor */
typedef struct {
	guint32 namesz;
	guint32 descsz;
	guint32 type;
	gchar owner[8];
	ArcPluginNoteDesc desc;
} ArcPluginNote;

/**
 * ARC_PLUGIN_DEFINE:
 * @plugin_name: the name the agent knows the plugin by, as in agent.conf: a string literal of
 *   at most 63 bytes
 * @plugin_kind: an #ArcPluginKind
 * @plugin_version: a version string for --list-plugins: a string literal of at most 31 bytes
 * @type_func: the get_type function of the plugin's #ArcPlugin subclass
 *
 * Defines the descriptor of a plugin module, and the ELF note `.note.arctic.plugin` that
 * repeats it for the loader. Use it once, in a file compiled only into the module, and build
 * the module with -fvisibility=hidden so the descriptor is the only exported symbol.
 * The macro supplies its own semicolon.
 */
#define ARC_PLUGIN_DEFINE(plugin_name, plugin_kind, plugin_version, type_func)                     \
	G_MODULE_EXPORT const ArcPluginDescriptor arc_plugin_descriptor = {                        \
		.abi_major = ARC_PLUGIN_ABI_MAJOR,                                                 \
		.abi_minor = ARC_PLUGIN_ABI_MINOR,                                                 \
		.name = plugin_name,                                                               \
		.kind = plugin_kind,                                                               \
		.version = plugin_version,                                                         \
		.get_type = type_func,                                                             \
	};                                                                                         \
	__attribute__((section(".note.arctic.plugin"), aligned(4),                                 \
		       used)) static const ArcPluginNote arc_plugin_note = {                       \
		.namesz = sizeof(ARC_PLUGIN_NOTE_OWNER),                                           \
		.descsz = sizeof(ArcPluginNoteDesc),                                               \
		.type = ARC_PLUGIN_NOTE_TYPE,                                                      \
		.owner = ARC_PLUGIN_NOTE_OWNER,                                                    \
		.desc =                                                                            \
			{                                                                          \
				.abi_major = ARC_PLUGIN_ABI_MAJOR,                                 \
				.abi_minor = ARC_PLUGIN_ABI_MINOR,                                 \
				.kind = plugin_kind,                                               \
				.name = plugin_name,                                               \
				.version = plugin_version,                                         \
			},                                                                         \
	};

#define ARC_TYPE_PLUGIN (arc_plugin_get_type())
G_DECLARE_DERIVABLE_TYPE(ArcPlugin, arc_plugin, ARC, PLUGIN, GObject)

/**
 * ArcPluginClass:
 * @setup: called once after the plugin is instantiated, before any interface method. @config
 *   holds the agent configuration; a plugin reads its own group, named `plugin:NAME`.
 *   @data_dir is the agent's data directory. Return %FALSE and set @error to refuse.
 */
struct _ArcPluginClass {
	GObjectClass parent_class;
	gboolean (*setup)(ArcPlugin *self, GKeyFile *config, const gchar *data_dir, GError **error);
	gpointer padding[12];
};

const gchar *arc_plugin_get_name(ArcPlugin *self);
void arc_plugin_set_name(ArcPlugin *self, const gchar *name);
gboolean arc_plugin_setup(ArcPlugin *self, GKeyFile *config, const gchar *data_dir, GError **error);
const gchar *arc_plugin_kind_to_string(ArcPluginKind kind);
gboolean arc_plugin_kind_from_string(const gchar *str, ArcPluginKind *kind);
GType arc_plugin_kind_interface_type(ArcPluginKind kind);

/* used by the runners: make sure a failing vfunc set an ARC_ERROR and prefix the name */
gboolean arc_plugin_check_result(ArcPlugin *self, const gchar *vfunc_name, gboolean ok,
				 GError *error_local, GError **error);
gboolean arc_plugin_not_supported(ArcPlugin *self, const gchar *vfunc_name, GError **error);

G_END_DECLS
