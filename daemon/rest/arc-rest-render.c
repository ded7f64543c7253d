/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "config.h"

#include "arc-rest-render.h"

#include <json-glib/json-glib.h>

/* a whole HTTP/1.1 response that closes the connection, as the agent writes it itself */
GBytes *
arc_rest_render(guint status, SoupMessageHeaders *headers, GBytes *body)
{
	GString *out = g_string_new(NULL);
	SoupMessageHeadersIter iter;
	const char *name, *value;
	gsize len = 0;
	const gchar *data = g_bytes_get_data(body, &len);

	/* libsoup 3.2 has no phrase for 431 (RFC 6585) */
	g_string_append_printf(out, "HTTP/1.1 %u %s\r\n", status,
			       status == 431 ? "Request Header Fields Too Large"
					     : soup_status_get_phrase(status));
	soup_message_headers_iter_init(&iter, headers);
	while (soup_message_headers_iter_next(&iter, &name, &value)) {
		if (g_ascii_strcasecmp(name, "Content-Length") != 0 &&
		    g_ascii_strcasecmp(name, "Connection") != 0)
			g_string_append_printf(out, "%s: %s\r\n", name, value);
	}
	g_string_append_printf(
		out, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", len);
	g_string_append_len(out, data, (gssize)len);
	return g_string_free_to_bytes(out);
}

/* the answer to a head over a limit, which libsoup 3.2 would drop without one: built once */
GBytes *
arc_rest_render_limit(guint status, const gchar *code, const gchar *message)
{
	g_autoptr(SoupMessageHeaders) headers =
		soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GBytes) body = NULL;
	gsize len = 0;
	gchar *data;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "error");
	json_builder_add_string_value(b, message);
	json_builder_set_member_name(b, "code");
	json_builder_add_string_value(b, code);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	data = json_generator_to_data(gen, &len);
	body = g_bytes_new_take(data, len);
	soup_message_headers_append(headers, "Server", ARC_REST_SERVER_HEADER);
	soup_message_headers_append(headers, "Content-Type", "application/json");
	return arc_rest_render(status, headers, body);
}
