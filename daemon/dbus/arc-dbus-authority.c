/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "config.h"

#include "arc-dbus-authority.h"

#include <unistd.h>

#include <arctic-plugin.h>

/* Who may write over D-Bus (DESIGN.md §5 "D-Bus"): the check every write makes and
 * GetPermissions reports, kept apart from the adapter that calls the engine. */

#define ARC_DBUS_POLKIT_NAME "org.freedesktop.PolicyKit1"
#define ARC_DBUS_POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define ARC_DBUS_POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define ARC_DBUS_POLKIT_ALLOW_INTERACT 0x1

/* what the authorisation task knows about the caller */
typedef struct {
	GDBusMethodInvocation *invocation;
	guint32 uid;
	gboolean session_bus;         /* the agent's own user may write too */
	gboolean may_interact;        /* a write may let polkit ask; GetPermissions never does */
	ArcDbusPermission permission; /* also set when the task fails */
} ArcDbusAuth;

static void
arc_dbus_auth_free(ArcDbusAuth *auth)
{
	g_object_unref(auth->invocation);
	g_free(auth);
}

/**
 * arc_dbus_permission_to_string:
 * @permission: what a write would meet
 *
 * Returns: "yes", "auth" or "no", as GetPermissions answers
 */
const gchar *
arc_dbus_permission_to_string(ArcDbusPermission permission)
{
	switch (permission) {
	case ARC_DBUS_PERMISSION_YES:
		return "yes";
	case ARC_DBUS_PERMISSION_AUTH:
		return "auth";
	case ARC_DBUS_PERMISSION_NO:
	default:
		return "no";
	}
}

static void
arc_dbus_auth_return_yes(GTask *task)
{
	ArcDbusAuth *auth = g_task_get_task_data(task);

	auth->permission = ARC_DBUS_PERMISSION_YES;
	g_task_return_boolean(task, TRUE);
}

static void
arc_dbus_authority_polkit_cb(GObject *source, GAsyncResult *res, gpointer user_data)
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
					ARC_DBUS_AUTHORITY_ACTION_MANAGE, error->message);
		return;
	}
	g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
	if (!authorized && challenge) {
		ArcDbusAuth *auth = g_task_get_task_data(task);
		auth->permission = ARC_DBUS_PERMISSION_AUTH;
	}
	if (!authorized) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: requires root or polkit action %s%s",
					ARC_DBUS_AUTHORITY_ACTION_MANAGE,
					challenge ? " (authentication required)" : "");
		return;
	}
	arc_dbus_auth_return_yes(task);
}

static void
arc_dbus_authority_check_polkit(GTask *task, ArcDbusAuth *auth)
{
	GDBusMethodInvocation *invocation = auth->invocation;
	GDBusMessage *message = g_dbus_method_invocation_get_message(invocation);
	gboolean interactive =
		auth->may_interact && (g_dbus_message_get_flags(message) &
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
			      ARC_DBUS_AUTHORITY_ACTION_MANAGE, &details,
			      interactive ? ARC_DBUS_POLKIT_ALLOW_INTERACT : 0, ""),
		G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, interactive ? G_MAXINT : -1,
		g_task_get_cancellable(task), arc_dbus_authority_polkit_cb, task);
}

static void
arc_dbus_authority_caller_uid_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcDbusAuth *auth = g_task_get_task_data(task);
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
	auth->uid = uid;
	if (uid == 0 || (auth->session_bus && uid == (guint32)getuid())) {
		arc_dbus_auth_return_yes(task);
		return;
	}
	if (auth->session_bus) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: uid %u is not the agent's user", uid);
		return;
	}
	arc_dbus_authority_check_polkit(g_steal_pointer(&task), auth);
}

/**
 * arc_dbus_authorize_async:
 * @invocation: a method call
 * @session_bus: the agent serves the session bus, where its own user may write too
 * @may_interact: polkit may ask the user for a password, when the caller allowed
 *   interactive authorisation (a write; GetPermissions never does)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with arc_dbus_authorize_finish()
 * @user_data: for @callback
 *
 * Finds out whether the caller of @invocation may write: root, the agent's own user on the
 * session bus, or a caller polkit authorises for com.tillered.arctic.manage on the system
 * bus.
 */
void
arc_dbus_authorize_async(GDBusMethodInvocation *invocation, gboolean session_bus,
			 gboolean may_interact, GCancellable *cancellable,
			 GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);
	ArcDbusAuth *auth = g_new0(ArcDbusAuth, 1);

	auth->invocation = g_object_ref(invocation);
	auth->session_bus = session_bus;
	auth->may_interact = may_interact;
	auth->permission = ARC_DBUS_PERMISSION_NO;
	g_task_set_source_tag(task, arc_dbus_authorize_async);
	g_task_set_task_data(task, auth, (GDestroyNotify)arc_dbus_auth_free);
	if (sender == NULL) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_FORBIDDEN,
					"forbidden: the caller has no bus name");
		return;
	}
	g_dbus_connection_call(
		g_dbus_method_invocation_get_connection(invocation), "org.freedesktop.DBus",
		"/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
		g_variant_new("(s)", sender), G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
		cancellable, arc_dbus_authority_caller_uid_cb, g_steal_pointer(&task));
}

/**
 * arc_dbus_authorize_finish:
 * @res: the result given to the callback
 * @uid: (out) (optional): the caller's uid, when it could be found
 * @permission: (out) (optional): what a write by the caller meets, set on failure too
 * @error: return location for a #GError: the #ArcError to answer the caller with
 *
 * Returns: %TRUE if the caller may write
 */
gboolean
arc_dbus_authorize_finish(GAsyncResult *res, guint32 *uid, ArcDbusPermission *permission,
			  GError **error)
{
	ArcDbusAuth *auth = g_task_get_task_data(G_TASK(res));

	if (uid != NULL)
		*uid = auth->uid;
	if (permission != NULL)
		*permission = auth->permission;
	return g_task_propagate_boolean(G_TASK(res), error);
}
