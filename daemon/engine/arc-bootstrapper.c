/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "engine"

#include "config.h"

#include "arc-bootstrapper.h"

#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-peer-manager.h"
#include "arc-record-sign.h"
#include "arc-key-file.h"

struct _ArcBootstrapper {
	ArcNode *node;
	ArcRegistry *registry;
	ArcAuthManager *auth;
	ArcLicenseManager *licenses;
	ArcPeerManager *peers;       /* not owned: outlives this */
	ArcClusterIdentity *cluster; /* not owned: outlives this */
};

/**
 * arc_bootstrapper_new:
 * @node: this agent, whose settings say where peer.key is
 * @registry: the replicated records, which sign and store
 * @auth: the credentials, which make the cluster's first one
 * @licenses: the license manager, which verifies the license a bootstrap brings
 * @peers: (transfer none): the peers, with this agent's own record; must outlive the result
 * @cluster: (transfer none): the keeper of the cluster id; must outlive the result
 *
 * Returns: (transfer full): the bootstrapper
 */
ArcBootstrapper *
arc_bootstrapper_new(ArcNode *node, ArcRegistry *registry, ArcAuthManager *auth,
		     ArcLicenseManager *licenses, ArcPeerManager *peers,
		     ArcClusterIdentity *cluster)
{
	ArcBootstrapper *self = g_new0(ArcBootstrapper, 1);

	self->node = g_object_ref(node);
	self->registry = g_object_ref(registry);
	self->auth = g_object_ref(auth);
	self->licenses = g_object_ref(licenses);
	self->peers = peers;
	self->cluster = cluster;
	return self;
}

void
arc_bootstrapper_free(ArcBootstrapper *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->node);
	g_clear_object(&self->registry);
	g_clear_object(&self->auth);
	g_clear_object(&self->licenses);
	g_free(self);
}

void
arc_bootstrap_result_free(ArcBootstrapResult *self)
{
	if (self == NULL)
		return;
	g_free(self->peer_id);
	g_free(self->name);
	g_free(self->peer_public_key);
	g_free(self->client_id);
	if (self->client_secret != NULL) {
		sodium_memzero(self->client_secret, strlen(self->client_secret));
		g_free(self->client_secret);
	}
	g_free(self->license_id);
	g_free(self->customer_id);
	g_free(self->cluster_id);
	g_free(self);
}

/* where this agent keeps its key */
static gchar *
arc_bootstrapper_peer_key_path(ArcBootstrapper *self)
{
	return g_build_filename(arc_node_get_config(self->node)->data_dir, "peer.key", NULL);
}

/* whether peer.key exists: an agent reset after it was bootstrapped once (the guide's
 * recovery) rather than a brand-new one */
static gboolean
arc_bootstrapper_has_peer_key(ArcBootstrapper *self)
{
	g_autofree gchar *key_path = arc_bootstrapper_peer_key_path(self);
	return g_file_test(key_path, G_FILE_TEST_EXISTS);
}

/* Which of the states without a usable database this agent starts in, for the log: SQLite
 * takes a 0-byte file as an empty database, which is what a missing one becomes too. */
void
arc_bootstrapper_log_data_state(ArcBootstrapper *self)
{
	g_autofree gchar *db =
		g_build_filename(arc_node_get_config(self->node)->data_dir, "arctic.db", NULL);
	GStatBuf st;

	if (g_stat(db, &st) != 0)
		g_info("%s does not exist: %s", db,
		       arc_bootstrapper_has_peer_key(self)
			       ? "peer.key is there, so this is a reset agent; it takes POST "
				 "/v1/bootstrap only over loopback or with the recovery token"
			       : "a new agent");
	else if (st.st_size == 0)
		g_info("%s is empty (0 bytes), treated as missing%s", db,
		       arc_bootstrapper_has_peer_key(self)
			       ? "; peer.key is there, so this is a reset agent; it takes POST "
				 "/v1/bootstrap only over loopback or with the recovery token"
			       : "");
}

static ArcStorageTxn *
arc_bootstrapper_txn(ArcBootstrapper *self, ArcBootstrapResult *res, ArcLicense *license,
		     const gchar *description, ArcCredential *credential, gint64 now)
{
	ArcStorageTxn *txn = arc_storage_txn_new();
	g_autofree gchar *address = arc_node_advertised_address(self->node, NULL);
	g_autofree gchar *body = arc_peer_record_body(
		res->peer_id, res->name, description, res->peer_public_key, address,
		license->license_id, res->cluster_id, ARC_PEER_STATE_ACTIVE, now);
	g_autoptr(ArcRecord) peer = arc_record_new("peer", res->peer_id, body);
	g_autofree gchar *now_str = g_strdup_printf("%" G_GINT64_FORMAT, now);

	peer->version = 1;
	peer->writer = g_strdup(res->peer_id);
	peer->updated_at = g_get_real_time();
	arc_storage_txn_put_record(txn, peer);
	arc_storage_txn_set_meta(txn, "peer_id", res->peer_id);
	arc_storage_txn_set_meta(txn, "cluster_id", res->cluster_id);
	arc_storage_txn_set_meta(txn, "bootstrapped_at", now_str);
	arc_license_manager_stage_bootstrap(txn, license, now);
	arc_auth_manager_stage_credential(self->auth, txn, credential);
	return txn;
}

/**
 * arc_bootstrapper_check_origin:
 * @self: the engine
 * @loopback: whether the request came over the loopback interface
 * @recovery: (nullable): the recovery token the request carries
 * @error: return location for a #GError
 *
 * A brand-new agent takes its bootstrap from anywhere (it has nothing to lose, and compose
 * bootstraps containers from outside). An agent that has a peer.key but no database was reset
 * (the guide's recovery): whoever bootstraps it first owns the identity its peers know, so
 * only a local operator (loopback) or the holder of the recovery token may.
 *
 * Returns: %TRUE if this bootstrap may go ahead; %ARC_ERROR_FORBIDDEN otherwise
 */
gboolean
arc_bootstrapper_check_origin(ArcBootstrapper *self, gboolean loopback, const gchar *recovery,
			      GError **error)
{
	g_autoptr(ArcCaller) caller = NULL;

	if (arc_node_is_bootstrapped(self->node) || loopback ||
	    !arc_bootstrapper_has_peer_key(self))
		return TRUE;
	if (recovery != NULL) {
		caller = arc_auth_manager_authenticate_recovery(self->auth, recovery, NULL);
		if (caller != NULL)
			return TRUE;
	}
	g_warning("bootstrap refused: it came from another host%s, and this agent was reset "
		  "(peer.key kept, no arctic.db)",
		  recovery != NULL ? " with a wrong recovery token" : "");
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_FORBIDDEN,
			    "this agent was reset (peer.key kept, no arctic.db): bootstrap it on "
			    "the host itself (--url http://localhost:8080) or with the recovery "
			    "token (X-Arctic-Recovery)");
	return FALSE;
}

/* the cluster's first credential, admin, for the bootstrap's caller */
static ArcCredential *
arc_bootstrapper_credential(ArcBootstrapper *self, ArcBootstrapResult *res, ArcLicense *license,
			    gint64 now)
{
	ArcCredential *credential = arc_auth_manager_prepare_credential(
		self->auth, ARC_SCOPE_ADMIN, "cluster", "bootstrap", license->license_id,
		&res->client_secret);

	res->client_id = g_strdup(credential->client_id);
	credential->cluster_id = g_strdup(res->cluster_id);
	/* the auth manager learns the peer id only when bootstrap is adopted */
	credential->created_by_peer = g_strdup(res->peer_id);
	credential->rotation = 1;
	credential->rotated_by = g_strdup(res->peer_id);
	credential->rotated_at = now;
	return credential;
}

/**
 * arc_bootstrapper_run:
 * @self: the bootstrapper, of an agent not bootstrapped (the caller checks)
 * @req: the bootstrap, as an adapter decoded it
 * @now: the time of the bootstrap
 * @license: (out) (transfer full): the license verified
 * @identity: (out) (transfer full): peer.key, loaded or created
 * @credential: (out) (transfer full): the cluster credential
 * @error: return location for a #GError
 *
 * Verifies the license, creates the peer identity, the cluster and the cluster credential,
 * and stores them in one transaction, for the engine to adopt.
 *
 * Returns: (transfer full): the new identity and the credential's secret, or %NULL
 */
ArcBootstrapResult *
arc_bootstrapper_run(ArcBootstrapper *self, const ArcBootstrapRequest *req, gint64 now,
		     ArcLicense **license, ArcIdentity **identity, ArcCredential **credential,
		     GError **error)
{
	g_autoptr(ArcLicense) lic = NULL;
	g_autoptr(ArcIdentity) id = NULL;
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(ArcCredential) cred = NULL;
	g_autoptr(ArcStorageTxn) txn = NULL;
	g_autofree gchar *key_path = arc_bootstrapper_peer_key_path(self);
	gboolean key_existed = g_file_test(key_path, G_FILE_TEST_EXISTS);

	if (!arc_bootstrap_request_validate(req, error))
		return NULL;
	lic = arc_license_manager_verify_new(self->licenses, req->license_doc, now, error);
	if (lic == NULL)
		return NULL;
	id = arc_identity_load_or_create(key_path, error);
	if (id == NULL)
		return NULL;
	res = g_new0(ArcBootstrapResult, 1);
	res->peer_id = arc_id_new("peer_");
	res->cluster_id = arc_id_new("clu_");
	res->name =
		g_strdup(req->name != NULL && req->name[0] != '\0' ? req->name : g_get_host_name());
	res->peer_public_key = g_strdup(arc_identity_get_public_key_base64(id));
	res->license_id = g_strdup(lic->license_id);
	res->customer_id = g_strdup(lic->customer_id);
	res->expires_at = lic->expires_at;
	res->max_nodes = lic->max_nodes;
	res->max_services = lic->max_services;
	cred = arc_bootstrapper_credential(self, res, lic, now);
	txn = arc_bootstrapper_txn(self, res, lic, req->description, cred, now);
	if (!arc_record_sign_txn(txn, id, res->peer_id, error) ||
	    !arc_storage_commit(arc_node_get_storage(self->node), txn, error)) {
		if (!key_existed)
			g_unlink(key_path);
		return NULL;
	}
	arc_registry_invalidate(self->registry);
	*license = g_steal_pointer(&lic);
	*identity = g_steal_pointer(&id);
	*credential = g_steal_pointer(&cred);
	return g_steal_pointer(&res);
}

/**
 * arc_bootstrapper_load_identity:
 * @self: the engine
 * @peer_id: the peer id arctic.db holds
 * @name: (out): the name in this agent's record
 * @error: return location for a #GError
 *
 * peer.key, checked against the public key this agent's record states.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
ArcIdentity *
arc_bootstrapper_load_identity(ArcBootstrapper *self, const gchar *peer_id, gchar **name,
			       GError **error)
{
	g_autofree gchar *path = arc_bootstrapper_peer_key_path(self);
	g_autoptr(ArcRecord) record = NULL;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(ArcIdentity) identity = NULL;
	const gchar *stored_key;

	identity = arc_identity_load(path, &error_local);
	if (identity == NULL) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
				    "%s is missing but arctic.db says this agent is peer %s: "
				    "restore peer.key from a backup, or reset the agent (remove "
				    "arctic.db) and bootstrap again",
				    path, peer_id);
			return NULL;
		}
		arc_error_convert(&error_local);
		g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	record = arc_storage_get_record(arc_node_get_storage(self->node), "peer", peer_id, error);
	if (record == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error(error, ARC_ERROR, ARC_ERROR_STORAGE,
				    "arctic.db has no peer record for %s", peer_id);
		return NULL;
	}
	body = arc_json_parse_object(record->body, -1, 8, error);
	if (body == NULL)
		return NULL;
	stored_key = arc_json_object_get_string(json_node_get_object(body), "public_key");
	if (g_strcmp0(stored_key, arc_identity_get_public_key_base64(identity)) != 0) {
		g_set_error(error, ARC_ERROR, ARC_ERROR_INTERNAL,
			    "%s does not match the identity stored in arctic.db for peer %s: "
			    "restore the original peer.key, or reset the agent (remove arctic.db) "
			    "and bootstrap again",
			    path, peer_id);
		return NULL;
	}
	*name = g_strdup(arc_json_object_get_string(json_node_get_object(body), "name"));
	return g_steal_pointer(&identity);
}

/* Records this agent wrote before records were signed (issue 3) are signed once, at start. */
void
arc_bootstrapper_sign_unsigned_records(ArcBootstrapper *self)
{
	static const gchar *const kinds[] = {"peer", "credential", "revoked_peer"};
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;

	for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
		g_autoptr(GPtrArray) records =
			arc_storage_list_records(arc_node_get_storage(self->node), kinds[k], NULL);
		for (guint i = 0; records != NULL && i < records->len; i++) {
			ArcRecord *record = g_ptr_array_index(records, i);
			if (record->signature != NULL ||
			    (record->writer != NULL &&
			     g_strcmp0(record->writer, arc_node_get_peer_id(self->node)) != 0))
				continue;
			arc_storage_txn_put_record(txn, record);
		}
	}
	if (arc_storage_txn_get_size(txn) == 0)
		return;
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, &error)) {
		g_warning("cannot sign the records written before signatures: %s", error->message);
		return;
	}
	g_info("signed %u records written before records were signed",
	       arc_storage_txn_get_size(txn));
}

/**
 * arc_bootstrapper_load:
 * @self: the bootstrapper, storage open
 * @error: return location for a #GError
 *
 * Who this agent is, for an agent bootstrapped before: peer.key checked against arctic.db,
 * the license in force, and the records of older versions brought up to date. Changes
 * nothing for an agent not bootstrapped.
 *
 * Returns: %TRUE if the agent may serve
 */
gboolean
arc_bootstrapper_load(ArcBootstrapper *self, GError **error)
{
	ArcStorage *storage = arc_node_get_storage(self->node);
	g_autofree gchar *peer_id = NULL;
	g_autofree gchar *cluster_id = NULL;
	g_autofree gchar *document = NULL;
	g_autofree gchar *name = NULL;
	g_autoptr(ArcIdentity) identity = NULL;

	peer_id = arc_storage_get_meta(storage, "peer_id", error);
	if (peer_id == NULL)
		return error == NULL || *error == NULL;
	cluster_id = arc_storage_get_meta(storage, "cluster_id", error);
	document = arc_storage_get_meta(storage, "license", error);
	if (cluster_id == NULL || document == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_STORAGE,
					    "arctic.db is bootstrapped but incomplete");
		return FALSE;
	}
	identity = arc_bootstrapper_load_identity(self, peer_id, &name, error);
	if (identity == NULL)
		return FALSE;
	arc_node_set_identity(self->node, identity, peer_id, cluster_id, name);
	arc_registry_set_signer(self->registry, identity, peer_id);
	arc_license_manager_set_peer_id(self->licenses, peer_id);
	if (!arc_license_manager_load(self->licenses, document, error))
		return FALSE;
	arc_auth_manager_set_issuer(self->auth, identity, peer_id, cluster_id);
	arc_cluster_identity_load_former(self->cluster);
	arc_bootstrapper_sign_unsigned_records(self);
	/* records from before gossip do not state the cluster id */
	if (!arc_peer_manager_edit_own_record(self->peers, "cluster_id", cluster_id, error))
		return FALSE;
	arc_peer_manager_refresh_name(self->peers);
	return arc_license_manager_refresh(self->licenses);
}

/* `[auth] issuer` set here becomes the cluster's (docs/auth.md) */
void
arc_bootstrapper_publish_issuer(ArcBootstrapper *self)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;
	const gchar *issuer = arc_node_get_config(self->node)->auth_issuer;

	if (!arc_node_is_bootstrapped(self->node) || issuer == NULL ||
	    !arc_auth_manager_stage_issuer(self->auth, txn, issuer))
		return;
	if (!arc_registry_commit(self->registry, txn, NULL, TRUE, &error))
		g_warning("cannot replicate the token issuer %s: %s", issuer, error->message);
	else
		g_info("the cluster's token issuer is now %s", issuer);
}

/**
 * arc_bootstrapper_adopt:
 * @self: the bootstrapper
 * @res: what arc_bootstrapper_run() made
 * @license: the license it verified
 * @identity: peer.key
 * @credential: (transfer full): the cluster credential
 * @now: the time of the bootstrap
 *
 * This agent becomes the peer @res names: the node, the signer of records, the license in
 * force and the token issuer follow.
 */
void
arc_bootstrapper_adopt(ArcBootstrapper *self, ArcBootstrapResult *res, ArcLicense *license,
		       ArcIdentity *identity, ArcCredential *credential, gint64 now)
{
	arc_node_set_identity(self->node, identity, res->peer_id, res->cluster_id, res->name);
	arc_registry_set_signer(self->registry, identity, res->peer_id);
	arc_license_manager_set_peer_id(self->licenses, res->peer_id);
	arc_license_manager_take_bootstrap(self->licenses, license, now);
	arc_auth_manager_set_issuer(self->auth, identity, res->peer_id, res->cluster_id);
	arc_auth_manager_adopt_credential(self->auth, credential);
	arc_bootstrapper_publish_issuer(self);
	arc_license_manager_refresh(self->licenses);
}
