/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <arctic-plugin.h>

#include "arc-peer-manager.h"

G_BEGIN_DECLS

/* What the managers' in-process tests stand on: an agent without an engine, its registry over
 * the real sqlite plugin in a temp dir, its node and two identities, A (this agent) and B. */

/**
 * ArcUnitFixture:
 * @dir: the test's temp dir, removed by arc_unit_fixture_clear()
 * @id_a: this agent's key (`a.key`)
 * @id_b: another member's key (`b.key`)
 * @config: the settings, data dir `a` in @dir
 * @storage: the sqlite plugin, open on that data dir
 * @registry: over @storage, signing as this agent
 * @node: this agent, bootstrapped, its clock reading @now
 * @now: the node's time, seconds since the epoch
 * @changed: peer ids, in the order the peer manager's host (arc_unit_peer_host) was told
 */
typedef struct {
	gchar *dir;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	ArcConfig *config;
	ArcStorage *storage;
	ArcRegistry *registry;
	ArcNode *node;
	gint64 now;
	GPtrArray *changed;
} ArcUnitFixture;

extern const ArcPeerManagerHost arc_unit_peer_host;

void arc_unit_fixture_init(ArcUnitFixture *fx, const gchar *peer_id, const gchar *cluster_id,
			   const gchar *name, gint64 now);
void arc_unit_fixture_clear(ArcUnitFixture *fx);
ArcRecord *arc_unit_record_signed(const gchar *kind, const gchar *id, gint64 version,
				  const gchar *writer, ArcIdentity *identity, const gchar *body,
				  gboolean deleted, gint64 updated_at);
void arc_unit_commit_record(ArcRegistry *registry, ArcRecord *record);
void arc_unit_log_capture(void);
const gchar *arc_unit_last_warning(void);
guint arc_unit_warnings(void);
void arc_unit_warnings_reset(void);

G_END_DECLS
