/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arctic-plugin.h"

/* Licenses arrive from the network (bootstrap, PUT /v1/license, handshakes) and from disk:
 * arc_license_parse(), the canonical form the signature covers, and the generic
 * arc_json_parse_object() under it. Besides not crashing, the target checks properties:
 * every failure is an ARC_ERROR_INVALID_REQUEST, and a canonical form is a fixed point (it
 * parses back to itself), since a signer and a verifier that disagreed on it would make
 * signatures meaningless. */

/* deeper than any caller allows, so nesting reaches the canonical serialiser */
#define ARC_FUZZ_LICENSE_MAX_DEPTH 32

static void
arc_fuzz_license_fail(const gchar *what, const gchar *detail)
{
	fprintf(stderr, "fuzz-license: %s: %s\n", what, detail != NULL ? detail : "");
	abort();
}

static void
arc_fuzz_license_check_error(GError *error, const gchar *what)
{
	if (error == NULL)
		arc_fuzz_license_fail(what, "failed without an error");
	if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST))
		arc_fuzz_license_fail(what, error->message);
}

static void
arc_fuzz_license_check_fixed_point(const gchar *canonical)
{
	g_autoptr(JsonNode) again = NULL;
	g_autofree gchar *twice = NULL;
	g_autoptr(GError) error = NULL;

	again = arc_json_parse_object(canonical, -1, ARC_FUZZ_LICENSE_MAX_DEPTH, &error);
	if (again == NULL)
		arc_fuzz_license_fail("canonical form does not parse", error->message);
	twice = arc_canonical_json(again, NULL, &error);
	if (twice == NULL)
		arc_fuzz_license_fail("canonical form has no canonical form", error->message);
	if (strcmp(canonical, twice) != 0)
		arc_fuzz_license_fail("canonical form is not a fixed point", twice);
}

static void
arc_fuzz_license_parse(const gchar *text, gsize size)
{
	/* the public key of RFC 8032, test 1 */
	static const guint8 key[32] = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
				       0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
				       0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
				       0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GError) error = NULL;

	license = arc_license_parse(text, (gssize)size, &error);
	if (license == NULL) {
		arc_fuzz_license_check_error(error, "arc_license_parse");
		return;
	}
	if (license->expires_at <= license->issued_at || license->max_nodes < 1 ||
	    license->max_services < 1 || license->features == NULL)
		arc_fuzz_license_fail("arc_license_parse", "accepted an inconsistent license");
	arc_fuzz_license_check_fixed_point(arc_license_get_canonical_form(license));
	/* no fuzzer finds a forgery, but the signature decoding runs */
	if (arc_license_verify(license, key, &error))
		arc_fuzz_license_fail("arc_license_verify", "accepted a random signature");
	if (!g_error_matches(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID))
		arc_fuzz_license_fail("arc_license_verify", "wrong error");
}

static void
arc_fuzz_license_json(const gchar *text, gsize size)
{
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *canonical = NULL;
	g_autoptr(GError) error = NULL;

	root = arc_json_parse_object(text, (gssize)size, ARC_FUZZ_LICENSE_MAX_DEPTH, &error);
	if (root == NULL) {
		arc_fuzz_license_check_error(error, "arc_json_parse_object");
		return;
	}
	canonical = arc_canonical_json(root, "signature", &error);
	if (canonical == NULL) {
		arc_fuzz_license_check_error(error, "arc_canonical_json");
		return;
	}
	arc_fuzz_license_check_fixed_point(canonical);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the parser refuses anything larger before looking at it */
	if (size > 2 * ARC_LICENSE_MAX_SIZE)
		return 0;
	arc_fuzz_license_parse((const gchar *)data, size);
	arc_fuzz_license_json((const gchar *)data, size);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* a critical from the SDK is a bug the fuzzer must report */
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	return 0;
}
