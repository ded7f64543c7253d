/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "dbus"

#include "config.h"

#include "arc-dbus-service-private.h"

#include "arc-dbus-options.h"

#include <sodium.h>

#include "arc-dbus-authority.h"
#include "arc-dbus-generated.h"
#include "arc-dbus-services.h"
#include "arc-error-map.h"
#include "arc-engine-license.h"
#include "arc-handshake.h"

/* The D-Bus adapter (DESIGN.md §2, §5 "D-Bus"): it parses, authorises, calls one engine
 * method and serialises, like the REST adapter. Without a bus the agent serves REST alone. */

/* the D-Bus twin of the REST body limit; the bus itself allows far larger messages */
#define ARC_DBUS_SERVICE_MAX_LICENSE_SIZE (1024 * 1024)
/* the engine parses {"license": …} with depth 16, one level above the license */
#define ARC_DBUS_SERVICE_MAX_LICENSE_DEPTH 15

#define ARC_DBUS_PROPERTIES_IFACE "org.freedesktop.DBus.Properties"
#define ARC_DBUS_ERROR_PROPERTY_READ_ONLY "org.freedesktop.DBus.Error.PropertyReadOnly"

G_DEFINE_FINAL_TYPE(ArcDbusService, arc_dbus_service, G_TYPE_OBJECT)

static void
arc_dbus_service_write_free(ArcDbusServiceWrite *write)
{
	g_object_unref(write->self);
	g_free(write);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcDbusServiceWrite, arc_dbus_service_write_free)

ArcDbusServiceCall *
arc_dbus_service_call_new(ArcDbusService *self, GDBusMethodInvocation *invocation)
{
	ArcDbusServiceCall *call = g_new0(ArcDbusServiceCall, 1);

	call->self = g_object_ref(self);
	call->invocation = g_object_ref(invocation);
	return call;
}

void
arc_dbus_service_call_free(ArcDbusServiceCall *call)
{
	g_object_unref(call->self);
	g_object_unref(call->invocation);
	g_free(call);
}

/* Answers with the D-Bus name of the error's #ArcError (registered with GDBus, see class_init)
 * and the engine's message unchanged; handshake reasons become the #ArcError they map to, as
 * in the REST adapter. */
void
arc_dbus_service_return_error(GDBusMethodInvocation *invocation, GError **error)
{
	arc_handshake_error_convert(error);
	arc_error_convert(error);
	g_dbus_method_invocation_return_gerror(invocation, *error);
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

/* peer objects: one com.tillered.Arctic1.Peer object per peer the engine shows */

static gboolean
arc_dbus_service_is_path_element(const gchar *str)
{
	if (str[0] == '\0')
		return FALSE;
	for (const gchar *p = str; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_')
			return FALSE;
	}
	return TRUE;
}

/**
 * arc_dbus_service_object_path:
 * @base: the objects' parent path, e.g. %ARC_DBUS_SERVICE_PEERS_PATH
 * @id: a peer or service id
 *
 * Ids (prefix + ULID) are path elements as they are; anything else, from a damaged
 * replicated record, is escaped so that it stays one element below @base.
 *
 * Returns: (transfer full): the object path of @id
 */
gchar *
arc_dbus_service_object_path(const gchar *base, const gchar *id)
{
	g_autofree gchar *escaped = NULL;

	if (arc_dbus_service_is_path_element(id))
		return g_strconcat(base, "/", id, NULL);
	escaped = g_dbus_escape_object_path(id);
	return g_strconcat(base, "/", escaped[0] != '\0' ? escaped : "_", NULL);
}

/* object paths: the Agent's Peers, Services and LocalPeer, and the Set filter's copy */

static ArcDbusServiceExported *
arc_dbus_service_exported_new(void)
{
	ArcDbusServiceExported *exported = g_atomic_rc_box_new0(ArcDbusServiceExported);

	g_mutex_init(&exported->lock);
	exported->ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return exported;
}

static void
arc_dbus_service_exported_clear(ArcDbusServiceExported *exported)
{
	g_mutex_clear(&exported->lock);
	g_hash_table_unref(exported->ifaces);
}

static void
arc_dbus_service_exported_release(gpointer data)
{
	g_atomic_rc_box_release_full(data, (GDestroyNotify)arc_dbus_service_exported_clear);
}

/* Returns: (transfer none) (nullable): the info of @iface if exported at @path */
static GDBusInterfaceInfo *
arc_dbus_service_exported_lookup(ArcDbusServiceExported *exported, const gchar *path,
				 const gchar *iface)
{
	g_autofree gchar *key = g_strconcat(path, " ", iface, NULL);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&exported->lock);

	return g_hash_table_lookup(exported->ifaces, key);
}

/* Adds the interfaces of @object to @ifaces, and its path to @peers or @services. */
static void
arc_dbus_service_collect_object(GDBusObject *object, GHashTable *ifaces, GPtrArray *peers,
				GPtrArray *services)
{
	const gchar *path = g_dbus_object_get_object_path(object);
	g_autolist(GDBusInterface) list = g_dbus_object_get_interfaces(object);

	for (GList *l = list; l != NULL; l = l->next) {
		GDBusInterfaceInfo *info = g_dbus_interface_get_info(l->data);
		g_hash_table_insert(ifaces, g_strconcat(path, " ", info->name, NULL), info);
	}
	if (arc_dbus_object_peek_peer(ARC_DBUS_OBJECT(object)) != NULL)
		g_ptr_array_add(peers, (gpointer)path);
	if (arc_dbus_object_peek_cluster_service(ARC_DBUS_OBJECT(object)) != NULL)
		g_ptr_array_add(services, (gpointer)path);
}

static gint
arc_dbus_service_compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/**
 * arc_dbus_service_objects_changed:
 * @self: the service
 *
 * Makes Peers, Services and LocalPeer of the Agent what the ObjectManager exports, after
 * an object was exported or unexported; the skeleton announces only values that differ.
 */
void
arc_dbus_service_objects_changed(ArcDbusService *self)
{
	g_autolist(GDBusObject) objects =
		g_dbus_object_manager_get_objects(G_DBUS_OBJECT_MANAGER(self->manager));
	g_autoptr(GHashTable) ifaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) peers = g_ptr_array_new();
	g_autoptr(GPtrArray) services = g_ptr_array_new();
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *local = NULL;
	GHashTable *old;

	for (GList *l = objects; l != NULL; l = l->next)
		arc_dbus_service_collect_object(l->data, ifaces, peers, services);
	g_ptr_array_sort(peers, arc_dbus_service_compare_paths);
	g_ptr_array_add(peers, NULL);
	g_ptr_array_sort(services, arc_dbus_service_compare_paths);
	g_ptr_array_add(services, NULL);
	arc_dbus_agent_set_peers(self->agent, (const gchar *const *)peers->pdata);
	arc_dbus_agent_set_services(self->agent, (const gchar *const *)services->pdata);
	g_object_get(self->engine, "peer-id", &peer_id, NULL);
	local = arc_dbus_service_peer_object(self, peer_id);
	arc_dbus_agent_set_local_peer(self->agent, local);

	/* the old table is freed on return, outside the lock */
	g_mutex_lock(&self->exported->lock);
	old = self->exported->ifaces;
	self->exported->ifaces = g_steal_pointer(&ifaces);
	ifaces = old;
	g_mutex_unlock(&self->exported->lock);
}

/* LicenseStateChanged, when the LicenseState property has just taken a new value: with the
 * message the log and /readyz show (docs/license.md "Warnings") */
static void
arc_dbus_service_signal_license_state(ArcDbusService *self, const gchar *former)
{
	const gchar *state = arc_dbus_agent_get_license_state(self->agent);
	g_autofree gchar *message = NULL;

	if (g_strcmp0(state, former) == 0 || state == NULL || state[0] == '\0')
		return;
	message = arc_engine_get_license_message(self->engine);
	/* the property's PropertiesChanged first: the skeleton would send it from an idle */
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->agent));
	arc_dbus_agent_emit_license_state_changed(self->agent, state,
						  message != NULL ? message : "");
}

/* Every engine property is read again on any change: the engine changes several at once
 * (bootstrap) and the skeleton sends only the values that differ, in one signal. */
static void
arc_dbus_service_engine_notify_cb(GObject *engine, GParamSpec *pspec, gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autofree gchar *license_state = g_strdup(arc_dbus_agent_get_license_state(self->agent));

	arc_dbus_service_sync_properties(self);
	arc_dbus_service_signal_license_state(self, license_state);
	if (g_strcmp0(pspec->name, "bootstrapped") == 0 || g_strcmp0(pspec->name, "peer-id") == 0)
		arc_dbus_service_sync_peers(self);
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

static void
arc_dbus_service_authorized_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusServiceWrite) write = user_data;
	g_autoptr(GError) error = NULL;
	ArcCaller caller = {.scopes = write->scope};
	guint32 uid = 0;

	if (!arc_dbus_authorize_finish(res, &uid, NULL, &error)) {
		arc_error_convert(&error);
		g_info("%s.%s refused to %s: %s",
		       g_dbus_method_invocation_get_interface_name(write->invocation),
		       g_dbus_method_invocation_get_method_name(write->invocation),
		       g_dbus_method_invocation_get_sender(write->invocation), error->message);
		arc_dbus_service_return_error(write->invocation, &error);
		return;
	}
	/* the engine names callers by credential; a bus caller has none, so say who it is here */
	g_info("%s.%s by uid %u (%s)",
	       g_dbus_method_invocation_get_interface_name(write->invocation),
	       g_dbus_method_invocation_get_method_name(write->invocation), uid,
	       g_dbus_method_invocation_get_sender(write->invocation));
	write->func(write->self, write->invocation, &caller);
}

/* Authorises the caller of @invocation, then runs @func with a caller holding @scope; @func
 * returns the invocation. */
void
arc_dbus_service_authorize_write(ArcDbusService *self, GDBusMethodInvocation *invocation,
				 ArcScope scope, ArcDbusServiceWriteFunc func)
{
	ArcDbusServiceWrite *write = g_new0(ArcDbusServiceWrite, 1);

	write->self = g_object_ref(self);
	write->invocation = invocation;
	write->func = func;
	write->scope = scope;
	arc_dbus_authorize_async(invocation, self->session_bus, TRUE, self->cancellable,
				 arc_dbus_service_authorized_cb, write);
}

static void
arc_dbus_service_services_write(ArcDbusService *self, GDBusMethodInvocation *invocation,
				const ArcCaller *caller)
{
	arc_dbus_services_authorized(self->services, invocation, caller);
}

/**
 * arc_dbus_service_authorize_services_write:
 * @self: the service
 * @invocation: a write of services or routes (arc-dbus-services.c)
 *
 * Authorises the caller as every write is, then hands @invocation to
 * arc_dbus_services_authorized() with a caller holding the services scopes.
 */
void
arc_dbus_service_authorize_services_write(ArcDbusService *self, GDBusMethodInvocation *invocation)
{
	/* the engine answers a write with the service as stored, which it reads back */
	arc_dbus_service_authorize_write(self, invocation,
					 ARC_SCOPE_SERVICES_READ | ARC_SCOPE_SERVICES_WRITE,
					 arc_dbus_service_services_write);
}

/* com.tillered.Arctic1.Agent */

/* the arguments of Bootstrap: the license is taken apart here, the name checked by the engine
 * after it has made sure it is not bootstrapped, as for a REST body */
static ArcBootstrapRequest *
arc_dbus_service_bootstrap_request(const gchar *license_json, const gchar *name, GError **error)
{
	g_autoptr(JsonNode) license = NULL;

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
	return arc_bootstrap_request_new(license, name);
}

static void
arc_dbus_service_bootstrap(ArcDbusService *self, GDBusMethodInvocation *invocation,
			   const ArcCaller *caller)
{
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(ArcBootstrapRequest) req = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *license_json = NULL;
	const gchar *name = NULL;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s&s)", &license_json,
		      &name);
	req = arc_dbus_service_bootstrap_request(license_json, name, &error);
	if (req != NULL)
		res = arc_engine_bootstrap(self->engine, req, &error);
	if (res == NULL) {
		arc_dbus_service_return_error(invocation, &error);
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
	/* the engine's bootstrap takes no caller: before it, there are no credentials */
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation, ARC_SCOPE_NONE,
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

static void
arc_dbus_service_permissions_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcDbusServiceCall) call = user_data;
	g_autoptr(GError) error = NULL;
	ArcDbusPermission permission = ARC_DBUS_PERMISSION_NO;
	GVariantBuilder builder;

	/* a refusal is an answer here, not an error: the reason only goes to the debug log */
	if (!arc_dbus_authorize_finish(res, NULL, &permission, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			/* the agent is stopping and has let go of the Agent skeleton */
			g_dbus_method_invocation_return_gerror(call->invocation, error);
			return;
		}
		g_debug("GetPermissions by %s: %s",
			g_dbus_method_invocation_get_sender(call->invocation), error->message);
	}
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	g_variant_builder_add(&builder, "{ss}", ARC_DBUS_AUTHORITY_ACTION_MANAGE,
			      arc_dbus_permission_to_string(permission));
	arc_dbus_agent_complete_get_permissions(call->self->agent, call->invocation,
						g_variant_builder_end(&builder));
}

static gboolean
arc_dbus_service_handle_get_permissions_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					   gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);

	/* the check every write makes, without interaction: a client asks before it offers
	 * an action, and must not see a password dialog for that */
	arc_dbus_authorize_async(invocation, self->session_bus, FALSE, self->cancellable,
				 arc_dbus_service_permissions_cb,
				 arc_dbus_service_call_new(self, invocation));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* com.tillered.Arctic1.Agent: license (docs/license.md) */

/* the members of GET /v1/license; times in unix seconds, null as "" or 0 */
static GVariant *
arc_dbus_service_license_to_variant(const ArcLicenseInfo *info)
{
	ArcLicense *lic = info->license;
	gboolean changes = info->next_change != G_MAXINT64;
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	arc_dbus_service_add_string(&builder, "license_id", lic->license_id);
	arc_dbus_service_add_string(&builder, "customer_id", lic->customer_id);
	arc_dbus_service_add_int64(&builder, "issued_at", lic->issued_at);
	arc_dbus_service_add_int64(&builder, "expires_at", lic->expires_at);
	arc_dbus_service_add_int64(&builder, "max_nodes", lic->max_nodes);
	arc_dbus_service_add_int64(&builder, "max_services", lic->max_services);
	g_variant_builder_add(&builder, "{sv}", "features",
			      g_variant_new_strv((const gchar *const *)lic->features,
						 lic->features != NULL ? -1 : 0));
	arc_dbus_service_add_string(&builder, "issuer", lic->issuer_key);
	arc_dbus_service_add_string(&builder, "state", arc_license_state_to_string(info->state));
	arc_dbus_service_add_int64(&builder, "state_since", info->state_since);
	arc_dbus_service_add_string(&builder, "next_state",
				    changes ? arc_license_state_to_string(info->next_state) : NULL);
	arc_dbus_service_add_int64(&builder, "next_state_at", changes ? info->next_change : 0);
	arc_dbus_service_add_int64(&builder, "days_until_expiry", info->days_until_expiry);
	arc_dbus_service_add_int64(&builder, "nodes_in_use", info->nodes_in_use);
	arc_dbus_service_add_string(&builder, "message", info->message);
	return g_variant_builder_end(&builder);
}

static gboolean
arc_dbus_service_handle_get_license_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				       gpointer user_data)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(user_data);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicenseInfo) info = arc_engine_get_license(self->engine, &error);

	if (info == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	arc_dbus_agent_complete_get_license(agent, invocation,
					    arc_dbus_service_license_to_variant(info));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* @license_json is the body of PUT /v1/license, bare or {"license": …}: the engine parses it */
static void
arc_dbus_service_update_license(ArcDbusService *self, GDBusMethodInvocation *invocation,
				const ArcCaller *caller)
{
	g_autoptr(ArcLicenseInfo) info = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *license_json = NULL;
	gsize length;

	g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(&s)", &license_json);
	length = strlen(license_json);
	if (length > ARC_DBUS_SERVICE_MAX_LICENSE_SIZE) {
		g_set_error(&error, ARC_ERROR, ARC_ERROR_PAYLOAD_TOO_LARGE,
			    "license_json is larger than %u bytes",
			    (guint)ARC_DBUS_SERVICE_MAX_LICENSE_SIZE);
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	info = arc_engine_update_license(self->engine, caller, license_json, length, &error);
	if (info == NULL) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_agent_complete_update_license(self->agent, invocation,
					       arc_dbus_service_license_to_variant(info));
}

static gboolean
arc_dbus_service_handle_update_license_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					  const gchar *license_json, gpointer user_data)
{
	/* admin, as PUT /v1/license; the engine checks the scope alone, in every license state */
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation, ARC_SCOPE_ADMIN,
					 arc_dbus_service_update_license);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* com.tillered.Arctic1.Agent: peers */

static void
arc_dbus_service_sync(ArcDbusService *self, GDBusMethodInvocation *invocation,
		      const ArcCaller *caller)
{
	g_autoptr(GError) error = NULL;
	gint n = arc_engine_sync(self->engine, caller, &error);

	if (n < 0) {
		arc_dbus_service_return_error(invocation, &error);
		return;
	}
	arc_dbus_agent_complete_sync(self->agent, invocation, (guint)n);
}

static gboolean
arc_dbus_service_handle_sync_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation, ARC_SCOPE_ADMIN,
					 arc_dbus_service_sync);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
arc_dbus_service_handle_remove_self_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
				       gpointer user_data)
{
	arc_dbus_service_authorize_write(ARC_DBUS_SERVICE(user_data), invocation,
					 ARC_SCOPE_PEERS_WRITE, arc_dbus_service_remove_self);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* the bus */

/* Returns: (transfer full) (nullable): the PropertyReadOnly error answering @message, when it
 * is a Set of a read-only property of an interface exported below the ObjectManager */
static GDBusMessage *
arc_dbus_service_read_only_reply(ArcDbusServiceExported *exported, GDBusMessage *message)
{
	GVariant *body = g_dbus_message_get_body(message);
	GDBusInterfaceInfo *info = NULL;
	GDBusPropertyInfo *property = NULL;
	const gchar *iface = NULL;
	const gchar *name = NULL;

	if (g_dbus_message_get_message_type(message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL ||
	    g_strcmp0(g_dbus_message_get_interface(message), ARC_DBUS_PROPERTIES_IFACE) != 0 ||
	    g_strcmp0(g_dbus_message_get_member(message), "Set") != 0 || body == NULL ||
	    !g_variant_is_of_type(body, G_VARIANT_TYPE("(ssv)")))
		return NULL;
	g_variant_get(body, "(&s&sv)", &iface, &name, NULL);
	info = arc_dbus_service_exported_lookup(exported, g_dbus_message_get_path(message), iface);
	if (info != NULL)
		property = g_dbus_interface_info_lookup_property(info, name);
	/* an unknown object, interface or property: GDBus's own answer is the right one */
	if (property == NULL || (property->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE) != 0)
		return NULL;
	return g_dbus_message_new_method_error(message, ARC_DBUS_ERROR_PROPERTY_READ_ONLY,
					       "Property '%s' of %s is read-only", name, iface);
}

/* GDBus refuses a Set of a read-only property before any code of ours runs, with
 * org.freedesktop.DBus.Error.InvalidArgs ("Property 'X' is not writable" in GLib 2.74;
 * /dbus/read-only notices should a later GLib change it), whereas the D-Bus specification
 * and NetworkManager's clients expect org.freedesktop.DBus.Error.PropertyReadOnly. A filter
 * on the connection answers first. It runs in GDBus's worker thread, so it reads only
 * @user_data, the exported interfaces' copy, and the static introspection data. */
static GDBusMessage *
arc_dbus_service_filter_cb(GDBusConnection *connection, GDBusMessage *message, gboolean incoming,
			   gpointer user_data)
{
	g_autoptr(GDBusMessage) reply = NULL;

	if (!incoming)
		return message;
	reply = arc_dbus_service_read_only_reply(user_data, message);
	if (reply == NULL)
		return message;
	if ((g_dbus_message_get_flags(message) & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED) == 0)
		g_dbus_connection_send_message(connection, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
					       NULL, NULL);
	g_object_unref(message);
	return NULL;
}

static void
arc_dbus_service_unexport(ArcDbusService *self)
{
	if (self->filter_id != 0) {
		g_dbus_connection_remove_filter(self->connection, self->filter_id);
		self->filter_id = 0;
	}
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

static void
arc_dbus_service_export(ArcDbusService *self)
{
	/* the Agent is a managed object below the ObjectManager, as NetworkManager keeps its
	 * manager object apart, so that GetManagedObjects lists it with the peers and services */
	self->filter_id = g_dbus_connection_add_filter(self->connection, arc_dbus_service_filter_cb,
						       g_atomic_rc_box_acquire(self->exported),
						       arc_dbus_service_exported_release);
	g_dbus_object_manager_server_set_connection(self->manager, self->connection);
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
	arc_dbus_service_export(self);
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
	g_clear_object(&self->services);
	g_clear_object(&self->agent);
	g_clear_object(&self->agent_object);
	g_clear_object(&self->manager);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(arc_dbus_service_parent_class)->dispose(object);
}

static void
arc_dbus_service_finalize(GObject *object)
{
	ArcDbusService *self = ARC_DBUS_SERVICE(object);

	g_object_unref(self->cancellable);
	arc_dbus_service_exported_release(self->exported);
	G_OBJECT_CLASS(arc_dbus_service_parent_class)->finalize(object);
}

static void
arc_dbus_service_class_init(ArcDbusServiceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = arc_dbus_service_dispose;
	object_class->finalize = arc_dbus_service_finalize;
	/* before any object is exported: every ARC_ERROR that GDBus encodes, whichever path
	 * returns it, goes out as com.tillered.Arctic1.Error.<Name> */
	arc_error_register_dbus_domain();
}

static void
arc_dbus_service_init(ArcDbusService *self)
{
	self->cancellable = g_cancellable_new();
	self->manager = g_dbus_object_manager_server_new(ARC_DBUS_SERVICE_PATH);
	self->agent = arc_dbus_agent_skeleton_new();
	self->agent_object = arc_dbus_object_skeleton_new(ARC_DBUS_SERVICE_AGENT_PATH);
	arc_dbus_object_skeleton_set_agent(self->agent_object, self->agent);
	self->exported = arc_dbus_service_exported_new();
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
	arc_dbus_service_sync_peers(self);
	g_dbus_object_manager_server_export(self->manager,
					    G_DBUS_OBJECT_SKELETON(self->agent_object));
	/* connected before the services module's handlers: a service's SourcePeer and
	 * TargetPeer name the peer objects as these handlers have just made them */
	g_signal_connect_object(engine, "notify", G_CALLBACK(arc_dbus_service_engine_notify_cb),
				self, 0);
	g_signal_connect_object(engine, "peer-changed",
				G_CALLBACK(arc_dbus_service_peer_changed_cb), self, 0);
	self->services = arc_dbus_services_new(self, engine, self->manager, self->agent);
	arc_dbus_service_objects_changed(self);
	g_signal_connect(self->agent, "handle-bootstrap",
			 G_CALLBACK(arc_dbus_service_handle_bootstrap_cb), self);
	g_signal_connect(self->agent, "handle-get-identity",
			 G_CALLBACK(arc_dbus_service_handle_get_identity_cb), self);
	g_signal_connect(self->agent, "handle-get-permissions",
			 G_CALLBACK(arc_dbus_service_handle_get_permissions_cb), self);
	g_signal_connect(self->agent, "handle-add-peer",
			 G_CALLBACK(arc_dbus_service_handle_add_peer_cb), self);
	g_signal_connect(self->agent, "handle-add-peer-with-options",
			 G_CALLBACK(arc_dbus_service_handle_add_peer_with_options_cb), self);
	g_signal_connect(self->agent, "handle-create-join-token",
			 G_CALLBACK(arc_dbus_service_handle_create_join_token_cb), self);
	g_signal_connect(self->agent, "handle-remove-peer-with-options",
			 G_CALLBACK(arc_dbus_service_handle_remove_peer_with_options_cb), self);
	g_signal_connect(self->agent, "handle-update-peer",
			 G_CALLBACK(arc_dbus_service_handle_update_peer_cb), self);
	g_signal_connect(self->agent, "handle-remove-peer",
			 G_CALLBACK(arc_dbus_service_handle_remove_peer_cb), self);
	g_signal_connect(self->agent, "handle-remove-self",
			 G_CALLBACK(arc_dbus_service_handle_remove_self_cb), self);
	g_signal_connect(self->agent, "handle-sync", G_CALLBACK(arc_dbus_service_handle_sync_cb),
			 self);
	g_signal_connect(self->agent, "handle-get-license",
			 G_CALLBACK(arc_dbus_service_handle_get_license_cb), self);
	g_signal_connect(self->agent, "handle-update-license",
			 G_CALLBACK(arc_dbus_service_handle_update_license_cb), self);
	g_signal_connect_object(engine, "peer-state-changed",
				G_CALLBACK(arc_dbus_service_peer_state_changed_cb), self, 0);
	return self;
}
