/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "arc-dbus-realised-service.h"

struct _ArcDbusRealisedService {
	ArcDbusClusterServiceSkeleton parent_instance;
	ArcEngine *engine;
};

G_DEFINE_FINAL_TYPE(ArcDbusRealisedService, arc_dbus_realised_service,
		    ARC_DBUS_TYPE_CLUSTER_SERVICE_SKELETON)

/* the generated skeleton's vtable, whose get_property ours wraps */
static const GDBusInterfaceVTable *arc_dbus_realised_service_parent_vtable;
static GDBusInterfaceVTable arc_dbus_realised_service_vtable;

/**
 * arc_dbus_realised_service_refresh:
 * @self: a service's skeleton
 *
 * Reads InterfaceMac and ActualInterface* from the engine now. Setting them emits nothing.
 */
void
arc_dbus_realised_service_refresh(ArcDbusRealisedService *self)
{
	ArcDbusClusterService *iface = ARC_DBUS_CLUSTER_SERVICE(self);
	g_autoptr(GPtrArray) list = arc_engine_get_service_interfaces(self->engine);
	const ArcServiceInterfaceStatus *status =
		arc_service_interface_status_find(list, arc_dbus_cluster_service_get_id(iface));

	arc_dbus_cluster_service_set_interface_mac(
		iface, status != NULL && status->mac != NULL ? status->mac : "");
	arc_dbus_cluster_service_set_actual_interface_ipv4(
		iface, status != NULL && status->ipv4 != NULL ? status->ipv4 : "");
	arc_dbus_cluster_service_set_actual_interface_ipv6(
		iface, status != NULL && status->ipv6 != NULL ? status->ipv6 : "");
}

static GVariant *
arc_dbus_realised_service_get_property_cb(GDBusConnection *connection, const gchar *sender,
					  const gchar *object_path, const gchar *interface_name,
					  const gchar *property_name, GError **error,
					  gpointer user_data)
{
	if (g_str_equal(property_name, "InterfaceMac") ||
	    g_str_has_prefix(property_name, "ActualInterface"))
		arc_dbus_realised_service_refresh(ARC_DBUS_REALISED_SERVICE(user_data));
	return arc_dbus_realised_service_parent_vtable->get_property(
		connection, sender, object_path, interface_name, property_name, error, user_data);
}

static GDBusInterfaceVTable *
arc_dbus_realised_service_get_vtable(GDBusInterfaceSkeleton *skeleton)
{
	/* exported and read on the main thread only; the copy is made once */
	if (arc_dbus_realised_service_parent_vtable == NULL) {
		arc_dbus_realised_service_parent_vtable =
			G_DBUS_INTERFACE_SKELETON_CLASS(arc_dbus_realised_service_parent_class)
				->get_vtable(skeleton);
		arc_dbus_realised_service_vtable = *arc_dbus_realised_service_parent_vtable;
		arc_dbus_realised_service_vtable.get_property =
			arc_dbus_realised_service_get_property_cb;
	}
	return &arc_dbus_realised_service_vtable;
}

/* GetAll, GetManagedObjects and InterfacesAdded */
static GVariant *
arc_dbus_realised_service_get_properties(GDBusInterfaceSkeleton *skeleton)
{
	arc_dbus_realised_service_refresh(ARC_DBUS_REALISED_SERVICE(skeleton));
	return G_DBUS_INTERFACE_SKELETON_CLASS(arc_dbus_realised_service_parent_class)
		->get_properties(skeleton);
}

static void
arc_dbus_realised_service_finalize(GObject *object)
{
	ArcDbusRealisedService *self = ARC_DBUS_REALISED_SERVICE(object);

	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_dbus_realised_service_parent_class)->finalize(object);
}

static void
arc_dbus_realised_service_class_init(ArcDbusRealisedServiceClass *klass)
{
	GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = arc_dbus_realised_service_finalize;
	skeleton_class->get_vtable = arc_dbus_realised_service_get_vtable;
	skeleton_class->get_properties = arc_dbus_realised_service_get_properties;
}

static void
arc_dbus_realised_service_init(ArcDbusRealisedService *self)
{
}

/**
 * arc_dbus_realised_service_new:
 * @engine: the engine the realised properties are read from
 *
 * Returns: (transfer full): a Service skeleton, to export
 */
ArcDbusClusterService *
arc_dbus_realised_service_new(ArcEngine *engine)
{
	ArcDbusRealisedService *self = g_object_new(ARC_TYPE_DBUS_REALISED_SERVICE, NULL);

	self->engine = g_object_ref(engine);
	return ARC_DBUS_CLUSTER_SERVICE(self);
}
