/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "handshake"

#include "arc-engine-private.h"

#include "arc-record-sign.h"

#include <sodium.h>

#include "arc-error-map.h"
#include "arc-license-state.h"
#include "arc-metrics.h"
#include "arc-peer-client.h"
#include "arc-text.h"
#include "arc-time.h"

/* The peer handshake of docs/protocol.md §5, both roles. The initiator (the agent that got
 * `POST /v1/peers`) runs arc_engine_add_peer_async(); the responder answers
 * `POST /v1/handshake/hello` and `POST /v1/handshake/confirm`. Each side checks the other's
 * record with arc_engine_check_candidate() and stores it only when every check passed and
 * the other's signature over the transcript verified. */

void
arc_handshake_step_free(ArcHandshakeStep *self)
{
	if (self == NULL)
		return;
	g_free(self->step);
	g_free(self->detail);
	g_free(self);
}

/* ---- the checks both sides make ---- */

static void
arc_engine_fail(GError **error, gchar **detail, ArcHandshakeReason reason, gchar *text)
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
static gboolean
arc_engine_check_can_join(ArcEngine *self, gboolean local, gchar **detail, GError **error)
{
	if (!arc_engine_is_bootstrapped(self)) {
		if (local) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_NOT_BOOTSTRAPPED,
					    "agent is not bootstrapped");
			return FALSE;
		}
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_NOT_BOOTSTRAPPED,
				g_strdup("the agent there has no license yet: bootstrap it first"));
		return FALSE;
	}
	if (arc_engine_is_deactivated(self)) {
		if (local) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "this agent has left the cluster: reset it (remove "
					    "arctic.db) and bootstrap it again to join a cluster");
			return FALSE;
		}
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_REVOKED,
				g_strdup("the agent there left the cluster (peers remove-self)"));
		return FALSE;
	}
	if (arc_engine_get_license_state(self) >= ARC_LICENSE_STATE_READ_ONLY) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_EXPIRED,
				g_strdup_printf("this agent's license is %s",
						arc_license_state_to_string(
							arc_engine_get_license_state(self))));
		return FALSE;
	}
	return TRUE;
}

/* one more node must fit in this agent's license */
static gboolean
arc_engine_check_node_limit(ArcEngine *self, GPtrArray *peers, gchar **detail, GError **error)
{
	ArcLicense *own = arc_engine_get_license_doc(self);
	guint active = arc_engine_count_active_peers(peers);

	if (own->max_nodes <= 0 || active + 1 <= own->max_nodes)
		return TRUE;
	arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_NODE_LIMIT_EXCEEDED,
			g_strdup_printf("license %s allows %" G_GINT64_FORMAT
					" nodes and the cluster has %u",
					own->license_id, own->max_nodes, active));
	return FALSE;
}

/* What check_membership found besides a refusal: the other side is @known (same id and key),
 * @replaces a peer that presented the same key under an older id (the host was reset and
 * bootstrapped again, keeping peer.key), or is a removed peer an operator @readmit's. */
typedef struct {
	gboolean known;
	gchar *replaces;
	gboolean readmit;
	gchar *join_token; /* the join token the admission rests on, spent when stored */
} ArcMembership;

static void
arc_membership_clear(ArcMembership *self)
{
	g_clear_pointer(&self->replaces, g_free);
	g_clear_pointer(&self->join_token, g_free);
	self->known = FALSE;
	self->readmit = FALSE;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ArcMembership, arc_membership_clear)

/* A stored peer under another id with the key @peer presents: the same host, reset and
 * bootstrapped again (the guide's recovery). Its key is proven by the handshake, so the new id
 * takes the old one's place. Another peer at @peer's address is still a duplicate. */
static gboolean
arc_engine_check_same_key(GPtrArray *peers, const ArcHandshakePeer *peer, ArcMembership *m,
			  gchar **detail, GError **error)
{
	ArcPeerInfo *same = arc_engine_find_peer(peers, NULL, peer->public_key, NULL);
	ArcPeerInfo *at = arc_engine_find_peer(peers, NULL, NULL, peer->address);

	if (same != NULL && !same->is_local)
		m->replaces = g_strdup(same->id);
	if (at != NULL && (m->replaces == NULL || g_strcmp0(at->id, m->replaces) != 0))
		same = at;
	else if (m->replaces != NULL)
		return TRUE;
	if (same == NULL)
		return TRUE;
	g_clear_pointer(&m->replaces, g_free);
	arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_ALREADY_EXISTS,
			g_strdup_printf("%s (%s) is already in the cluster as peer %s "
					"(%s): delete that peer first",
					peer->peer_id, peer->address, same->id, same->address));
	return FALSE;
}

/* Node limit and duplicates against this agent's view. A peer @vouched for by the cluster
 * (a member gossiped its record, and this is transitive discovery) is not held to the node
 * limit here: the limit then marks the peers that joined last over_limit on every node
 * (docs/protocol.md §6.4). A removed peer comes back only by an operator's @explicit add. */
static gboolean
arc_engine_check_membership(ArcEngine *self, const ArcHandshakePeer *peer, gboolean vouched,
			    gboolean explicit, ArcMembership *m, gchar **detail, GError **error)
{
	g_autoptr(GPtrArray) peers = arc_engine_load_peers(self, error);
	ArcPeerInfo *same;

	arc_membership_clear(m);
	if (peers == NULL)
		return FALSE;
	if (arc_engine_peer_is_revoked(self, peer->peer_id) && !explicit) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_REVOKED,
				g_strdup_printf("peer %s was removed from the cluster: only an "
						"operator's 'peers add' here brings it back",
						peer->peer_id));
		return FALSE;
	}
	m->readmit = arc_engine_peer_is_revoked(self, peer->peer_id);
	same = arc_engine_find_peer(peers, peer->peer_id, NULL, NULL);
	if (same != NULL && g_strcmp0(same->public_key, peer->public_key) != 0) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE,
				g_strdup_printf("peer %s presents key %s, which does not match "
						"its record (%s)",
						peer->peer_id, peer->public_key, same->public_key));
		return FALSE;
	}
	if (same != NULL) {
		m->known = TRUE;
		return TRUE;
	}
	if (!arc_engine_check_same_key(peers, peer, m, detail, error))
		return FALSE;
	if (vouched || m->replaces != NULL)
		return TRUE;
	return arc_engine_check_node_limit(self, peers, detail, error);
}

/* The other side's own `peer` record, which this agent stores as it is: signed by the key
 * the handshake proved, for the id and key it presents (docs/protocol.md §5.1). */
static gboolean
arc_engine_check_peer_record(const ArcHandshakePeer *peer, gchar **detail, GError **error)
{
	const ArcRecord *record = peer->record;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(GError) error_local = NULL;
	const gchar *key = NULL;

	if (record == NULL) {
		arc_engine_fail(
			error, detail, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
			g_strdup_printf("peer %s sent no signed peer record", peer->peer_id));
		return FALSE;
	}
	body = arc_json_parse_object(record->body, -1, 8, NULL);
	if (body != NULL)
		key = arc_json_object_get_string(json_node_get_object(body), "public_key");
	if (g_strcmp0(record->kind, "peer") != 0 || g_strcmp0(record->id, peer->peer_id) != 0 ||
	    g_strcmp0(record->writer, peer->peer_id) != 0 || record->deleted) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR,
				g_strdup_printf("the peer record %s sent is not its own, live "
						"record",
						peer->peer_id));
		return FALSE;
	}
	if (g_strcmp0(key, peer->public_key) != 0 ||
	    !arc_record_verify(record, peer->key, &error_local)) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE,
				g_strdup_printf("the peer record of %s is not signed by the key "
						"it presents",
						peer->peer_id));
		return FALSE;
	}
	return TRUE;
}

/* The other side's record: its license from a trusted issuer, of our customer, in force;
 * not us; then membership. */
static ArcLicense *
arc_engine_check_candidate(ArcEngine *self, const ArcHandshakePeer *peer, gboolean vouched,
			   gboolean explicit, ArcMembership *m, gchar **detail, GError **error)
{
	ArcLicense *own = arc_engine_get_license_doc(self);
	g_autoptr(ArcLicense) license = NULL;
	g_autoptr(GError) error_local = NULL;
	ArcLicenseState state;

	if (g_strcmp0(peer->peer_id, arc_engine_get_peer_id(self)) == 0) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_SELF,
				g_strdup_printf("%s is this agent", peer->address));
		return NULL;
	}
	license = arc_license_backend_verify(arc_engine_get_license_backend(self), peer->license,
					     strlen(peer->license), &error_local);
	if (license == NULL) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_INVALID,
				g_strdup_printf("the license of peer %s does not verify: %s",
						peer->peer_id, error_local->message));
		return NULL;
	}
	if (g_strcmp0(license->customer_id, own->customer_id) != 0) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_MISMATCH,
				g_strdup_printf("peer %s has license %s of customer %s; this "
						"agent has license %s of customer %s",
						peer->peer_id, license->license_id,
						license->customer_id, own->license_id,
						own->customer_id));
		return NULL;
	}
	state = arc_license_state_compute(license->expires_at, arc_engine_now(self), NULL);
	if (state >= ARC_LICENSE_STATE_READ_ONLY) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_LICENSE_EXPIRED,
				g_strdup_printf("the license %s of peer %s is %s",
						license->license_id, peer->peer_id,
						arc_license_state_to_string(state)));
		return NULL;
	}
	if (!arc_engine_check_membership(self, peer, vouched, explicit, m, detail, error))
		return NULL;
	return g_steal_pointer(&license);
}

/* ---- this agent's record ---- */

static gchar *
arc_engine_join_host_port(const gchar *host, guint16 port)
{
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", host, port);
	return g_strdup_printf("%s:%u", host, port);
}

/* The local address a connection to @remote would leave from: a connected UDP socket
 * sends nothing but knows its route. */
static gchar *
arc_engine_route_source(const gchar *remote)
{
	g_autoptr(GSocketConnectable) parsed =
		g_network_address_parse(arc_handshake_address_host_port(remote), 0, NULL);
	g_autoptr(GInetAddress) target = NULL;
	g_autoptr(GSocketAddress) dest = NULL;
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GSocketAddress) local = NULL;

	if (parsed == NULL)
		return NULL;
	target = g_inet_address_new_from_string(
		g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed)));
	if (target == NULL)
		return NULL;
	dest = g_inet_socket_address_new(target,
					 g_network_address_get_port(G_NETWORK_ADDRESS(parsed)));
	socket = g_socket_new(g_inet_address_get_family(target), G_SOCKET_TYPE_DATAGRAM,
			      G_SOCKET_PROTOCOL_UDP, NULL);
	if (socket == NULL || !g_socket_connect(socket, dest, NULL, NULL))
		return NULL;
	local = g_socket_get_local_address(socket, NULL);
	if (!G_IS_INET_SOCKET_ADDRESS(local))
		return NULL;
	return g_inet_address_to_string(
		g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(local)));
}

/**
 * arc_engine_advertised_address:
 * @self: the engine
 * @remote: (nullable): the agent it is for
 *
 * Where other agents reach this one: `advertise` of agent.conf, else the listen address
 * unless it is a wildcard, else the local address on the route to @remote, else the host
 * name. `https://` goes before it when the API port speaks TLS.
 *
 * Returns: (transfer full): `host:port` or `https://host:port`
 */
static gchar *
arc_engine_advertised_host_port(ArcEngine *self, const gchar *remote)
{
	ArcConfig *config = arc_engine_get_config(self);
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autofree gchar *source = NULL;

	if (config->advertise_address != NULL)
		return g_strdup(config->advertise_address);
	if (listen != NULL && !g_inet_address_get_is_any(listen))
		return arc_engine_join_host_port(config->listen_address,
						 arc_engine_get_api_port(self));
	source = remote != NULL ? arc_engine_route_source(remote) : NULL;
	return arc_engine_join_host_port(source != NULL ? source : g_get_host_name(),
					 arc_engine_get_api_port(self));
}

/* with TLS on the API port, other agents are told to speak HTTPS (docs/tls.md) */
gchar *
arc_engine_advertised_address(ArcEngine *self, const gchar *remote)
{
	g_autofree gchar *host_port = arc_engine_advertised_host_port(self, remote);

	if (arc_engine_get_config(self)->tls_certificate != NULL)
		return g_strconcat("https://", host_port, NULL);
	return g_steal_pointer(&host_port);
}

/**
 * arc_engine_own_address:
 * @self: the engine
 * @stored: (nullable): the address in the local peer's own record
 * @remote: (nullable): the agent about to be met
 *
 * The address the local peer's own record should state. `advertise`, or a listen address
 * that is not a wildcard, is fixed. Otherwise a stored IP address stays (with the current
 * port): one address for every peer, not one per route. A host name, the fallback when no
 * route was known, gives way to the source address of the route to @remote.
 *
 * Returns: (transfer full): `host:port`
 */
gchar *
arc_engine_own_address(ArcEngine *self, const gchar *stored, const gchar *remote)
{
	ArcConfig *config = arc_engine_get_config(self);
	g_autoptr(GInetAddress) listen = g_inet_address_new_from_string(config->listen_address);
	g_autoptr(GSocketConnectable) parsed =
		stored != NULL
			? g_network_address_parse(arc_handshake_address_host_port(stored), 0, NULL)
			: NULL;
	const gchar *host =
		parsed != NULL ? g_network_address_get_hostname(G_NETWORK_ADDRESS(parsed)) : NULL;

	if (config->advertise_address != NULL ||
	    (listen != NULL && !g_inet_address_get_is_any(listen)))
		return arc_engine_advertised_address(self, remote);
	if (host != NULL && g_hostname_is_ip_address(host)) {
		g_autofree gchar *host_port =
			arc_engine_join_host_port(host, arc_engine_get_api_port(self));
		if (config->tls_certificate != NULL)
			return g_strconcat("https://", host_port, NULL);
		return g_steal_pointer(&host_port);
	}
	return arc_engine_advertised_address(self, remote);
}

static ArcHandshakePeer *
arc_engine_own_record(ArcEngine *self, const gchar *remote)
{
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(self);
	g_autoptr(ArcRecord) stored =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", info->peer_id, NULL);
	ArcPeerFields fields;
	gboolean parsed = stored != NULL &&
			  arc_registry_peer_fields(arc_engine_get_registry(self), stored, &fields);
	g_autofree gchar *stored_address = parsed ? g_strdup(fields.address) : NULL;
	g_autofree gchar *address = arc_engine_own_address(self, stored_address, remote);
	g_autoptr(GError) error = NULL;
	ArcIdentity *identity = arc_engine_get_identity_key(self);
	ArcHandshakePeer *peer;

	/* the record the other side stores states the address this one advertises; it is
	 * written again only when that changed (a host name giving way to a route's source) */
	if (parsed && g_strcmp0(stored_address, address) != 0) {
		if (!arc_engine_edit_own_record(self, "address", address, &error))
			g_warning("cannot record this agent's address %s: %s", address,
				  error->message);
		g_clear_pointer(&stored, arc_record_free);
		stored = arc_storage_get_record(arc_engine_get_storage(self), "peer", info->peer_id,
						NULL);
	}
	peer = arc_handshake_peer_new(info->peer_id, info->name, address,
				      arc_identity_get_public_key(identity),
				      arc_engine_get_license_doc(self)->document);
	peer->record = g_steal_pointer(&stored);
	return peer;
}

/* What a handshake that found @m writes besides @peer's record: the record of the id it
 * replaces is deleted and that id revoked (the host lives on under the new one); a removed
 * peer's revocation gets its next version, the readmission, naming the tombstone it
 * overrides (docs/protocol.md §5.6). */
static void
arc_engine_stage_membership(ArcEngine *self, ArcStorageTxn *txn, const ArcHandshakePeer *peer,
			    const ArcMembership *m, const ArcRecord *old)
{
	if (m->replaces != NULL) {
		g_autoptr(ArcRecord) replaced = arc_storage_get_record(arc_engine_get_storage(self),
								       "peer", m->replaces, NULL);
		if (replaced != NULL && !replaced->deleted) {
			arc_peer_manager_stage_removal(arc_engine_get_peer_manager(self), txn,
						       replaced, peer->public_key);
		}
		g_info("peer %s has the key of peer %s and takes its place", peer->peer_id,
		       m->replaces);
	}
	if (m->join_token != NULL)
		arc_handshaker_stage_join_used(arc_engine_get_handshaker(self), txn, m->join_token,
					       peer->peer_id);
	if (m->readmit) {
		arc_peer_manager_stage_revocation(arc_engine_get_peer_manager(self), txn,
						  peer->peer_id, peer->public_key, TRUE,
						  old != NULL ? old->version : 0);
		g_info("peer %s, removed earlier, is added again", peer->peer_id);
	}
}

/* Stores @peer's own record unless this agent holds a later version of it; @name, when
 * given, becomes this agent's alias for it. */
static gboolean
arc_engine_store_peer(ArcEngine *self, const ArcHandshakePeer *peer, const gchar *name,
		      const ArcMembership *m, GError **error)
{
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(ArcRecord) old =
		arc_storage_get_record(arc_engine_get_storage(self), "peer", peer->peer_id, NULL);
	g_autofree gchar *admitted = NULL;

	/* a tombstone of an earlier delete gives way: the peer is back */
	if (old == NULL || old->deleted || arc_record_compare_versions(peer->record, old) > 0)
		arc_storage_txn_put_record(txn, peer->record);
	arc_engine_stage_membership(self, txn, peer, m, old);
	/* a removal written before this is stale here: see arc_peer_manager_take_removal() */
	admitted = g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time());
	arc_storage_txn_set_meta(txn, "membership.admitted_at", admitted);
	if (name != NULL && name[0] != '\0')
		arc_peer_manager_stage_alias(arc_engine_get_peer_manager(self), txn, peer->peer_id,
					     name);
	/* pushed to the others: @peer gets everything in its first rounds, and before the
	 * other side has stored this agent too it would refuse a push */
	if (arc_storage_txn_get_size(txn) > 0 &&
	    !arc_engine_commit_full(self, txn, peer->peer_id, TRUE, error))
		return FALSE;
	arc_engine_emit_peer_changed(self, peer->peer_id);
	if (m->replaces != NULL)
		arc_engine_emit_peer_changed(self, m->replaces);
	return TRUE;
}

/* ---- responder ---- */

/* arctic_handshakes_total{role, result}: ok, or the reason of the failure */
static void
arc_engine_count_handshake(const gchar *role, const GError *error)
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

static void
arc_engine_log_refusal(const gchar *what, const ArcHandshakePeer *peer, const GError *error,
		       const gchar *detail)
{
	arc_engine_count_handshake("responder", error);
	g_warning("%s from %s at %s refused: %s%s%s", what, peer != NULL ? peer->peer_id : "?",
		  peer != NULL ? peer->address : "?", error->message, detail != NULL ? " — " : "",
		  detail != NULL ? detail : "");
}

/**
 * arc_engine_handshake_hello:
 * @self: the engine
 * @body: `POST /v1/handshake/hello`, untrusted
 * @length: bytes in @body
 * @source: (nullable): the address the hello came from, which bounds the sessions it may
 *   hold open
 * @refusal: (out) (optional) (nullable): on a refusal, why, in the terms of the initiator's
 *   operator (never a secret): the initiator shows it with `--debug`
 * @error: return location for a #GError, %ARC_HANDSHAKE_ERROR for a refusal
 *
 * Checks the initiator's record, opens a session and answers with this agent's record, a
 * fresh challenge and its signature as responder.
 *
 * Returns: (transfer full): the reply's body
 */
gchar *
arc_engine_handshake_hello(ArcEngine *self, const gchar *body, gsize length, const gchar *source,
			   gchar **refusal, GError **error)
{
	ArcHandshaker *handshaker = arc_engine_get_handshaker(self);
	g_autoptr(ArcHandshakeMessage) hello = NULL;
	g_autoptr(ArcLicense) license = NULL;
	ArcHandshakeSession *session = NULL;
	g_autofree gchar *detail = NULL;
	g_autofree gchar *reply = NULL;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;
	g_auto(ArcMembership) m = {0};
	gboolean vouched;
	GError *error_local = NULL;

	hello = arc_handshake_parse_hello(body, length, &error_local);
	if (hello == NULL) {
		g_warning("handshake hello refused: %s", error_local->message);
		g_propagate_error(error, error_local);
		return NULL;
	}
	if (!arc_engine_check_can_join(self, FALSE, &detail, &error_local)) {
		arc_engine_log_refusal("handshake", hello->peer, error_local, detail);
		if (refusal != NULL)
			*refusal = g_steal_pointer(&detail);
		g_propagate_error(error, error_local);
		return NULL;
	}
	/* the initiator says it met this agent through the cluster, and this agent learned of
	 * it the same way */
	vouched = hello->discovery && arc_engine_is_vouched(self, hello->peer->peer_id);
	license = arc_engine_check_candidate(self, hello->peer, vouched, FALSE, &m, &detail,
					     &error_local);
	if (license == NULL ||
	    !arc_handshaker_check_join(handshaker, hello->peer, hello->challenge, hello->join,
				       m.known || m.replaces != NULL, vouched, &m.join_token,
				       &detail, &error_local)) {
		arc_engine_log_refusal("handshake", hello->peer, error_local, detail);
		if (refusal != NULL)
			*refusal = g_steal_pointer(&detail);
		g_propagate_error(error, error_local);
		return NULL;
	}
	session = g_new0(ArcHandshakeSession, 1);
	session->initiator = g_steal_pointer(&hello->peer);
	session->initiator_license_id = g_strdup(license->license_id);
	session->vouched = vouched;
	session->join = g_steal_pointer(&hello->join);
	session->source = g_strdup(source);
	memcpy(session->challenge_a, hello->challenge, sizeof(session->challenge_a));
	/* the table is full: nothing of this agent's own record changes */
	session = arc_handshaker_open_session(handshaker, session, error);
	if (session == NULL)
		return NULL;
	session->responder = arc_engine_own_record(self, session->initiator->address);
	randombytes_buf(session->challenge_b, sizeof(session->challenge_b));
	t = arc_handshake_session_transcript(session, arc_engine_get_license_doc(self)->license_id);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_RESPONDER, arc_engine_get_identity_key(self),
			   signature);
	reply = arc_handshake_reply_to_json(session->id, session->responder, session->challenge_b,
					    signature);
	g_debug("handshake hello from %s at %s: session %s%s", session->initiator->peer_id,
		session->initiator->address, session->id, m.known ? " (known peer)" : "");
	return g_steal_pointer(&reply);
}

typedef struct {
	ArcEngine *engine;
	ArcHandshakeSession *session;
} ArcConfirmOp;

static void
arc_confirm_op_free(ArcConfirmOp *self)
{
	g_object_unref(self->engine);
	arc_handshake_session_free(self->session);
	g_free(self);
}

/* the initiator must answer at the address it advertised, as itself */
static gboolean
arc_engine_check_identity_answer(ArcPeerResponse *response, const ArcHandshakePeer *peer,
				 gchar **detail)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(response->body, &len);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj;

	if (!arc_peer_response_check_ok(response, peer->address, "GET /v1/cluster/identity",
					detail))
		return FALSE;
	root = len > 0 ? arc_json_parse_object(data, (gssize)len, 8, NULL) : NULL;
	obj = root != NULL ? json_node_get_object(root) : NULL;
	if (obj == NULL ||
	    g_strcmp0(arc_json_object_get_string(obj, "peer_id"), peer->peer_id) != 0 ||
	    g_strcmp0(arc_json_object_get_string(obj, "public_key"), peer->public_key) != 0) {
		*detail = g_strdup_printf("the agent at %s is not peer %s", peer->address,
					  peer->peer_id);
		return FALSE;
	}
	return TRUE;
}

static void
arc_engine_confirm_probe_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcConfirmOp *op = g_task_get_task_data(task);
	ArcHandshakePeer *peer = op->session->initiator;
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *detail = NULL;
	g_auto(ArcMembership) m = {0};

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response == NULL) {
		detail = g_strdup_printf("this agent cannot reach %s at %s: %s", peer->peer_id,
					 peer->address, error->message);
	} else {
		arc_engine_check_identity_answer(response, peer, &detail);
	}
	if (detail != NULL) {
		g_clear_error(&error);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_UNREACHABLE_BACK);
		arc_engine_log_refusal("handshake", peer, error, detail);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	/* the view may have changed while the probe ran */
	if (!arc_engine_check_can_join(op->engine, FALSE, &detail, &error) ||
	    !arc_engine_check_membership(op->engine, peer, op->session->vouched, FALSE, &m, &detail,
					 &error) ||
	    !arc_handshaker_check_join(arc_engine_get_handshaker(op->engine), peer,
				       op->session->challenge_a, op->session->join,
				       m.known || m.replaces != NULL, op->session->vouched,
				       &m.join_token, &detail, &error) ||
	    !arc_engine_store_peer(op->engine, peer, NULL, &m, &error)) {
		arc_engine_log_refusal("handshake", peer, error, detail);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	arc_engine_count_handshake("responder", NULL);
	g_info("peer %s at %s joined (handshake it initiated)%s", peer->peer_id, peer->address,
	       m.known ? ", record refreshed" : "");
	g_task_return_boolean(task, TRUE);
}

/**
 * arc_engine_handshake_confirm_async:
 * @self: the engine
 * @body: `POST /v1/handshake/confirm`, untrusted
 * @length: bytes in @body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Consumes the session (a confirm counts once), verifies the initiator's signature over the
 * transcript, checks that the initiator answers at its advertised address, and stores it.
 */
void
arc_engine_handshake_confirm_async(ArcEngine *self, const gchar *body, gsize length,
				   GCancellable *cancellable, GAsyncReadyCallback callback,
				   gpointer user_data)
{
	ArcHandshaker *handshaker = arc_engine_get_handshaker(self);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(ArcHandshakeMessage) confirm = NULL;
	ArcConfirmOp *op;
	ArcHandshakeTranscript t;
	GError *error = NULL;
	g_autofree gchar *detail = NULL;
	ArcHandshakeSession *session;

	confirm = arc_handshake_parse_confirm(body, length, &error);
	if (confirm == NULL) {
		g_warning("handshake confirm refused: %s", error->message);
		g_task_return_error(task, error);
		return;
	}
	session = arc_handshaker_take_session(handshaker, confirm->session);
	if (session == NULL) {
		g_warning("handshake confirm refused: session %s is unknown, used or expired",
			  confirm->session);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_SESSION_EXPIRED);
		g_task_return_error(task, error);
		return;
	}
	op = g_new0(ArcConfirmOp, 1);
	op->engine = g_object_ref(self);
	op->session = session;
	g_task_set_task_data(task, op, (GDestroyNotify)arc_confirm_op_free);
	t = arc_handshake_session_transcript(op->session,
					     arc_engine_get_license_doc(self)->license_id);
	if (!arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_INITIATOR, op->session->initiator->key,
				  confirm->signature, &error)) {
		arc_engine_log_refusal("handshake", op->session->initiator, error,
				       "the confirmation is not signed by the key the initiator "
				       "presented, over this session");
		g_task_return_error(task, error);
		return;
	}
	/* the record is checked once the key is proven */
	if (!arc_engine_check_peer_record(op->session->initiator, &detail, &error)) {
		arc_engine_log_refusal("handshake", op->session->initiator, error, detail);
		g_task_return_error(task, error);
		return;
	}
	arc_peer_client_request_async(arc_handshaker_get_probe(handshaker), "GET",
				      op->session->initiator->address, "/v1/cluster/identity", NULL,
				      cancellable, arc_engine_confirm_probe_cb,
				      g_steal_pointer(&task));
}

gboolean
arc_engine_handshake_confirm_finish(ArcEngine *self, GAsyncResult *res, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(res, self), FALSE);
	return g_task_propagate_boolean(G_TASK(res), error);
}

/* ---- initiator ---- */

typedef struct {
	ArcEngine *engine;
	gchar *address;
	gchar *name;
	gchar *caller;
	GPtrArray *steps;
	gint64 step_start;
	ArcHandshakePeer *me;
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	ArcHandshakeMessage *reply;
	gchar *peer_license_id;
	gboolean in_flight;
	gboolean discovery;
	gchar *join_token; /* as the operator gave it; wiped */
} ArcAddPeerOp;

static void
arc_add_peer_op_free(ArcAddPeerOp *self)
{
	if (self->in_flight)
		arc_handshaker_end_add(arc_engine_get_handshaker(self->engine), self->address);
	g_object_unref(self->engine);
	g_free(self->address);
	g_free(self->name);
	g_free(self->caller);
	g_ptr_array_unref(self->steps);
	arc_handshake_peer_free(self->me);
	arc_handshake_message_free(self->reply);
	g_free(self->peer_license_id);
	if (self->join_token != NULL)
		sodium_memzero(self->join_token, strlen(self->join_token));
	g_free(self->join_token);
	g_free(self);
}

static void
arc_add_peer_op_step(ArcAddPeerOp *op, const gchar *step, gboolean ok, gchar *detail)
{
	ArcHandshakeStep *s = g_new0(ArcHandshakeStep, 1);
	gint64 now = g_get_monotonic_time();

	s->step = g_strdup(step);
	s->ok = ok;
	s->detail = detail;
	s->elapsed_ms = (gdouble)(now - op->step_start) / 1000.0;
	op->step_start = now;
	g_ptr_array_add(op->steps, s);
	/* discovery races with the other side's own discovery: a peer met meanwhile is no
	 * failure anyone needs to hear about */
	if (!ok && op->discovery)
		g_info("meeting peer %s stopped at %s: %s", op->address, step,
		       detail != NULL ? detail : "");
	else if (!ok)
		g_warning("adding peer %s failed at %s: %s", op->address, step,
			  detail != NULL ? detail : "");
	else
		g_debug("adding peer %s: %s ok: %s", op->address, step,
			detail != NULL ? detail : "");
}

static void
arc_add_peer_fail(GTask *task, const gchar *step, GError *error, gchar *detail)
{
	ArcAddPeerOp *op = g_task_get_task_data(task);
	arc_engine_count_handshake("initiator", error);
	arc_add_peer_op_step(op, step, FALSE, detail != NULL ? detail : g_strdup(error->message));
	g_task_return_error(task, error);
}

static ArcHandshakeTranscript
arc_add_peer_transcript(ArcAddPeerOp *op)
{
	ArcHandshakeTranscript t = {
		.initiator = op->me,
		.initiator_license_id = arc_engine_get_license_doc(op->engine)->license_id,
		.responder = op->reply->peer,
		.responder_license_id = op->peer_license_id,
		.challenge_a = op->challenge_a,
		.challenge_b = op->reply->challenge,
		.session = op->reply->session,
	};
	return t;
}

static void
arc_add_peer_confirm_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcAddPeerOp *op = g_task_get_task_data(task);
	ArcHandshakePeer *peer = op->reply->peer;
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(ArcPeerInfo) info = NULL;
	GError *error = NULL;
	gchar *detail = NULL;
	g_auto(ArcMembership) m = {0};

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response == NULL) {
		arc_peer_client_convert_error(&error, op->address, &detail);
		arc_add_peer_fail(task, "confirm", error, detail);
		return;
	}
	if (!arc_peer_response_check(response, op->address, &detail, &error)) {
		arc_add_peer_fail(task, "confirm", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "confirm", TRUE,
			     g_strdup_printf("%s verified our signature, reached us at %s and "
					     "stored this agent",
					     peer->peer_id, op->me->address));
	/* the view may have changed during the exchange */
	if (!arc_engine_check_membership(op->engine, peer, op->discovery, !op->discovery, &m,
					 &detail, &error)) {
		arc_add_peer_fail(task, "store", error, detail);
		return;
	}
	if (m.known) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_ALREADY_EXISTS);
		arc_add_peer_fail(task, "store", error,
				  g_strdup_printf("%s was added meanwhile", peer->peer_id));
		return;
	}
	if (!arc_engine_store_peer(op->engine, peer, op->name, &m, &error)) {
		arc_add_peer_fail(task, "store", error, NULL);
		return;
	}
	arc_add_peer_op_step(op, "store", TRUE,
			     g_strdup_printf("stored peer %s at %s", peer->peer_id, op->address));
	arc_engine_count_handshake("initiator", NULL);
	g_info("peer %s at %s added by %s", peer->peer_id, op->address, op->caller);
	info = arc_engine_get_peer(op->engine, &(ArcCaller){.scopes = ARC_SCOPE_ADMIN},
				   peer->peer_id, &error);
	if (info == NULL) {
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, g_steal_pointer(&info), (GDestroyNotify)arc_peer_info_free);
}

/* the address the operator gave may already belong to another peer */
static gboolean
arc_add_peer_check_dialed(ArcAddPeerOp *op, const gchar *replaces, gchar **detail, GError **error)
{
	g_autoptr(GPtrArray) peers = arc_engine_load_peers(op->engine, error);
	ArcPeerInfo *same;

	if (peers == NULL)
		return FALSE;
	same = arc_engine_find_peer(peers, NULL, NULL, op->address);
	if (same != NULL && g_strcmp0(same->id, op->reply->peer->peer_id) != 0 &&
	    g_strcmp0(same->id, replaces) != 0) {
		arc_engine_fail(error, detail, ARC_HANDSHAKE_REASON_ALREADY_EXISTS,
				g_strdup_printf("%s is already peer %s (now it answers as %s): "
						"delete that peer first",
						op->address, same->id, op->reply->peer->peer_id));
		return FALSE;
	}
	return TRUE;
}

static void
arc_add_peer_hello_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GTask) task = G_TASK(user_data);
	ArcAddPeerOp *op = g_task_get_task_data(task);
	ArcHandshaker *handshaker = arc_engine_get_handshaker(op->engine);
	g_autoptr(ArcPeerResponse) response = NULL;
	g_autoptr(ArcLicense) license = NULL;
	g_autofree gchar *confirm = NULL;
	GCancellable *cancellable;
	guint8 signature[ARC_IDENTITY_SIGNATURE_SIZE];
	ArcHandshakeTranscript t;
	GError *error = NULL;
	gchar *detail = NULL;
	g_auto(ArcMembership) m = {0};
	gsize len = 0;
	const gchar *data;

	response = arc_peer_client_request_finish(ARC_PEER_CLIENT(source), res, &error);
	if (response == NULL) {
		arc_peer_client_convert_error(&error, op->address, &detail);
		arc_add_peer_fail(task, "connect", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "connect", TRUE, g_strdup_printf("%s answered", op->address));
	if (!arc_peer_response_check(response, op->address, &detail, &error)) {
		arc_add_peer_fail(task, "hello", error, detail);
		return;
	}
	data = g_bytes_get_data(response->body, &len);
	op->reply = arc_handshake_parse_reply(data != NULL ? data : "", len, &error);
	if (op->reply == NULL) {
		detail = g_strdup_printf("%s sent a bad reply: %s", op->address, error->message);
		g_clear_error(&error);
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_PROTOCOL_ERROR);
		arc_add_peer_fail(task, "hello", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "hello", TRUE,
			     g_strdup_printf("%s is peer %s, license checks passed on its side",
					     op->address, op->reply->peer->peer_id));
	license = arc_engine_check_candidate(op->engine, op->reply->peer, op->discovery,
					     !op->discovery, &m, &detail, &error);
	if (license == NULL) {
		arc_add_peer_fail(task, "verify_reply", error, detail);
		return;
	}
	if (m.known || !arc_add_peer_check_dialed(op, m.replaces, &detail, &error)) {
		if (m.known) {
			arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_ALREADY_EXISTS);
			detail = g_strdup_printf("%s is already peer %s", op->address,
						 op->reply->peer->peer_id);
		}
		arc_add_peer_fail(task, "verify_reply", error, detail);
		return;
	}
	op->peer_license_id = g_strdup(license->license_id);
	t = arc_add_peer_transcript(op);
	if (!arc_handshake_verify(&t, ARC_HANDSHAKE_ROLE_RESPONDER, op->reply->peer->key,
				  op->reply->signature, &error)) {
		arc_add_peer_fail(task, "verify_reply", error,
				  g_strdup_printf("the reply of %s is not signed by the key it "
						  "presents, over this exchange",
						  op->address));
		return;
	}
	if (!arc_engine_check_peer_record(op->reply->peer, &detail, &error)) {
		arc_add_peer_fail(task, "verify_reply", error, detail);
		return;
	}
	arc_add_peer_op_step(op, "verify_reply", TRUE,
			     g_strdup_printf("license %s of customer %s, signature of %s verified",
					     license->license_id, license->customer_id,
					     op->reply->peer->peer_id));
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_INITIATOR,
			   arc_engine_get_identity_key(op->engine), signature);
	confirm = arc_handshake_confirm_to_json(op->reply->session, signature);
	cancellable = g_task_get_cancellable(task);
	arc_peer_client_request_async(arc_handshaker_get_client(handshaker), "POST", op->address,
				      "/v1/handshake/confirm", confirm, cancellable,
				      arc_add_peer_confirm_cb, g_steal_pointer(&task));
}

static void arc_engine_start_add_peer(ArcEngine *self, const ArcCaller *caller,
				      const gchar *address, const gchar *name,
				      const gchar *join_token, gboolean discovery,
				      GCancellable *cancellable, GAsyncReadyCallback callback,
				      gpointer user_data);

/**
 * arc_engine_add_peer_async:
 * @self: the engine
 * @caller: who is calling
 * @address: the other agent's API, `host:port`
 * @name: (nullable): an alias for it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Runs the handshake with the agent at @address and, when both sides accepted, stores it.
 */
void
arc_engine_add_peer_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			  const gchar *name, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data)
{
	arc_engine_start_add_peer(self, caller, address, name, NULL, FALSE, cancellable, callback,
				  user_data);
}

/**
 * arc_engine_join_async:
 * @self: the engine
 * @caller: who is calling
 * @address: a member of the cluster to join, `host:port`
 * @name: (nullable): an alias for it
 * @join_token: (nullable): a join token created on a member (docs/protocol.md §5.7)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with arc_engine_add_peer_finish()
 * @user_data: for @callback
 *
 * arc_engine_add_peer_async() from a host that is not a member yet, with the cluster's
 * consent.
 */
void
arc_engine_join_async(ArcEngine *self, const ArcCaller *caller, const gchar *address,
		      const gchar *name, const gchar *join_token, GCancellable *cancellable,
		      GAsyncReadyCallback callback, gpointer user_data)
{
	arc_engine_start_add_peer(self, caller, address, name, join_token, FALSE, cancellable,
				  callback, user_data);
}

/**
 * arc_engine_discover_peer_async:
 * @self: the engine
 * @address: where a peer that a member gossiped about answers
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with arc_engine_add_peer_finish()
 * @user_data: for @callback
 *
 * Transitive discovery (docs/protocol.md §6.4): the handshake with a peer this agent learned
 * of through the cluster. The node limit does not refuse it: the peers that joined last are
 * marked over_limit instead.
 */
void
arc_engine_discover_peer_async(ArcEngine *self, const gchar *address, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data)
{
	ArcCaller caller = {.client_id = (gchar *)"transitive discovery",
			    .scopes = ARC_SCOPE_PEERS_WRITE};
	arc_engine_start_add_peer(self, &caller, address, NULL, NULL, TRUE, cancellable, callback,
				  user_data);
}

/* the hello's join_token: the token's proof for this agent's record and challenge */
static ArcHandshakeJoin *
arc_add_peer_op_join(ArcAddPeerOp *op)
{
	g_autoptr(ArcHandshakeJoin) join = NULL;
	g_autofree gchar *secret = NULL;
	guint8 token_key[ARC_HANDSHAKE_JOIN_KEY_SIZE];
	guint8 token_secret[ARC_HANDSHAKE_JOIN_SECRET_SIZE];

	if (op->join_token == NULL)
		return NULL;
	join = g_new0(ArcHandshakeJoin, 1);
	if (!arc_handshake_join_token_split(op->join_token, &join->id, &secret))
		return NULL;
	arc_handshake_join_keypair(join->id, secret, token_key, token_secret);
	sodium_memzero(secret, strlen(secret));
	arc_handshake_join_proof(token_secret, op->me->peer_id, op->me->public_key, op->challenge_a,
				 join->proof);
	sodium_memzero(token_secret, sizeof(token_secret));
	return g_steal_pointer(&join);
}

static gboolean
arc_engine_check_join_token_form(const gchar *join_token, GError **error)
{
	g_autofree gchar *id = NULL;
	g_autofree gchar *secret = NULL;

	if (join_token == NULL)
		return TRUE;
	if (arc_handshake_join_token_split(join_token, &id, &secret)) {
		sodium_memzero(secret, strlen(secret));
		return TRUE;
	}
	g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
			    "'join_token' must be the token 'arctic cluster join-token create' "
			    "printed (jt_….…)");
	return FALSE;
}

static void
arc_engine_start_add_peer(ArcEngine *self, const ArcCaller *caller, const gchar *address,
			  const gchar *name, const gchar *join_token, gboolean discovery,
			  GCancellable *cancellable, GAsyncReadyCallback callback,
			  gpointer user_data)
{
	ArcHandshaker *handshaker;
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GPtrArray) peers = NULL;
	g_autofree gchar *hello = NULL;
	g_autoptr(ArcHandshakeJoin) join = NULL;
	ArcAddPeerOp *op = g_new0(ArcAddPeerOp, 1);
	GError *error = NULL;
	gchar *detail = NULL;
	ArcPeerInfo *same;

	op->engine = g_object_ref(self);
	op->address = g_strdup(address);
	op->name = g_strdup(name);
	op->discovery = discovery;
	op->join_token = g_strdup(join_token);
	op->caller = g_strdup(arc_caller_describe(caller));
	op->steps = g_ptr_array_new_with_free_func((GDestroyNotify)arc_handshake_step_free);
	op->step_start = g_get_monotonic_time();
	g_task_set_task_data(task, op, (GDestroyNotify)arc_add_peer_op_free);
	if (!arc_engine_authorize(self, caller, ARC_SCOPE_PEERS_WRITE, &error)) {
		g_task_return_error(task, error);
		return;
	}
	if (!arc_handshake_address_is_valid(address)) {
		g_task_return_new_error(task, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					"'address' must be host:port, e.g. 192.168.1.20:8080");
		return;
	}
	if (name != NULL && !arc_text_check_label(name, "name", 128, &error)) {
		g_task_return_error(task, error);
		return;
	}
	if (!arc_engine_check_join_token_form(join_token, &error)) {
		g_task_return_error(task, error);
		return;
	}
	handshaker = arc_engine_get_handshaker(self);
	if (!arc_engine_check_can_join(self, TRUE, &detail, &error)) {
		arc_add_peer_fail(task, "check", error, detail);
		return;
	}
	peers = arc_engine_load_peers(self, &error);
	if (peers == NULL) {
		g_task_return_error(task, error);
		return;
	}
	/* a known address is checked once the other side said who it is: a key that no
	 * longer matches its record must say so, not "already exists" */
	same = arc_engine_find_peer(peers, NULL, NULL, address);
	if (same != NULL && same->is_local) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_SELF);
		arc_add_peer_fail(task, "check", error,
				  g_strdup_printf("%s is this agent", address));
		return;
	}
	/* before anything is sent: the other side would refuse it too */
	if (!discovery && !arc_engine_check_node_limit(self, peers, &detail, &error)) {
		arc_add_peer_fail(task, "check", error, detail);
		return;
	}
	if (!arc_handshaker_begin_add(handshaker, address)) {
		arc_handshake_set_error(&error, ARC_HANDSHAKE_REASON_BUSY);
		arc_add_peer_fail(
			task, "check", error,
			g_strdup_printf("a handshake with %s is already running", address));
		return;
	}
	op->in_flight = TRUE;
	op->me = arc_engine_own_record(self, address);
	arc_add_peer_op_step(op, "check", TRUE,
			     g_strdup_printf("this agent is %s, advertised at %s", op->me->peer_id,
					     op->me->address));
	randombytes_buf(op->challenge_a, sizeof(op->challenge_a));
	join = arc_add_peer_op_join(op);
	hello = arc_handshake_hello_to_json_full(op->me, op->challenge_a, op->discovery, join);
	arc_peer_client_request_async(arc_handshaker_get_client(handshaker), "POST", address,
				      "/v1/handshake/hello", hello, cancellable,
				      arc_add_peer_hello_cb, g_steal_pointer(&task));
}

/**
 * arc_engine_add_peer_finish:
 * @self: the engine
 * @res: the result
 * @steps: (out) (optional) (transfer container) (element-type ArcHandshakeStep): what
 *   happened, also on failure
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new peer
 */
ArcPeerInfo *
arc_engine_add_peer_finish(ArcEngine *self, GAsyncResult *res, GPtrArray **steps, GError **error)
{
	ArcAddPeerOp *op;

	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	op = g_task_get_task_data(G_TASK(res));
	if (steps != NULL)
		*steps = g_ptr_array_ref(op->steps);
	return g_task_propagate_pointer(G_TASK(res), error);
}
