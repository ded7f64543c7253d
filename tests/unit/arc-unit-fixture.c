/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-unit-fixture.h"

#include "arc-record-sign.h"
#include "arc-unit-storage.h"
#include "arc-key-file.h"

static gint64
arc_unit_now_cb(gpointer user_data)
{
	return ((ArcUnitFixture *)user_data)->now;
}

static void
arc_unit_peer_changed_cb(gpointer host, const gchar *peer_id)
{
	g_ptr_array_add(((ArcUnitFixture *)host)->changed, g_strdup(peer_id));
}

static void
arc_unit_offer_cluster_id_cb(gpointer host, const gchar *cluster_id, const gchar *from)
{
}

static ArcGossip *
arc_unit_gossip_cb(gpointer host)
{
	return NULL;
}

/* the peer manager's host, with the ArcUnitFixture as its data: no gossip, no engine */
const ArcPeerManagerHost arc_unit_peer_host = {
	.peer_changed = arc_unit_peer_changed_cb,
	.offer_cluster_id = arc_unit_offer_cluster_id_cb,
	.get_gossip = arc_unit_gossip_cb,
};

static ArcIdentity *
arc_unit_identity(const gchar *dir, const gchar *name)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;
	ArcIdentity *identity = arc_identity_load_or_create(path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(identity);
	return identity;
}

/**
 * arc_unit_fixture_init:
 * @fx: the fixture
 * @peer_id: this agent's peer id
 * @cluster_id: its cluster id
 * @name: (nullable): its name
 * @now: the node's time, seconds
 */
void
arc_unit_fixture_init(ArcUnitFixture *fx, const gchar *peer_id, const gchar *cluster_id,
		      const gchar *name, gint64 now)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("arc-unit-XXXXXX", &error);
	g_assert_no_error(error);
	fx->id_a = arc_unit_identity(fx->dir, "a.key");
	fx->id_b = arc_unit_identity(fx->dir, "b.key");
	fx->config = arc_config_new();
	g_free(fx->config->data_dir);
	fx->config->data_dir = g_build_filename(fx->dir, "a", NULL);
	fx->storage = arc_unit_open_storage(fx->config->data_dir);
	fx->registry = arc_registry_new(fx->storage);
	arc_registry_set_signer(fx->registry, fx->id_a, peer_id);
	fx->now = now;
	fx->changed = g_ptr_array_new_with_free_func(g_free);
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, arc_unit_now_cb, fx);
	arc_node_set_identity(fx->node, fx->id_a, peer_id, cluster_id, name);
}

/* everything arc_unit_fixture_init() made; what the test built on it goes first */
void
arc_unit_fixture_clear(ArcUnitFixture *fx)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	g_clear_object(&fx->node);
	g_clear_pointer(&fx->config, arc_config_free);
	arc_storage_close(fx->storage);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->storage);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	g_clear_pointer(&fx->changed, g_ptr_array_unref);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_clear_pointer(&fx->dir, g_free);
}

/**
 * arc_unit_record_signed:
 * @kind: the record's kind
 * @id: its id
 * @version: its version
 * @writer: its writer
 * @identity: the writer's key
 * @body: its body
 * @deleted: whether it is a tombstone
 * @updated_at: when, microseconds since the epoch
 *
 * Returns: (transfer full): the record, signed by @identity
 */
ArcRecord *
arc_unit_record_signed(const gchar *kind, const gchar *id, gint64 version, const gchar *writer,
		       ArcIdentity *identity, const gchar *body, gboolean deleted,
		       gint64 updated_at)
{
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	record->version = version;
	record->writer = g_strdup(writer);
	record->deleted = deleted;
	record->updated_at = updated_at;
	ok = arc_record_sign(record, identity, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&record);
}

/* @record stored as it is, in a transaction of its own, as a bootstrap or a handshake does */
void
arc_unit_commit_record(ArcRegistry *registry, ArcRecord *record)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	gboolean ok;

	arc_storage_txn_put_record(txn, record);
	ok = arc_registry_commit(registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

/* what the operator reads in the journal: the warnings, counted, and the last one */
static gchar *arc_unit_last;
static guint arc_unit_count;

static GLogWriterOutput
arc_unit_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	for (gsize i = 0; (level & G_LOG_LEVEL_WARNING) && i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
			g_free(arc_unit_last);
			arc_unit_last = g_strdup(fields[i].value);
			arc_unit_count++;
		}
	}
	return g_log_writer_default(level, fields, n_fields, data);
}

/* Warnings no longer abort the test (criticals still do); they are counted and kept for
 * arc_unit_last_warning(). Call once, from main(). */
void
arc_unit_log_capture(void)
{
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_log_set_writer_func(arc_unit_log_writer, NULL, NULL);
}

/* (nullable): the last warning since arc_unit_warnings_reset() */
const gchar *
arc_unit_last_warning(void)
{
	return arc_unit_last;
}

guint
arc_unit_warnings(void)
{
	return arc_unit_count;
}

void
arc_unit_warnings_reset(void)
{
	g_clear_pointer(&arc_unit_last, g_free);
	arc_unit_count = 0;
}
