/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "routes"

#include "arc-route-table.h"

#include <arctic-plugin.h>
#include <string.h>

/* ---- CIDRs ---- */

static gboolean
arc_cidr_fail(GError **error, const gchar *text, const gchar *why)
{
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_CIDR, "invalid CIDR notation '%s': %s",
		    text, why);
	return FALSE;
}

/**
 * arc_cidr_parse:
 * @text: `a.b.c.d/len` or `v6::/len`, untrusted
 * @out: (out): the network
 * @error: return location for a #GError
 *
 * Strict: a prefix length is required, in decimal without leading zeros, within the
 * family's range; the address must be the network's (no host bits set): `10.0.0.1/8` is
 * refused with the network it probably means.
 *
 * Returns: %TRUE if @text is a CIDR; otherwise %ARC_ERROR_INVALID_CIDR
 */
gboolean
arc_cidr_parse(const gchar *text, ArcCidr *out, GError **error)
{
	g_autofree gchar *why = NULL;
	g_autofree gchar *network = NULL;
	ArcCidr cidr;

	if (text == NULL || strlen(text) > 64)
		return arc_cidr_fail(error, text != NULL ? "(too long)" : "", "not a CIDR");
	switch (arc_cidr_read(text, ARC_CIDR_NETWORK, &cidr)) {
	case ARC_CIDR_OK:
		*out = cidr;
		return TRUE;
	case ARC_CIDR_NO_SLASH:
		return arc_cidr_fail(error, text, "a prefix length is required, e.g. 10.0.0.0/8");
	case ARC_CIDR_BAD_ADDRESS:
		return arc_cidr_fail(error, text, "not an IPv4 or IPv6 address");
	case ARC_CIDR_BAD_PREFIX:
		why = g_strdup_printf("the prefix length must be 0 to %u", arc_cidr_bits(&cidr));
		return arc_cidr_fail(error, text, why);
	case ARC_CIDR_HOST_BITS:
		break;
	}
	arc_cidr_to_network(&cidr);
	network = arc_cidr_to_string(&cidr);
	why = g_strdup_printf("host bits are set; the network is %s", network);
	return arc_cidr_fail(error, text, why);
}

/**
 * arc_cidr_parse_address:
 * @text: one IPv4 or IPv6 address, untrusted
 * @out: (out): the address, as a full-length prefix
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text is an address; otherwise %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_cidr_parse_address(const gchar *text, ArcCidr *out, GError **error)
{
	if (text == NULL || strlen(text) > 64 || !arc_cidr_read_address(text, out)) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'%s' is not an IPv4 or IPv6 address", text != NULL ? text : "");
		return FALSE;
	}
	return TRUE;
}

/**
 * arc_route_category_to_wire:
 * @category: a category
 *
 * Returns: its name in the API and on D-Bus: `interface`, `source_destination`, `source`,
 *   `destination` or `none`
 */
const gchar *
arc_route_category_to_wire(ArcRouteCategory category)
{
	switch (category) {
	case ARC_ROUTE_CATEGORY_INTERFACE:
		return "interface";
	case ARC_ROUTE_CATEGORY_SOURCE_DESTINATION:
		return "source_destination";
	case ARC_ROUTE_CATEGORY_SOURCE:
		return "source";
	case ARC_ROUTE_CATEGORY_DESTINATION:
		return "destination";
	case ARC_ROUTE_CATEGORY_NONE:
		break;
	}
	return "none";
}

/* ---- routes ---- */

const gchar *
arc_route_category_to_string(ArcRouteCategory category)
{
	switch (category) {
	case ARC_ROUTE_CATEGORY_INTERFACE:
		return "interface";
	case ARC_ROUTE_CATEGORY_SOURCE_DESTINATION:
		return "source+destination";
	case ARC_ROUTE_CATEGORY_SOURCE:
		return "source-only";
	case ARC_ROUTE_CATEGORY_DESTINATION:
		return "destination-only";
	case ARC_ROUTE_CATEGORY_NONE:
		break;
	}
	return "none";
}

ArcRouteCategory
arc_route_get_category(const ArcRoute *route)
{
	if (route->has_source && route->has_destination)
		return ARC_ROUTE_CATEGORY_SOURCE_DESTINATION;
	if (route->has_source)
		return ARC_ROUTE_CATEGORY_SOURCE;
	if (route->has_destination)
		return ARC_ROUTE_CATEGORY_DESTINATION;
	return ARC_ROUTE_CATEGORY_NONE;
}
/* ---- the index ---- */

/* Lookups use one path-compressed binary trie per category and address family, keyed by the
 * destination prefix (source+destination and destination-only routes) or by the source
 * prefix (source-only routes). A node of the source+destination trie holds, instead of
 * routes, a source trie per family of the routes with that destination prefix. A node lists
 * the routes of its very prefix(es) best first (the higher priority, the lower id), so the
 * deepest node on a packet's path that holds a route gives the winner of its category. */

/* the bits of a prefix, most significant first, masked to its length; IPv4 uses 32 */
typedef struct {
	guint64 word[2];
} ArcRouteKey;

typedef struct _ArcRouteNode ArcRouteNode;

/* The key of child[b] extends its parent's by bit b then possibly more bits (the path is
 * compressed). A node that holds nothing is kept only while it has two children. */
struct _ArcRouteNode {
	ArcRouteNode *child[2];
	ArcRouteNode *parent;
	ArcRouteKey key;
	guint prefix;
	GPtrArray *entries;       /* ArcRouteEntry of this prefix, best first; NULL when none */
	ArcRouteNode *sources[2]; /* source+destination trie only: source tries by family */
};

typedef struct _ArcRouteEntry ArcRouteEntry;

struct _ArcRouteEntry {
	ArcRoute route; /* first, so that an ArcRoute is its entry */
	guint64 seq;    /* the order added: a full tie (same id twice) goes to the earlier */
	GList link;     /* in ArcRouteTable.order */
	ArcRouteEntry *same_id; /* the next route added with the same id */
	ArcRouteNode *node;     /* the node listing it, NULL when not in a trie */
	ArcRouteNode *outer;    /* source+destination: the node of its destination */
};

/* the tries, by category */
enum {
	ARC_ROUTE_TRIE_SOURCE_DESTINATION,
	ARC_ROUTE_TRIE_SOURCE,
	ARC_ROUTE_TRIE_DESTINATION,
	ARC_ROUTE_TRIE_LAST,
};

/* a trie walk visits at most one node per prefix length */
#define ARC_ROUTE_PATH_MAX 129

struct _ArcRouteTable {
	GQueue order;           /* ArcRouteEntry, in the order added */
	GHashTable *ids;        /* route id → the first ArcRouteEntry added with it */
	GHashTable *interfaces; /* interface name → service id */
	ArcRouteNode *tries[ARC_ROUTE_TRIE_LAST][2]; /* by family: IPv4, IPv6 */
	GPtrArray *unindexed; /* ArcRouteEntry with a CIDR neither IPv4 nor IPv6: scanned */
	guint64 next_seq;
};

/* 0 for IPv4, 1 for IPv6, -1 for what arc_cidr_parse() never makes */
static gint
arc_route_family_index(const ArcCidr *cidr)
{
	if (cidr->family == 4 && cidr->prefix <= 32)
		return 0;
	if (cidr->family == 6 && cidr->prefix <= 128)
		return 1;
	return -1;
}

static guint64
arc_route_key_mask(guint prefix, guint word)
{
	guint bits = prefix > 64 * word ? MIN(prefix - 64 * word, 64) : 0;
	return bits == 0 ? 0 : G_MAXUINT64 << (64 - bits);
}

static ArcRouteKey
arc_route_key_new(const ArcCidr *cidr, guint prefix)
{
	ArcRouteKey key = {{0, 0}};
	guint64 word;

	memcpy(&word, cidr->bytes, sizeof(word));
	key.word[0] = GUINT64_FROM_BE(word) & arc_route_key_mask(prefix, 0);
	memcpy(&word, cidr->bytes + 8, sizeof(word));
	key.word[1] = GUINT64_FROM_BE(word) & arc_route_key_mask(prefix, 1);
	return key;
}

static guint
arc_route_key_bit(const ArcRouteKey *key, guint position)
{
	return (guint)(key->word[position / 64] >> (63 - position % 64)) & 1;
}

/* how many leading bits @a and @b share */
static guint
arc_route_key_common(const ArcRouteKey *a, const ArcRouteKey *b)
{
	guint64 x = a->word[0] ^ b->word[0];

	if (x != 0)
		return (guint)__builtin_clzll(x);
	x = a->word[1] ^ b->word[1];
	return x != 0 ? 64 + (guint)__builtin_clzll(x) : 128;
}

/* whether @node's prefix contains @address */
static gboolean
arc_route_node_contains(const ArcRouteNode *node, const ArcRouteKey *address)
{
	return (address->word[0] & arc_route_key_mask(node->prefix, 0)) == node->key.word[0] &&
	       (address->word[1] & arc_route_key_mask(node->prefix, 1)) == node->key.word[1];
}

static gboolean
arc_route_node_is_empty(const ArcRouteNode *node)
{
	return node->entries == NULL && node->sources[0] == NULL && node->sources[1] == NULL;
}

static ArcRouteNode *
arc_route_node_new(const ArcRouteKey *key, guint prefix, ArcRouteNode *parent)
{
	ArcRouteNode *node = g_new0(ArcRouteNode, 1);

	node->key.word[0] = key->word[0] & arc_route_key_mask(prefix, 0);
	node->key.word[1] = key->word[1] & arc_route_key_mask(prefix, 1);
	node->prefix = prefix;
	node->parent = parent;
	return node;
}

static void
arc_route_trie_free(ArcRouteNode *node)
{
	if (node == NULL)
		return;
	arc_route_trie_free(node->child[0]);
	arc_route_trie_free(node->child[1]);
	arc_route_trie_free(node->sources[0]);
	arc_route_trie_free(node->sources[1]);
	if (node->entries != NULL)
		g_ptr_array_unref(node->entries);
	g_free(node);
}

/* the node of @key/@prefix in the trie at @root, made if missing: O(@prefix) */
static ArcRouteNode *
arc_route_trie_insert(ArcRouteNode **root, const ArcRouteKey *key, guint prefix)
{
	ArcRouteNode **slot = root;
	ArcRouteNode *parent = NULL;

	while (*slot != NULL) {
		ArcRouteNode *node = *slot;
		guint common =
			MIN(arc_route_key_common(&node->key, key), MIN(node->prefix, prefix));
		ArcRouteNode *fork;

		if (common == node->prefix) {
			if (node->prefix == prefix)
				return node;
			parent = node;
			slot = &node->child[arc_route_key_bit(key, node->prefix)];
			continue;
		}
		/* the path of @key leaves @node's after @common bits: a node there takes its
		 * place, with @node below it */
		fork = arc_route_node_new(key, common, parent);
		fork->child[arc_route_key_bit(&node->key, common)] = node;
		node->parent = fork;
		*slot = fork;
		if (common == prefix)
			return fork;
		parent = fork;
		slot = &fork->child[arc_route_key_bit(key, common)];
	}
	*slot = arc_route_node_new(key, prefix, parent);
	return *slot;
}

/* removes @node if it no longer holds anything nor joins two branches, and so on upwards */
static void
arc_route_trie_prune(ArcRouteNode **root, ArcRouteNode *node)
{
	while (node != NULL && arc_route_node_is_empty(node) &&
	       (node->child[0] == NULL || node->child[1] == NULL)) {
		ArcRouteNode *parent = node->parent;
		ArcRouteNode *child = node->child[node->child[0] == NULL ? 1 : 0];
		ArcRouteNode **slot =
			parent != NULL ? &parent->child[parent->child[1] == node ? 1 : 0] : root;

		*slot = child;
		if (child != NULL)
			child->parent = parent;
		g_free(node);
		node = parent;
	}
}

/* the nodes holding something whose prefix contains @address (a network of @prefix bits),
 * shortest first; returns how many, at most ARC_ROUTE_PATH_MAX */
static guint
arc_route_trie_path(ArcRouteNode *node, const ArcRouteKey *address, guint prefix,
		    ArcRouteNode **path)
{
	guint n = 0;

	while (node != NULL && node->prefix <= prefix && arc_route_node_contains(node, address)) {
		if (!arc_route_node_is_empty(node))
			path[n++] = node;
		if (node->prefix == prefix)
			break;
		node = node->child[arc_route_key_bit(address, node->prefix)];
	}
	return n;
}

/* the best route of the trie at @root containing @address, %NULL if none */
static ArcRouteEntry *
arc_route_trie_best(ArcRouteNode *root, const ArcRouteKey *address, guint prefix)
{
	ArcRouteNode *path[ARC_ROUTE_PATH_MAX];
	guint n = arc_route_trie_path(root, address, prefix, path);

	return n > 0 ? g_ptr_array_index(path[n - 1]->entries, 0) : NULL;
}

/* within a node the prefixes are the same: the higher priority, the lower id, then the
 * earlier added, first */
static gint
arc_route_entry_rank(const ArcRouteEntry *a, const ArcRouteEntry *b)
{
	if (a->route.priority != b->route.priority)
		return a->route.priority > b->route.priority ? -1 : 1;
	if (a->route.id != b->route.id)
		return a->route.id < b->route.id ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* the first position in @entries of an entry ranked after @entry */
static guint
arc_route_entries_after(GPtrArray *entries, const ArcRouteEntry *entry)
{
	guint low = 0, high = entries->len;

	while (low < high) {
		guint middle = low + (high - low) / 2;
		if (arc_route_entry_rank(g_ptr_array_index(entries, middle), entry) <= 0)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

static void
arc_route_node_add_entry(ArcRouteNode *node, ArcRouteEntry *entry)
{
	if (node->entries == NULL)
		node->entries = g_ptr_array_new();
	g_ptr_array_insert(node->entries, (gint)arc_route_entries_after(node->entries, entry),
			   entry);
	entry->node = node;
}

static void
arc_route_node_remove_entry(ArcRouteNode *node, ArcRouteEntry *entry)
{
	guint position = arc_route_entries_after(node->entries, entry);

	g_return_if_fail(position > 0 && g_ptr_array_index(node->entries, position - 1) == entry);
	g_ptr_array_remove_index(node->entries, position - 1);
	if (node->entries->len == 0)
		g_clear_pointer(&node->entries, g_ptr_array_unref);
}

/* the trie keyed by @cidr, or %NULL */
static ArcRouteNode **
arc_route_table_trie(ArcRouteTable *self, guint trie, const ArcCidr *cidr)
{
	gint family = arc_route_family_index(cidr);
	return family >= 0 ? &self->tries[trie][family] : NULL;
}

static ArcRouteNode *
arc_route_trie_insert_cidr(ArcRouteNode **root, const ArcCidr *cidr)
{
	ArcRouteKey key = arc_route_key_new(cidr, cidr->prefix);
	return arc_route_trie_insert(root, &key, cidr->prefix);
}

/* O(prefix lengths + routes of the same prefixes) */
static void
arc_route_table_index(ArcRouteTable *self, ArcRouteEntry *entry)
{
	const ArcRoute *route = &entry->route;
	ArcRouteCategory category = arc_route_get_category(route);
	ArcRouteNode **root = NULL;

	if (category == ARC_ROUTE_CATEGORY_NONE)
		return;
	if ((route->has_source && arc_route_family_index(&route->source) < 0) ||
	    (route->has_destination && arc_route_family_index(&route->destination) < 0)) {
		g_ptr_array_add(self->unindexed, entry);
		return;
	}
	if (category == ARC_ROUTE_CATEGORY_SOURCE_DESTINATION) {
		root = arc_route_table_trie(self, ARC_ROUTE_TRIE_SOURCE_DESTINATION,
					    &route->destination);
		entry->outer = arc_route_trie_insert_cidr(root, &route->destination);
		root = &entry->outer->sources[arc_route_family_index(&route->source)];
		arc_route_node_add_entry(arc_route_trie_insert_cidr(root, &route->source), entry);
	} else if (category == ARC_ROUTE_CATEGORY_SOURCE) {
		root = arc_route_table_trie(self, ARC_ROUTE_TRIE_SOURCE, &route->source);
		arc_route_node_add_entry(arc_route_trie_insert_cidr(root, &route->source), entry);
	} else {
		root = arc_route_table_trie(self, ARC_ROUTE_TRIE_DESTINATION, &route->destination);
		arc_route_node_add_entry(arc_route_trie_insert_cidr(root, &route->destination),
					 entry);
	}
}

/* O(routes of the same prefixes), plus the nodes it leaves useless */
static void
arc_route_table_unindex(ArcRouteTable *self, ArcRouteEntry *entry)
{
	const ArcRoute *route = &entry->route;
	ArcRouteCategory category = arc_route_get_category(route);
	ArcRouteNode *node = entry->node;

	if (node == NULL) {
		if (category != ARC_ROUTE_CATEGORY_NONE)
			g_ptr_array_remove(self->unindexed, entry);
		return;
	}
	arc_route_node_remove_entry(node, entry);
	if (category == ARC_ROUTE_CATEGORY_SOURCE_DESTINATION) {
		ArcRouteNode *outer = entry->outer;
		arc_route_trie_prune(&outer->sources[arc_route_family_index(&route->source)], node);
		arc_route_trie_prune(arc_route_table_trie(self, ARC_ROUTE_TRIE_SOURCE_DESTINATION,
							  &route->destination),
				     outer);
	} else if (category == ARC_ROUTE_CATEGORY_SOURCE) {
		arc_route_trie_prune(
			arc_route_table_trie(self, ARC_ROUTE_TRIE_SOURCE, &route->source), node);
	} else {
		arc_route_trie_prune(
			arc_route_table_trie(self, ARC_ROUTE_TRIE_DESTINATION, &route->destination),
			node);
	}
	entry->node = NULL;
	entry->outer = NULL;
}

static void
arc_route_entry_free(ArcRouteEntry *self)
{
	g_free(self->route.service_id);
	g_free(self);
}

ArcRouteTable *
arc_route_table_new(void)
{
	ArcRouteTable *self = g_new0(ArcRouteTable, 1);
	g_queue_init(&self->order);
	self->ids = g_hash_table_new(g_int64_hash, g_int64_equal);
	self->interfaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->unindexed = g_ptr_array_new();
	return self;
}

void
arc_route_table_free(ArcRouteTable *self)
{
	if (self == NULL)
		return;
	for (guint i = 0; i < ARC_ROUTE_TRIE_LAST; i++) {
		arc_route_trie_free(self->tries[i][0]);
		arc_route_trie_free(self->tries[i][1]);
	}
	/* the links are in the entries: g_queue_pop_head() would free them */
	for (GList *link = self->order.head, *next; link != NULL; link = next) {
		next = link->next;
		arc_route_entry_free(link->data);
	}
	g_hash_table_unref(self->ids);
	g_hash_table_unref(self->interfaces);
	g_ptr_array_unref(self->unindexed);
	g_free(self);
}

/**
 * arc_route_table_add:
 * @self: the table
 * @id: the route id
 * @service_id: the service the route selects
 * @priority: higher is preferred
 * @source: (nullable): the source CIDR
 * @destination: (nullable): the destination CIDR
 *
 * A route with neither CIDR matches nothing. Costs O(prefix lengths + routes with the same
 * prefixes), whatever the size of the table.
 */
void
arc_route_table_add(ArcRouteTable *self, gint64 id, const gchar *service_id, gint64 priority,
		    const ArcCidr *source, const ArcCidr *destination)
{
	ArcRouteEntry *entry = g_new0(ArcRouteEntry, 1);
	ArcRouteEntry *same_id;

	entry->route.id = id;
	entry->route.service_id = g_strdup(service_id);
	entry->route.priority = priority;
	entry->route.has_source = source != NULL;
	if (source != NULL)
		entry->route.source = *source;
	entry->route.has_destination = destination != NULL;
	if (destination != NULL)
		entry->route.destination = *destination;
	entry->seq = self->next_seq++;
	entry->link.data = entry;
	g_queue_push_tail_link(&self->order, &entry->link);
	same_id = g_hash_table_lookup(self->ids, &id);
	if (same_id == NULL) {
		g_hash_table_insert(self->ids, &entry->route.id, entry);
	} else {
		while (same_id->same_id != NULL)
			same_id = same_id->same_id;
		same_id->same_id = entry;
	}
	arc_route_table_index(self, entry);
}

/**
 * arc_route_table_remove:
 * @self: the table
 * @id: a route id
 *
 * Removes the route @id (the first added, if there were several). Costs O(routes with the
 * same prefixes), whatever the size of the table.
 *
 * Returns: whether there was such a route
 */
gboolean
arc_route_table_remove(ArcRouteTable *self, gint64 id)
{
	ArcRouteEntry *entry = g_hash_table_lookup(self->ids, &id);

	if (entry == NULL)
		return FALSE;
	/* the key points into the entry: replace it along with the value */
	if (entry->same_id != NULL)
		g_hash_table_replace(self->ids, &entry->same_id->route.id, entry->same_id);
	else
		g_hash_table_remove(self->ids, &id);
	g_queue_unlink(&self->order, &entry->link);
	arc_route_table_unindex(self, entry);
	arc_route_entry_free(entry);
	return TRUE;
}

/**
 * arc_route_table_bind_interface:
 * @self: the table
 * @interface: the name of a service's MACVLAN interface
 * @service_id: the service
 *
 * Traffic arriving on @interface belongs to the service, before any route.
 */
void
arc_route_table_bind_interface(ArcRouteTable *self, const gchar *interface, const gchar *service_id)
{
	g_hash_table_replace(self->interfaces, g_strdup(interface), g_strdup(service_id));
}

guint
arc_route_table_get_size(ArcRouteTable *self)
{
	return self->order.length;
}

static gboolean
arc_route_matches(const ArcRoute *route, const ArcCidr *source, const ArcCidr *destination)
{
	if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
		return FALSE;
	if (route->has_source && !arc_cidr_contains(&route->source, source))
		return FALSE;
	if (route->has_destination && !arc_cidr_contains(&route->destination, destination))
		return FALSE;
	return TRUE;
}

/**
 * arc_route_compare:
 * @a: a route
 * @b: another route
 *
 * The preference of the route evaluation: the category, then within it the longer
 * destination prefix, the longer source prefix, the higher priority, the lower id. Of two
 * routes that both match a packet, the one that sorts first wins; so the first route of
 * arc_route_table_get_ordered() that matches a packet is the winner explain names.
 *
 * Returns: < 0 when @a is preferred over @b, > 0 when @b is, 0 for the same id and prefixes
 */
gint
arc_route_compare(const ArcRoute *a, const ArcRoute *b)
{
	ArcRouteCategory ca = arc_route_get_category(a), cb = arc_route_get_category(b);

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (a->has_destination && a->destination.prefix != b->destination.prefix)
		return a->destination.prefix > b->destination.prefix ? -1 : 1;
	if (a->has_source && a->source.prefix != b->source.prefix)
		return a->source.prefix > b->source.prefix ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/* a packet's address as the tries see it */
typedef struct {
	gint family; /* the index of its family's tries, -1 when none applies */
	guint prefix;
	ArcRouteKey key;
} ArcRouteAddress;

static void
arc_route_address_init(ArcRouteAddress *self, const ArcCidr *cidr)
{
	self->family = cidr->family == 4 ? 0 : (cidr->family == 6 ? 1 : -1);
	self->prefix = MIN(cidr->prefix, cidr->family == 4 ? 32 : 128);
	self->key = arc_route_key_new(cidr, self->prefix);
}

/* the best source+destination route: the destination nodes from the longest prefix down,
 * and in each the deepest source node */
static ArcRouteEntry *
arc_route_table_find_both(ArcRouteTable *self, const ArcRouteAddress *source,
			  const ArcRouteAddress *destination)
{
	ArcRouteNode *path[ARC_ROUTE_PATH_MAX];
	guint n;

	if (source->family < 0 || destination->family < 0)
		return NULL;
	n = arc_route_trie_path(self->tries[ARC_ROUTE_TRIE_SOURCE_DESTINATION][destination->family],
				&destination->key, destination->prefix, path);
	for (guint i = n; i > 0; i--) {
		ArcRouteEntry *best = arc_route_trie_best(path[i - 1]->sources[source->family],
							  &source->key, source->prefix);
		if (best != NULL)
			return best;
	}
	return NULL;
}

/* the winning route, %NULL if none: the first category with a match decides */
static const ArcRoute *
arc_route_table_find(ArcRouteTable *self, const ArcCidr *source, const ArcCidr *destination)
{
	ArcRouteAddress src, dst;
	ArcRouteEntry *best;

	arc_route_address_init(&src, source);
	arc_route_address_init(&dst, destination);
	best = arc_route_table_find_both(self, &src, &dst);
	if (best == NULL && src.family >= 0)
		best = arc_route_trie_best(self->tries[ARC_ROUTE_TRIE_SOURCE][src.family], &src.key,
					   src.prefix);
	if (best == NULL && dst.family >= 0)
		best = arc_route_trie_best(self->tries[ARC_ROUTE_TRIE_DESTINATION][dst.family],
					   &dst.key, dst.prefix);
	for (guint i = 0; i < self->unindexed->len; i++) {
		ArcRouteEntry *entry = g_ptr_array_index(self->unindexed, i);
		gint order;

		if (!arc_route_matches(&entry->route, source, destination))
			continue;
		order = best != NULL ? arc_route_compare(&entry->route, &best->route) : -1;
		if (order < 0 || (order == 0 && entry->seq < best->seq))
			best = entry;
	}
	return best != NULL ? &best->route : NULL;
}

/**
 * arc_route_table_lookup:
 * @self: the table
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 * @service_id: (out) (optional) (transfer none): the service chosen, %NULL if none
 *
 * The evaluation of docs/routing.md, in O(prefix lengths) rather than O(routes): see
 * "Index" there.
 *
 * Returns: (transfer none) (nullable): the route that won, %NULL for an interface match or
 *   when nothing matched
 */
const ArcRoute *
arc_route_table_lookup(ArcRouteTable *self, const ArcCidr *source, const ArcCidr *destination,
		       const gchar *interface, const gchar **service_id)
{
	const gchar *bound =
		interface != NULL ? g_hash_table_lookup(self->interfaces, interface) : NULL;
	const ArcRoute *best;

	if (bound != NULL) {
		if (service_id != NULL)
			*service_id = bound;
		return NULL;
	}
	best = arc_route_table_find(self, source, destination);
	if (service_id != NULL)
		*service_id = best != NULL ? best->service_id : NULL;
	return best;
}

void
arc_route_decision_free(ArcRouteDecision *self)
{
	if (self == NULL)
		return;
	g_free(self->service_id);
	g_free(self->reason);
	g_array_unref(self->losers);
	g_free(self);
}

static void
arc_route_loser_clear(gpointer data)
{
	ArcRouteLoser *loser = data;
	g_free(loser->reason);
}

/* why @route does not match */
static gchar *
arc_route_mismatch(const ArcRoute *route, const ArcCidr *source, const ArcCidr *destination)
{
	if (arc_route_get_category(route) == ARC_ROUTE_CATEGORY_NONE)
		return g_strdup("has no CIDR: it matches nothing");
	if (route->has_source && !arc_cidr_contains(&route->source, source)) {
		g_autofree gchar *cidr = arc_cidr_to_string(&route->source);
		if (route->source.family != source->family)
			return g_strdup_printf("source %s is IPv%u, the packet IPv%u", cidr,
					       route->source.family, source->family);
		return g_strdup_printf("the source is outside %s", cidr);
	}
	{
		g_autofree gchar *cidr = arc_cidr_to_string(&route->destination);
		if (route->destination.family != destination->family)
			return g_strdup_printf("destination %s is IPv%u, the packet IPv%u", cidr,
					       route->destination.family, destination->family);
		return g_strdup_printf("the destination is outside %s", cidr);
	}
}

/* why @loser, which matches, lost to @winner */
static gchar *
arc_route_lost(const ArcRoute *loser, const ArcRoute *winner)
{
	ArcRouteCategory cl = arc_route_get_category(loser), cw = arc_route_get_category(winner);

	if (cl != cw)
		return g_strdup_printf("a less specific category (%s) than route %" G_GINT64_FORMAT
				       " (%s)",
				       arc_route_category_to_string(cl), winner->id,
				       arc_route_category_to_string(cw));
	if (loser->has_destination && loser->destination.prefix != winner->destination.prefix)
		return g_strdup_printf(
			"a shorter destination prefix (/%u) than route %" G_GINT64_FORMAT " (/%u)",
			loser->destination.prefix, winner->id, winner->destination.prefix);
	if (loser->has_source && loser->source.prefix != winner->source.prefix)
		return g_strdup_printf("a shorter source prefix (/%u) than route %" G_GINT64_FORMAT
				       " (/%u)",
				       loser->source.prefix, winner->id, winner->source.prefix);
	if (loser->priority != winner->priority)
		return g_strdup_printf("a lower priority (%" G_GINT64_FORMAT
				       ") than route %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT ")",
				       loser->priority, winner->id, winner->priority);
	return g_strdup_printf("as specific and as high in priority as route %" G_GINT64_FORMAT
			       ", which has the lower id",
			       winner->id);
}

/**
 * arc_route_table_explain:
 * @self: the table
 * @source: the packet's source address
 * @destination: the packet's destination address
 * @interface: (nullable): the interface it arrived on
 * @all: whether to give a reason for the routes that do not match the packet too (they are
 *   only counted otherwise: with many routes, wording each costs more than the evaluation)
 *
 * The same evaluation as arc_route_table_lookup(), with the reason every other route lost.
 *
 * Returns: (transfer full): the decision
 */
ArcRouteDecision *
arc_route_table_explain(ArcRouteTable *self, const ArcCidr *source, const ArcCidr *destination,
			const gchar *interface, gboolean all)
{
	ArcRouteDecision *decision = g_new0(ArcRouteDecision, 1);
	const gchar *service_id = NULL;
	const ArcRoute *winner =
		arc_route_table_lookup(self, source, destination, interface, &service_id);

	decision->losers = g_array_new(FALSE, TRUE, sizeof(ArcRouteLoser));
	g_array_set_clear_func(decision->losers, arc_route_loser_clear);
	decision->service_id = g_strdup(service_id);
	decision->route = winner;
	if (service_id != NULL && winner == NULL) {
		decision->category = ARC_ROUTE_CATEGORY_INTERFACE;
		decision->reason = g_strdup_printf("the packet arrived on %s, the interface of "
						   "service %s: interfaces come before routes",
						   interface, service_id);
	} else if (winner != NULL) {
		decision->category = arc_route_get_category(winner);
		decision->reason =
			g_strdup_printf("the most specific matching route (%s), then the highest "
					"priority",
					arc_route_category_to_string(decision->category));
	} else {
		decision->category = ARC_ROUTE_CATEGORY_NONE;
		decision->reason = g_strdup("no route matches and no service interface applies");
	}
	for (GList *link = self->order.head; link != NULL; link = link->next) {
		const ArcRoute *route = link->data;
		ArcRouteLoser loser = {route, NULL, FALSE};

		if (route == winner)
			continue;
		loser.matches = arc_route_matches(route, source, destination);
		if (!loser.matches && !all) {
			decision->unmatched++;
			continue;
		}
		if (!loser.matches)
			loser.reason = arc_route_mismatch(route, source, destination);
		else if (winner == NULL)
			loser.reason = g_strdup("the interface match comes first");
		else
			loser.reason = arc_route_lost(route, winner);
		g_array_append_val(decision->losers, loser);
	}
	return decision;
}

/* arc_route_compare(), and among routes added twice with the same id the earlier first, as
 * the lookup decides */
static gint
arc_route_order_cb(gconstpointer a, gconstpointer b)
{
	const ArcRouteEntry *ea = *(ArcRouteEntry *const *)a;
	const ArcRouteEntry *eb = *(ArcRouteEntry *const *)b;
	gint order = arc_route_compare(&ea->route, &eb->route);

	if (order != 0)
		return order;
	return ea->seq < eb->seq ? -1 : (ea->seq > eb->seq ? 1 : 0);
}

/**
 * arc_route_table_get_ordered:
 * @self: the table
 *
 * Every route, in the order of the evaluation: the first that matches a packet is the one
 * arc_route_table_lookup() and arc_route_table_explain() choose (interface bindings aside).
 * This is how the firewall states the table as a list of rules where the first match stops,
 * without a second copy of the comparator. Routes that match nothing (no CIDR) come last.
 *
 * Returns: (transfer container) (element-type ArcRoute): the routes, owned by @self
 */
GPtrArray *
arc_route_table_get_ordered(ArcRouteTable *self)
{
	GPtrArray *routes = g_ptr_array_sized_new(self->order.length);

	for (GList *link = self->order.head; link != NULL; link = link->next)
		g_ptr_array_add(routes, link->data);
	g_ptr_array_sort(routes, arc_route_order_cb);
	return routes;
}
