/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-allowedips.h"

#include <arpa/inet.h>
#include <string.h>

/*
 * A node holds a prefix (bits, cidr) and, when it is a network of the table, its peer; nodes
 * without a peer only branch. Invariants: a child's prefix extends its parent's, child[b] has
 * bit b at position parent->cidr, and a node without a peer has two children (path
 * compression), so depth is bounded by the address length and a lookup touches at most 33 or
 * 129 nodes.
 */
typedef struct _TempestAllowedIpsNode TempestAllowedIpsNode;
struct _TempestAllowedIpsNode {
	TempestAllowedIpsNode *child[2];
	gpointer peer;
	/* the prefix as two host-order words and its mask: a lookup compares without memcmp */
	guint64 key[2];
	guint64 mask[2];
	guint8 bits[16];
	guint8 cidr;
};

struct _TempestAllowedIps {
	TempestAllowedIpsNode *root4;
	TempestAllowedIpsNode *root6;
	guint size; /* networks with a peer */
};

guint
tempest_cidr_family_bits(guint8 family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

void
tempest_cidr_normalise(TempestCidr *cidr)
{
	guint bits = tempest_cidr_family_bits(cidr->family);

	for (guint i = 0; i < sizeof(cidr->addr); i++) {
		guint first = i * 8;
		if (first >= bits || first >= cidr->cidr)
			cidr->addr[i] = 0;
		else if (cidr->cidr < first + 8)
			cidr->addr[i] &= (guint8)(0xff << (first + 8 - cidr->cidr));
	}
}

static gboolean
tempest_cidr_parse_length(const gchar *text, guint max, guint8 *out)
{
	guint value = 0;

	if (text[0] == '\0' || (text[0] == '0' && text[1] != '\0'))
		return FALSE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
		value = value * 10 + (guint)(*p - '0');
		if (value > max)
			return FALSE;
	}
	*out = (guint8)value;
	return TRUE;
}

/**
 * tempest_cidr_parse:
 * @text: "ADDRESS/LENGTH", IPv4 dotted quad or IPv6 without zone
 * @cidr_out: (out): the network with its host bits cleared, as WireGuard stores it
 *
 * Returns: FALSE (and leaves @cidr_out alone) for anything else
 */
gboolean
tempest_cidr_parse(const gchar *text, TempestCidr *cidr_out)
{
	gchar addr[INET6_ADDRSTRLEN + 1];
	const gchar *slash = strchr(text, '/');
	TempestCidr cidr = {0};
	gsize addr_len;

	if (slash == NULL)
		return FALSE;
	addr_len = (gsize)(slash - text);
	if (addr_len == 0 || addr_len >= sizeof(addr))
		return FALSE;
	memcpy(addr, text, addr_len);
	addr[addr_len] = '\0';
	cidr.family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(cidr.family, addr, cidr.addr) != 1)
		return FALSE;
	if (!tempest_cidr_parse_length(slash + 1, tempest_cidr_family_bits(cidr.family),
				       &cidr.cidr))
		return FALSE;
	tempest_cidr_normalise(&cidr);
	*cidr_out = cidr;
	return TRUE;
}

/**
 * tempest_cidr_to_string:
 *
 * Returns: @buf holding "ADDRESS/LENGTH" (at least TEMPEST_CIDR_STRING_MAX bytes)
 */
gchar *
tempest_cidr_to_string(const TempestCidr *cidr, gchar *buf, gsize buf_len)
{
	gchar addr[INET6_ADDRSTRLEN];

	if (inet_ntop(cidr->family, cidr->addr, addr, sizeof(addr)) == NULL)
		g_strlcpy(addr, "?", sizeof(addr));
	g_snprintf(buf, buf_len, "%s/%u", addr, cidr->cidr);
	return buf;
}

static inline guint
tempest_allowedips_bit(const guint8 *key, guint index)
{
	return (key[index >> 3] >> (7 - (index & 7))) & 1;
}

/* the number of leading bits a and b share, at most limit */
static guint
tempest_allowedips_common_bits(const guint8 *a, const guint8 *b, guint limit)
{
	for (guint i = 0; i * 8 < limit; i++) {
		guint8 diff = a[i] ^ b[i];
		if (diff != 0) {
			guint common = i * 8 + (guint)__builtin_clz(diff) - 24;
			return MIN(common, limit);
		}
	}
	return limit;
}

/* an address (4 or 16 bytes) as two host-order words, IPv4 in the high half of the first */
static inline void
tempest_allowedips_load(guint8 family, const guint8 *addr, guint64 words[2])
{
	guint32 v4;

	if (family == AF_INET) {
		memcpy(&v4, addr, sizeof(v4));
		words[0] = (guint64)GUINT32_FROM_BE(v4) << 32;
		words[1] = 0;
		return;
	}
	memcpy(words, addr, 16);
	words[0] = GUINT64_FROM_BE(words[0]);
	words[1] = GUINT64_FROM_BE(words[1]);
}

static inline gboolean
tempest_allowedips_node_matches(const TempestAllowedIpsNode *node, const guint64 words[2])
{
	return ((words[0] ^ node->key[0]) & node->mask[0]) == 0 &&
	       ((words[1] ^ node->key[1]) & node->mask[1]) == 0;
}

static inline guint
tempest_allowedips_word_bit(const guint64 words[2], guint index)
{
	return index < 64 ? (guint)(words[0] >> (63 - index)) & 1
			  : (guint)(words[1] >> (127 - index)) & 1;
}

static guint64
tempest_allowedips_mask_word(guint cidr, guint first_bit)
{
	if (cidr <= first_bit)
		return 0;
	if (cidr >= first_bit + 64)
		return G_MAXUINT64;
	return G_MAXUINT64 << (64 - (cidr - first_bit));
}

static TempestAllowedIpsNode *
tempest_allowedips_node_new(const guint8 *key, guint cidr, gpointer peer)
{
	TempestAllowedIpsNode *node = g_new0(TempestAllowedIpsNode, 1);
	TempestCidr masked = {.family = AF_INET6, .cidr = (guint8)cidr};

	memcpy(masked.addr, key, sizeof(masked.addr));
	tempest_cidr_normalise(&masked);
	memcpy(node->bits, masked.addr, sizeof(node->bits));
	tempest_allowedips_load(AF_INET6, node->bits, node->key);
	node->mask[0] = tempest_allowedips_mask_word(cidr, 0);
	node->mask[1] = tempest_allowedips_mask_word(cidr, 64);
	node->cidr = (guint8)cidr;
	node->peer = peer;
	return node;
}

static void
tempest_allowedips_node_free(TempestAllowedIpsNode *node)
{
	if (node == NULL)
		return;
	tempest_allowedips_node_free(node->child[0]);
	tempest_allowedips_node_free(node->child[1]);
	g_free(node);
}

static TempestAllowedIpsNode *
tempest_allowedips_node_copy(const TempestAllowedIpsNode *node)
{
	TempestAllowedIpsNode *copy;

	if (node == NULL)
		return NULL;
	copy = g_memdup2(node, sizeof(*node));
	copy->child[0] = tempest_allowedips_node_copy(node->child[0]);
	copy->child[1] = tempest_allowedips_node_copy(node->child[1]);
	return copy;
}

/* a node left without peer keeps its place only while it still branches */
static TempestAllowedIpsNode *
tempest_allowedips_node_compact(TempestAllowedIpsNode *node)
{
	TempestAllowedIpsNode *child;

	if (node->peer != NULL || (node->child[0] != NULL && node->child[1] != NULL))
		return node;
	child = node->child[0] != NULL ? node->child[0] : node->child[1];
	g_free(node);
	return child;
}

static TempestAllowedIpsNode **
tempest_allowedips_root(TempestAllowedIps *self, guint8 family)
{
	if (family == AF_INET)
		return &self->root4;
	if (family == AF_INET6)
		return &self->root6;
	return NULL;
}

/**
 * tempest_allowedips_new:
 *
 * Returns: (transfer full): an empty table
 */
TempestAllowedIps *
tempest_allowedips_new(void)
{
	return g_new0(TempestAllowedIps, 1);
}

void
tempest_allowedips_free(TempestAllowedIps *self)
{
	if (self == NULL)
		return;
	tempest_allowedips_node_free(self->root4);
	tempest_allowedips_node_free(self->root6);
	g_free(self);
}

/**
 * tempest_allowedips_copy:
 *
 * Returns: (transfer full): a deep copy (same peer pointers) that can be changed while @self is
 * still being read by packet threads
 */
TempestAllowedIps *
tempest_allowedips_copy(const TempestAllowedIps *self)
{
	TempestAllowedIps *copy = tempest_allowedips_new();

	copy->root4 = tempest_allowedips_node_copy(self->root4);
	copy->root6 = tempest_allowedips_node_copy(self->root6);
	copy->size = self->size;
	return copy;
}

/* splits *slot where key/cidr leaves the existing node's path */
static void
tempest_allowedips_insert_split(TempestAllowedIps *self, TempestAllowedIpsNode **slot,
				const TempestCidr *cidr, gpointer peer, guint common)
{
	TempestAllowedIpsNode *node = *slot;
	TempestAllowedIpsNode *fresh;

	self->size++;
	if (common == cidr->cidr) {
		/* the new network contains the node: it becomes the node's parent */
		fresh = tempest_allowedips_node_new(cidr->addr, cidr->cidr, peer);
		fresh->child[tempest_allowedips_bit(node->bits, cidr->cidr)] = node;
		*slot = fresh;
		return;
	}
	/* they diverge at bit common: a branching node takes both */
	fresh = tempest_allowedips_node_new(cidr->addr, common, NULL);
	fresh->child[tempest_allowedips_bit(cidr->addr, common)] =
		tempest_allowedips_node_new(cidr->addr, cidr->cidr, peer);
	fresh->child[tempest_allowedips_bit(node->bits, common)] = node;
	*slot = fresh;
}

/**
 * tempest_allowedips_insert:
 * @cidr: the network; its host bits are ignored
 * @peer: not %NULL; replaces the peer of the same network if there is one
 *
 * Returns: FALSE for an unknown family, a prefix length too long or a %NULL peer
 */
gboolean
tempest_allowedips_insert(TempestAllowedIps *self, const TempestCidr *cidr, gpointer peer)
{
	TempestAllowedIpsNode **slot = tempest_allowedips_root(self, cidr->family);
	TempestCidr key = *cidr;

	if (slot == NULL || peer == NULL || key.cidr > tempest_cidr_family_bits(key.family))
		return FALSE;
	tempest_cidr_normalise(&key);
	while (*slot != NULL) {
		TempestAllowedIpsNode *node = *slot;
		guint common = tempest_allowedips_common_bits(node->bits, key.addr,
							      MIN(node->cidr, key.cidr));
		if (common == node->cidr && node->cidr == key.cidr) {
			if (node->peer == NULL)
				self->size++;
			node->peer = peer;
			return TRUE;
		}
		if (common < node->cidr) {
			tempest_allowedips_insert_split(self, slot, &key, peer, common);
			return TRUE;
		}
		slot = &node->child[tempest_allowedips_bit(key.addr, node->cidr)];
	}
	*slot = tempest_allowedips_node_new(key.addr, key.cidr, peer);
	self->size++;
	return TRUE;
}

static TempestAllowedIpsNode *
tempest_allowedips_remove_node(TempestAllowedIpsNode *node, const TempestCidr *key, gpointer peer,
			       gboolean *removed)
{
	guint64 words[2];

	tempest_allowedips_load(AF_INET6, key->addr, words);
	if (node == NULL || node->cidr > key->cidr || !tempest_allowedips_node_matches(node, words))
		return node;
	if (node->cidr == key->cidr) {
		if (node->peer == NULL || node->peer != peer)
			return node;
		node->peer = NULL;
		*removed = TRUE;
	} else {
		guint bit = tempest_allowedips_bit(key->addr, node->cidr);
		node->child[bit] =
			tempest_allowedips_remove_node(node->child[bit], key, peer, removed);
	}
	return tempest_allowedips_node_compact(node);
}

/**
 * tempest_allowedips_remove:
 *
 * Removes the network if @peer owns it, as WireGuard does (another peer's network stays).
 *
 * Returns: whether it was removed
 */
gboolean
tempest_allowedips_remove(TempestAllowedIps *self, const TempestCidr *cidr, gpointer peer)
{
	TempestAllowedIpsNode **root = tempest_allowedips_root(self, cidr->family);
	TempestCidr key = *cidr;
	gboolean removed = FALSE;

	if (root == NULL || key.cidr > tempest_cidr_family_bits(key.family) || peer == NULL)
		return FALSE;
	tempest_cidr_normalise(&key);
	*root = tempest_allowedips_remove_node(*root, &key, peer, &removed);
	if (removed)
		self->size--;
	return removed;
}

static TempestAllowedIpsNode *
tempest_allowedips_prune(TempestAllowedIpsNode *node, gpointer peer, guint *removed)
{
	if (node == NULL)
		return NULL;
	node->child[0] = tempest_allowedips_prune(node->child[0], peer, removed);
	node->child[1] = tempest_allowedips_prune(node->child[1], peer, removed);
	if (node->peer != NULL && node->peer == peer) {
		node->peer = NULL;
		(*removed)++;
	}
	return tempest_allowedips_node_compact(node);
}

/**
 * tempest_allowedips_remove_by_peer:
 *
 * Returns: how many networks @peer lost
 */
guint
tempest_allowedips_remove_by_peer(TempestAllowedIps *self, gpointer peer)
{
	guint removed = 0;

	if (peer == NULL)
		return 0;
	self->root4 = tempest_allowedips_prune(self->root4, peer, &removed);
	self->root6 = tempest_allowedips_prune(self->root6, peer, &removed);
	self->size -= removed;
	return removed;
}

/**
 * tempest_allowedips_lookup:
 * @addr: 4 or 16 bytes in network order
 *
 * The packet path: no allocation, no lock, reads only.
 *
 * Returns: (transfer none) (nullable): the peer of the longest network holding @addr
 */
gpointer
tempest_allowedips_lookup(const TempestAllowedIps *self, guint8 family, const guint8 *addr)
{
	const TempestAllowedIpsNode *node = family == AF_INET    ? self->root4
					    : family == AF_INET6 ? self->root6
								 : NULL;
	guint bits = tempest_cidr_family_bits(family);
	gpointer best = NULL;
	guint64 words[2];

	if (node == NULL)
		return NULL;
	tempest_allowedips_load(family, addr, words);
	while (node != NULL && tempest_allowedips_node_matches(node, words)) {
		if (node->peer != NULL)
			best = node->peer;
		if (node->cidr >= bits)
			break;
		node = node->child[tempest_allowedips_word_bit(words, node->cidr)];
	}
	return best;
}

/* offset of the source address; the destination follows it */
static gpointer
tempest_allowedips_lookup_packet(const TempestAllowedIps *self, const guint8 *packet, gsize len,
				 gboolean destination)
{
	if (len >= 20 && packet[0] >> 4 == 4)
		return tempest_allowedips_lookup(self, AF_INET, packet + (destination ? 16 : 12));
	if (len >= 40 && packet[0] >> 4 == 6)
		return tempest_allowedips_lookup(self, AF_INET6, packet + (destination ? 24 : 8));
	return NULL;
}

/**
 * tempest_allowedips_lookup_dst:
 * @packet: an IPv4 or IPv6 packet (from the TUN device)
 *
 * Returns: (transfer none) (nullable): the peer to send @packet to
 */
gpointer
tempest_allowedips_lookup_dst(const TempestAllowedIps *self, const guint8 *packet, gsize len)
{
	return tempest_allowedips_lookup_packet(self, packet, len, TRUE);
}

/**
 * tempest_allowedips_lookup_src:
 * @packet: a decrypted IPv4 or IPv6 packet
 *
 * Returns: (transfer none) (nullable): the only peer allowed to have sent @packet
 */
gpointer
tempest_allowedips_lookup_src(const TempestAllowedIps *self, const guint8 *packet, gsize len)
{
	return tempest_allowedips_lookup_packet(self, packet, len, FALSE);
}

static gboolean
tempest_allowedips_walk(const TempestAllowedIpsNode *node, guint8 family, gpointer peer,
			TempestAllowedIpsFunc func, gpointer user_data)
{
	if (node == NULL)
		return TRUE;
	if (node->peer == peer) {
		TempestCidr cidr = {.family = family, .cidr = node->cidr};
		memcpy(cidr.addr, node->bits, sizeof(cidr.addr));
		if (!func(&cidr, user_data))
			return FALSE;
	}
	return tempest_allowedips_walk(node->child[0], family, peer, func, user_data) &&
	       tempest_allowedips_walk(node->child[1], family, peer, func, user_data);
}

/**
 * tempest_allowedips_foreach_peer:
 *
 * Calls @func for each network of @peer, IPv4 first (what `wg show` lists).
 */
void
tempest_allowedips_foreach_peer(const TempestAllowedIps *self, gpointer peer,
				TempestAllowedIpsFunc func, gpointer user_data)
{
	if (peer == NULL)
		return;
	if (tempest_allowedips_walk(self->root4, AF_INET, peer, func, user_data))
		tempest_allowedips_walk(self->root6, AF_INET6, peer, func, user_data);
}

/**
 * tempest_allowedips_get_size:
 *
 * Returns: the number of networks in the table
 */
guint
tempest_allowedips_get_size(const TempestAllowedIps *self)
{
	return self->size;
}
