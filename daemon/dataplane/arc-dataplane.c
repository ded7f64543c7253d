/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dataplane"

#include "arc-dataplane.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arc-fwmgr.h"
#include "arc-iptunmgr.h"
#include "arc-netmgr-macvlan.h"
#include "arc-netmgr.h"
#include "arc-peer-slots.h"
#include "arc-tproxymgr.h"

/* Reconciles each view in a fixed order: netmgr (rules and tables the marks lead to), then
 * iptunmgr (the devices those tables route to), then fwmgr (the marks themselves, last, so
 * that no packet is marked towards a table that is not ready). Each step compares the
 * kernel with the view and changes only the difference, so applying twice changes nothing
 * and the first apply after a crash repairs what the last process left. */

struct _ArcDataplane {
	GObject parent_instance;
	ArcDataplaneConfig config;
	ArcPeerSlots *slots;
	ArcNetmgr *netmgr;
	ArcNetmgrMacvlan *macvlan; /* the service interfaces, netmgr's too */
	ArcIptunmgr *iptunmgr;
	ArcFwmgr *fwmgr;
	ArcTproxymgr *tproxymgr;  /* (nullable): the proxy, from the first apply */
	gchar *tproxymgr_problem; /* (nullable): why it does not listen */
	ArcClusterView *current;  /* the view last applied in full, %NULL before */
	GPtrArray *report;        /* of ArcDataplaneCheck */
};

G_DEFINE_FINAL_TYPE(ArcDataplane, arc_dataplane, G_TYPE_OBJECT)

static void
arc_dataplane_check_free(gpointer data)
{
	ArcDataplaneCheck *check = data;

	g_free(check->manager);
	g_free(check->detail);
	g_free(check);
}

static void
arc_dataplane_report(ArcDataplane *self, const gchar *manager, gboolean ok, const gchar *detail)
{
	ArcDataplaneCheck *check = g_new0(ArcDataplaneCheck, 1);

	check->manager = g_strdup(manager);
	check->ok = ok;
	check->detail = g_strdup(detail);
	g_ptr_array_add(self->report, check);
}

static void
arc_dataplane_finalize(GObject *object)
{
	ArcDataplane *self = ARC_DATAPLANE(object);

	arc_peer_slots_free(self->slots);
	arc_netmgr_free(self->netmgr);
	arc_netmgr_macvlan_free(self->macvlan);
	arc_iptunmgr_free(self->iptunmgr);
	arc_fwmgr_free(self->fwmgr);
	arc_tproxymgr_free(self->tproxymgr);
	g_free(self->tproxymgr_problem);
	g_clear_pointer(&self->current, arc_cluster_view_unref);
	g_ptr_array_unref(self->report);
	G_OBJECT_CLASS(arc_dataplane_parent_class)->finalize(object);
}

static void
arc_dataplane_class_init(ArcDataplaneClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_dataplane_finalize;
}

static void
arc_dataplane_init(ArcDataplane *self)
{
	self->report = g_ptr_array_new_with_free_func(arc_dataplane_check_free);
}

/**
 * arc_dataplane_check_privileges:
 * @error: return location for a #GError
 *
 * Whether this process may change the kernel's network configuration. The agent runs with
 * the data plane disabled when it may not, and says so with this error's message.
 *
 * Returns: %TRUE if the process has CAP_NET_ADMIN, else %ARC_ERROR_FORBIDDEN
 */
gboolean
arc_dataplane_check_privileges(GError **error)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};

	if (syscall(SYS_capget, &header, data) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
			    "data plane disabled: cannot read this process's capabilities: %s",
			    g_strerror(errno));
		return FALSE;
	}
	if ((data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN)) != 0)
		return TRUE;
	g_set_error_literal(
		error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
		"data plane disabled: the agent lacks CAP_NET_ADMIN (run it as root or "
		"with AmbientCapabilities=CAP_NET_ADMIN); the control plane still serves");
	return FALSE;
}

/**
 * arc_dataplane_new:
 * @config: (nullable): the ranges, copied; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Opens what the managers need (a netlink socket, an nftables context); changes nothing in
 * the kernel until the first arc_dataplane_apply().
 *
 * Returns: (transfer full): the data plane, or %NULL
 */
ArcDataplane *
arc_dataplane_new(const ArcDataplaneConfig *config, GError **error)
{
	g_autoptr(ArcDataplane) self = g_object_new(ARC_TYPE_DATAPLANE, NULL);

	if (config != NULL)
		self->config = *config;
	else
		arc_dataplane_config_init(&self->config);
	if (!arc_dataplane_config_check(&self->config, error))
		return NULL;
	self->netmgr = arc_netmgr_new(&self->config, error);
	if (self->netmgr == NULL)
		return NULL;
	self->macvlan = arc_netmgr_macvlan_new(self->config.service_parent_interface, error);
	if (self->macvlan == NULL)
		return NULL;
	self->slots = arc_peer_slots_new(self->config.n_slots);
	self->iptunmgr = arc_iptunmgr_new(NULL);
	self->fwmgr = arc_fwmgr_new();
	arc_dataplane_report(self, "dataplane", FALSE, "no view applied yet");
	return g_steal_pointer(&self);
}

/**
 * arc_dataplane_set_tunnel:
 * @self: the data plane
 * @tunnel: (nullable): the tunnel plugin, started; %NULL for none
 *
 * The tunnel's peers follow the next views.
 */
void
arc_dataplane_set_tunnel(ArcDataplane *self, ArcTunnel *tunnel)
{
	if (self->iptunmgr != NULL)
		arc_iptunmgr_remove(self->iptunmgr);
	arc_iptunmgr_free(self->iptunmgr);
	self->iptunmgr = arc_iptunmgr_new(tunnel);
	g_clear_pointer(&self->current, arc_cluster_view_unref);
}

/* every remote member holds a slot while it is a member */
static void
arc_dataplane_sync_slots(ArcDataplane *self, const ArcClusterView *view)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;
	guint left_out;

	for (guint i = 0; i < arc_cluster_view_get_n_members(view); i++) {
		const ArcClusterMember *member = arc_cluster_view_get_member(view, i);

		if (g_strcmp0(member->peer_id, self_id) != 0)
			g_ptr_array_add(ids, member->peer_id);
	}
	g_ptr_array_add(ids, NULL);
	left_out = arc_peer_slots_sync(self->slots, (const gchar *const *)ids->pdata);
	if (left_out > 0)
		g_warning("%u peer(s) get no mark: the range has %u slots, all taken", left_out,
			  self->config.n_slots);
}

static gboolean
arc_dataplane_run_netmgr(ArcDataplane *self, ArcClusterView *view, GError **error)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *sysctls = NULL;
	g_autofree gchar *detail = NULL;
	gboolean sysctls_ok = TRUE;

	if (self->config.manage_sysctls)
		sysctls_ok = arc_netmgr_set_sysctls(self->netmgr, &sysctls);
	if (!arc_netmgr_apply(self->netmgr, view, self->slots, problems, error) ||
	    !arc_netmgr_macvlan_apply(self->macvlan, view, problems, error)) {
		g_warning("%s", (*error)->message);
		arc_dataplane_report(self, "netmgr", FALSE, (*error)->message);
		return FALSE;
	}
	g_ptr_array_add(problems, NULL);
	detail = problems->len > 1 ? g_strjoinv("; ", (gchar **)problems->pdata)
				   : g_strdup("rules and tables in place");
	/* which sysctls are set and which could not be, by name, whether or not all went well */
	if (sysctls != NULL) {
		g_autofree gchar *rest = g_steal_pointer(&detail);
		detail = g_strdup_printf("%s; sysctls: %s", rest, sysctls);
	}
	arc_dataplane_report(self, "netmgr", problems->len == 1 && sysctls_ok, detail);
	return TRUE;
}

static void
arc_dataplane_run_iptunmgr(ArcDataplane *self, ArcClusterView *view)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *detail = NULL;

	if (!arc_iptunmgr_has_tunnel(self->iptunmgr)) {
		arc_dataplane_report(self, "iptunmgr", TRUE, "no tunnel plugin: nothing tunnelled");
		return;
	}
	arc_iptunmgr_apply(self->iptunmgr, view, problems);
	g_ptr_array_add(problems, NULL);
	detail = problems->len > 1 ? g_strjoinv("; ", (gchar **)problems->pdata)
				   : g_strdup("tunnel peers in place");
	arc_dataplane_report(self, "iptunmgr", problems->len == 1, detail);
}

/* the proxy listens before fwmgr captures anything for it, and gets every view */
static void
arc_dataplane_run_tproxymgr(ArcDataplane *self, ArcClusterView *view)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *detail = NULL;
	ArcTproxymgrSettings settings;

	if (self->config.proxy_port == 0)
		return;
	if (self->tproxymgr == NULL && self->tproxymgr_problem == NULL) {
		arc_tproxymgr_settings_init(&settings);
		settings.port = self->config.proxy_port;
		settings.own_mark = self->config.mark_base;
		self->tproxymgr = arc_tproxymgr_new(&settings, &error);
		if (self->tproxymgr == NULL) {
			g_log("tproxymgr", G_LOG_LEVEL_WARNING, "%s", error->message);
			self->tproxymgr_problem = g_strdup(error->message);
		}
	}
	if (self->tproxymgr != NULL)
		arc_tproxymgr_set_view(self->tproxymgr, view);
	detail = self->tproxymgr != NULL
			 ? g_strdup_printf("listening on TCP %u", self->config.proxy_port)
			 : g_strdup(self->tproxymgr_problem);
	arc_dataplane_report(self, "tproxymgr", self->tproxymgr != NULL, detail);
}

static gboolean
arc_dataplane_run_fwmgr(ArcDataplane *self, ArcClusterView *view, GError **error)
{
	g_autofree gchar *table = arc_fwmgr_render(view, self->slots, &self->config);

	if (!arc_fwmgr_apply(self->fwmgr, table, error)) {
		arc_dataplane_report(self, "fwmgr", FALSE, (*error)->message);
		return FALSE;
	}
	arc_dataplane_report(self, "fwmgr", TRUE, "table inet arctic in place");
	return TRUE;
}

/**
 * arc_dataplane_apply:
 * @self: the data plane
 * @view: what to realise
 * @error: return location for a #GError
 *
 * Reconciles the kernel with @view: netmgr, iptunmgr, tproxymgr (the proxy's listener and
 * its view), fwmgr, in that order. A view equal
 * to the last one applied changes nothing (unless the table went missing). The report says
 * what is up afterwards, and what failed and why.
 *
 * Returns: %TRUE if every manager realised its part
 */
gboolean
arc_dataplane_apply(ArcDataplane *self, ArcClusterView *view, GError **error)
{
	if (self->current != NULL && arc_cluster_view_equal(self->current, view) &&
	    arc_dataplane_is_ready(self) && arc_fwmgr_is_present(self->fwmgr))
		return TRUE;
	g_ptr_array_set_size(self->report, 0);
	g_clear_pointer(&self->current, arc_cluster_view_unref);
	arc_dataplane_sync_slots(self, view);
	if (!arc_dataplane_run_netmgr(self, view, error))
		return FALSE;
	arc_dataplane_run_iptunmgr(self, view);
	/* the devices the tunnel just made get their routes now rather than at the next view */
	if (arc_iptunmgr_has_tunnel(self->iptunmgr) &&
	    !arc_netmgr_apply(self->netmgr, view, self->slots, NULL, error))
		return FALSE;
	arc_dataplane_run_tproxymgr(self, view);
	if (!arc_dataplane_run_fwmgr(self, view, error))
		return FALSE;
	self->current = arc_cluster_view_ref(view);
	g_info("view %" G_GUINT64_FORMAT " applied", arc_cluster_view_get_generation(view));
	return TRUE;
}

/**
 * arc_dataplane_stop:
 * @self: the data plane
 *
 * Removes everything the data plane owns: the table, the tunnel's peers, the rules and
 * routes of its range. Each step is tried even if one before failed.
 */
void
arc_dataplane_stop(ArcDataplane *self)
{
	g_autoptr(GError) fw_error = NULL;
	g_autoptr(GError) net_error = NULL;

	g_ptr_array_set_size(self->report, 0);
	if (!arc_fwmgr_remove(self->fwmgr, &fw_error))
		g_warning("%s", fw_error->message);
	/* nothing is captured any more: the connections it relays are reset */
	g_clear_pointer(&self->tproxymgr, arc_tproxymgr_free);
	g_clear_pointer(&self->tproxymgr_problem, g_free);
	arc_iptunmgr_remove(self->iptunmgr);
	if (!arc_netmgr_remove(self->netmgr, &net_error))
		g_warning("%s", net_error->message);
	arc_netmgr_macvlan_remove(self->macvlan);
	g_clear_pointer(&self->current, arc_cluster_view_unref);
	arc_peer_slots_sync(self->slots, NULL);
	arc_dataplane_report(self, "dataplane", FALSE, "stopped");
}

/**
 * arc_dataplane_get_report:
 * @self: the data plane
 *
 * Returns: (transfer none) (element-type ArcDataplaneCheck): one check per manager, from
 *   the last apply or stop
 */
GPtrArray *
arc_dataplane_get_report(ArcDataplane *self)
{
	return self->report;
}

/**
 * arc_dataplane_is_ready:
 * @self: the data plane
 *
 * Returns: whether the last apply realised the view in full
 */
gboolean
arc_dataplane_is_ready(ArcDataplane *self)
{
	if (self->current == NULL || self->report->len == 0)
		return FALSE;
	for (guint i = 0; i < self->report->len; i++) {
		const ArcDataplaneCheck *check = g_ptr_array_index(self->report, i);
		if (!check->ok)
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_dataplane_get_tproxymgr:
 * @self: the data plane
 *
 * Returns: (transfer none) (nullable): the transparent proxy, once it listens
 */
ArcTproxymgr *
arc_dataplane_get_tproxymgr(ArcDataplane *self)
{
	return self->tproxymgr;
}

/**
 * arc_dataplane_get_peer_slot:
 * @self: the data plane
 * @peer_id: a member's peer id
 *
 * Returns: the slot of its mark and table (docs/dataplane.md), 0 when it has none
 */
guint
arc_dataplane_get_peer_slot(ArcDataplane *self, const gchar *peer_id)
{
	return arc_peer_slots_lookup(self->slots, peer_id);
}

/**
 * arc_dataplane_get_tunnel_status:
 * @self: the data plane
 *
 * Reads the tunnel's per-peer counters now (cheap: the plugin copies them); nothing polls
 * them in the background.
 *
 * Returns: (transfer full) (element-type ArcTunnelPeerStatus) (nullable): one entry per
 *   member in the tunnel, keyed by peer id; %NULL while no tunnel runs
 */
GPtrArray *
arc_dataplane_get_tunnel_status(ArcDataplane *self)
{
	return arc_iptunmgr_get_status(self->iptunmgr);
}

/**
 * arc_dataplane_get_service_interfaces:
 * @self: the data plane
 *
 * Reads the service interfaces (MACVLANs) from the kernel now.
 *
 * Returns: (transfer full) (element-type ArcServiceInterfaceStatus): one entry per service
 *   interface of the last view
 */
GPtrArray *
arc_dataplane_get_service_interfaces(ArcDataplane *self)
{
	return arc_netmgr_macvlan_get_status(self->macvlan);
}
