/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The CIDR rules the agent and the CLI share. No messages here: each edge words its own
 * (the API in English, the CLI through gettext) from the reason returned. */

/**
 * ArcCidr:
 * @family: 4 or 6
 * @prefix: the prefix length
 * @bytes: the address, 4 or 16 bytes used
 */
typedef struct {
	guint8 family;
	guint8 prefix;
	guint8 bytes[16];
} ArcCidr;

/**
 * ArcCidrReason:
 * @ARC_CIDR_OK: a CIDR
 * @ARC_CIDR_NO_SLASH: no `/`, so no prefix length
 * @ARC_CIDR_BAD_ADDRESS: what comes before the `/` is no IPv4 or IPv6 address
 * @ARC_CIDR_BAD_PREFIX: the prefix length is not 0 to 32 (128 for IPv6) in decimal
 * @ARC_CIDR_HOST_BITS: a network was asked for and bits beyond the prefix are set
 *
 * Checked in this order; from %ARC_CIDR_BAD_PREFIX on, the family is known.
 */
typedef enum {
	ARC_CIDR_OK,
	ARC_CIDR_NO_SLASH,
	ARC_CIDR_BAD_ADDRESS,
	ARC_CIDR_BAD_PREFIX,
	ARC_CIDR_HOST_BITS,
} ArcCidrReason;

/**
 * ArcCidrFlags:
 * @ARC_CIDR_NETWORK: a network: the bits beyond the prefix must be zero (a route); without
 *   it, an address with its prefix (an interface)
 * @ARC_CIDR_LEADING_ZEROS: the prefix length may have leading zeros (`/08`). The API refuses
 *   them; compose files have always been allowed them, and the CLI sends the canonical form.
 */
typedef enum {
	ARC_CIDR_NETWORK = 1 << 0,
	ARC_CIDR_LEADING_ZEROS = 1 << 1,
} ArcCidrFlags;

ArcCidrReason arc_cidr_read(const gchar *text, ArcCidrFlags flags, ArcCidr *out);
gboolean arc_cidr_read_address(const gchar *text, ArcCidr *out);
gboolean arc_cidr_has_prefix_text(const gchar *text);
guint arc_cidr_bits(const ArcCidr *cidr);
void arc_cidr_to_network(ArcCidr *cidr);
gchar *arc_cidr_to_string(const ArcCidr *cidr);
gboolean arc_cidr_contains(const ArcCidr *cidr, const ArcCidr *address);

G_END_DECLS
