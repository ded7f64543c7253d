/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-fuzz.h"
#include "arc-jwt.h"
#include "arctic-plugin.h"

/* Bearer tokens come from any API client: arc_jwt_parse() and the signature check that
 * follows. No input may verify against a key that signed nothing, and every failure must
 * be ARC_ERROR_UNAUTHORIZED. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the public key of RFC 8032, test 1 */
	static const guint8 key[32] = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
				       0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
				       0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
				       0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcJwt) jwt = arc_jwt_parse((const gchar *)data, size, &error);

	if (jwt == NULL) {
		if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED)) {
			fprintf(stderr, "fuzz-jwt: parse failed without UNAUTHORIZED\n");
			abort();
		}
		return 0;
	}
	if (arc_jwt_verify_signature(jwt, key, NULL)) {
		fprintf(stderr, "fuzz-jwt: a token verified against RFC 8032's test key\n");
		abort();
	}
	return 0;
}
