/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "arc-pegasus-preamble.h"

/* The Pegasus preamble is the first thing an exit reads from another peer's stream. Every
 * input is parsed whole and at every length: a prefix of something valid is "more", never
 * "invalid"; once invalid, every longer input stays invalid; what parses is written back to
 * the same bytes, and consumes no more than it was given. */

static void G_GNUC_NORETURN
arc_fuzz_pegasus_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-pegasus-preamble: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ArcPegasusParse previous = ARC_PEGASUS_PARSE_MORE;

	for (gsize len = 0; len <= size && len <= ARC_PEGASUS_PREAMBLE_MAX + 1; len++) {
		ArcPegasusPreamble p;
		guint8 again[ARC_PEGASUS_PREAMBLE_MAX];
		gsize consumed = 0;
		const gchar *why = NULL;
		ArcPegasusParse parsed = arc_pegasus_preamble_parse(data, len, &p, &consumed, &why);

		if (previous == ARC_PEGASUS_PARSE_INVALID && parsed != ARC_PEGASUS_PARSE_INVALID)
			arc_fuzz_pegasus_fail("more bytes made an invalid preamble valid");
		if (parsed == ARC_PEGASUS_PARSE_INVALID && why == NULL)
			arc_fuzz_pegasus_fail("refused without a reason");
		if (parsed == ARC_PEGASUS_PARSE_OK) {
			if (consumed > len || consumed > ARC_PEGASUS_PREAMBLE_MAX)
				arc_fuzz_pegasus_fail("consumed more than it was given");
			if (previous == ARC_PEGASUS_PARSE_OK)
				break;
			if (arc_pegasus_preamble_write(&p, again) != consumed ||
			    memcmp(again, data, consumed) != 0)
				arc_fuzz_pegasus_fail("written back differently");
		}
		previous = parsed;
	}
	return 0;
}
