/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-config.h"

G_BEGIN_DECLS

/**
 * ArcPluginInfo:
 * @path: the module file
 * @name: the descriptor's name, or the file name when refused before it was read
 * @kind: the descriptor's kind
 * @version: the descriptor's version string
 * @abi_major: the ABI the module was built for
 * @abi_minor: the ABI the module was built for
 * @plugin: the instance, %NULL when refused or not used yet
 * @refused: why the module was refused, %NULL when loaded
 */
typedef struct {
	gchar *path;
	gchar *name;
	ArcPluginKind kind;
	gchar *version;
	guint abi_major;
	guint abi_minor;
	ArcPlugin *plugin;
	gchar *refused;
} ArcPluginInfo;

#define ARC_TYPE_PLUGIN_LOADER (arc_plugin_loader_get_type())
G_DECLARE_FINAL_TYPE(ArcPluginLoader, arc_plugin_loader, ARC, PLUGIN_LOADER, GObject)

ArcPluginLoader *arc_plugin_loader_new(const gchar *directory);
const gchar *arc_plugin_loader_get_directory(ArcPluginLoader *self);
gboolean arc_plugin_loader_scan(ArcPluginLoader *self, GError **error);
GPtrArray *arc_plugin_loader_get_infos(ArcPluginLoader *self);
void arc_plugin_loader_load_all(ArcPluginLoader *self);
ArcPlugin *arc_plugin_loader_get_plugin(ArcPluginLoader *self, ArcPluginKind kind,
					const gchar *name, GError **error);
gboolean arc_plugin_loader_load_required(ArcPluginLoader *self, ArcConfig *config,
					 ArcStorage **storage, ArcLicenseBackend **license,
					 GError **error);

G_END_DECLS
