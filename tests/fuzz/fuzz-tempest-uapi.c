/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "tempest-uapi.h"

/* The wg configuration protocol reaches Tempest from any process allowed on its UNIX socket.
 * Every input is framed as the server frames it (tempest_uapi_request_length()) and parsed as
 * one request; a refusal must be a TEMPEST_UAPI_ERROR meaning EINVAL, EPROTO or E2BIG; an
 * accepted set prints as a canonical request that parses back to the same text, and every
 * network in it has its host bits cleared. */

static void G_GNUC_NORETURN
tempest_fuzz_uapi_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-tempest-uapi: %s\n", what);
	abort();
}

static void
tempest_fuzz_uapi_check_change(const TempestUapiChange *change)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUapiChange) again = NULL;
	gchar *text = tempest_uapi_change_to_request(change);
	gchar *text_again;
	TempestUapiOp op;
	guint total = 0;

	for (guint i = 0; i < change->n_peers; i++) {
		const TempestUapiPeerChange *peer = &change->peers[i];
		const TempestUapiAllowedIp *ips =
			tempest_uapi_peer_change_get_allowed_ips(change, peer);
		if (peer->allowed_ips_start != total)
			tempest_fuzz_uapi_fail("sections' networks are not contiguous");
		total += peer->n_allowed_ips;
		for (guint j = 0; j < peer->n_allowed_ips; j++) {
			TempestCidr normal = ips[j].cidr;
			tempest_cidr_normalise(&normal);
			if (memcmp(&normal, &ips[j].cidr, sizeof(normal)) != 0)
				tempest_fuzz_uapi_fail("a network keeps host bits");
		}
	}
	if (total != change->n_allowed_ips)
		tempest_fuzz_uapi_fail("networks counted wrong");
	if (!tempest_uapi_parse_request(text, strlen(text), &op, &again, &error))
		tempest_fuzz_uapi_fail(error->message);
	text_again = tempest_uapi_change_to_request(again);
	if (strcmp(text, text_again) != 0)
		tempest_fuzz_uapi_fail("the canonical request does not parse back to itself");
	tempest_uapi_text_free(text);
	tempest_uapi_text_free(text_again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUapiChange) change = NULL;
	const gchar *text = (const gchar *)data;
	gsize len = tempest_uapi_request_length(text, size);
	TempestUapiOp op;
	gint err;

	/* an unterminated input is what a client sends before it closes: parse it whole anyway */
	if (len == 0)
		len = size;
	if (tempest_uapi_parse_request(text, len, &op, &change, &error)) {
		if (op == TEMPEST_UAPI_OP_SET)
			tempest_fuzz_uapi_check_change(change);
		return 0;
	}
	err = tempest_uapi_error_to_errno(error);
	if (change != NULL || (err != EINVAL && err != EPROTO && err != E2BIG))
		tempest_fuzz_uapi_fail("a refusal that is not EINVAL, EPROTO or E2BIG");
	return 0;
}
