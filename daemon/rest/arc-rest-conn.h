/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ArcRestConnState:
 * @ARC_REST_CONN_HEAD: waiting for (the rest of) a request head
 * @ARC_REST_CONN_BODY: the head is in, the body is being read
 * @ARC_REST_CONN_SERVING: the whole request is in; it is being answered
 * @ARC_REST_CONN_IDLE: kept alive between requests
 */
typedef enum {
	ARC_REST_CONN_HEAD,
	ARC_REST_CONN_BODY,
	ARC_REST_CONN_SERVING,
	ARC_REST_CONN_IDLE,
} ArcRestConnState;

/**
 * ArcRestConnLimits:
 * @max_line: longest request line (method, target, version)
 * @max_head: largest request head (line and header fields)
 * @line_too_long: (transfer none): the whole answer (414) to a longer line
 * @head_too_large: (transfer none): the whole answer (431) to a larger head
 * @method_unknown: (transfer none): the whole answer (501) to a method that is not one of
 *   RFC 9110's or PATCH
 * @bad_length: (transfer none): the whole answer (400) to an invalid Content-Length
 * @length_required: (transfer none): the whole answer (411) to a Transfer-Encoding
 *
 * Shared by every connection of a server, which owns it.
 */
typedef struct {
	gsize max_line;
	gsize max_head;
	GBytes *line_too_long;
	GBytes *head_too_large;
	GBytes *method_unknown;
	GBytes *bad_length;
	GBytes *length_required;
} ArcRestConnLimits;

#define ARC_TYPE_REST_CONN (arc_rest_conn_get_type())
G_DECLARE_FINAL_TYPE(ArcRestConn, arc_rest_conn, ARC, REST_CONN, GIOStream)

ArcRestConn *arc_rest_conn_new(GIOStream *base, GSocket *socket, GInetAddress *remote,
			       const ArcRestConnLimits *limits);
GSocket *arc_rest_conn_get_socket(ArcRestConn *self);
GInetAddress *arc_rest_conn_get_remote(ArcRestConn *self);
ArcRestConnState arc_rest_conn_get_state(ArcRestConn *self);
gint64 arc_rest_conn_get_since(ArcRestConn *self);
void arc_rest_conn_set_state(ArcRestConn *self, ArcRestConnState state);
gboolean arc_rest_conn_get_peer(ArcRestConn *self);
void arc_rest_conn_set_peer(ArcRestConn *self, gboolean peer);
void arc_rest_conn_refuse(ArcRestConn *self, GBytes *answer);
void arc_rest_conn_abort(ArcRestConn *self);
void arc_rest_conn_set_closed_func(ArcRestConn *self, GFunc func, gpointer data);

G_END_DECLS
