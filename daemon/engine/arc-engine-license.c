/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "arc-engine-license.h"
#include "arc-engine-private.h"

#include "arc-time.h"

/* Renewing the license (docs/license.md): `PUT /v1/license` on one agent, then a `license`
 * record that gossip carries to every other, where it is verified again and adopted when it
 * is newer than the license in force there. */

#define ARC_ENGINE_LICENSE_KIND "license"
/* {"license": …} is one level above the license, as bootstrap takes it */
#define ARC_ENGINE_LICENSE_MAX_DEPTH 16

/**
 * arc_engine_authorize_license:
 * @self: the engine
 * @caller: who is calling
 * @needed: the scope the license operation requires
 * @error: return location for a #GError
 *
 * The license operations are allowed in every license state (a suspended agent must take a
 * renewed license): the scope alone is checked.
 *
 * Returns: %TRUE if @caller may; otherwise %ARC_ERROR_FORBIDDEN
 */
gboolean
arc_engine_authorize_license(ArcEngine *self, const ArcCaller *caller, ArcScope needed,
			     GError **error)
{
	return arc_engine_check_scope(caller, needed, error);
}

/**
 * arc_engine_get_license_message:
 * @self: the engine
 *
 * Returns: (transfer full) (nullable): what the operator should know of the license in
 *   force (arc_license_state_message()), %NULL before bootstrap
 */
gchar *
arc_engine_get_license_message(ArcEngine *self)
{
	ArcLicense *license = arc_engine_get_license_doc(self);

	if (license == NULL)
		return NULL;
	return arc_license_state_message(arc_engine_get_license_state(self), license->expires_at);
}

/* the license document of a request body: the bare license, or {"license": …} */
static gchar *
arc_engine_license_parse_body(const gchar *body, gsize length, GError **error)
{
	g_autoptr(JsonNode) root =
		arc_json_parse_object(body, (gssize)length, ARC_ENGINE_LICENSE_MAX_DEPTH, error);

	return root != NULL ? arc_request_license_document(root, error) : NULL;
}

/* the cluster boundary: a license of another customer never replaces this one */
static gboolean
arc_engine_license_check_customer(ArcLicense *current, ArcLicense *license, GError **error)
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
arc_engine_license_record_body(ArcLicense *license)
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
arc_engine_license_stage_record(ArcEngine *self, ArcStorageTxn *txn, ArcLicense *license)
{
	g_autofree gchar *body = arc_engine_license_record_body(license);
	g_autoptr(ArcRecord) local = arc_storage_get_record(
		arc_engine_get_storage(self), ARC_ENGINE_LICENSE_KIND, license->license_id, NULL);
	g_autoptr(ArcRecord) record =
		arc_record_new(ARC_ENGINE_LICENSE_KIND, license->license_id, body);

	record->version = local != NULL ? local->version + 1 : 1;
	record->writer = g_strdup(arc_engine_get_peer_id(self));
	record->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, record);
}

/* in force here: limits, state, and the license id this agent's own record states */
static void
arc_engine_license_put_in_force(ArcEngine *self, ArcLicense *license)
{
	g_autoptr(GError) error = NULL;

	arc_engine_adopt_license(self, license);
	if (!arc_engine_edit_own_record(self, "license_id", license->license_id, &error))
		g_warning("cannot state license %s in this agent's record: %s", license->license_id,
			  error->message);
}

/* verified, same customer, newer than the one in force, in force from now on */
static ArcLicense *
arc_engine_license_verify_successor(ArcEngine *self, const gchar *document, gint *age,
				    GError **error)
{
	ArcLicense *current = arc_engine_get_license_doc(self);
	g_autoptr(ArcLicense) license = arc_license_backend_verify(
		arc_engine_get_license_backend(self), document, strlen(document), error);

	if (license == NULL)
		return NULL;
	if (!arc_engine_license_check_customer(current, license, error))
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
 * arc_engine_update_license:
 * @self: the engine
 * @caller: who is calling (admin)
 * @body: the request body, untrusted: a license, or `{"license": …}`
 * @length: bytes in @body
 * @error: return location for a #GError
 *
 * `PUT /v1/license`: a renewed license of the same customer, verified by the license
 * plugin, not older than the license in force (arc_license_compare_age()) and not expired,
 * is stored and put in force here, and a `license` record carries it to every peer. The
 * license in force itself is accepted again and changes nothing.
 *
 * Returns: (transfer full): the license now in force, or %NULL with
 *   %ARC_ERROR_LICENSE_INVALID, %ARC_ERROR_LICENSE_MISMATCH or %ARC_ERROR_LICENSE_EXPIRED
 */
ArcLicenseInfo *
arc_engine_update_license(ArcEngine *self, const ArcCaller *caller, const gchar *body, gsize length,
			  GError **error)
{
	g_autofree gchar *document = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(ArcStorageTxn) txn = NULL;
	gint age = 0;

	if (!arc_engine_authorize_license(self, caller, ARC_SCOPE_ADMIN, error))
		return NULL;
	if (!arc_engine_is_bootstrapped(self)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
				    "agent is not bootstrapped: POST /v1/bootstrap with a license");
		return NULL;
	}
	document = arc_engine_license_parse_body(body, length, error);
	if (document == NULL)
		return NULL;
	license = arc_engine_license_verify_successor(self, document, &age, error);
	if (license == NULL)
		return NULL;
	if (age == 0)
		return arc_engine_get_license(self, error);
	if (!arc_engine_check_unexpired(license, arc_engine_now(self), error))
		return NULL;
	txn = arc_storage_txn_new();
	arc_storage_txn_set_meta(txn, "license", license->document);
	arc_engine_license_stage_record(self, txn, license);
	if (!arc_engine_commit(self, txn, error))
		return NULL;
	g_info("license %s installed by %s; gossip carries it to every peer", license->license_id,
	       arc_caller_describe(caller));
	arc_engine_license_put_in_force(self, license);
	return arc_engine_get_license(self, error);
}

/* the license a `license` record carries, verified here */
static ArcLicense *
arc_engine_license_from_record(ArcEngine *self, const ArcRecord *record, GError **error)
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
	license = arc_license_backend_verify(arc_engine_get_license_backend(self), document,
					     strlen(document), error);
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

/**
 * arc_engine_check_license_record:
 * @self: the engine
 * @record: a `license` record another agent sent, its signature already checked
 * @error: return location for a #GError
 *
 * A `license` record is stored only if its license verifies here, under the id it is
 * stored as, and is of this cluster's customer.
 *
 * Returns: %TRUE if @record may be stored
 */
gboolean
arc_engine_check_license_record(ArcEngine *self, const ArcRecord *record, GError **error)
{
	g_autoptr(ArcLicense) license = arc_engine_license_from_record(self, record, error);
	ArcLicense *current = arc_engine_get_license_doc(self);

	if (license == NULL)
		return FALSE;
	return current == NULL || arc_engine_license_check_customer(current, license, error);
}

/**
 * arc_engine_license_received:
 * @self: the engine
 * @record: a `license` record just stored, received from another agent
 *
 * Puts the license in force here when it is newer than the license in force; an older one
 * (a renewal this agent already has, or one overtaken by a later one) is only kept.
 */
void
arc_engine_license_received(ArcEngine *self, const ArcRecord *record)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicense) license = arc_engine_license_from_record(self, record, &error);
	g_autoptr(ArcStorageTxn) txn = NULL;
	ArcLicense *current = arc_engine_get_license_doc(self);

	if (license == NULL || current == NULL ||
	    !arc_engine_license_check_customer(current, license, &error)) {
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
	if (!arc_storage_commit(arc_engine_get_storage(self), txn, &error)) {
		g_warning("cannot store license %s from peer %s: %s", record->id, record->writer,
			  error->message);
		return;
	}
	g_info("license %s received from peer %s", license->license_id, record->writer);
	arc_engine_license_put_in_force(self, license);
}
