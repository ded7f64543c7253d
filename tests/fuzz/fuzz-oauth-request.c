/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-oauth-request.h"

/* Token requests come from anyone: arc_oauth_request_parse() with the Authorization header
 * (the input up to its first newline) and the form body (the rest). Every refusal is an
 * ARC_OAUTH_ERROR with a message; what is accepted names a client and a secret. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const gchar *text = (const gchar *)data;
	const gchar *newline = memchr(text, '\n', size);
	gsize header_len = newline != NULL ? (gsize)(newline - text) : 0;
	g_autofree gchar *header = newline != NULL ? g_strndup(text, header_len) : NULL;
	const gchar *body = newline != NULL ? newline + 1 : text;
	gsize body_len = newline != NULL ? size - header_len - 1 : size;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcOAuthRequest) request = arc_oauth_request_parse(
		header != NULL && header[0] != '\0' ? header : NULL, body, body_len, &error);

	if (request == NULL) {
		if (error == NULL || error->domain != ARC_OAUTH_ERROR ||
		    error->message[0] == '\0') {
			fprintf(stderr, "fuzz-oauth-request: refused without an OAuth error\n");
			abort();
		}
		return 0;
	}
	if (error != NULL || request->client_id == NULL || request->client_secret == NULL) {
		fprintf(stderr, "fuzz-oauth-request: accepted without client credentials\n");
		abort();
	}
	return 0;
}
