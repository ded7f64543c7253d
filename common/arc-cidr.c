/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cidr.h"

#include <arpa/inet.h>
#include <string.h>

/**
 * arc_cidr_read_address:
 * @text: one IPv4 or IPv6 address, untrusted
 * @out: (out): the address, as a full-length prefix
 *
 * Dotted quads and RFC 4291 text as inet_pton(3) reads them; no zone (`%eth0`).
 *
 * Returns: whether @text is an address
 */
gboolean
arc_cidr_read_address(const gchar *text, ArcCidr *out)
{
	gboolean ok;

	memset(out, 0, sizeof(*out));
	if (strchr(text, ':') != NULL) {
		out->family = 6;
		ok = inet_pton(AF_INET6, text, out->bytes) == 1;
	} else {
		out->family = 4;
		ok = inet_pton(AF_INET, text, out->bytes) == 1;
	}
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return FALSE;
	}
	out->prefix = (guint8)arc_cidr_bits(out);
	return TRUE;
}

/**
 * arc_cidr_bits:
 * @cidr: an address or network
 *
 * Returns: the length of its family's addresses in bits, 32 or 128
 */
guint
arc_cidr_bits(const ArcCidr *cidr)
{
	return cidr->family == 4 ? 32 : 128;
}

/* whether every bit of @cidr's address beyond its prefix is zero */
static gboolean
arc_cidr_host_bits_clear(const ArcCidr *cidr)
{
	for (guint bit = cidr->prefix; bit < arc_cidr_bits(cidr); bit++) {
		if (cidr->bytes[bit / 8] & (0x80 >> (bit % 8)))
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_cidr_to_network:
 * @cidr: an address with its prefix
 *
 * Clears the bits beyond the prefix: `10.0.0.1/8` becomes `10.0.0.0/8`.
 */
void
arc_cidr_to_network(ArcCidr *cidr)
{
	for (guint bit = cidr->prefix; bit < arc_cidr_bits(cidr); bit++)
		cidr->bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
}

/* decimal digits only, so no sign, space or 0x; a leading zero only if @flags allow it */
static gboolean
arc_cidr_read_prefix(const gchar *text, guint max, ArcCidrFlags flags, guint8 *prefix)
{
	guint64 value = 0;

	if (text[0] == '\0' || strspn(text, "0123456789") != strlen(text))
		return FALSE;
	if (text[0] == '0' && text[1] != '\0' && (flags & ARC_CIDR_LEADING_ZEROS) == 0)
		return FALSE;
	if (!g_ascii_string_to_unsigned(text, 10, 0, max, &value, NULL))
		return FALSE;
	*prefix = (guint8)value;
	return TRUE;
}

/**
 * arc_cidr_read:
 * @text: `a.b.c.d/len` or `v6::/len`, untrusted
 * @flags: what is asked for
 * @out: (out): the address or network, filled as far as it was read: the family is known
 *   from %ARC_CIDR_BAD_PREFIX on, and for %ARC_CIDR_HOST_BITS @out is the address as written
 *   (arc_cidr_to_network() gives the network it probably means)
 *
 * A prefix length is required, within the family's range.
 *
 * Returns: %ARC_CIDR_OK, or the first rule @text breaks
 */
ArcCidrReason
arc_cidr_read(const gchar *text, ArcCidrFlags flags, ArcCidr *out)
{
	const gchar *slash = strchr(text, '/');
	g_autofree gchar *host = NULL;

	memset(out, 0, sizeof(*out));
	if (slash == NULL)
		return ARC_CIDR_NO_SLASH;
	host = g_strndup(text, (gsize)(slash - text));
	if (!arc_cidr_read_address(host, out))
		return ARC_CIDR_BAD_ADDRESS;
	if (!arc_cidr_read_prefix(slash + 1, arc_cidr_bits(out), flags, &out->prefix))
		return ARC_CIDR_BAD_PREFIX;
	if ((flags & ARC_CIDR_NETWORK) != 0 && !arc_cidr_host_bits_clear(out))
		return ARC_CIDR_HOST_BITS;
	return ARC_CIDR_OK;
}

/**
 * arc_cidr_has_prefix_text:
 * @text: a CIDR as written
 *
 * Returns: whether @text has something after its first `/`, before any rule is applied
 */
gboolean
arc_cidr_has_prefix_text(const gchar *text)
{
	const gchar *slash = strchr(text, '/');

	return slash != NULL && slash[1] != '\0';
}

/**
 * arc_cidr_to_string:
 * @cidr: an address or network
 *
 * Returns: (transfer full): its canonical text (`2001:db8::/32`)
 */
gchar *
arc_cidr_to_string(const ArcCidr *cidr)
{
	gchar host[INET6_ADDRSTRLEN];

	inet_ntop(cidr->family == 4 ? AF_INET : AF_INET6, cidr->bytes, host, sizeof(host));
	return g_strdup_printf("%s/%u", host, cidr->prefix);
}

/**
 * arc_cidr_contains:
 * @cidr: a network
 * @address: an address (or a network: then whether all of it is inside)
 *
 * Returns: whether @address is in @cidr; never across families
 */
gboolean
arc_cidr_contains(const ArcCidr *cidr, const ArcCidr *address)
{
	guint full = cidr->prefix / 8;
	guint rest = cidr->prefix % 8;

	if (cidr->family != address->family || address->prefix < cidr->prefix)
		return FALSE;
	if (memcmp(cidr->bytes, address->bytes, full) != 0)
		return FALSE;
	if (rest == 0)
		return TRUE;
	return ((cidr->bytes[full] ^ address->bytes[full]) & (guint8)(0xff << (8 - rest))) == 0;
}
