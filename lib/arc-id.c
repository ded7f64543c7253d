/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-id.h"

#include <sodium.h>
#include <string.h>

/* Crockford base32, as ULIDs use it */
static const gchar arc_id_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * arc_id_new_at:
 * @prefix: (nullable): e.g. "peer_"
 * @unix_ms: the time part of the ULID
 *
 * Returns: (transfer full): @prefix followed by a ULID
 */
gchar *
arc_id_new_at(const gchar *prefix, gint64 unix_ms)
{
	guint8 bytes[16];
	gchar ulid[ARC_ULID_LENGTH + 1];
	guint64 ts = (guint64)unix_ms & G_GUINT64_CONSTANT(0xFFFFFFFFFFFF);
	guint bitpos = 0;

	for (guint i = 0; i < 6; i++)
		bytes[i] = (guint8)(ts >> (40 - 8 * i));
	randombytes_buf(bytes + 6, 10);

	/* 128 bits into 26 characters: the first carries the 2 leading zero bits + 3 */
	for (guint i = 0; i < ARC_ULID_LENGTH; i++) {
		guint value = 0;
		guint nbits = (i == 0) ? 3 : 5;
		for (guint b = 0; b < nbits; b++) {
			guint byte = bitpos / 8;
			guint bit = 7 - (bitpos % 8);
			value = (value << 1) | ((bytes[byte] >> bit) & 1);
			bitpos++;
		}
		ulid[i] = arc_id_alphabet[value];
	}
	ulid[ARC_ULID_LENGTH] = '\0';
	sodium_memzero(bytes, sizeof(bytes));
	return g_strconcat(prefix != NULL ? prefix : "", ulid, NULL);
}

/**
 * arc_id_new:
 * @prefix: (nullable): e.g. "peer_"
 *
 * Returns: (transfer full): a new id, @prefix followed by a ULID of the current time
 */
gchar *
arc_id_new(const gchar *prefix)
{
	return arc_id_new_at(prefix, g_get_real_time() / 1000);
}

/**
 * arc_id_is_valid:
 * @id: (nullable): a string
 * @prefix: (nullable): the prefix @id must carry
 *
 * Returns: %TRUE if @id is @prefix followed by a well-formed ULID
 */
gboolean
arc_id_is_valid(const gchar *id, const gchar *prefix)
{
	gsize plen = prefix != NULL ? strlen(prefix) : 0;

	if (id == NULL || (plen > 0 && strncmp(id, prefix, plen) != 0))
		return FALSE;
	id += plen;
	if (strlen(id) != ARC_ULID_LENGTH || id[0] > '7')
		return FALSE;
	for (guint i = 0; i < ARC_ULID_LENGTH; i++) {
		if (strchr(arc_id_alphabet, id[i]) == NULL || id[i] == '\0')
			return FALSE;
	}
	return TRUE;
}
