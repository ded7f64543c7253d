/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-netlink.h"
#include "arc-netmgr.h"

#include "arc-device-addresses.h"

#include <arctic-plugin.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The routing tables table_base+1 … table_base+n_slots are the agent's, and so is every
 * `ip rule` that points at one of them: after a crash, those the view does not want are
 * deleted, whoever added them, and nothing outside the range is looked at. A marked packet
 * whose peer has no device yet meets an `unreachable` default route instead of falling
 * through to the main table: it is never sent unencrypted. */

struct _ArcNetmgr {
	ArcDataplaneConfig config;
	struct nl_sock *sock;
	gchar *sysctl_root;  /* /proc/sys, or a test's directory */
	gchar *sysctls_said; /* (nullable): the summary last logged */
};

/* g_autoptr() wants a type name */
typedef struct nl_cache ArcNlCache;
typedef struct nl_addr ArcNlAddr;
typedef struct rtnl_rule ArcNlRule;
typedef struct rtnl_route ArcNlRoute;
typedef struct rtnl_addr ArcNlRtAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNlCache, nl_cache_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNlAddr, nl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNlRule, rtnl_rule_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNlRoute, rtnl_route_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcNlRtAddr, rtnl_addr_put)

/* what the view wants of one slot */
typedef struct {
	guint slot;
	guint ifindex;  /* 0: the device is missing, the table's default is unreachable */
	gboolean local; /* the proxy's: `local default dev lo` */
} ArcNetmgrSlot;

/**
 * arc_netmgr_new:
 * @config: the ranges, copied
 * @error: return location for a #GError
 *
 * Returns: (transfer full): netmgr with its netlink socket, or %NULL
 */
ArcNetmgr *
arc_netmgr_new(const ArcDataplaneConfig *config, GError **error)
{
	g_autoptr(ArcNetmgr) self = g_new0(ArcNetmgr, 1);

	self->config = *config;
	self->sysctl_root = g_strdup("/proc/sys");
	self->sock = arc_netlink_open(error);
	if (self->sock == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
arc_netmgr_free(ArcNetmgr *self)
{
	if (self == NULL)
		return;
	if (self->sock != NULL)
		nl_socket_free(self->sock);
	g_free(self->sysctl_root);
	g_free(self->sysctls_said);
	g_free(self);
}

/**
 * arc_netmgr_set_sysctl_root:
 * @self: netmgr
 * @root: the directory the sysctls are files of: `/proc/sys` (the default), or a test's
 */
void
arc_netmgr_set_sysctl_root(ArcNetmgr *self, const gchar *root)
{
	g_free(self->sysctl_root);
	self->sysctl_root = g_strdup(root);
}

static gboolean
arc_netmgr_owns_table(ArcNetmgr *self, guint32 table)
{
	return table > self->config.table_base &&
	       table <= self->config.table_base + self->config.n_slots + 1;
}

/* the rules' identity, to find duplicates and those not wanted */
static gchar *
arc_netmgr_rule_key(gint family, guint32 table, guint32 mark, guint32 prio)
{
	return g_strdup_printf("%d/%u/%u/%u", family, table, mark, prio);
}

static GHashTable *
arc_netmgr_wanted_rules(ArcNetmgr *self, GArray *wanted)
{
	GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const gint families[] = {AF_INET, AF_INET6};

	for (guint i = 0; i < wanted->len; i++) {
		guint slot = g_array_index(wanted, ArcNetmgrSlot, i).slot;

		for (guint f = 0; f < G_N_ELEMENTS(families); f++)
			g_hash_table_add(keys, arc_netmgr_rule_key(families[f],
								   self->config.table_base + slot,
								   self->config.mark_base + slot,
								   self->config.rule_priority));
	}
	return keys;
}

static gboolean
arc_netmgr_add_rule(ArcNetmgr *self, gint family, guint slot, GError **error)
{
	g_autoptr(ArcNlRule) rule = rtnl_rule_alloc();
	gint err;

	rtnl_rule_set_family(rule, family);
	rtnl_rule_set_mark(rule, self->config.mark_base + slot);
	rtnl_rule_set_mask(rule, 0xffffffff);
	rtnl_rule_set_table(rule, self->config.table_base + slot);
	rtnl_rule_set_prio(rule, self->config.rule_priority);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	err = rtnl_rule_add(self->sock, rule, NLM_F_CREATE);
	if (err < 0)
		return arc_netlink_fail(error, "cannot add a rule", err);
	g_info("ip rule fwmark 0x%08x lookup %u (IPv%d) added", self->config.mark_base + slot,
	       self->config.table_base + slot, family == AF_INET ? 4 : 6);
	return TRUE;
}

/* deletes the rules of our tables that @keys does not want or that come twice, and takes
 * those found out of @keys: what is left there is missing */
static gboolean
arc_netmgr_prune_rules(ArcNetmgr *self, GHashTable *keys, GError **error)
{
	g_autoptr(ArcNlCache) cache = NULL;
	g_autoptr(GPtrArray) doomed = g_ptr_array_new();
	gint err = rtnl_rule_alloc_cache(self->sock, AF_UNSPEC, &cache);

	if (err < 0)
		return arc_netlink_fail(error, "cannot list the rules", err);
	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_rule *rule = (struct rtnl_rule *)obj;
		g_autofree gchar *key = NULL;

		if (!arc_netmgr_owns_table(self, rtnl_rule_get_table(rule)))
			continue;
		key = arc_netmgr_rule_key(rtnl_rule_get_family(rule), rtnl_rule_get_table(rule),
					  rtnl_rule_get_mark(rule), rtnl_rule_get_prio(rule));
		if (rtnl_rule_get_mask(rule) == 0xffffffff && g_hash_table_remove(keys, key))
			continue;
		g_ptr_array_add(doomed, rule);
	}
	for (guint i = 0; i < doomed->len; i++) {
		struct rtnl_rule *rule = g_ptr_array_index(doomed, i);

		err = rtnl_rule_delete(self->sock, rule, 0);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND)
			return arc_netlink_fail(error, "cannot delete a stale rule", err);
		g_info("stale ip rule to table %u deleted", rtnl_rule_get_table(rule));
	}
	return TRUE;
}

/* a host without IPv6 refuses IPv6 rules: that is reported, and IPv4 still works */
static gboolean
arc_netmgr_add_rule_reported(ArcNetmgr *self, gint family, guint slot, GPtrArray *problems,
			     GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (arc_netmgr_add_rule(self, family, slot, &error_local))
		return TRUE;
	if (family == AF_INET) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	g_warning("IPv6: %s", error_local->message);
	if (problems != NULL)
		g_ptr_array_add(problems,
				g_strdup_printf("netmgr: IPv6: %s", error_local->message));
	return TRUE;
}

static gboolean
arc_netmgr_sync_rules(ArcNetmgr *self, GArray *wanted, GPtrArray *problems, GError **error)
{
	g_autoptr(GHashTable) keys = arc_netmgr_wanted_rules(self, wanted);
	const gint families[] = {AF_INET, AF_INET6};

	if (!arc_netmgr_prune_rules(self, keys, error))
		return FALSE;
	for (guint i = 0; i < wanted->len; i++) {
		guint slot = g_array_index(wanted, ArcNetmgrSlot, i).slot;

		for (guint f = 0; f < G_N_ELEMENTS(families); f++) {
			g_autofree gchar *key = arc_netmgr_rule_key(
				families[f], self->config.table_base + slot,
				self->config.mark_base + slot, self->config.rule_priority);

			if (g_hash_table_contains(keys, key) &&
			    !arc_netmgr_add_rule_reported(self, families[f], slot, problems, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* the wanted state of @table, NULL when the view does not want it */
static const ArcNetmgrSlot *
arc_netmgr_find_slot(ArcNetmgr *self, GArray *wanted, guint32 table)
{
	for (guint i = 0; i < wanted->len; i++) {
		const ArcNetmgrSlot *slot = &g_array_index(wanted, ArcNetmgrSlot, i);

		if (self->config.table_base + slot->slot == table)
			return slot;
	}
	return NULL;
}

/* whether @route is exactly the default route @slot wants */
static gboolean
arc_netmgr_route_is_wanted(struct rtnl_route *route, const ArcNetmgrSlot *slot)
{
	struct nl_addr *dst = rtnl_route_get_dst(route);
	struct rtnl_nexthop *nh;

	if (slot == NULL || (dst != NULL && nl_addr_get_prefixlen(dst) != 0))
		return FALSE;
	if (slot->local)
		return rtnl_route_get_type(route) == RTN_LOCAL &&
		       rtnl_route_get_nnexthops(route) == 1 &&
		       rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0)) ==
			       (gint)slot->ifindex;
	if (slot->ifindex == 0)
		return rtnl_route_get_type(route) == RTN_UNREACHABLE;
	if (rtnl_route_get_type(route) != RTN_UNICAST || rtnl_route_get_nnexthops(route) != 1)
		return FALSE;
	nh = rtnl_route_nexthop_n(route, 0);
	return rtnl_route_nh_get_ifindex(nh) == (gint)slot->ifindex;
}

static gboolean
arc_netmgr_prune_routes(ArcNetmgr *self, GArray *wanted, GError **error)
{
	g_autoptr(ArcNlCache) cache = NULL;
	g_autoptr(GPtrArray) doomed = g_ptr_array_new();
	gint err = rtnl_route_alloc_cache(self->sock, AF_UNSPEC, 0, &cache);

	if (err < 0)
		return arc_netlink_fail(error, "cannot list the routes", err);
	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_route *route = (struct rtnl_route *)obj;
		guint32 table = rtnl_route_get_table(route);

		if (!arc_netmgr_owns_table(self, table))
			continue;
		if (!arc_netmgr_route_is_wanted(route, arc_netmgr_find_slot(self, wanted, table)))
			g_ptr_array_add(doomed, route);
	}
	for (guint i = 0; i < doomed->len; i++) {
		struct rtnl_route *route = g_ptr_array_index(doomed, i);

		err = rtnl_route_delete(self->sock, route, 0);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND)
			return arc_netlink_fail(error, "cannot delete a stale route", err);
		g_info("stale route in table %u deleted", rtnl_route_get_table(route));
	}
	return TRUE;
}

/* `default dev IFINDEX table T`, or `unreachable default table T` without a device */
static gboolean
arc_netmgr_add_default(ArcNetmgr *self, gint family, const ArcNetmgrSlot *slot, GError **error)
{
	g_autoptr(ArcNlRoute) route = rtnl_route_alloc();
	static const guint8 zeros[16] = {0};
	g_autoptr(ArcNlAddr) dst = nl_addr_build(family, zeros, family == AF_INET ? 4 : 16);
	gint err;

	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(route, family);
	rtnl_route_set_table(route, self->config.table_base + slot->slot);
	rtnl_route_set_dst(route, dst);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	if (slot->ifindex != 0) {
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

		/* the proxy's table delivers whatever is marked for it to a local socket */
		rtnl_route_set_type(route, slot->local ? RTN_LOCAL : RTN_UNICAST);
		rtnl_route_set_scope(route, slot->local ? RT_SCOPE_HOST : RT_SCOPE_LINK);
		rtnl_route_nh_set_ifindex(nh, (gint)slot->ifindex);
		rtnl_route_add_nexthop(route, nh);
	} else {
		rtnl_route_set_type(route, RTN_UNREACHABLE);
		rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	}
	err = rtnl_route_add(self->sock, route, NLM_F_CREATE | NLM_F_REPLACE);
	if (err < 0)
		return arc_netlink_fail(error, "cannot add a default route", err);
	return TRUE;
}

static gboolean arc_netmgr_write_sysctl(const gchar *path, const gchar *value, GError **error);

/* Replies from a tunnel come in on its device from addresses the main table routes
 * elsewhere: strict reverse-path filtering (rp_filter 1) would drop them. The kernel uses
 * the larger of the `all` and the device's value, so loose (2) on the agent's own devices
 * is enough, and changes nothing outside them. */
static void
arc_netmgr_loosen_rp_filter(ArcNetmgr *self, const gchar *device)
{
	g_autofree gchar *path =
		g_strdup_printf("%s/net/ipv4/conf/%s/rp_filter", self->sysctl_root, device);
	g_autofree gchar *now = NULL;
	g_autoptr(GError) error = NULL;

	if (!g_file_get_contents(path, &now, NULL, NULL) || g_strcmp0(g_strstrip(now), "1") != 0)
		return;
	if (arc_netmgr_write_sysctl(path, "2\n", &error))
		g_info("%s: reverse-path filtering loosened (2)", device);
	else
		g_warning("%s: reverse-path filtering stays strict: %s", device, error->message);
}

/* what the view wants: a slot for every remote member, a device when it exists; and the
 * proxy's slot, which TPROXY needs to deliver a packet for another host to a local socket */
static GArray *
arc_netmgr_wanted(ArcNetmgr *self, const ArcClusterView *view, const ArcPeerSlots *slots)
{
	GArray *wanted = g_array_new(FALSE, TRUE, sizeof(ArcNetmgrSlot));

	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		ArcNetmgrSlot slot = {arc_peer_slots_lookup(slots, member->peer_id), 0};

		if (slot.slot == 0)
			continue;
		slot.ifindex = if_nametoindex(member->device);
		if (slot.ifindex != 0)
			arc_netmgr_loosen_rp_filter(self, member->device);
		g_array_append_val(wanted, slot);
	}
	if (arc_dataplane_config_proxy_slot(&self->config) != 0) {
		ArcNetmgrSlot proxy = {arc_dataplane_config_proxy_slot(&self->config),
				       if_nametoindex("lo"), TRUE};

		g_array_append_val(wanted, proxy);
	}
	return wanted;
}

static void
arc_netmgr_add_routes(ArcNetmgr *self, GArray *wanted, GPtrArray *problems)
{
	const gint families[] = {AF_INET, AF_INET6};

	for (guint i = 0; i < wanted->len; i++) {
		const ArcNetmgrSlot *slot = &g_array_index(wanted, ArcNetmgrSlot, i);

		for (guint f = 0; f < G_N_ELEMENTS(families); f++) {
			g_autoptr(GError) error = NULL;

			if (arc_netmgr_add_default(self, families[f], slot, &error))
				continue;
			g_warning("table %u, IPv%d: %s", self->config.table_base + slot->slot,
				  families[f] == AF_INET ? 4 : 6, error->message);
			if (problems != NULL)
				g_ptr_array_add(problems, g_strdup_printf("netmgr: table %u: %s",
									  self->config.table_base +
										  slot->slot,
									  error->message));
		}
	}
}

/* this node's tunnel address @local on the device @ifindex, with the member's @peer (if
 * known) at the other end: the kernel then routes @peer through the device, the way back for
 * what the exit side masqueraded */
static gboolean
arc_netmgr_add_address(ArcNetmgr *self, guint ifindex, const ArcCidr *local, const ArcCidr *peer,
		       GError **error)
{
	g_autoptr(ArcNlRtAddr) addr = rtnl_addr_alloc();
	gint family = local->family == 4 ? AF_INET : AF_INET6;
	guint len = family == AF_INET ? 4 : 16;
	g_autoptr(ArcNlAddr) local_addr = nl_addr_build(family, local->bytes, len);
	g_autoptr(ArcNlAddr) peer_addr =
		peer != NULL ? nl_addr_build(family, peer->bytes, len) : NULL;
	gint err;

	nl_addr_set_prefixlen(local_addr, len * 8);
	rtnl_addr_set_ifindex(addr, (gint)ifindex);
	rtnl_addr_set_family(addr, family);
	rtnl_addr_set_local(addr, local_addr);
	if (peer_addr != NULL) {
		nl_addr_set_prefixlen(peer_addr, len * 8);
		rtnl_addr_set_peer(addr, peer_addr);
	}
	rtnl_addr_set_prefixlen(addr, len * 8);
	if (family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	err = rtnl_addr_add(self->sock, addr, NLM_F_CREATE | NLM_F_REPLACE);
	if (err < 0 && err != -NLE_EXIST)
		return arc_netlink_fail(error, "cannot add this node's tunnel address", err);
	return TRUE;
}

static gboolean
arc_netmgr_add_member_addresses(ArcNetmgr *self, const ArcClusterSelf *node,
				const ArcClusterMember *member, guint ifindex, GError **error)
{
	return (!node->has_tunnel_v4 ||
		arc_netmgr_add_address(self, ifindex, &node->tunnel_v4,
				       member->has_tunnel_v4 ? &member->tunnel_v4 : NULL, error)) &&
	       (!node->has_tunnel_v6 ||
		arc_netmgr_add_address(self, ifindex, &node->tunnel_v6, NULL, error));
}

/* @addr as netmgr compares it: the other end when it differs from the local address */
static void
arc_netmgr_read_address(struct rtnl_addr *addr, ArcDeviceAddress *out)
{
	struct nl_addr *local = rtnl_addr_get_local(addr);
	struct nl_addr *peer = rtnl_addr_get_peer(addr);
	guint len = nl_addr_get_len(local);

	memset(out, 0, sizeof(*out));
	out->local.family = len == 4 ? 4 : 6;
	out->local.prefix = (guint8)rtnl_addr_get_prefixlen(addr);
	memcpy(out->local.bytes, nl_addr_get_binary_addr(local), MIN(len, 16));
	out->has_peer =
		peer != NULL && nl_addr_get_len(peer) == len &&
		memcmp(nl_addr_get_binary_addr(peer), nl_addr_get_binary_addr(local), len) != 0;
	if (out->has_peer) {
		out->peer.family = out->local.family;
		out->peer.prefix = (guint8)(len * 8);
		memcpy(out->peer.bytes, nl_addr_get_binary_addr(peer), MIN(len, 16));
	}
	out->link_local = rtnl_addr_get_scope(addr) == RT_SCOPE_LINK;
}

/* deletes the addresses of the tunnel ranges the device @ifindex carries beyond what
 * @member's wants (an address either side gave up when it lost a claim), so only the
 * addresses of the view route into it; addresses outside the ranges are not the agent's */
static gboolean
arc_netmgr_prune_addresses(ArcNetmgr *self, struct nl_cache *cache, guint ifindex,
			   const ArcClusterSelf *node, const ArcClusterMember *member,
			   GError **error)
{
	g_autoptr(GArray) wanted = arc_device_addresses_wanted(node, member);
	g_autoptr(GArray) present = g_array_new(FALSE, TRUE, sizeof(ArcDeviceAddress));
	g_autoptr(GPtrArray) objects = g_ptr_array_new();
	g_autoptr(GArray) stale = NULL;
	const ArcCidr ranges[] = {self->config.tunnel_ipv4_range, self->config.tunnel_ipv6_range};

	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *addr = (struct rtnl_addr *)obj;
		ArcDeviceAddress read;

		if (rtnl_addr_get_ifindex(addr) != (gint)ifindex ||
		    rtnl_addr_get_local(addr) == NULL)
			continue;
		arc_netmgr_read_address(addr, &read);
		g_array_append_val(present, read);
		g_ptr_array_add(objects, addr);
	}
	stale = arc_device_addresses_stale(wanted, ranges, G_N_ELEMENTS(ranges),
					   (const ArcDeviceAddress *)(gpointer)present->data,
					   present->len);
	for (guint i = 0; i < present->len; i++) {
		gint err;

		if (!arc_device_addresses_contains(stale,
						   &g_array_index(present, ArcDeviceAddress, i)))
			continue;
		err = rtnl_addr_delete(self->sock, g_ptr_array_index(objects, i), 0);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NOADDR)
			return arc_netlink_fail(error, "cannot delete a stale tunnel address", err);
		g_info("%s: stale tunnel address deleted", member->device);
	}
	return TRUE;
}

/* The masquerade into a tunnel takes the device's address: each remote member's device
 * carries this node's tunnel addresses, the member's at the other end, and no others. */
static void
arc_netmgr_add_addresses(ArcNetmgr *self, const ArcClusterView *view, GPtrArray *problems)
{
	const ArcClusterSelf *node = arc_cluster_view_get_self(view);
	g_autoptr(ArcNlCache) cache = NULL;

	if (rtnl_addr_alloc_cache(self->sock, &cache) < 0)
		cache = NULL;
	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);
		guint ifindex = if_nametoindex(member->device);
		g_autoptr(GError) error = NULL;

		if (ifindex == 0 || g_strcmp0(member->peer_id, node->peer_id) == 0)
			continue;
		if ((cache == NULL ||
		     arc_netmgr_prune_addresses(self, cache, ifindex, node, member, &error)) &&
		    arc_netmgr_add_member_addresses(self, node, member, ifindex, &error))
			continue;
		g_warning("%s: %s", member->device, error->message);
		if (problems != NULL)
			g_ptr_array_add(problems, g_strdup_printf("netmgr: %s: %s", member->device,
								  error->message));
	}
}

/**
 * arc_netmgr_apply:
 * @self: netmgr
 * @view: what to realise
 * @slots: the slots of its members
 * @problems: (element-type utf8) (nullable): where to add what did not work but did not
 *   stop the rest (one route that the kernel refused)
 * @error: return location for a #GError
 *
 * Makes the rules and tables of the range exactly those @view wants: deletes stale and
 * duplicate ones (after a crash too), adds those missing, points each table's default
 * route at its peer's device or makes it unreachable while the device is missing.
 *
 * Returns: %TRUE unless netlink itself failed
 */
gboolean
arc_netmgr_apply(ArcNetmgr *self, const ArcClusterView *view, const ArcPeerSlots *slots,
		 GPtrArray *problems, GError **error)
{
	g_autoptr(GArray) wanted = arc_netmgr_wanted(self, view, slots);

	if (!arc_netmgr_sync_rules(self, wanted, problems, error) ||
	    !arc_netmgr_prune_routes(self, wanted, error))
		return FALSE;
	arc_netmgr_add_routes(self, wanted, problems);
	arc_netmgr_add_addresses(self, view, problems);
	return TRUE;
}

/**
 * arc_netmgr_remove:
 * @self: netmgr
 * @error: return location for a #GError
 *
 * Deletes every rule and route of the range.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_netmgr_remove(ArcNetmgr *self, GError **error)
{
	g_autoptr(GArray) none = g_array_new(FALSE, TRUE, sizeof(ArcNetmgrSlot));

	if (!arc_netmgr_sync_rules(self, none, NULL, error) ||
	    !arc_netmgr_prune_routes(self, none, error))
		return FALSE;
	g_info("rules and routes of tables %u-%u removed", self->config.table_base + 1,
	       self->config.table_base + self->config.n_slots + 1);
	return TRUE;
}

/* in place: a sysctl cannot be replaced by rename as g_file_set_contents() would */
static gboolean
arc_netmgr_write_sysctl(const gchar *path, const gchar *value, GError **error)
{
	gint fd = open(path, O_WRONLY | O_CLOEXEC);
	gboolean ok;

	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s",
			    g_strerror(errno));
		return FALSE;
	}
	ok = write(fd, value, strlen(value)) == (gssize)strlen(value);
	if (!ok)
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s",
			    g_strerror(errno));
	close(fd);
	return ok;
}

/* Not net.ipv4.conf.all.src_valid_mark: with it, strict reverse-path filtering looks up a
 * LAN client's address in the table of the mark its packet just got, finds the tunnel
 * device, and drops the packet (tests/netns/test-dataplane.sh runs with rp_filter=1). */
static const gchar *const arc_netmgr_sysctls[] = {
	"net.ipv4.ip_forward",
	"net.ipv6.conf.all.forwarding",
};

/* one sysctl to 1: "NAME=1" when it was, "NAME=1 set" when this set it, else why not */
static gboolean
arc_netmgr_set_sysctl(ArcNetmgr *self, const gchar *name, GString *summary)
{
	g_autofree gchar *relative = g_strdelimit(g_strdup(name), ".", '/');
	g_autofree gchar *path = g_build_filename(self->sysctl_root, relative, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *now = NULL;

	if (summary->len > 0)
		g_string_append(summary, ", ");
	if (g_file_get_contents(path, &now, NULL, NULL) && g_strcmp0(g_strstrip(now), "1") == 0) {
		g_string_append_printf(summary, "%s=1", name);
		return TRUE;
	}
	if (!arc_netmgr_write_sysctl(path, "1\n", &error)) {
		g_string_append_printf(summary, "%s not set: %s", name, error->message);
		return FALSE;
	}
	g_string_append_printf(summary, "%s=1 set (was %s)", name,
			       now != NULL ? now : "unreadable");
	return TRUE;
}

/**
 * arc_netmgr_set_sysctls:
 * @self: netmgr
 * @summary: (out) (optional) (transfer full): each sysctl's outcome, comma-separated:
 *   `net.ipv4.ip_forward=1 set (was 0), net.ipv6.conf.all.forwarding not set: Read-only
 *   file system`; logged when it differs from the last one
 *
 * Forwarding (IPv4 and IPv6) for the exit side and for LAN traffic entering a tunnel. They
 * are left set on stop: other software may rely on forwarding too.
 *
 * Returns: %TRUE if every one is 1
 */
gboolean
arc_netmgr_set_sysctls(ArcNetmgr *self, gchar **summary)
{
	g_autoptr(GString) text = g_string_new(NULL);
	gboolean ok = TRUE;

	for (guint i = 0; i < G_N_ELEMENTS(arc_netmgr_sysctls); i++)
		ok &= arc_netmgr_set_sysctl(self, arc_netmgr_sysctls[i], text);
	if (g_strcmp0(text->str, self->sysctls_said) != 0) {
		if (ok)
			g_message("sysctls: %s", text->str);
		else
			g_warning("sysctls: %s", text->str);
		g_free(self->sysctls_said);
		self->sysctls_said = g_strdup(text->str);
	}
	if (summary != NULL)
		*summary = g_string_free(g_steal_pointer(&text), FALSE);
	return ok;
}
