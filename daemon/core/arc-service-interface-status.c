/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-service-interface-status.h"

void
arc_service_interface_status_free(ArcServiceInterfaceStatus *self)
{
	if (self == NULL)
		return;
	g_free(self->service_id);
	g_free(self->interface);
	g_free(self->mac);
	g_free(self->ipv4);
	g_free(self->ipv6);
	g_free(self);
}

/**
 * arc_service_interface_status_list_new:
 *
 * Returns: (transfer full) (element-type ArcServiceInterfaceStatus): an empty list that frees
 *   its entries
 */
GPtrArray *
arc_service_interface_status_list_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)arc_service_interface_status_free);
}

/**
 * arc_service_interface_status_find:
 * @list: (nullable) (element-type ArcServiceInterfaceStatus): a list
 * @service_id: a service
 *
 * Returns: (transfer none) (nullable): the entry of @service_id in @list
 */
const ArcServiceInterfaceStatus *
arc_service_interface_status_find(GPtrArray *list, const gchar *service_id)
{
	for (guint i = 0; list != NULL && i < list->len; i++) {
		const ArcServiceInterfaceStatus *status = g_ptr_array_index(list, i);

		if (g_strcmp0(status->service_id, service_id) == 0)
			return status;
	}
	return NULL;
}
