/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-handshaker-private.h"

#include "arc-error-map.h"
#include "arc-metrics.h"
#include "arc-peer-tunnel.h"
#include "arc-record-sign.h"

/* The checks both sides of the handshake (docs/protocol.md §5) make of the other's record,
 * and what storing it writes. Each side stores the other only when every check passed and the
 * other's signature over the transcript verified. */

/* a refusal for @reason, @text the detail (taken) */
void
arc_handshaker_fail(GError **error, gchar **detail, ArcHandshakeReason reason, gchar *text)
{
	arc_handshake_set_error(error, reason);
	if (detail != NULL)
		*detail = text;
	else
		g_free(text);
}

/* Whether this agent may take a peer at all. The messages depend on who reads them: the
 * operator of this agent (@local, it is adding a peer) or the initiator at the other end,
 * which relays the reason as something wrong with its peer. */
gboolean
arc_handshaker_check_can_join(ArcHandshaker *self, gboolean local, gchar **detail, GError **error)
{
	if (arc_node_get_peer_id(self->node) == NULL) {
		if (local) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
					    "agent is not bootstrapped");
			return FALSE;
		}
		arc_handshaker_fail(
			error, detail, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED,
			g_strdup("the agent there has no license yet: bootstrap it first"));
		return FALSE;
	}
	if (self->peers != NULL && arc_peer_manager_is_deactivated(self->peers)) {
		if (local) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "this agent has left the cluster: reset it (remove "
					    "arctic.db) and bootstrap it again to join a cluster");
			return FALSE;
		}
		arc_handshaker_fail(
			error, detail, ARC_HANDSHAKE_REASON_REVOKED,
			g_strdup("the agent there left the cluster (peers remove-self)"));
		return FALSE;
	}
	if (self->host->get_license_state(self->host_data) >= ARC_LICENSE_STATE_READ_ONLY) {
		arc_handshaker_fail(
			error, detail, ARC_HANDSHAKE_REASON_LICENSE_EXPIRED,
			g_strdup_printf("this agent's license is %s",
					arc_license_state_to_string(
						self->host->get_license_state(self->host_data))));
		return FALSE;
	}
	return TRUE;
}

/* one more node must fit in this agent's license */
gboolean
arc_handshaker_check_node_limit(ArcHandshaker *self, GPtrArray *peers, gchar **detail,
				GError **error)
{
	ArcLicense *own = self->host->get_license(self->host_data);
	guint active = arc_peer_list_count_active(peers);

	if (own->max_nodes <= 0 || active + 1 <= own->max_nodes)
		return TRUE;
	arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_NODE_LIMIT_EXCEEDED,
			    g_strdup_printf("license %s allows %" G_GINT64_FORMAT
					    " nodes and the cluster has %u",
					    own->license_id, own->max_nodes, active));
	return FALSE;
}

void
arc_membership_clear(ArcMembership *self)
{
	g_clear_pointer(&self->replaces, g_free);
	g_clear_pointer(&self->join_token, g_free);
	self->known = FALSE;
	self->readmit = FALSE;
}

/* A stored peer under another id with the key @peer presents: the same host, reset and
 * bootstrapped again (the guide's recovery). Its key is proven by the handshake, so the new id
 * takes the old one's place. Another peer at @peer's address is still a duplicate. */
static gboolean
arc_handshaker_check_same_key(GPtrArray *peers, const ArcHandshakePeer *peer, ArcMembership *m,
			      gchar **detail, GError **error)
{
	ArcPeerInfo *same = arc_peer_list_find(peers, NULL, peer->public_key, NULL);
	ArcPeerInfo *at = arc_peer_list_find(peers, NULL, NULL, peer->address);

	if (same != NULL && !same->is_local)
		m->replaces = g_strdup(same->id);
	if (at != NULL && (m->replaces == NULL || g_strcmp0(at->id, m->replaces) != 0))
		same = at;
	else if (m->replaces != NULL)
		return TRUE;
	if (same == NULL)
		return TRUE;
	g_clear_pointer(&m->replaces, g_free);
	arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_ALREADY_EXISTS,
			    g_strdup_printf("%s (%s) is already in the cluster as peer %s "
					    "(%s): delete that peer first",
					    peer->peer_id, peer->address, same->id, same->address));
	return FALSE;
}

/* Node limit and duplicates against this agent's view. A peer @vouched for by the cluster
 * (a member gossiped its record, and this is transitive discovery) is not held to the node
 * limit here: the limit then marks the peers that joined last over_limit on every node
 * (docs/protocol.md §6.4). A removed peer comes back only by an operator's @explicit add. */
gboolean
arc_handshaker_check_membership(ArcHandshaker *self, const ArcHandshakePeer *peer, gboolean vouched,
				gboolean explicit, ArcMembership *m, gchar **detail, GError **error)
{
	g_autoptr(GPtrArray) peers = arc_peer_manager_load(self->peers, error);
	ArcPeerInfo *same;

	arc_membership_clear(m);
	if (peers == NULL)
		return FALSE;
	if (arc_registry_peer_is_revoked(self->registry, peer->peer_id) && !explicit) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_REVOKED,
				    g_strdup_printf("peer %s was removed from the cluster: only an "
						    "operator's 'peers add' here brings it back",
						    peer->peer_id));
		return FALSE;
	}
	m->readmit = arc_registry_peer_is_revoked(self->registry, peer->peer_id);
	same = arc_peer_list_find(peers, peer->peer_id, NULL, NULL);
	if (same != NULL && g_strcmp0(same->public_key, peer->public_key) != 0) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE,
				    g_strdup_printf("peer %s presents key %s, which does not match "
						    "its record (%s)",
						    peer->peer_id, peer->public_key,
						    same->public_key));
		return FALSE;
	}
	if (same != NULL) {
		m->known = TRUE;
		return TRUE;
	}
	if (!arc_handshaker_check_same_key(peers, peer, m, detail, error))
		return FALSE;
	if (vouched || m->replaces != NULL)
		return TRUE;
	return arc_handshaker_check_node_limit(self, peers, detail, error);
}

/* The other side's own `peer` record, which this agent stores as it is: signed by the key
 * the handshake proved, for the id and key it presents (docs/protocol.md §5.1). */
gboolean
arc_handshaker_check_peer_record(const ArcHandshakePeer *peer, gchar **detail, GError **error)
{
	const ArcRecord *record = peer->record;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error_local = NULL;
	const gchar *key = NULL;
	ArcPeerTunnel tunnel;

	if (record == NULL) {
		arc_handshaker_fail(
			error, detail, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
			g_strdup_printf("peer %s sent no signed peer record", peer->peer_id));
		return FALSE;
	}
	body = arc_json_parse_object(record->body, -1, 8, NULL);
	if (body != NULL)
		key = arc_json_object_get_string(json_node_get_object(body), "public_key");
	if (g_strcmp0(record->kind, "peer") != 0 || g_strcmp0(record->id, peer->peer_id) != 0 ||
	    g_strcmp0(record->writer, peer->peer_id) != 0 || record->deleted) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
				    g_strdup_printf("the peer record %s sent is not its own, live "
						    "record",
						    peer->peer_id));
		return FALSE;
	}
	/* the body parsed above is the one the signature covers: no second parse */
	if (body == NULL || g_strcmp0(key, peer->public_key) != 0 ||
	    !arc_record_verify_parsed(record, body, peer->key, &error_local)) {
		arc_handshaker_fail(
			error, detail, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE,
			g_strdup_printf("the peer record of %s is not signed by the key "
					"it presents",
					peer->peer_id));
		return FALSE;
	}
	/* what gossip would refuse of it later (docs/protocol.md §6.5) is not stored now */
	if (body == NULL ||
	    !arc_peer_tunnel_read(json_node_get_object(body), &tunnel, &error_local)) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
				    g_strdup_printf("the peer record of %s is not valid: %s",
						    peer->peer_id,
						    error_local != NULL ? error_local->message
									: "not a JSON object"));
		return FALSE;
	}
	return TRUE;
}

/* The other side's record: its license from a trusted issuer, of our customer, in force;
 * not us; then membership. */
ArcLicense *
arc_handshaker_check_candidate(ArcHandshaker *self, const ArcHandshakePeer *peer, gboolean vouched,
			       gboolean explicit, ArcMembership *m, gchar **detail, GError **error)
{
	ArcLicense *own = self->host->get_license(self->host_data);
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GError) error_local = NULL;
	ArcLicenseState state;

	if (g_strcmp0(peer->peer_id, arc_node_get_peer_id(self->node)) == 0) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_SELF,
				    g_strdup_printf("%s is this agent", peer->address));
		return NULL;
	}
	license = arc_license_backend_verify(arc_node_get_license_backend(self->node),
					     peer->license, strlen(peer->license), &error_local);
	if (license == NULL) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_INVALID,
				    g_strdup_printf("the license of peer %s does not verify: %s",
						    peer->peer_id, error_local->message));
		return NULL;
	}
	if (g_strcmp0(license->customer_id, own->customer_id) != 0) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_MISMATCH,
				    g_strdup_printf("peer %s has license %s of customer %s; this "
						    "agent has license %s of customer %s",
						    peer->peer_id, license->license_id,
						    license->customer_id, own->license_id,
						    own->customer_id));
		return NULL;
	}
	state = arc_license_state_compute(license->expires_at, arc_node_now(self->node), NULL);
	if (state >= ARC_LICENSE_STATE_READ_ONLY) {
		arc_handshaker_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_EXPIRED,
				    g_strdup_printf("the license %s of peer %s is %s",
						    license->license_id, peer->peer_id,
						    arc_license_state_to_string(state)));
		return NULL;
	}
	if (!arc_handshaker_check_membership(self, peer, vouched, explicit, m, detail, error))
		return NULL;
	return g_steal_pointer(&license);
}

/* What a handshake that found @m writes besides @peer's record: the record of the id it
 * replaces is deleted and that id revoked (the host lives on under the new one); a removed
 * peer's revocation gets its next version, the readmission, naming the tombstone it
 * overrides (docs/protocol.md §5.6). */
static void
arc_handshaker_stage_membership(ArcHandshaker *self, ArcStorageTxn *txn,
				const ArcHandshakePeer *peer, const ArcMembership *m,
				const ArcRecord *old)
{
	if (m->replaces != NULL) {
		g_autoptr(ArcRecord) replaced = arc_storage_get_record(
			arc_registry_get_storage(self->registry), "peer", m->replaces, NULL);
		if (replaced != NULL && !replaced->deleted) {
			arc_peer_manager_stage_removal(self->peers, txn, replaced,
						       peer->public_key);
		}
		g_info("peer %s has the key of peer %s and takes its place", peer->peer_id,
		       m->replaces);
	}
	if (m->join_token != NULL)
		arc_handshaker_stage_join_used(self, txn, m->join_token, peer->peer_id);
	if (m->readmit) {
		arc_peer_manager_stage_revocation(self->peers, txn, peer->peer_id, peer->public_key,
						  TRUE, old != NULL ? old->version : 0);
		g_info("peer %s, removed earlier, is added again", peer->peer_id);
	}
}

/* Stores @peer's own record unless this agent holds a later version of it; @name, when
 * given, becomes this agent's alias for it. */
gboolean
arc_handshaker_store_peer(ArcHandshaker *self, const ArcHandshakePeer *peer, const gchar *name,
			  const ArcMembership *m, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) old = arc_storage_get_record(arc_registry_get_storage(self->registry),
							  "peer", peer->peer_id, NULL);
	g_autofree gchar *admitted = NULL;

	/* a tombstone of an earlier delete gives way: the peer is back */
	if (old == NULL || old->deleted || arc_record_compare_versions(peer->record, old) > 0)
		arc_storage_txn_put_record(txn, peer->record);
	arc_handshaker_stage_membership(self, txn, peer, m, old);
	/* a removal written before this is stale here: see arc_peer_manager_take_removal() */
	admitted = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time());
	arc_storage_txn_set_meta(txn, "membership.admitted_at", admitted);
	if (name != NULL && name[0] != '\0')
		arc_peer_manager_stage_alias(self->peers, txn, peer->peer_id, name);
	/* pushed to the others: @peer gets everything in its first rounds, and before the
	 * other side has stored this agent too it would refuse a push */
	if (arc_storage_txn_get_size(txn) > 0 &&
	    !arc_registry_commit(self->registry, txn, peer->peer_id, TRUE, error))
		return FALSE;
	arc_peer_manager_changed(self->peers, peer->peer_id);
	if (m->replaces != NULL)
		arc_peer_manager_changed(self->peers, m->replaces);
	return TRUE;
}

/* arctic_handshakes_total{role, result}: ok, or the reason of the failure */
void
arc_handshaker_count(const gchar *role, const GError *error)
{
	const gchar *result = "ok";
	g_autofree gchar *labels = NULL;

	if (error != NULL)
		result = error->domain == ARC_HANDSHAKE_ERROR
				 ? arc_handshake_reason_to_string((ArcHandshakeReason)error->code)
				 : arc_error_to_code(error->domain == ARC_ERROR
							     ? (ArcError)error->code
							     : ARC_ERROR_INTERNAL);
	labels = g_strdup_printf("role=\"%s\",result=\"%s\"", role, result);
	arc_metrics_count("arctic_handshakes_total", labels);
}

void
arc_handshaker_log_refusal(const gchar *what, const ArcHandshakePeer *peer, const GError *error,
			   const gchar *detail)
{
	arc_handshaker_count("responder", error);
	g_warning("%s from %s at %s refused: %s%s%s", what, peer != NULL ? peer->peer_id : "?",
		  peer != NULL ? peer->address : "?", error->message, detail != NULL ? " — " : "",
		  detail != NULL ? detail : "");
}
