/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "arc-credential.h"
#include "arc-fuzz.h"
#include "arc-requests.h"
#include "arc-scope.h"
#include "arctic-plugin.h"

/* Request bodies arrive from anyone who can reach port 8080, and credential records come
 * from storage and, later, from other peers: the JSON object parser every handler uses, the
 * credential record decoder and the scope parsers. Every failure must be an ARC_ERROR. */

#define ARC_FUZZ_BODY_MAX_DEPTH 16

static void
arc_fuzz_body_check_error(GError *error, const gchar *what)
{
	if (error == NULL || error->domain != ARC_ERROR) {
		fprintf(stderr, "fuzz-json-body: %s failed without an ArcError\n", what);
		abort();
	}
}

/* a bootstrap body: refused with an ArcError, or a request with a license document whose
 * labels pass the rules the engine checks again */
static void
arc_fuzz_body_bootstrap(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcBootstrapRequest) req =
		arc_bootstrap_request_from_json((const gchar *)data, size, &error);

	if (req == NULL) {
		arc_fuzz_body_check_error(error, "arc_bootstrap_request_from_json");
		return;
	}
	if (req->license_doc == NULL || !arc_bootstrap_request_validate(req, NULL)) {
		fprintf(stderr, "fuzz-json-body: a bootstrap request the engine would refuse\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = g_strndup((const gchar *)data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error_cred = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(ArcCredential) credential = NULL;
	g_autofree gchar *canonical = NULL;

	node = arc_json_parse_object((const gchar *)data, (gssize)size, ARC_FUZZ_BODY_MAX_DEPTH,
				     &error);
	if (node == NULL) {
		arc_fuzz_body_check_error(error, "arc_json_parse_object");
	} else {
		canonical = arc_canonical_json(node, NULL, &error);
		if (canonical == NULL)
			arc_fuzz_body_check_error(error, "arc_canonical_json");
	}
	/* the record decoder takes NUL-terminated text from storage */
	credential = arc_credential_from_json(text, &error_cred);
	if (credential == NULL)
		arc_fuzz_body_check_error(error_cred, "arc_credential_from_json");
	(void)arc_scope_parse_claim(text);
	arc_fuzz_body_bootstrap(data, size);
	return 0;
}
