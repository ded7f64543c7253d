/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ArcRestReadHooks:
 * @before_read: may refuse a read before any byte is taken from the client
 * @after_read: sees every byte read, and may refuse them
 *
 * What a connection checks on each read by libsoup (arc-rest-conn.c).
 */
typedef struct {
	gboolean (*before_read)(gpointer data, GError **error);
	gboolean (*after_read)(gpointer data, const guint8 *buf, gsize n, GError **error);
} ArcRestReadHooks;

#define ARC_TYPE_REST_CONN_INPUT (arc_rest_conn_input_get_type())
G_DECLARE_FINAL_TYPE(ArcRestConnInput, arc_rest_conn_input, ARC, REST_CONN_INPUT, GInputStream)

GInputStream *arc_rest_conn_input_new(GInputStream *base, const ArcRestReadHooks *hooks,
				      gpointer data);

G_END_DECLS
