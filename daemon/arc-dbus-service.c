/* placeholder until the D-Bus adapter lands */
#include "arc-dbus-service.h"

struct _ArcDbusService {
	GObject parent_instance;
};

G_DEFINE_FINAL_TYPE(ArcDbusService, arc_dbus_service, G_TYPE_OBJECT)

static void
arc_dbus_service_class_init(ArcDbusServiceClass *klass)
{
}

static void
arc_dbus_service_init(ArcDbusService *self)
{
}

ArcDbusService *
arc_dbus_service_new(ArcEngine *engine, gboolean session_bus)
{
	return g_object_new(ARC_TYPE_DBUS_SERVICE, NULL);
}

void
arc_dbus_service_start(ArcDbusService *self)
{
}
