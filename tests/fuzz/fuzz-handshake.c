/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-fuzz.h"
#include "arc-handshake.h"
#include "arctic-plugin.h"

/* Handshake messages come from any host that can reach the API port: the three parsers, and
 * for what parses, serialising it back must give a message that parses to the same record. */

static void
arc_fuzz_handshake_check(ArcHandshakeMessage *msg, GError *error, const gchar *what)
{
	if (msg == NULL && !g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST)) {
		fprintf(stderr, "fuzz-handshake: %s failed without INVALID_REQUEST\n", what);
		abort();
	}
}

static void
arc_fuzz_handshake_reparse(ArcHandshakeMessage *msg)
{
	g_autofree gchar *again = arc_handshake_hello_to_json(msg->peer, msg->challenge);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcHandshakeMessage) back =
		arc_handshake_parse_hello(again, strlen(again), &error);

	if (back == NULL || g_strcmp0(back->peer->peer_id, msg->peer->peer_id) != 0 ||
	    g_strcmp0(back->peer->address, msg->peer->address) != 0 ||
	    g_strcmp0(back->peer->license, msg->peer->license) != 0) {
		fprintf(stderr, "fuzz-handshake: a parsed hello does not survive a round trip\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const gchar *text = (const gchar *)data;
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;
	g_autoptr(ArcHandshakeMessage) hello = arc_handshake_parse_hello(text, size, &e1);
	g_autoptr(ArcHandshakeMessage) reply = arc_handshake_parse_reply(text, size, &e2);
	g_autoptr(ArcHandshakeMessage) confirm = arc_handshake_parse_confirm(text, size, &e3);

	arc_fuzz_handshake_check(hello, e1, "hello");
	arc_fuzz_handshake_check(reply, e2, "reply");
	arc_fuzz_handshake_check(confirm, e3, "confirm");
	if (hello != NULL)
		arc_fuzz_handshake_reparse(hello);
	return 0;
}
