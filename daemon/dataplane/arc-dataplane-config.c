/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dataplane"

#include "arc-dataplane-config.h"

#include <arctic-plugin.h>
#include <string.h>

#include "arc-config.h"

/**
 * arc_dataplane_config_init:
 * @config: (out): the defaults of docs/dataplane.md
 */
void
arc_dataplane_config_init(ArcDataplaneConfig *config)
{
	memset(config, 0, sizeof(*config));
	config->mark_base = ARC_DATAPLANE_MARK_BASE;
	config->mark_mask = ARC_DATAPLANE_MARK_MASK;
	config->table_base = ARC_DATAPLANE_TABLE_BASE;
	config->n_slots = ARC_DATAPLANE_SLOTS;
	config->rule_priority = ARC_DATAPLANE_RULE_PRIORITY;
	config->manage_sysctls = TRUE;
	config->proxy_port = ARC_DATAPLANE_PROXY_PORT;
	config->transport_port = ARC_DATAPLANE_TRANSPORT_PORT;
	arc_cidr_read(ARC_CONFIG_DEFAULT_TUNNEL_IPV4, ARC_CIDR_NETWORK, &config->tunnel_ipv4_range);
	arc_cidr_read(ARC_CONFIG_DEFAULT_TUNNEL_IPV6, ARC_CIDR_NETWORK, &config->tunnel_ipv6_range);
}

/**
 * arc_dataplane_config_check:
 * @config: ranges
 * @error: return location for a #GError
 *
 * The slots (and the proxy's, after them) must fit in the bits outside the mask, the tables must
 * stay clear of the kernel's reserved ones (253 to 255, and 0) and of 2^32, and the rules must come
 * before the main table's (32766).
 *
 * Returns: %TRUE if @config can be used, else %ARC_ERROR_INVALID_REQUEST
 */
gboolean
arc_dataplane_config_check(const ArcDataplaneConfig *config, GError **error)
{
	const gchar *why = NULL;

	if ((config->mark_base & ~config->mark_mask) != 0)
		why = "the mark base has bits outside the mask";
	else if (config->n_slots == 0 || config->n_slots > 0xffff ||
		 (guint64)config->n_slots + (config->proxy_port != 0) > (guint32)~config->mark_mask)
		why = "the number of slots does not fit the bits outside the mask";
	else if (config->table_base < 256 ||
		 (guint64)config->table_base + config->n_slots + 1 >= G_MAXUINT32)
		why = "the tables must lie between 256 and 2^32 - 1";
	else if (config->rule_priority == 0 || config->rule_priority >= 32766)
		why = "the rule priority must lie between 1 and 32765";
	if (why == NULL)
		return TRUE;
	g_set_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST, "data plane ranges: %s", why);
	return FALSE;
}

/**
 * arc_dataplane_config_proxy_slot:
 * @config: ranges
 *
 * Returns: the slot whose mark and table deliver captured TCP to the proxy, 0 without one
 */
guint
arc_dataplane_config_proxy_slot(const ArcDataplaneConfig *config)
{
	return config->proxy_port != 0 ? config->n_slots + 1 : 0;
}

/**
 * arc_dataplane_config_proxy_mark:
 * @config: ranges
 *
 * Returns: the mark of captured TCP (`ip rule fwmark M lookup T`, T: `local default dev lo`)
 */
guint32
arc_dataplane_config_proxy_mark(const ArcDataplaneConfig *config)
{
	return config->mark_base + config->n_slots + 1;
}
