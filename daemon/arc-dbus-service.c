/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "config.h"

#include "arc-dbus-service.h"

#include <unistd.h>

#include "arc-dbus-generated.h"

/* The D-Bus adapter (DESIGN.md §2, §5 "D-Bus"): it parses, authorises, calls one engine
 * method and serialises, like the REST adapter. Without a bus the agent serves REST alone. */

/* the D-Bus twin of the REST body limit; the bus itself allows far larger messages */
#define ARC_DBUS_SERVICE_MAX_LICENSE_SIZE (1024 * 1024)
/* the engine parses {"license": …} with depth 16, one level above the license */
#define ARC_DBUS_SERVICE_MAX_LICENSE_DEPTH 15

#define ARC_DBUS_POLKIT_NAME "org.freedesktop.PolicyKit1"
#define ARC_DBUS_POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define ARC_DBUS_POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define ARC_DBUS_POLKIT_ALLOW_INTERACT 0x1

struct _ArcDbusService {
	GObject parent_instance;
	ArcEngine *engine;
	gboolean session_bus;
	GCancellable *cancellable;
	GDBusConnection *connection;
	GDBusObjectManagerServer *manager;
	ArcDbusAgent *agent; /* the skeleton on the root object */
	guint owner_id;
	gulong closed_id;
	gboolean unavailable; /* already logged, so it is logged once */
};

G_DEFINE_FINAL_TYPE(ArcDbusService, arc_dbus_service, G_TYPE_OBJECT)

/* A write waiting for its authorisation; the method's arguments stay in the invocation. */
typedef void (*ArcDbusServiceWriteFunc)(ArcDbusService *self, GDBusMethodInvocation *invocation);

typedef struct {
	ArcDbusService *self;
	GDBusMethodInvocation *invocation; /* owned until returned */
	ArcDbusServiceWriteFunc func;
} ArcDbusServiceWrite;

static void
arc_dbus_service_write_free(ArcDbusServiceWrite *write)
{
	g_object_unref(write->self);
	g_free(write);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcDbusServiceWrite, arc_dbus_service_write_free)

static void
arc_dbus_service_return_error(GDBusMethodInvocation *invocation, const GError *error)
{
	ArcError code = error->domain == ARC_ERROR ? (ArcError)error->code : ARC_ERROR_INTERNAL;
	g_dbus_method_invocation_return_dbus_error(invocation, arc_error_dbus_name(code),
						   error->message);
}

static void
arc_dbus_service_unavailable(ArcDbusService *self, const gchar *reason)
{
	if (self->unavailable)
		return;
	self->unavailable = TRUE;
	g_warning("D-Bus unavailable (%s bus: %s): serving REST only",
		  self->session_bus ? "session" : "system", reason);
}

/* properties */

static void
arc_dbus_service_sync_properties(ArcDbusService *self)
{
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *cluster_id = NULL;
	g_autofree gchar *license_id = NULL;
	g_autofree gchar *license_state = NULL;
	gboolean bootstrapped = FALSE;

	g_object_get(self->engine, "bootstrapped", &bootstrapped, "peer-id", &peer_id, "cluster-id",
		     &cluster_id, "license-id", &license_id, "license-state", &license_state, NULL);
	arc_dbus_agent_set_peer_id(self->agent, peer_id != NULL ? peer_id : "");
	arc_dbus_agent_set_cluster_id(self->agent, cluster_id != NULL ? cluster_id : "");
	arc_dbus_agent_set_license_id(self->agent, license_id != NULL ? license_id : "");
	arc_dbus_agent_set_license_state(self->agent, license_state != NULL ? license_state : "");
	arc_dbus_agent_set_bootstrapped(self->agent, bootstrapped);
}

/* Every engine property is read again on any change: the engine changes several at once
 * (bootstrap) and the skeleton sends only the values that differ, in one signal. */
static void
arc_dbus_service_engine_notify_cb(GObject *engine, GParamSpec *pspec, gpointer user_data)
{
	arc_dbus_service_sync_properties(ARC_DBUS_SERVICE(user_data));
}

/* serialisation */

static void
arc_dbus_service_add_string(GVariantBuilder *builder, const gchar *key, const gchar *value)
{
	g_variant_builder_add(builder, "{sv}", key,
			      g_variant_new_string(value != NULL ? value : ""));
}

static void
arc_dbus_service_add_int64(GVariantBuilder *builder, const gchar *key, gint64 value)
{
	g_variant_builder_add(builder, "{sv}", key, g_variant_new_int64(value));
}

static GVariant *
arc_dbus_service_identity_to_variant(const ArcIdentityInfo *info)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	arc_dbus_service_add_string(&builder, "peer_id", info->peer_id);
	arc_dbus_service_add_string(&builder, "name", info->name);
	arc_dbus_service_add_string(&builder, "public_key", info->public_key);
	arc_dbus_service_add_string(&builder, "license_id", info->license_id);
	arc_dbus_service_add_string(&builder, "customer_id", info->customer_id);
	arc_dbus_service_add_string(&builder, "cluster_id", info->cluster_id);
	arc_dbus_service_add_string(&builder, "version", info->version);
	return g_variant_builder_end(&builder);
}

static GVariant *
arc_dbus_service_bootstrap_to_variant(const ArcBootstrapResult *res)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	arc_dbus_service_add_string(&builder, "peer_id", res->peer_id);
	arc_dbus_service_add_string(&builder, "peer_public_key", res->peer_public_key);
	arc_dbus_service_add_string(&builder, "client_id", res->client_id);
	arc_dbus_service_add_string(&builder, "client_secret", res->client_secret);
	arc_dbus_service_add_string(&builder, "license_id", res->license_id);
	arc_dbus_service_add_string(&builder, "customer_id", res->customer_id);
	arc_dbus_service_add_string(&builder, "cluster_id", res->cluster_id);
	arc_dbus_service_add_int64(&builder, "expires_at", res->expires_at);
	arc_dbus_service_add_int64(&builder, "max_nodes", res->max_nodes);
	arc_dbus_service_add_int64(&builder, "max_services", res->max_services);
	arc_dbus_service_add_string(&builder, "name", res->name);
	return g_variant_builder_end(&builder);
}

/* authorisation: uid 0, the agent's own uid on the session bus, or polkit on the system bus */

static void
arc_dbus_service_polkit_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	gboolean authorized = FALSE;
	gboolean challenge = FALSE;

	reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
	if (reply == NULL) {
		g_dbus_error_strip_remote_error(error);
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: cannot check polkit action %s: %s",
					ARC_DBUS_SERVICE_ACTION_MANAGE, error->message);
		return;
	}
	g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
	if (!authorized) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: requires root or polkit action %s%s",
					ARC_DBUS_SERVICE_ACTION_MANAGE,
					challenge ? " (authentication required)" : "");
		return;
	}
	g_task_return_boolean(task, TRUE);
}

static void
arc_dbus_service_check_polkit(GTask *task, GDBusMethodInvocation *invocation)
{
	GDBusMessage *message = g_dbus_method_invocation_get_message(invocation);
	gboolean interactive = (g_dbus_message_get_flags(message) &
				G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
	GVariantBuilder subject;
	GVariantBuilder details;

	g_variant_builder_init(&subject, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(
		&subject, "{sv}", "name",
		g_variant_new_string(g_dbus_method_invocation_get_sender(invocation)));
	g_variant_builder_init(&details, G_VARIANT_TYPE("a{ss}"));
	/* an authentication dialog may take as long as the user does */
	g_dbus_connection_call(
		g_dbus_method_invocation_get_connection(invocation), ARC_DBUS_POLKIT_NAME,
		ARC_DBUS_POLKIT_PATH, ARC_DBUS_POLKIT_IFACE, "CheckAuthorization",
		g_variant_new("((sa{sv})sa{ss}us)", "system-bus-name", &subject,
			      ARC_DBUS_SERVICE_ACTION_MANAGE, &details,
			      interactive ? ARC_DBUS_POLKIT_ALLOW_INTERACT : 0, ""),
		G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, interactive ? G_MAXINT : -1,
		g_task_get_cancellable(task), arc_dbus_service_polkit_cb, task);
}

static void
arc_dbus_service_caller_uid_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcDbusService *self = g_task_get_source_object(task);
	GDBusMethodInvocation *invocation = g_task_get_task_data(task);
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	guint32 uid = 0;

	reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
	if (reply == NULL) {
		g_dbus_error_strip_remote_error(error);
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: cannot identify the caller: %s",
					error->message);
		return;
	}
	g_variant_get(reply, "(u)", &uid);
	if (uid == 0 || (self->session_bus && uid == (guint32)getuid())) {
		g_task_return_boolean(task, TRUE);
		return;
	}
	if (self->session_bus) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: uid %u is not the agent's user", uid);
		return;
	}
	arc_dbus_service_check_polkit(g_steal_pointer(&task), invocation);
}

static void
arc_dbus_service_authorize_async(ArcDbusService *self, GDBusMethodInvocation *invocation,
				 GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, self->cancellable, callback, user_data);
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);

	g_task_set_source_tag(task, arc_dbus_service_authorize_async);
	g_task_set_task_data(task, g_object_ref(invocation), g_object_unref);
	if (sender == NULL) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: the caller has no bus name");
		return;
	}
	g_dbus_connection_call(
		g_dbus_method_invocation_get_connection(invocation), "org.freedesktop.DBus",
		"/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
		g_variant_new("(s)", sender), G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
		self->cancellable, arc_dbus_service_caller_uid_cb, g_steal_pointer(&task));
}

static void
arc_dbus_service_authorized_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusServiceWrite) write = user_data;
	g_autoptr(GError) error = NULL;

	if (!g_task_propagate_boolean(G_TASK(res), &error)) {
		arc_error_convert(&error);
		g_info("%s.%s refused to %s: %s",
		       g_dbus_method_invocation_get_interface_name(write->invocation),
		       g_dbus_method_invocation_get_method_name(write->invocation),
		       g_dbus_method_invocation_get_sender(write->invocation), error->message);
		arc_dbus_service_return_error(write->invocation, error);
		return;
	}
	write->func(write->self, write->invocation);
}

/* Authorises the caller of @invocation, then runs @func, which returns the invocation. */
static void
arc_dbus_service_authorize_write(ArcDbusService *self, GDBusMethodInvocation *invocation,
				 ArcDbusServiceWriteFunc func)
{
	ArcDbusServiceWrite *write = g_new0(ArcDbusServiceWrite, 1);

	write->self = g_object_ref(self);
	write->invocation = invocation;
	write->func = func;
	arc_dbus_service_authorize_async(self, invocation, arc_dbus_service_authorized_cb, write);
}

/* com.tillered.Arctic1.Agent */

static gchar *
arc_dbus_service_bootstrap_body(const gchar *license_json, const gchar *name, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonNode) license = NULL;
	g_autoptr(JsonNode) root = NULL;

	if (strlen(license_json) > ARC_DBUS_SERVICE_MAX_LICENSE_SIZE) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_PAYLOAD_TOO_LARGE,
			    "license_json is larger than %u bytes",
			    (guint)ARC_DBUS_SERVICE_MAX_LICENSE_SIZE);
		return NULL;
	}
	license =
		arc_json_parse_object(license_json, -1, ARC_DBUS_SERVICE_MAX_LICENSE_DEPTH, error);
	if (license == NULL) {
		g_prefix_error(error, "license_json: ");
		return NULL;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "license");
	json_builder_add_value(builder, g_steal_pointer(&license));
	json_builder_set_member_name(builder, "name");
	json_builder_add_string_value(builder, name);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	return json_to_string(root, FALSE);
}

static void
arc_dbus_service_bootstrap(ArcDbusService *self, GDBusMethodInvocation *invocation)
{
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *body = NULL;
	const gchar *license_json = NULL;
	const gchar *name = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &license_json,
		      &name);
	body = arc_dbus_service_bootstrap_body(license_json, name, &error);
	if (body != NULL)
		res = arc_engine_bootstrap(self->engine, body, strlen(body), &error);
	if (res == NULL) {
		arc_dbus_service_return_error(invocation, error);
		return;
	}
	arc_dbus_agent_complete_bootstrap(self->agent, invocation,
					  arc_dbus_service_bootstrap_to_variant(res));
}

static gboolean
arc_dbus_service_handle_bootstrap_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				     const gchar *license_json, const gchar *name,
				     gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 arc_dbus_service_bootstrap);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_service_handle_get_identity_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(self->engine);

	arc_dbus_agent_complete_get_identity(agent, invocation,
					     arc_dbus_service_identity_to_variant(info));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* the bus */

static void
arc_dbus_service_unexport(ArcDbusService *self)
{
	if (g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self->agent)) !=
	    NULL)
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->agent));
	g_dbus_object_manager_server_set_connection(self->manager, NULL);
}

static void
arc_dbus_service_name_acquired_cb(GDBusConnection *connection, const gchar *name,
				  gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_info("serving %s on the %s bus", name, self->session_bus ? "session" : "system");
}

static void
arc_dbus_service_name_lost_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autofree gchar *reason = NULL;

	if (connection == NULL || g_dbus_connection_is_closed(connection))
		reason = g_strdup("connection closed");
	else
		reason = g_strdup_printf("cannot own %s: another agent has it, or the bus policy "
					 "does not allow this user",
					 name);
	arc_dbus_service_unexport(self);
	arc_dbus_service_unavailable(self, reason);
}

static void
arc_dbus_service_closed_cb(GDBusConnection *connection, gboolean remote_peer_vanished,
			   GError *error, gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autofree gchar *reason =
		g_strdup_printf("connection closed%s%s", error != NULL ? ": " : "",
				error != NULL ? error->message : "");
	arc_dbus_service_unexport(self);
	arc_dbus_service_unavailable(self, reason);
}

static gboolean
arc_dbus_service_export(ArcDbusService *self, GError **error)
{
	/* The ObjectManager lists only objects below its path (D-Bus specification), so the
	 * Agent interface is exported on the root path beside it, as ModemManager does. */
	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->agent),
					      self->connection, ARC_DBUS_SERVICE_PATH, error))
		return FALSE;
	g_dbus_object_manager_server_set_connection(self->manager, self->connection);
	return TRUE;
}

static void
arc_dbus_service_bus_get_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusService) self = ARC_DBUS_SERVICE(user_data);
	g_autoptr(GDBusConnection) connection = NULL;
	g_autoptr(GError) error = NULL;

	connection = g_bus_get_finish(res, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (connection == NULL) {
		arc_dbus_service_unavailable(self, error->message);
		return;
	}
	/* the shared connection would otherwise raise SIGTERM when the bus goes away */
	g_dbus_connection_set_exit_on_close(connection, FALSE);
	self->connection = g_steal_pointer(&connection);
	self->closed_id = g_signal_connect(self->connection, "closed",
					   G_CALLBACK(arc_dbus_service_closed_cb), self);
	if (!arc_dbus_service_export(self, &error)) {
		arc_dbus_service_unavailable(self, error->message);
		return;
	}
	self->owner_id = g_bus_own_name_on_connection(
		self->connection, ARC_DBUS_SERVICE_NAME, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
		arc_dbus_service_name_acquired_cb, arc_dbus_service_name_lost_cb, self, NULL);
}

/**
 * arc_dbus_service_start:
 * @self: the service
 *
 * Connects to the bus, exports the objects and owns `com.tillered.Arctic1`. Without a
 * reachable bus it logs one warning and the agent goes on serving REST alone.
 */
void
arc_dbus_service_start(ArcDbusService *self)
{
	g_return_if_fail(ARC_IS_DBUS_SERVICE(self));
	g_return_if_fail(self->connection == NULL);

	g_bus_get(self->session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, self->cancellable,
		  arc_dbus_service_bus_get_cb, g_object_ref(self));
}

/**
 * arc_dbus_service_get_object_manager:
 * @self: the service
 *
 * Returns: (transfer none): the ObjectManager at `/com/tillered/Arctic1`, for the child
 *   objects (peers, services)
 */
GDBusObjectManagerServer *
arc_dbus_service_get_object_manager(ArcDbusService *self)
{
	return self->manager;
}

static void
arc_dbus_service_dispose(GObject *object)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(object);

	g_cancellable_cancel(self->cancellable);
	if (self->owner_id != 0) {
		g_bus_unown_name(self->owner_id);
		self->owner_id = 0;
	}
	if (self->connection != NULL) {
		g_clear_signal_handler(&self->closed_id, self->connection);
		arc_dbus_service_unexport(self);
		g_clear_object(&self->connection);
	}
	g_clear_object(&self->agent);
	g_clear_object(&self->manager);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_dbus_service_parent_class)->dispose(object);
}

static void
arc_dbus_service_finalize(GObject *object)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(object);

	g_object_unref(self->cancellable);
	G_OBJECT_CLASS(arc_dbus_service_parent_class)->finalize(object);
}

static void
arc_dbus_service_class_init(ArcDbusServiceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = arc_dbus_service_dispose;
	object_class->finalize = arc_dbus_service_finalize;
}

static void
arc_dbus_service_init(ArcDbusService *self)
{
	self->cancellable = g_cancellable_new();
	self->manager = g_dbus_object_manager_server_new(ARC_DBUS_SERVICE_PATH);
	self->agent = arc_dbus_agent_skeleton_new();
}

/**
 * arc_dbus_service_new:
 * @engine: the engine whose operations and properties the service exposes
 * @session_bus: serve on the session bus (tests) instead of the system bus
 *
 * Returns: (transfer full): the service; call arc_dbus_service_start() to go on the bus
 */
ArcDbusService *
arc_dbus_service_new(ArcEngine *engine, gboolean session_bus)
{
	ArcDbusService *self = g_object_new(ARC_TYPE_DBUS_SERVICE, NULL);
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(engine);

	self->engine = g_object_ref(engine);
	self->session_bus = session_bus;
	arc_dbus_agent_set_version(self->agent, info->version);
	arc_dbus_service_sync_properties(self);
	g_signal_connect_object(engine, "notify", G_CALLBACK(arc_dbus_service_engine_notify_cb),
				self, 0);
	g_signal_connect(self->agent, "handle-bootstrap",
			 G_CALLBACK(arc_dbus_service_handle_bootstrap_cb), self);
	g_signal_connect(self->agent, "handle-get-identity",
			 G_CALLBACK(arc_dbus_service_handle_get_identity_cb), self);
	return self;
}
