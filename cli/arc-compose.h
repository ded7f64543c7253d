/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The compose file, `version: v1` (spec §7, docs/compose.md): a pure model, parsed from YAML
 * and written back in one canonical form. Nothing here talks to an agent.
 */

typedef struct {
	gchar *name;
	gchar *address; /* host:port */
	guint line;     /* 1-based, of the item */
	guint column;
} ArcComposePeer;

typedef struct {
	gint64 priority;
	gchar *source_cidr; /* nullable, canonical network */
	gchar *dest_cidr;   /* nullable, canonical network */
	guint line;
	guint column;
} ArcComposeRoute;

typedef struct {
	gchar *name;
	gchar *source_peer; /* a peer name */
	gchar *target_peer;
	gchar *transport_type; /* tcp | kcp */
	gboolean fully_transparent;
	gboolean interface_enabled;
	gchar *interface_ipv4; /* nullable, canonical address/prefix */
	gchar *interface_ipv6;
	gint64 bandwidth_limit_mbps; /* qos; 0 = unlimited */
	GPtrArray *routes;           /* of ArcComposeRoute */
	guint line;
	guint column;
} ArcComposeService;

typedef struct {
	gchar *filename; /* as errors name it */
	gchar *version;
	gchar *license;      /* nullable: a path relative to the file */
	GPtrArray *peers;    /* of ArcComposePeer */
	GPtrArray *services; /* of ArcComposeService */
} ArcComposeFile;

/* What parsing found wrong: `FILE:LINE:COLUMN: message` each */
typedef struct {
	GPtrArray *errors;   /* of gchar* */
	GPtrArray *warnings; /* of gchar* */
} ArcComposeReport;

ArcComposeRoute *arc_compose_route_new(gint64 priority, const gchar *source_cidr,
				       const gchar *dest_cidr);
void arc_compose_route_free(ArcComposeRoute *self);
ArcComposeService *arc_compose_service_new(const gchar *name);
void arc_compose_service_free(ArcComposeService *self);
ArcComposePeer *arc_compose_peer_new(const gchar *name, const gchar *address);
void arc_compose_peer_free(ArcComposePeer *self);
ArcComposeFile *arc_compose_file_new(const gchar *filename);
void arc_compose_file_free(ArcComposeFile *self);
ArcComposeReport *arc_compose_report_new(void);
void arc_compose_report_free(ArcComposeReport *self);

ArcComposeFile *arc_compose_parse(const gchar *filename, const gchar *data, gsize length,
				  ArcComposeReport *report);
void arc_compose_validate(ArcComposeFile *self, ArcComposeReport *report);
gboolean arc_compose_has_comments(const gchar *data, gsize length, guint *line);

ArcComposePeer *arc_compose_file_get_peer(ArcComposeFile *self, const gchar *name);
ArcComposeService *arc_compose_file_get_service(ArcComposeFile *self, const gchar *name);
JsonNode *arc_compose_file_to_json(ArcComposeFile *self);
gchar *arc_compose_file_to_yaml(ArcComposeFile *self, GError **error);

gchar *arc_compose_canonical_network(const gchar *text, GError **error);
gchar *arc_compose_canonical_interface(const gchar *text, GSocketFamily family, GError **error);
gboolean arc_compose_check_name(const gchar *name, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeRoute, arc_compose_route_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeService, arc_compose_service_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposePeer, arc_compose_peer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeFile, arc_compose_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcComposeReport, arc_compose_report_free)

G_END_DECLS
