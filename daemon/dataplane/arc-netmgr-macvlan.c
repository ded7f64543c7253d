/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "netmgr"

#include "arc-netlink.h"
#include "arc-netmgr-macvlan.h"

#include <arctic-plugin.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/route.h>
#include <string.h>
#include <unistd.h>

#include "arc-netmgr-dhcp.h"

/* The MACVLANs named like a service's (`arc` and 12 lower-case letters or digits) are the
 * agent's: those no service of the view wants are deleted, after a crash too. A DHCP client
 * runs for each interface without a desired IPv4 address; its lease is given back when the
 * service goes or gets a desired address, and on a clean stop. */

struct _ArcNetmgrMacvlan {
	struct nl_sock *sock;
	gchar *parent;       /* (nullable): [dataplane] service_parent_interface */
	GHashTable *entries; /* service id → ArcMacvlanEntry */
	gchar *parent_said;  /* (nullable): the parent last logged, or why there was none */
};

typedef struct {
	gchar name[ARC_CLUSTER_DEVICE_NAME_MAX + 1];
	guint ifindex;
	ArcNetmgrDhcp *dhcp; /* (nullable): while DHCP gives the IPv4 address */
	ArcCidr desired[2];  /* the desired IPv4 and IPv6 addresses last applied */
	gboolean has_desired[2];
} ArcMacvlanEntry;

typedef struct nl_cache ArcMvCache;
typedef struct nl_addr ArcMvAddr;
typedef struct rtnl_link ArcMvLink;
typedef struct rtnl_addr ArcMvRtAddr;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcMvCache, nl_cache_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcMvAddr, nl_addr_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcMvLink, rtnl_link_put)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcMvRtAddr, rtnl_addr_put)

static void
arc_macvlan_entry_free(gpointer data)
{
	ArcMacvlanEntry *entry = data;

	arc_netmgr_dhcp_free(entry->dhcp);
	g_free(entry);
}

/**
 * arc_netmgr_macvlan_mac:
 * @service_id: a service
 * @out: (out): its interface's MAC
 *
 * The first six bytes of SHA-256(@service_id), made locally administered and unicast: the
 * same after every restart, so the DHCP server hands the same lease back.
 */
void
arc_netmgr_macvlan_mac(const gchar *service_id, guint8 out[6])
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize len = sizeof(digest);

	g_checksum_update(sum, (const guchar *)service_id, -1);
	g_checksum_get_digest(sum, digest, &len);
	memcpy(out, digest, 6);
	out[0] = (guint8)((out[0] & 0xfe) | 0x02);
}

/**
 * arc_netmgr_macvlan_is_ours:
 * @name: an interface name
 *
 * Returns: whether @name is one arc_cluster_service_interface_name() gives
 */
gboolean
arc_netmgr_macvlan_is_ours(const gchar *name)
{
	gsize prefix = strlen(ARC_CLUSTER_INTERFACE_PREFIX);

	return name != NULL && strlen(name) == prefix + 12 &&
	       g_str_has_prefix(name, ARC_CLUSTER_INTERFACE_PREFIX) &&
	       strspn(name + prefix, "0123456789abcdefghijklmnopqrstuvwxyz") == 12;
}

/**
 * arc_netmgr_macvlan_plan:
 * @view: a view
 *
 * Returns: (transfer full) (element-type ArcMacvlanPlan): the interfaces @view wants: one per
 *   service with requires_interface whose traffic enters at this node
 */
GArray *
arc_netmgr_macvlan_plan(const ArcClusterView *view)
{
	GArray *plan = g_array_new(FALSE, TRUE, sizeof(ArcMacvlanPlan));
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;

	for (guint i = 0; i < arc_cluster_view_get_n_services(view); i++) {
		const ArcClusterService *service = arc_cluster_view_get_service(view, i);
		ArcMacvlanPlan item = {service->id};

		if (service->interface[0] == '\0' ||
		    g_strcmp0(service->source_peer_id, self_id) != 0)
			continue;
		memcpy(item.name, service->interface, sizeof(item.name));
		arc_netmgr_macvlan_mac(service->id, item.mac);
		item.has_v4 = service->has_desired_v4;
		item.v4 = service->desired_v4;
		item.has_v6 = service->has_desired_v6;
		item.v6 = service->desired_v6;
		g_array_append_val(plan, item);
	}
	return plan;
}

/**
 * arc_netmgr_macvlan_new:
 * @parent: (nullable): the parent interface's name; %NULL or empty for the interface of the
 *   IPv4 default route, looked up at each apply
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the service interfaces' manager, or %NULL
 */
ArcNetmgrMacvlan *
arc_netmgr_macvlan_new(const gchar *parent, GError **error)
{
	g_autoptr(ArcNetmgrMacvlan) self = g_new0(ArcNetmgrMacvlan, 1);

	self->parent = parent != NULL && parent[0] != '\0' ? g_strdup(parent) : NULL;
	self->entries =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, arc_macvlan_entry_free);
	self->sock = arc_netlink_open(error);
	if (self->sock == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
arc_netmgr_macvlan_free(ArcNetmgrMacvlan *self)
{
	if (self == NULL)
		return;
	/* the clients first: they use the socket */
	g_clear_pointer(&self->entries, g_hash_table_unref);
	if (self->sock != NULL)
		nl_socket_free(self->sock);
	g_free(self->parent);
	g_free(self->parent_said);
	g_free(self);
}

/* the interface of the IPv4 default route of the main table with the lowest metric */
static guint
arc_netmgr_macvlan_default_route_dev(ArcNetmgrMacvlan *self)
{
	g_autoptr(ArcMvCache) cache = NULL;
	guint best = 0;
	guint32 best_metric = G_MAXUINT32;

	if (rtnl_route_alloc_cache(self->sock, AF_INET, 0, &cache) < 0)
		return 0;
	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_route *route = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(route);
		gchar name[IF_NAMESIZE] = "";
		gint ifindex;

		if (rtnl_route_get_table(route) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(route) != RTN_UNICAST ||
		    (dst != NULL && nl_addr_get_prefixlen(dst) != 0) ||
		    rtnl_route_get_nnexthops(route) < 1 ||
		    rtnl_route_get_priority(route) >= best_metric)
			continue;
		ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0));
		if (ifindex <= 0 || if_indextoname((guint)ifindex, name) == NULL ||
		    arc_netmgr_macvlan_is_ours(name))
			continue;
		best = (guint)ifindex;
		best_metric = rtnl_route_get_priority(route);
	}
	return best;
}

/* the parent's index, 0 with @why when there is none; a change is logged once */
static guint
arc_netmgr_macvlan_parent(ArcNetmgrMacvlan *self, gchar **why)
{
	guint ifindex = self->parent != NULL ? if_nametoindex(self->parent)
					     : arc_netmgr_macvlan_default_route_dev(self);
	gchar name[IF_NAMESIZE] = "";
	g_autofree gchar *said = NULL;

	if (ifindex == 0 && self->parent != NULL)
		*why = g_strdup_printf("no service interfaces: the parent interface '%s' "
				       "([dataplane] service_parent_interface) does not exist",
				       self->parent);
	else if (ifindex == 0)
		*why = g_strdup("no service interfaces: no IPv4 default route to take the parent "
				"interface from; set [dataplane] service_parent_interface");
	else if (if_indextoname(ifindex, name) == NULL)
		name[0] = '\0';
	said = ifindex != 0 ? g_strdup_printf("service interfaces on %s", name) : g_strdup(*why);
	if (g_strcmp0(said, self->parent_said) != 0) {
		if (ifindex != 0)
			g_message("%s", said);
		else
			g_warning("%s", said);
		g_free(self->parent_said);
		self->parent_said = g_steal_pointer(&said);
	}
	return ifindex;
}

static const ArcMacvlanPlan *
arc_netmgr_macvlan_plan_find(GArray *plan, const gchar *name)
{
	for (guint i = 0; i < plan->len; i++) {
		const ArcMacvlanPlan *item = &g_array_index(plan, ArcMacvlanPlan, i);

		if (g_strcmp0(item->name, name) == 0)
			return item;
	}
	return NULL;
}

/* the DHCP clients of services the plan no longer has give their leases back */
static void
arc_netmgr_macvlan_drop_entries(ArcNetmgrMacvlan *self, GArray *plan)
{
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, self->entries);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		ArcMacvlanEntry *entry = value;

		if (arc_netmgr_macvlan_plan_find(plan, entry->name) != NULL)
			continue;
		arc_netmgr_dhcp_release(g_steal_pointer(&entry->dhcp));
		g_hash_table_iter_remove(&iter);
	}
}

/* deletes our MACVLANs that @plan does not want, or that hang off another parent than
 * @parent (0: unknown, then those @plan wants stay) */
static gboolean
arc_netmgr_macvlan_prune_links(ArcNetmgrMacvlan *self, GArray *plan, guint parent, GError **error)
{
	g_autoptr(ArcMvCache) cache = NULL;
	g_autoptr(GPtrArray) doomed = g_ptr_array_new();
	gint err = rtnl_link_alloc_cache(self->sock, AF_UNSPEC, &cache);

	if (err < 0)
		return arc_netlink_fail(error, "cannot list the links", err);
	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;
		const gchar *name = rtnl_link_get_name(link);
		gboolean wanted = arc_netmgr_macvlan_plan_find(plan, name) != NULL;

		if (!arc_netmgr_macvlan_is_ours(name) || !rtnl_link_is_macvlan(link))
			continue;
		if (!wanted || (parent != 0 && rtnl_link_get_link(link) != (gint)parent))
			g_ptr_array_add(doomed, link);
	}
	for (guint i = 0; i < doomed->len; i++) {
		struct rtnl_link *link = g_ptr_array_index(doomed, i);
		ArcMacvlanEntry *entry = NULL;
		GHashTableIter iter;

		/* a client on a device that goes: its socket goes with it */
		g_hash_table_iter_init(&iter, self->entries);
		while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&entry))
			if (g_strcmp0(entry->name, rtnl_link_get_name(link)) == 0)
				arc_netmgr_dhcp_release(g_steal_pointer(&entry->dhcp));
		err = rtnl_link_delete(self->sock, link);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV)
			return arc_netlink_fail(error, "cannot delete a service interface", err);
		g_message("%s: service interface deleted", rtnl_link_get_name(link));
	}
	return TRUE;
}

static gboolean
arc_netmgr_macvlan_create(ArcNetmgrMacvlan *self, const ArcMacvlanPlan *item, guint parent,
			  GError **error)
{
	g_autoptr(ArcMvLink) link = rtnl_link_macvlan_alloc();
	g_autoptr(ArcMvAddr) mac = nl_addr_build(AF_LLC, item->mac, 6);
	gint err;

	rtnl_link_set_name(link, item->name);
	rtnl_link_set_link(link, (gint)parent);
	rtnl_link_set_addr(link, mac);
	rtnl_link_set_flags(link, IFF_UP);
	rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_BRIDGE);
	err = rtnl_link_add(self->sock, link, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		return arc_netlink_fail(error, "cannot add the service interface", err);
	g_message("%s: service interface added (macvlan bridge, MAC %s)", item->name,
		  nl_addr2str(mac, (gchar[32]){0}, 32));
	return TRUE;
}

/* an existing interface of ours: its MAC and up */
static gboolean
arc_netmgr_macvlan_fix(ArcNetmgrMacvlan *self, const ArcMacvlanPlan *item, GError **error)
{
	g_autoptr(ArcMvLink) link = NULL;
	g_autoptr(ArcMvLink) change = rtnl_link_alloc();
	g_autoptr(ArcMvAddr) mac = nl_addr_build(AF_LLC, item->mac, 6);
	struct nl_addr *now;
	gboolean changed = FALSE;
	gint err = rtnl_link_get_kernel(self->sock, 0, item->name, &link);

	if (err < 0)
		return arc_netlink_fail(error, "cannot read the service interface", err);
	now = rtnl_link_get_addr(link);
	if (now == NULL || nl_addr_get_len(now) != 6 ||
	    memcmp(nl_addr_get_binary_addr(now), item->mac, 6) != 0) {
		rtnl_link_set_addr(change, mac);
		changed = TRUE;
	}
	if ((rtnl_link_get_flags(link) & IFF_UP) == 0) {
		rtnl_link_set_flags(change, IFF_UP);
		changed = TRUE;
	}
	if (!changed)
		return TRUE;
	err = rtnl_link_change(self->sock, link, change, 0);
	if (err < 0)
		return arc_netlink_fail(error, "cannot set the service interface up", err);
	return TRUE;
}

/* Replies come in on the service interface from addresses the main table routes through the
 * parent: strict reverse-path filtering would drop them (as on the tunnel devices). */
static void
arc_netmgr_macvlan_loosen_rp_filter(const gchar *name)
{
	g_autofree gchar *path = g_strdup_printf("/proc/sys/net/ipv4/conf/%s/rp_filter", name);
	g_autofree gchar *now = NULL;
	gint fd;

	if (!g_file_get_contents(path, &now, NULL, NULL) || g_strcmp0(g_strstrip(now), "1") != 0)
		return;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "2\n", 2) != 2)
		g_warning("%s: reverse-path filtering stays strict: %s", name, g_strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* @addr as a CIDR (address and prefix), when it is a global one of @ifindex and @family */
static gboolean
arc_netmgr_macvlan_read_address(struct rtnl_addr *addr, guint ifindex, gint family, ArcCidr *out)
{
	struct nl_addr *local = rtnl_addr_get_local(addr);
	guint len = family == AF_INET ? 4 : 16;

	if (rtnl_addr_get_ifindex(addr) != (gint)ifindex || rtnl_addr_get_family(addr) != family ||
	    local == NULL || nl_addr_get_len(local) != len ||
	    rtnl_addr_get_scope(addr) != RT_SCOPE_UNIVERSE)
		return FALSE;
	memset(out, 0, sizeof(*out));
	out->family = family == AF_INET ? 4 : 6;
	out->prefix = (guint8)rtnl_addr_get_prefixlen(addr);
	memcpy(out->bytes, nl_addr_get_binary_addr(local), len);
	return TRUE;
}

static gboolean
arc_netmgr_macvlan_first_address(struct nl_cache *cache, guint ifindex, gint family, ArcCidr *out)
{
	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj))
		if (arc_netmgr_macvlan_read_address((struct rtnl_addr *)obj, ifindex, family, out))
			return TRUE;
	return FALSE;
}

static gboolean
arc_netmgr_macvlan_add_address(ArcNetmgrMacvlan *self, guint ifindex, const ArcCidr *want,
			       GError **error)
{
	g_autoptr(ArcMvRtAddr) addr = rtnl_addr_alloc();
	gint family = want->family == 4 ? AF_INET : AF_INET6;
	g_autoptr(ArcMvAddr) local = nl_addr_build(family, want->bytes, family == AF_INET ? 4 : 16);
	gint err;

	nl_addr_set_prefixlen(local, want->prefix);
	rtnl_addr_set_ifindex(addr, (gint)ifindex);
	rtnl_addr_set_family(addr, family);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, want->prefix);
	if (family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	err = rtnl_addr_add(self->sock, addr, NLM_F_CREATE | NLM_F_REPLACE);
	if (err < 0 && err != -NLE_EXIST)
		return arc_netlink_fail(error, "cannot add the desired address", err);
	return TRUE;
}

/* the interface's global addresses of @want's family become exactly @want */
static gboolean
arc_netmgr_macvlan_sync_desired(ArcNetmgrMacvlan *self, struct nl_cache *cache, guint ifindex,
				const ArcCidr *want, GError **error)
{
	gint family = want->family == 4 ? AF_INET : AF_INET6;
	gboolean present = FALSE;

	for (struct nl_object *obj = nl_cache_get_first(cache); obj != NULL;
	     obj = nl_cache_get_next(obj)) {
		ArcCidr have;
		gint err;

		if (!arc_netmgr_macvlan_read_address((struct rtnl_addr *)obj, ifindex, family,
						     &have))
			continue;
		if (memcmp(&have, want, sizeof(have)) == 0) {
			present = TRUE;
			continue;
		}
		err = rtnl_addr_delete(self->sock, (struct rtnl_addr *)obj, 0);
		if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NOADDR)
			return arc_netlink_fail(error, "cannot delete an address", err);
	}
	return present || arc_netmgr_macvlan_add_address(self, ifindex, want, error);
}

static ArcMacvlanEntry *
arc_netmgr_macvlan_entry(ArcNetmgrMacvlan *self, const ArcMacvlanPlan *item)
{
	ArcMacvlanEntry *entry = g_hash_table_lookup(self->entries, item->service_id);

	if (entry == NULL) {
		entry = g_new0(ArcMacvlanEntry, 1);
		memcpy(entry->name, item->name, sizeof(entry->name));
		g_hash_table_insert(self->entries, g_strdup(item->service_id), entry);
	}
	return entry;
}

/* a desired address the service no longer wants: DHCP (or the LAN, for IPv6) takes over */
static void
arc_netmgr_macvlan_forget_desired(ArcNetmgrMacvlan *self, ArcMacvlanEntry *entry,
				  const ArcMacvlanPlan *item)
{
	const gboolean wanted[2] = {item->has_v4, item->has_v6};
	const ArcCidr *want[2] = {&item->v4, &item->v6};

	for (guint f = 0; f < 2; f++) {
		g_autoptr(ArcMvRtAddr) addr = NULL;
		g_autoptr(ArcMvAddr) local = NULL;
		gint family = f == 0 ? AF_INET : AF_INET6;

		if (entry->has_desired[f] && !wanted[f]) {
			addr = rtnl_addr_alloc();
			local = nl_addr_build(family, entry->desired[f].bytes, f == 0 ? 4 : 16);
			nl_addr_set_prefixlen(local, entry->desired[f].prefix);
			rtnl_addr_set_ifindex(addr, (gint)entry->ifindex);
			rtnl_addr_set_family(addr, family);
			rtnl_addr_set_local(addr, local);
			rtnl_addr_set_prefixlen(addr, entry->desired[f].prefix);
			if (rtnl_addr_delete(self->sock, addr, 0) == 0)
				g_info("%s: desired address no longer wanted, deleted",
				       entry->name);
		}
		entry->has_desired[f] = wanted[f];
		entry->desired[f] = *want[f];
	}
}

/* the addresses: the desired ones, or DHCP's for IPv4 (asking for the one it has) */
static gboolean
arc_netmgr_macvlan_addresses(ArcNetmgrMacvlan *self, ArcMacvlanEntry *entry,
			     const ArcMacvlanPlan *item, GError **error)
{
	g_autoptr(ArcMvCache) cache = NULL;
	ArcCidr previous = {0};
	gint err;

	arc_netmgr_macvlan_forget_desired(self, entry, item);
	err = rtnl_addr_alloc_cache(self->sock, &cache);
	if (err < 0)
		return arc_netlink_fail(error, "cannot list the addresses", err);
	if (item->has_v4) {
		arc_netmgr_dhcp_release(g_steal_pointer(&entry->dhcp));
		if (!arc_netmgr_macvlan_sync_desired(self, cache, entry->ifindex, &item->v4, error))
			return FALSE;
	} else if (entry->dhcp == NULL) {
		guint32 addr = 0;

		if (arc_netmgr_macvlan_first_address(cache, entry->ifindex, AF_INET, &previous))
			memcpy(&addr, previous.bytes, 4);
		entry->dhcp = arc_netmgr_dhcp_new(self->sock, item->name, item->mac, addr, error);
		if (entry->dhcp == NULL)
			return FALSE;
	}
	return !item->has_v6 ||
	       arc_netmgr_macvlan_sync_desired(self, cache, entry->ifindex, &item->v6, error);
}

static gboolean
arc_netmgr_macvlan_realise(ArcNetmgrMacvlan *self, const ArcMacvlanPlan *item, guint parent,
			   GError **error)
{
	ArcMacvlanEntry *entry = arc_netmgr_macvlan_entry(self, item);
	guint ifindex = if_nametoindex(item->name);

	if (ifindex == 0 ? !arc_netmgr_macvlan_create(self, item, parent, error)
			 : !arc_netmgr_macvlan_fix(self, item, error))
		return FALSE;
	ifindex = if_nametoindex(item->name);
	if (ifindex != entry->ifindex) {
		/* a new device: a client of the old one has a dead socket */
		g_clear_pointer(&entry->dhcp, arc_netmgr_dhcp_free);
		entry->ifindex = ifindex;
	}
	arc_netmgr_macvlan_loosen_rp_filter(item->name);
	return arc_netmgr_macvlan_addresses(self, entry, item, error);
}

/**
 * arc_netmgr_macvlan_apply:
 * @self: the service interfaces' manager
 * @view: what to realise
 * @problems: (element-type utf8) (nullable): where to add what did not work (no parent, one
 *   interface the kernel refused) without stopping the rest
 * @error: return location for a #GError
 *
 * Makes the service interfaces exactly those @view wants: deletes ours that no service wants
 * (after a crash too), adds the missing ones, gives each its MAC, its desired addresses or a
 * DHCP client.
 *
 * Returns: %TRUE unless netlink itself failed
 */
gboolean
arc_netmgr_macvlan_apply(ArcNetmgrMacvlan *self, const ArcClusterView *view, GPtrArray *problems,
			 GError **error)
{
	g_autoptr(GArray) plan = arc_netmgr_macvlan_plan(view);
	g_autofree gchar *why = NULL;
	guint parent = plan->len > 0 ? arc_netmgr_macvlan_parent(self, &why) : 0;

	arc_netmgr_macvlan_drop_entries(self, plan);
	if (!arc_netmgr_macvlan_prune_links(self, plan, parent, error))
		return FALSE;
	if (why != NULL && problems != NULL)
		g_ptr_array_add(problems, g_strdup_printf("netmgr: %s", why));
	for (guint i = 0; parent != 0 && i < plan->len; i++) {
		const ArcMacvlanPlan *item = &g_array_index(plan, ArcMacvlanPlan, i);
		g_autoptr(GError) error_local = NULL;

		if (arc_netmgr_macvlan_realise(self, item, parent, &error_local))
			continue;
		g_warning("%s: %s", item->name, error_local->message);
		if (problems != NULL)
			g_ptr_array_add(problems, g_strdup_printf("netmgr: %s: %s", item->name,
								  error_local->message));
	}
	return TRUE;
}

/**
 * arc_netmgr_macvlan_remove:
 * @self: the service interfaces' manager
 *
 * A clean stop: every lease is given back and every service interface of ours deleted.
 */
void
arc_netmgr_macvlan_remove(ArcNetmgrMacvlan *self)
{
	g_autoptr(GArray) none = g_array_new(FALSE, TRUE, sizeof(ArcMacvlanPlan));
	g_autoptr(GError) error = NULL;

	arc_netmgr_macvlan_drop_entries(self, none);
	if (!arc_netmgr_macvlan_prune_links(self, none, 0, &error))
		g_warning("%s", error->message);
}

static gchar *
arc_netmgr_macvlan_cidr_text(const ArcCidr *cidr)
{
	gchar text[INET6_ADDRSTRLEN];

	if (inet_ntop(cidr->family == 4 ? AF_INET : AF_INET6, cidr->bytes, text, sizeof(text)) ==
	    NULL)
		return NULL;
	return g_strdup_printf("%s/%u", text, cidr->prefix);
}

static ArcServiceInterfaceStatus *
arc_netmgr_macvlan_read_status(const gchar *service_id, const ArcMacvlanEntry *entry,
			       struct nl_cache *links, struct nl_cache *addrs)
{
	ArcServiceInterfaceStatus *status = g_new0(ArcServiceInterfaceStatus, 1);
	guint ifindex = if_nametoindex(entry->name);
	struct rtnl_link *link = ifindex != 0 ? rtnl_link_get(links, (gint)ifindex) : NULL;
	ArcCidr cidr;

	status->service_id = g_strdup(service_id);
	status->interface = g_strdup(entry->name);
	if (link != NULL && rtnl_link_get_addr(link) != NULL) {
		gchar text[32];

		status->mac = g_strdup(nl_addr2str(rtnl_link_get_addr(link), text, sizeof(text)));
	}
	if (link != NULL)
		rtnl_link_put(link);
	if (ifindex != 0 && arc_netmgr_macvlan_first_address(addrs, ifindex, AF_INET, &cidr))
		status->ipv4 = arc_netmgr_macvlan_cidr_text(&cidr);
	if (ifindex != 0 && arc_netmgr_macvlan_first_address(addrs, ifindex, AF_INET6, &cidr))
		status->ipv6 = arc_netmgr_macvlan_cidr_text(&cidr);
	return status;
}

/**
 * arc_netmgr_macvlan_get_status:
 * @self: the service interfaces' manager
 *
 * Reads the kernel now: each wanted interface's MAC and first global addresses.
 *
 * Returns: (transfer full) (element-type ArcServiceInterfaceStatus): one entry per service
 *   interface of the last view
 */
GPtrArray *
arc_netmgr_macvlan_get_status(ArcNetmgrMacvlan *self)
{
	GPtrArray *list = arc_service_interface_status_list_new();
	g_autoptr(ArcMvCache) links = NULL;
	g_autoptr(ArcMvCache) addrs = NULL;
	GHashTableIter iter;
	gpointer key, value;

	if (g_hash_table_size(self->entries) == 0 ||
	    rtnl_link_alloc_cache(self->sock, AF_UNSPEC, &links) < 0 ||
	    rtnl_addr_alloc_cache(self->sock, &addrs) < 0)
		return list;
	g_hash_table_iter_init(&iter, self->entries);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_ptr_array_add(list, arc_netmgr_macvlan_read_status(key, value, links, addrs));
	return list;
}
