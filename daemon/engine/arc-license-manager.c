/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-license-manager.h"
#include "arc-requests.h"

#include "arc-time.h"

/* Renewing the license (docs/license.md): `PUT /v1/license` on one agent, then a `license`
 * record that gossip carries to every other, where it is verified again and adopted when it
 * is newer than the license in force there. */

#define ARC_LICENSE_KIND "license"
/* {"license": …} is one level above the license, as bootstrap takes it */
#define ARC_LICENSE_MAX_DEPTH 16

struct _ArcLicenseManager {
	GObject parent_instance;
	ArcRegistry *registry;
	ArcLicenseBackend *backend;
	ArcNode *node;       /* its clock */
	gchar *peer_id;      /* the writer of the `license` records this agent writes */
	ArcLicense *license; /* (nullable): in force; %NULL before bootstrap */
	ArcLicenseState state;
	gint64 state_since;
	gboolean state_logged; /* since start or since the license changed */
	guint timer_id;
};

enum { SIGNAL_STATE_CHANGED, SIGNAL_LICENSE_CHANGED, N_SIGNALS };
static guint arc_license_manager_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(ArcLicenseManager, arc_license_manager, G_TYPE_OBJECT)

static void arc_license_manager_register_kind(ArcLicenseManager *self);

void
arc_license_info_free(ArcLicenseInfo *self)
{
	if (self == NULL)
		return;
	arc_license_unref(self->license);
	g_free(self->message);
	g_free(self);
}

static void
arc_license_manager_finalize(GObject *object)
{
	ArcLicenseManager *self = ARC_LICENSE_MANAGER(object);

	arc_license_manager_stop(self);
	g_clear_object(&self->registry);
	g_clear_object(&self->backend);
	g_clear_object(&self->node);
	g_clear_pointer(&self->license, arc_license_unref);
	g_free(self->peer_id);
	G_OBJECT_CLASS(arc_license_manager_parent_class)->finalize(object);
}

static void
arc_license_manager_class_init(ArcLicenseManagerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->finalize = arc_license_manager_finalize;
	/**
	 * ArcLicenseManager::state-changed:
	 *
	 * The state was computed afresh: it changed, or it was stated for the first time since
	 * start or since the license changed.
	 */
	arc_license_manager_signals[SIGNAL_STATE_CHANGED] =
		g_signal_new("state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 0);
	/**
	 * ArcLicenseManager::license-changed:
	 * @license: the license now in force, newer than the one before
	 *
	 * A renewal was adopted, installed here or received from a peer; its node limit is
	 * already in force in the registry.
	 */
	arc_license_manager_signals[SIGNAL_LICENSE_CHANGED] = g_signal_new(
		"license-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
		G_TYPE_NONE, 1, ARC_TYPE_LICENSE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
arc_license_manager_init(ArcLicenseManager *self)
{
}

/**
 * arc_license_manager_new:
 * @node: this agent: its license plugin, and the clock (tests move it through the states)
 * @registry: the registry: the node limit is set there, `license` records are stored there
 *
 * Registers the `license` record kind with @registry.
 *
 * Returns: (transfer full): a manager with no license in force yet
 */
ArcLicenseManager *
arc_license_manager_new(ArcNode *node, ArcRegistry *registry)
{
	ArcLicenseManager *self = g_object_new(ARC_TYPE_LICENSE_MANAGER, NULL);

	self->node = g_object_ref(node);
	self->registry = g_object_ref(registry);
	self->backend = g_object_ref(arc_node_get_license_backend(node));
	self->state = ARC_LICENSE_STATE_VALID;
	arc_license_manager_register_kind(self);
	return self;
}

/* this agent's peer id, once it has one: it writes the `license` records of its renewals */
void
arc_license_manager_set_peer_id(ArcLicenseManager *self, const gchar *peer_id)
{
	g_free(self->peer_id);
	self->peer_id = g_strdup(peer_id);
}

/* no more state changes by timer (the agent stops) */
void
arc_license_manager_stop(ArcLicenseManager *self)
{
	if (self->timer_id != 0) {
		g_source_remove(self->timer_id);
		self->timer_id = 0;
	}
}

/* (transfer none) (nullable): the license in force, %NULL before bootstrap */
ArcLicense *
arc_license_manager_get_license(ArcLicenseManager *self)
{
	return self->license;
}

ArcLicenseBackend *
arc_license_manager_get_backend(ArcLicenseManager *self)
{
	return self->backend;
}

/* the state last computed; %ARC_LICENSE_STATE_VALID before bootstrap */
ArcLicenseState
arc_license_manager_get_state(ArcLicenseManager *self)
{
	return self->state;
}

/**
 * arc_license_manager_get_message:
 * @self: the manager
 *
 * Returns: (transfer full) (nullable): what the operator should know of the license in
 *   force (arc_license_state_message()), %NULL before bootstrap
 */
gchar *
arc_license_manager_get_message(ArcLicenseManager *self)
{
	if (self->license == NULL)
		return NULL;
	return arc_license_state_message(self->state, self->license->expires_at);
}

/* ---- the state machine ---- */

static gboolean arc_license_manager_update_state(ArcLicenseManager *self, gboolean persist);

static gboolean
arc_license_manager_timer_cb(gpointer user_data)
{
	ArcLicenseManager *self = ARC_LICENSE_MANAGER(user_data);

	self->timer_id = 0;
	arc_license_manager_update_state(self, TRUE);
	return G_SOURCE_REMOVE;
}

static void
arc_license_manager_schedule_timer(ArcLicenseManager *self, gint64 next_change, gint64 now)
{
	gint64 wait = next_change == G_MAXINT64 ? 3600 : MIN(next_change - now + 1, 3600);

	if (self->timer_id != 0)
		g_source_remove(self->timer_id);
	self->timer_id =
		g_timeout_add_seconds((guint)MAX(wait, 1), arc_license_manager_timer_cb, self);
}

static gboolean
arc_license_manager_persist_state(ArcLicenseManager *self, ArcLicenseState state, gint64 since,
				  GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *since_str = g_strdup_printf("%" G_GINT64_FORMAT, since);

	arc_storage_txn_set_meta(txn, "license.state", arc_license_state_to_string(state));
	arc_storage_txn_set_meta(txn, "license.state_since", since_str);
	arc_storage_txn_set_meta(txn, "license.state_license_id", self->license->license_id);
	return arc_storage_commit(arc_registry_get_storage(self->registry), txn, error);
}

/* A line at start and at every change: a warning unless the license is valid. */
static void
arc_license_manager_log_state(ArcLicenseManager *self)
{
	g_autofree gchar *message = arc_license_manager_get_message(self);

	self->state_logged = TRUE;
	if (self->state == ARC_LICENSE_STATE_VALID) {
		g_info("license %s is valid: %s", self->license->license_id, message);
		return;
	}
	g_warning("license %s is %s: %s", self->license->license_id,
		  arc_license_state_to_string(self->state), message);
}

/* The persisted state is a ratchet: for the same license the state never goes back, so
 * setting the clock back does not revive an expired license. A new license starts afresh
 * (arc_license_manager_adopt()). */
static gboolean
arc_license_manager_update_state(ArcLicenseManager *self, gboolean persist)
{
	gint64 now = arc_node_now(self->node);
	gint64 next_change = G_MAXINT64;
	ArcLicenseState state;
	gboolean changed;
	g_autoptr(GError) error = NULL;

	if (self->license == NULL)
		return TRUE;
	state = arc_license_state_compute(self->license->expires_at, now, &next_change);
	if (state < self->state)
		state = self->state;
	arc_license_manager_schedule_timer(self, next_change, now);
	changed = state != self->state;
	if (!changed && self->state_since != 0) {
		if (!self->state_logged && state != ARC_LICENSE_STATE_VALID)
			arc_license_manager_log_state(self);
		return TRUE;
	}
	if (persist && !arc_license_manager_persist_state(self, state, now, &error)) {
		g_warning("cannot persist license state: %s", error->message);
		return FALSE;
	}
	self->state = state;
	self->state_since = now;
	if (changed || (!self->state_logged && state != ARC_LICENSE_STATE_VALID))
		arc_license_manager_log_state(self);
	g_signal_emit(self, arc_license_manager_signals[SIGNAL_STATE_CHANGED], 0);
	return TRUE;
}

/**
 * arc_license_manager_refresh:
 * @self: the manager
 *
 * Computes the state now, persists it if it changed and schedules the next computation.
 *
 * Returns: %FALSE if a changed state could not be persisted
 */
gboolean
arc_license_manager_refresh(ArcLicenseManager *self)
{
	return arc_license_manager_update_state(self, TRUE);
}

/* nodes the license counts: the active members within its node limit */
static guint
arc_license_manager_count_nodes(ArcLicenseManager *self)
{
	g_autoptr(GPtrArray) members = arc_registry_get_members(self->registry);
	guint n = 0;

	for (guint i = 0; i < members->len; i++) {
		const ArcMember *member = g_ptr_array_index(members, i);
		if (!member->over_limit)
			n++;
	}
	return n;
}

/**
 * arc_license_manager_get_info:
 * @self: the manager
 * @error: return location for a #GError
 *
 * Computes the state afresh, as `GET /v1/license` shows it.
 *
 * Returns: (transfer full): the license in force, or %NULL with %ARC_ERROR_NOT_BOOTSTRAPPED
 */
ArcLicenseInfo *
arc_license_manager_get_info(ArcLicenseManager *self, GError **error)
{
	ArcLicenseInfo *info;
	gint64 now = arc_node_now(self->node);

	if (self->license == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped");
		return NULL;
	}
	arc_license_manager_update_state(self, TRUE);
	info = g_new0(ArcLicenseInfo, 1);
	info->license = arc_license_ref(self->license);
	info->state = self->state;
	info->state_since = self->state_since;
	info->now = now;
	arc_license_state_compute(self->license->expires_at, now, &info->next_change);
	if (info->next_change != G_MAXINT64)
		info->next_state = arc_license_state_compute(self->license->expires_at,
							     info->next_change, NULL);
	info->days_until_expiry = (self->license->expires_at - now) / (24 * 3600);
	info->nodes_in_use = arc_license_manager_count_nodes(self);
	info->message = arc_license_state_message(info->state, self->license->expires_at);
	return info;
}

/* ---- a license taken in ---- */

/**
 * arc_license_manager_check_unexpired:
 * @license: a verified license
 * @now: seconds since the epoch
 *
 * A new license (at bootstrap, a renewal) must not have expired already.
 *
 * Returns: %TRUE, or %FALSE with %ARC_ERROR_LICENSE_EXPIRED
 */
gboolean
arc_license_manager_check_unexpired(ArcLicense *license, gint64 now, GError **error)
{
	g_autofree gchar *when = NULL;

	if (now < license->expires_at)
		return TRUE;
	when = arc_time_format_rfc3339(license->expires_at);
	g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_EXPIRED, "license has expired (expired %s)",
		    when);
	return FALSE;
}

/**
 * arc_license_manager_verify_new:
 * @self: the manager
 * @document: a license document, untrusted
 * @now: seconds since the epoch
 * @error: return location for a #GError
 *
 * A bootstrap's license: verified by the license plugin, and not expired.
 *
 * Returns: (transfer full): the license, or %NULL with the plugin's error or
 *   %ARC_ERROR_LICENSE_EXPIRED
 */
ArcLicense *
arc_license_manager_verify_new(ArcLicenseManager *self, const gchar *document, gint64 now,
			       GError **error)
{
	g_autoptr(ArcLicense) license =
		arc_license_backend_verify(self->backend, document, strlen(document), error);

	/* the runner prefixed the plugin name to a refusal; keep the code, say it plainly */
	if (license == NULL || !arc_license_manager_check_unexpired(license, now, error))
		return NULL;
	return g_steal_pointer(&license);
}

static void
arc_license_manager_load_state(ArcLicenseManager *self)
{
	ArcStorage *storage = arc_registry_get_storage(self->registry);
	g_autofree gchar *state_str = arc_storage_get_meta(storage, "license.state", NULL);
	g_autofree gchar *since = arc_storage_get_meta(storage, "license.state_since", NULL);
	g_autofree gchar *lic_id = arc_storage_get_meta(storage, "license.state_license_id", NULL);
	ArcLicenseState state;

	self->state = ARC_LICENSE_STATE_VALID;
	self->state_since = 0;
	if (g_strcmp0(lic_id, self->license->license_id) != 0 ||
	    !arc_license_state_from_string(state_str, &state))
		return;
	self->state = state;
	self->state_since = since != NULL ? g_ascii_strtoll(since, NULL, 10) : 0;
}

/**
 * arc_license_manager_load:
 * @self: the manager
 * @document: the stored license (meta `license`)
 * @error: return location for a #GError
 *
 * At start: the stored license must still verify (a revoked issuer key stops the agent); it
 * is put in force with the state persisted for it. arc_license_manager_refresh() then
 * brings the state up to date.
 *
 * Returns: %TRUE if the license verifies
 */
gboolean
arc_license_manager_load(ArcLicenseManager *self, const gchar *document, GError **error)
{
	g_autoptr(ArcLicense) license =
		arc_license_backend_verify(self->backend, document, strlen(document), error);

	if (license == NULL) {
		g_prefix_error(error, "the stored license no longer verifies, refusing to start: ");
		return FALSE;
	}
	g_clear_pointer(&self->license, arc_license_unref);
	self->license = g_steal_pointer(&license);
	arc_registry_set_max_nodes(self->registry, self->license->max_nodes);
	arc_license_manager_load_state(self);
	return TRUE;
}

/* the license and its first state, in the bootstrap's transaction */
void
arc_license_manager_stage_bootstrap(ArcStorageTxn *txn, ArcLicense *license, gint64 now)
{
	g_autofree gchar *now_str = g_strdup_printf("%" G_GINT64_FORMAT, now);

	arc_storage_txn_set_meta(txn, "license", license->document);
	arc_storage_txn_set_meta(txn, "license.state", "valid");
	arc_storage_txn_set_meta(txn, "license.state_since", now_str);
	arc_storage_txn_set_meta(txn, "license.state_license_id", license->license_id);
}

/* the license of a bootstrap just stored (arc_license_manager_stage_bootstrap()), in force
 * from @now; arc_license_manager_refresh() then brings the state up to date */
void
arc_license_manager_take_bootstrap(ArcLicenseManager *self, ArcLicense *license, gint64 now)
{
	g_clear_pointer(&self->license, arc_license_unref);
	self->license = arc_license_ref(license);
	arc_registry_set_max_nodes(self->registry, license->max_nodes);
	self->state = ARC_LICENSE_STATE_VALID;
	self->state_since = now;
}

/* Puts @license, a verified license of this agent's customer, newer than the one in force,
 * whose document is already stored as meta `license`, in force: its own state (the ratchet
 * starts again), its node limit, the state persisted and announced. */
static void
arc_license_manager_adopt(ArcLicenseManager *self, ArcLicense *license)
{
	g_autofree gchar *former = g_strdup(self->license->license_id);

	g_clear_pointer(&self->license, arc_license_unref);
	self->license = arc_license_ref(license);
	self->state = ARC_LICENSE_STATE_VALID;
	self->state_since = 0;
	self->state_logged = FALSE;
	g_info("license %s replaces license %s", license->license_id, former);
	arc_license_manager_update_state(self, TRUE);
	/* the limits of the new license: members are counted again */
	arc_registry_set_max_nodes(self->registry, license->max_nodes);
	arc_registry_reload_members(self->registry);
	g_signal_emit(self, arc_license_manager_signals[SIGNAL_LICENSE_CHANGED], 0, license);
}

/* ---- renewal ---- */

/* the license document of a request body: the bare license, or {"license": …} */
static gchar *
arc_license_manager_parse_body(const gchar *body, gsize length, GError **error)
{
	g_autoptr(JsonNode) root =
		arc_json_parse_object(body, (gssize)length, ARC_LICENSE_MAX_DEPTH, error);

	return root != NULL ? arc_request_license_document(root, error) : NULL;
}

/* the cluster boundary: a license of another customer never replaces this one */
static gboolean
arc_license_manager_check_customer(ArcLicense *current, ArcLicense *license, GError **error)
{
	if (g_strcmp0(license->customer_id, current->customer_id) == 0)
		return TRUE;
	g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_MISMATCH,
		    "license %s is for customer %s; this cluster's license %s is for customer %s",
		    license->license_id, license->customer_id, current->license_id,
		    current->customer_id);
	return FALSE;
}

static gchar *
arc_license_manager_record_body(ArcLicense *license)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "customer_id");
	json_builder_add_string_value(b, license->customer_id);
	json_builder_set_member_name(b, "license_id");
	json_builder_add_string_value(b, license->license_id);
	json_builder_set_member_name(b, "document");
	json_builder_add_string_value(b, license->document);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

/* the next version of the `license` record of @license, written by this agent */
static void
arc_license_manager_stage_record(ArcLicenseManager *self, ArcStorageTxn *txn, ArcLicense *license)
{
	g_autofree gchar *body = arc_license_manager_record_body(license);
	g_autoptr(ArcRecord) local =
		arc_storage_get_record(arc_registry_get_storage(self->registry), ARC_LICENSE_KIND,
				       license->license_id, NULL);
	g_autoptr(ArcRecord) record = arc_record_new(ARC_LICENSE_KIND, license->license_id, body);

	record->version = local != NULL ? local->version + 1 : 1;
	record->writer = g_strdup(self->peer_id);
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/* verified, same customer, newer than the one in force, in force from now on */
static ArcLicense *
arc_license_manager_verify_successor(ArcLicenseManager *self, const gchar *document, gint *age,
				     GError **error)
{
	ArcLicense *current = self->license;
	g_autoptr(ArcLicense) license =
		arc_license_backend_verify(self->backend, document, strlen(document), error);

	if (license == NULL)
		return NULL;
	if (!arc_license_manager_check_customer(current, license, error))
		return NULL;
	*age = arc_license_compare_age(license, current);
	if (*age < 0) {
		g_autofree gchar *mine = arc_time_format_rfc3339(current->expires_at);
		g_autofree gchar *theirs = arc_time_format_rfc3339(license->expires_at);
		g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
			    "license %s (expires %s) is older than license %s in force "
			    "(expires %s)",
			    license->license_id, theirs, current->license_id, mine);
		return NULL;
	}
	return g_steal_pointer(&license);
}

/**
 * arc_license_manager_update:
 * @self: the manager, with a license in force
 * @body: the request body, untrusted: a license, or `{"license": …}`
 * @length: bytes in @body
 * @by: who installs it, for the log
 * @error: return location for a #GError
 *
 * `PUT /v1/license`, once authorised: a renewed license of the same customer, verified by
 * the license plugin, not older than the license in force (arc_license_compare_age()) and
 * not expired, is stored and put in force here, and a `license` record carries it to every
 * peer. The license in force itself is accepted again and changes nothing.
 *
 * Returns: (transfer full): the license now in force, or %NULL with
 *   %ARC_ERROR_LICENSE_INVALID, %ARC_ERROR_LICENSE_MISMATCH or %ARC_ERROR_LICENSE_EXPIRED
 */
ArcLicenseInfo *
arc_license_manager_update(ArcLicenseManager *self, const gchar *body, gsize length,
			   const gchar *by, GError **error)
{
	g_autofree gchar *document = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(ArcStorageTxn) txn = NULL;
	gint age = 0;

	document = arc_license_manager_parse_body(body, length, error);
	if (document == NULL)
		return NULL;
	license = arc_license_manager_verify_successor(self, document, &age, error);
	if (license == NULL)
		return NULL;
	if (age == 0)
		return arc_license_manager_get_info(self, error);
	if (!arc_license_manager_check_unexpired(license, arc_node_now(self->node), error))
		return NULL;
	txn = arc_storage_txn_new();
	arc_storage_txn_set_meta(txn, "license", license->document);
	arc_license_manager_stage_record(self, txn, license);
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, error))
		return NULL;
	g_info("license %s installed by %s; gossip carries it to every peer", license->license_id,
	       by);
	arc_license_manager_adopt(self, license);
	return arc_license_manager_get_info(self, error);
}

/* ---- the `license` records other agents send ---- */

/* the license a `license` record carries, verified here */
static ArcLicense *
arc_license_manager_from_record(ArcLicenseManager *self, const ArcRecord *record, GError **error)
{
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(ArcLicense) license = NULL;
	const gchar *document;

	if (record->deleted) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "a license is never deleted");
		return NULL;
	}
	root = arc_json_parse_object(record->body, -1, 8, error);
	if (root == NULL)
		return NULL;
	document = arc_json_object_get_string(json_node_get_object(root), "document");
	if (document == NULL) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "no license document");
		return NULL;
	}
	license = arc_license_backend_verify(self->backend, document, strlen(document), error);
	if (license == NULL)
		return NULL;
	if (g_strcmp0(license->license_id, record->id) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_LICENSE_INVALID,
			    "the record of license %s holds license %s", record->id,
			    license->license_id);
		return NULL;
	}
	return g_steal_pointer(&license);
}

/* A `license` record another agent sent, its signature already checked, is stored only if
 * its license verifies here, under the id it is stored as, and is of this cluster's
 * customer: a license is checked here too, not only by the agent that took it. */
static gboolean
arc_license_manager_check_record_cb(const ArcRecord *record, gpointer user_data, GError **error)
{
	ArcLicenseManager *self = ARC_LICENSE_MANAGER(user_data);
	g_autoptr(ArcLicense) license = arc_license_manager_from_record(self, record, error);

	if (license == NULL)
		return FALSE;
	return self->license == NULL ||
	       arc_license_manager_check_customer(self->license, license, error);
}

/* A `license` record just stored, received from another agent, puts its license in force
 * here when it is newer than the license in force; an older one (a renewal this agent
 * already has, or one overtaken by a later one) is only kept. */
static void
arc_license_manager_record_applied_cb(const ArcRecord *record, const gchar *from,
				      gpointer user_data)
{
	ArcLicenseManager *self = ARC_LICENSE_MANAGER(user_data);
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = arc_license_manager_from_record(self, record, &error);
	g_autoptr(ArcStorageTxn) txn = NULL;
	ArcLicense *current = self->license;

	if (license == NULL || current == NULL ||
	    !arc_license_manager_check_customer(current, license, &error)) {
		g_warning("license %s from peer %s not adopted: %s", record->id, record->writer,
			  error != NULL ? error->message : "this agent has no license");
		return;
	}
	if (arc_license_compare_age(license, current) <= 0) {
		g_debug("license %s from peer %s kept, not adopted: license %s in force is as "
			"new",
			record->id, record->writer, current->license_id);
		return;
	}
	txn = arc_storage_txn_new();
	arc_storage_txn_set_meta(txn, "license", license->document);
	if (!arc_storage_commit(arc_registry_get_storage(self->registry), txn, &error)) {
		g_warning("cannot store license %s from peer %s: %s", record->id, record->writer,
			  error->message);
		return;
	}
	g_info("license %s received from peer %s", license->license_id, record->writer);
	arc_license_manager_adopt(self, license);
}

static const ArcRecordKind arc_license_manager_kind = {
	.name = ARC_LICENSE_KIND,
	.flags = ARC_RECORD_KIND_FLAG_REPLICATED,
	.check = arc_license_manager_check_record_cb,
	.applied = arc_license_manager_record_applied_cb,
};

static void
arc_license_manager_register_kind(ArcLicenseManager *self)
{
	arc_registry_register_kind(self->registry, &arc_license_manager_kind, self);
}
