/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "rest"

#include "arc-rest-request.h"

#include <sodium.h>

#include "arc-engine-license.h"
#include "arc-metrics.h"
#include "arc-error-map.h"
#include "arc-oauth-request.h"
#include "arc-rest-peers.h"
#include "arc-rest-services.h"
#include "arc-time.h"

/* Handlers of spec/arctic-reference.md §4. Each parses its input, calls one engine method
 * and serialises the answer. */

static void
arc_rest_add_timestamp(JsonBuilder *b)
{
	arc_rest_builder_add_time(b, "timestamp", g_get_real_time() / G_USEC_PER_SEC);
}

static void
arc_rest_livez(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "status", "ok");
	arc_rest_add_timestamp(b);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_readyz(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	gboolean ok = FALSE;
	g_autoptr(GArray) checks = arc_engine_get_readiness(req->engine, &ok);

	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "status", ok ? "ok" : "unavailable");
	arc_rest_add_timestamp(b);
	json_builder_set_member_name(b, "checks");
	json_builder_begin_array(b);
	for (guint i = 0; i < checks->len; i++) {
		ArcReadinessCheck *check = &g_array_index(checks, ArcReadinessCheck, i);
		json_builder_begin_object(b);
		arc_rest_builder_add_string(b, "name", check->name);
		arc_rest_builder_add_string(b, "status", check->ok ? "ok" : "fail");
		arc_rest_builder_add_string(b, "message", check->message);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	arc_rest_reply_json(req, ok ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, b);
}

static void
arc_rest_identity(ArcRestRequest *req)
{
	g_auto(ArcRestJson) j = {NULL};
	g_autoptr(ArcIdentityInfo) info = arc_engine_get_identity(req->engine);

	arc_rest_json_init(&j);
	arc_rest_json_begin_object(&j, NULL);
	arc_rest_json_string(&j, "peer_id", info->peer_id);
	arc_rest_json_string(&j, "name", info->name);
	arc_rest_json_string(&j, "public_key", info->public_key);
	arc_rest_json_string(&j, "license_id", info->license_id);
	arc_rest_json_string(&j, "customer_id", info->customer_id);
	arc_rest_json_string(&j, "cluster_id", info->cluster_id);
	arc_rest_json_string(&j, "version", info->version);
	arc_rest_json_end_object(&j);
	arc_rest_reply_json_text(req, SOUP_STATUS_OK, &j);
}

static void
arc_rest_bootstrap(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcBootstrapResult) res = NULL;
	g_autoptr(ArcBootstrapRequest) bootstrap = NULL;
	gsize len = 0;
	const gchar *data = g_bytes_get_data(req->body, &len);
	GSocketAddress *remote = soup_server_message_get_remote_address(req->msg);
	gboolean loopback = G_IS_INET_SOCKET_ADDRESS(remote) &&
			    g_inet_address_get_is_loopback(g_inet_socket_address_get_address(
				    G_INET_SOCKET_ADDRESS(remote)));
	const gchar *recovery = soup_message_headers_get_one(
		soup_server_message_get_request_headers(req->msg), "X-Arctic-Recovery");

	/* a bootstrapped agent says so whatever the body is */
	if (!arc_engine_check_bootstrap_origin(req->engine, loopback, recovery, &error) ||
	    !arc_engine_check_bootstrappable(req->engine, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	bootstrap = arc_bootstrap_request_from_json(data != NULL ? data : "", len, &error);
	if (bootstrap != NULL)
		res = arc_engine_bootstrap(req->engine, bootstrap, &error);
	if (res == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "peer_id", res->peer_id);
	arc_rest_builder_add_string(b, "name", res->name);
	arc_rest_builder_add_string(b, "peer_public_key", res->peer_public_key);
	arc_rest_builder_add_string(b, "client_id", res->client_id);
	arc_rest_builder_add_string(b, "client_secret", res->client_secret);
	arc_rest_builder_add_string(b, "license_id", res->license_id);
	arc_rest_builder_add_string(b, "customer_id", res->customer_id);
	arc_rest_builder_add_string(b, "cluster_id", res->cluster_id);
	arc_rest_builder_add_time(b, "expires_at", res->expires_at);
	arc_rest_builder_add_int(b, "max_nodes", res->max_nodes);
	arc_rest_builder_add_int(b, "max_services", res->max_services);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_CREATED, b);
}

/* RFC 6749 §5.2, keeping the API's own `code` and a `message` for the CLI. A 401 always
 * carries a challenge (RFC 7235 §3.1); Basic is the scheme a client can answer here. */
static void
arc_rest_token_reply_error(SoupServerMessage *msg, const GError *error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	ArcOAuthError oauth = ARC_OAUTH_ERROR_INVALID_REQUEST;
	ArcError code = ARC_ERROR_INVALID_REQUEST;
	g_autoptr(JsonNode) root = NULL;
	gchar *text;

	if (error->domain == ARC_OAUTH_ERROR)
		oauth = (ArcOAuthError)error->code;
	else if (g_error_matches(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED))
		oauth = ARC_OAUTH_ERROR_INVALID_CLIENT;
	else if (g_error_matches(error, ARC_ERROR, ARC_ERROR_FORBIDDEN))
		oauth = ARC_OAUTH_ERROR_INVALID_SCOPE;
	else if (error->domain == ARC_ERROR)
		code = (ArcError)error->code;
	if (oauth == ARC_OAUTH_ERROR_INVALID_CLIENT)
		code = ARC_ERROR_UNAUTHORIZED;
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "error", arc_oauth_error_to_string(oauth));
	arc_rest_builder_add_string(b, "error_description", error->message);
	arc_rest_builder_add_string(b, "code", arc_error_to_code(code));
	arc_rest_builder_add_string(b, "message", error->message);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	text = json_to_string(root, FALSE);
	soup_message_headers_replace(headers, "Cache-Control", "no-store");
	soup_server_message_set_status(msg, arc_error_http_status(code), NULL);
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_TAKE, text,
					 strlen(text));
	if (code == ARC_ERROR_UNAUTHORIZED)
		soup_message_headers_replace(headers, "WWW-Authenticate",
					     "Basic realm=\"arctic\", charset=\"UTF-8\"");
}

/* the `scope` parameter: space-separated, each a scope this agent knows (RFC 6749 §3.3) */
static gboolean
arc_rest_token_scope(const gchar *scope, ArcScope *requested, GError **error)
{
	g_auto(GStrv) names = NULL;

	*requested = ARC_SCOPE_NONE;
	if (scope == NULL)
		return TRUE;
	names = g_strsplit(scope, " ", -1);
	for (guint i = 0; names[i] != NULL; i++) {
		ArcScope one;
		if (names[i][0] == '\0')
			continue;
		if (!arc_scope_parse_one(names[i], &one)) {
			g_set_error(error, ARC_OAUTH_ERROR, ARC_OAUTH_ERROR_INVALID_SCOPE,
				    "unknown scope '%s'", names[i]);
			return FALSE;
		}
		*requested |= one;
	}
	return TRUE;
}

static void
arc_rest_token(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcOAuthRequest) oauth = NULL;
	g_autoptr(ArcTokenGrant) grant = NULL;
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(req->msg);
	ArcScope requested = ARC_SCOPE_NONE;
	gsize len = 0;
	const gchar *data = g_bytes_get_data(req->body, &len);

	oauth = arc_oauth_request_parse(soup_message_headers_get_one(headers, "Authorization"),
					data != NULL ? data : "", len, &error);
	/* the body held the secret: nothing reads it after this (arc-rest-server.c frees it) */
	if (data != NULL && len > 0)
		sodium_memzero((gpointer)data, len);
	if (oauth != NULL && arc_rest_token_scope(oauth->scope, &requested, &error))
		grant = arc_engine_issue_token(req->engine, oauth->client_id, oauth->client_secret,
					       requested, &error);
	if (grant == NULL) {
		arc_rest_token_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "access_token", grant->access_token);
	arc_rest_builder_add_string(b, "token_type", "Bearer");
	arc_rest_builder_add_int(b, "expires_in", grant->expires_in);
	arc_rest_builder_add_string(b, "scope", grant->scope);
	json_builder_end_object(b);
	soup_message_headers_replace(soup_server_message_get_response_headers(req->msg),
				     "Cache-Control", "no-store");
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

/* RFC 8414 and OpenID Connect Discovery 1.0 §3: one document for both. The issuer is the
 * cluster's, the same on every peer; the endpoints come from configuration or the advertised
 * address, never from the request's Host header. There is no authorization endpoint, so no
 * response type exists; the OIDC fields a discovery client requires are kept, though no ID
 * token is ever issued (docs/auth.md). */
static void
arc_rest_openid_configuration(ArcRestRequest *req)
{
	static const gchar *const grants[] = {"client_credentials", NULL};
	static const gchar *const auth_methods[] = {"client_secret_basic", "client_secret_post",
						    NULL};
	static const gchar *const algs[] = {"EdDSA", NULL};
	static const gchar *const none[] = {NULL};
	static const gchar *const subjects[] = {"public", NULL};
	g_autoptr(JsonBuilder) b = json_builder_new();
	const gchar *issuer = arc_engine_get_token_issuer(req->engine);
	g_autofree gchar *base = arc_engine_get_public_url(req->engine);
	g_autofree gchar *token = g_strconcat(base, "/v1/oauth/token", NULL);
	g_autofree gchar *jwks = g_strconcat(base, "/.well-known/jwks.json", NULL);
	g_auto(GStrv) scopes = arc_scope_to_strv(ARC_SCOPE_ALL);

	if (issuer == NULL) {
		arc_rest_reply_error_literal(req->msg, ARC_ERROR_NOT_BOOTSTRAPPED,
					     "agent is not bootstrapped");
		return;
	}
	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "issuer", issuer);
	arc_rest_builder_add_string(b, "token_endpoint", token);
	arc_rest_builder_add_string(b, "jwks_uri", jwks);
	arc_rest_add_string_array(b, "grant_types_supported", grants);
	arc_rest_add_string_array(b, "token_endpoint_auth_methods_supported", auth_methods);
	arc_rest_add_string_array(b, "response_types_supported", none);
	arc_rest_add_string_array(b, "scopes_supported", (const gchar *const *)scopes);
	arc_rest_add_string_array(b, "subject_types_supported", subjects);
	arc_rest_add_string_array(b, "id_token_signing_alg_values_supported", algs);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_jwks(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) keys = arc_engine_get_jwks_keys(req->engine);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "keys");
	json_builder_begin_array(b);
	for (guint i = 0; i + 1 < keys->len; i += 2) {
		json_builder_begin_object(b);
		arc_rest_builder_add_string(b, "kty", "OKP");
		arc_rest_builder_add_string(b, "crv", "Ed25519");
		arc_rest_builder_add_string(b, "x", g_ptr_array_index(keys, i + 1));
		arc_rest_builder_add_string(b, "kid", g_ptr_array_index(keys, i));
		arc_rest_builder_add_string(b, "use", "sig");
		arc_rest_builder_add_string(b, "alg", "EdDSA");
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

/* GET /v1/license, and the answer of PUT /v1/license */
static void
arc_rest_reply_license(ArcRestRequest *req, ArcLicenseInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	ArcLicense *lic = info->license;

	json_builder_begin_object(b);
	arc_rest_builder_add_string(b, "license_id", lic->license_id);
	arc_rest_builder_add_string(b, "customer_id", lic->customer_id);
	arc_rest_builder_add_time(b, "issued_at", lic->issued_at);
	arc_rest_builder_add_time(b, "expires_at", lic->expires_at);
	arc_rest_builder_add_int(b, "max_nodes", lic->max_nodes);
	arc_rest_builder_add_int(b, "max_services", lic->max_services);
	arc_rest_add_string_array(b, "features", (const gchar *const *)lic->features);
	arc_rest_builder_add_string(b, "issuer", lic->issuer_key);
	arc_rest_builder_add_string(b, "state", arc_license_state_to_string(info->state));
	arc_rest_builder_add_time(b, "state_since", info->state_since);
	if (info->next_change != G_MAXINT64) {
		arc_rest_builder_add_string(b, "next_state",
					    arc_license_state_to_string(info->next_state));
		arc_rest_builder_add_time(b, "next_state_at", info->next_change);
	} else {
		arc_rest_builder_add_string(b, "next_state", NULL);
		arc_rest_builder_add_string(b, "next_state_at", NULL);
	}
	arc_rest_builder_add_int(b, "days_until_expiry", info->days_until_expiry);
	arc_rest_builder_add_int(b, "nodes_in_use", info->nodes_in_use);
	arc_rest_builder_add_string(b, "message", info->message);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_license(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicenseInfo) info = arc_engine_get_license(req->engine, &error);

	if (info == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_license(req, info);
}

/* PUT /v1/license: the bare license or {"license": …}, as bootstrap takes it */
static void
arc_rest_license_update(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcLicenseInfo) info = NULL;
	gsize length = 0;
	const gchar *body = g_bytes_get_data(req->body, &length);

	info = arc_engine_update_license(req->engine, req->caller, body != NULL ? body : "", length,
					 &error);
	if (info == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_license(req, info);
}

static void
arc_rest_add_credential(JsonBuilder *b, const ArcCredential *credential)
{
	g_auto(GStrv) scopes = arc_scope_to_strv(credential->scopes);
	arc_rest_builder_add_string(b, "client_id", credential->client_id);
	arc_rest_add_string_array(b, "scopes", (const gchar *const *)scopes);
	arc_rest_builder_add_string(b, "license_id", credential->license_id);
	arc_rest_builder_add_time(b, "created_at", credential->created_at);
}

/* the hot read of the API (bench/README.md): written as text, not through a JsonBuilder */
static void
arc_rest_credentials_list(ArcRestRequest *req)
{
	g_auto(ArcRestJson) j = {NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) list = arc_engine_list_credentials(req->engine, req->caller, &error);

	if (list == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_json_init(&j);
	arc_rest_json_begin_object(&j, NULL);
	arc_rest_json_begin_array(&j, "credentials");
	for (guint i = 0; i < list->len; i++) {
		const ArcCredential *credential = g_ptr_array_index(list, i);
		g_auto(GStrv) scopes = arc_scope_to_strv(credential->scopes);

		arc_rest_json_begin_object(&j, NULL);
		arc_rest_json_string(&j, "client_id", credential->client_id);
		arc_rest_json_begin_array(&j, "scopes");
		for (guint k = 0; scopes[k] != NULL; k++)
			arc_rest_json_string(&j, NULL, scopes[k]);
		arc_rest_json_end_array(&j);
		arc_rest_json_string(&j, "license_id", credential->license_id);
		arc_rest_json_time(&j, "created_at", credential->created_at);
		arc_rest_json_time(&j, "last_used_at", credential->last_used_at);
		arc_rest_json_end_object(&j);
	}
	arc_rest_json_end_array(&j);
	arc_rest_json_end_object(&j);
	arc_rest_reply_json_text(req, SOUP_STATUS_OK, &j);
}

/* @scopes stays %NULL when the body names none: the caller's scopes are inherited */
static gboolean
arc_rest_parse_scopes(JsonNode *root, GPtrArray **scopes, GError **error)
{
	JsonNode *node =
		root != NULL ? json_object_get_member(json_node_get_object(root), "scopes") : NULL;
	JsonArray *array;

	if (node == NULL || JSON_NODE_HOLDS_NULL(node))
		return TRUE;
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
				    "'scopes' must be an array of strings");
		return FALSE;
	}
	array = json_node_get_array(node);
	*scopes = g_ptr_array_new();
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *item = json_array_get_element(array, i);
		if (json_node_get_value_type(item) != G_TYPE_STRING) {
			g_set_error_literal(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST,
					    "'scopes' must be an array of strings");
			return FALSE;
		}
		g_ptr_array_add(*scopes, (gpointer)json_node_get_string(item));
	}
	g_ptr_array_add(*scopes, NULL);
	return TRUE;
}

static void
arc_rest_credentials_create(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = arc_rest_parse_body(req, TRUE, &error);
	g_autoptr(GPtrArray) scopes = NULL;
	g_autoptr(ArcCreatedCredential) created = NULL;

	if ((root == NULL && error != NULL) || !arc_rest_parse_scopes(root, &scopes, &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	created = arc_engine_create_credential(
		req->engine, req->caller,
		scopes != NULL ? (const gchar *const *)scopes->pdata : NULL, &error);
	if (created == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_add_credential(b, created->credential);
	arc_rest_builder_add_string(b, "client_secret", created->client_secret);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_CREATED, b);
}

static void
arc_rest_add_cluster_credential(JsonBuilder *b, const ArcCredential *credential)
{
	arc_rest_builder_add_string(b, "client_id", credential->client_id);
	arc_rest_builder_add_int(b, "version", MAX(credential->rotation, 1));
	arc_rest_builder_add_string(b, "rotated_by",
				    credential->rotated_by != NULL ? credential->rotated_by
								   : credential->created_by);
	arc_rest_builder_add_time(b, "rotated_at",
				  credential->rotated_at > 0 ? credential->rotated_at
							     : credential->created_at);
}

static void
arc_rest_cluster_credentials(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	const ArcCredential *credential =
		arc_engine_get_cluster_credential(req->engine, req->caller, &error);

	if (credential == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_add_cluster_credential(b, credential);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_cluster_credentials_rotate(ArcRestRequest *req)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcCreatedCredential) created =
		arc_engine_rotate_cluster_credential(req->engine, req->caller, &error);

	if (created == NULL) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	json_builder_begin_object(b);
	arc_rest_add_cluster_credential(b, created->credential);
	arc_rest_builder_add_string(b, "client_secret", created->client_secret);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

/* `{"deleted": true}`, with the id when there is one */
static void
arc_rest_reply_deleted(ArcRestRequest *req, const gchar *id)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "deleted");
	json_builder_add_boolean_value(b, TRUE);
	if (id != NULL)
		arc_rest_builder_add_string(b, "id", id);
	json_builder_end_object(b);
	arc_rest_reply_json(req, SOUP_STATUS_OK, b);
}

static void
arc_rest_credentials_revoke(ArcRestRequest *req)
{
	g_autoptr(GError) error = NULL;

	if (!arc_engine_revoke_credential(req->engine, req->caller, req->params[0], &error)) {
		arc_rest_reply_error(req->msg, error);
		return;
	}
	arc_rest_reply_deleted(req, NULL);
}

/* Prometheus text format; public like the health endpoints, for scrapers */
static void
arc_rest_metrics(ArcRestRequest *req)
{
	g_autoptr(GString) gauges = g_string_new(NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(ArcClusterStatus) status = NULL;
	g_autoptr(GPtrArray) tunnel = arc_engine_get_tunnel_status(req->engine);
	guint active = 0, deactivated = 0, over_limit = 0;
	const ArcCaller reader = {.scopes = ARC_SCOPE_ADMIN};
	gsize len;

	if (arc_engine_is_bootstrapped(req->engine))
		status = arc_engine_get_cluster_status(req->engine, &reader, NULL);
	for (guint i = 0; status != NULL && i < status->peers->len; i++) {
		ArcPeerInfo *peer = g_ptr_array_index(status->peers, i);
		if (peer->state == ARC_PEER_STATE_ACTIVE)
			active++;
		else if (peer->state == ARC_PEER_STATE_OVER_LIMIT)
			over_limit++;
		else
			deactivated++;
	}
	g_string_append_printf(gauges,
			       "# HELP arctic_peers Peers this agent stores, by state.\n"
			       "# TYPE arctic_peers gauge\n"
			       "arctic_peers{state=\"active\"} %u\n"
			       "arctic_peers{state=\"deactivated\"} %u\n"
			       "arctic_peers{state=\"over_limit\"} %u\n",
			       active, deactivated, over_limit);
	g_string_append(gauges, "# HELP arctic_gossip_members Other peers by what gossip "
				"observes of them.\n# TYPE arctic_gossip_members gauge\n");
	for (ArcGossipState s = 0; s < ARC_GOSSIP_STATE_LAST; s++)
		g_string_append_printf(gauges, "arctic_gossip_members{reachability=\"%s\"} %u\n",
				       arc_gossip_state_to_string(s),
				       arc_engine_count_peers_in_state(req->engine, s));
	g_string_append(gauges,
			"# HELP arctic_records Replicated records this agent holds, by "
			"kind and whether they are tombstones.\n# TYPE arctic_records gauge\n");
	for (guint i = 0; status != NULL && i < status->kinds->len; i++) {
		const gchar *kind = g_ptr_array_index(status->kinds, i);
		g_string_append_printf(gauges,
				       "arctic_records{kind=\"%s\",deleted=\"false\"} %u\n"
				       "arctic_records{kind=\"%s\",deleted=\"true\"} %u\n",
				       kind, g_array_index(status->live, guint, i), kind,
				       g_array_index(status->deleted, guint, i));
	}
	arc_metrics_append_tunnel(gauges, tunnel);
	text = arc_metrics_render(gauges->str);
	len = strlen(text);
	soup_server_message_set_status(req->msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(req->msg, "text/plain; version=0.0.4; charset=utf-8",
					 SOUP_MEMORY_TAKE, g_steal_pointer(&text), len);
}

static const ArcRestRoute arc_rest_routes[] = {
	{"GET", "/livez", ARC_REST_AUTH_PUBLIC, 0, arc_rest_livez},
	{"GET", "/readyz", ARC_REST_AUTH_PUBLIC, 0, arc_rest_readyz},
	{"GET", "/metrics", ARC_REST_AUTH_PUBLIC, 0, arc_rest_metrics},
	{"GET", "/.well-known/openid-configuration", ARC_REST_AUTH_PUBLIC, 0,
	 arc_rest_openid_configuration},
	{"GET", "/.well-known/oauth-authorization-server", ARC_REST_AUTH_PUBLIC, 0,
	 arc_rest_openid_configuration},
	{"GET", "/.well-known/jwks.json", ARC_REST_AUTH_PUBLIC, 0, arc_rest_jwks},
	{"GET", "/v1/cluster/identity", ARC_REST_AUTH_PUBLIC, 0, arc_rest_identity},
	{"GET", "/v1/cluster/status", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN,
	 arc_rest_cluster_status},
	{"POST", "/v1/bootstrap", ARC_REST_AUTH_PUBLIC, 0, arc_rest_bootstrap},
	{"POST", "/v1/oauth/token", ARC_REST_AUTH_PUBLIC, 0, arc_rest_token},
	{"GET", "/v1/license", ARC_REST_AUTH_TOKEN, 0, arc_rest_license},
	{"PUT", "/v1/license", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN, arc_rest_license_update},
	{"GET", "/v1/peers", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_READ, arc_rest_peers_list},
	{"GET", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_READ, arc_rest_peers_get},
	{"POST", "/v1/peers", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE, arc_rest_peers_add},
	{"PUT", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE, arc_rest_peers_update},
	{"DELETE", "/v1/peers/self", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE,
	 arc_rest_peers_remove_self},
	{"DELETE", "/v1/peers/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE,
	 arc_rest_peers_delete},
	{"POST", "/v1/handshake/hello", ARC_REST_AUTH_PUBLIC, 0, arc_rest_handshake_hello},
	{"POST", "/v1/handshake/confirm", ARC_REST_AUTH_PUBLIC, 0, arc_rest_handshake_confirm},
	{"POST", "/v1/handshake/leave", ARC_REST_AUTH_PUBLIC, 0, arc_rest_handshake_leave},
	{"POST", "/v1/gossip/digest", ARC_REST_AUTH_PUBLIC, 0, arc_rest_gossip_digest},
	{"POST", "/v1/gossip/records", ARC_REST_AUTH_PUBLIC, 0, arc_rest_gossip_records},
	{"POST", "/v1/gossip/probe", ARC_REST_AUTH_PUBLIC, 0, arc_rest_gossip_probe},
	{"POST", "/v1/cluster/sync", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN, arc_rest_cluster_sync},
	{"POST", "/v1/cluster/join-tokens", ARC_REST_AUTH_SCOPE, ARC_SCOPE_PEERS_WRITE,
	 arc_rest_join_token_create},
	{"POST", "/v1/cluster/init", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN, arc_rest_cluster_init},
	{"GET", "/v1/cluster/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_ADMIN,
	 arc_rest_cluster_credentials},
	{"POST", "/v1/cluster/credentials/rotate", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_WRITE,
	 arc_rest_cluster_credentials_rotate},
	{"GET", "/v1/services", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ,
	 arc_rest_services_list},
	{"GET", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ,
	 arc_rest_services_get},
	{"POST", "/v1/services", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_services_create},
	{"PUT", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_services_update},
	{"DELETE", "/v1/services/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_services_delete},
	{"GET", "/v1/services/{}/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ,
	 arc_rest_routes_list},
	{"POST", "/v1/services/{}/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_routes_add},
	{"PUT", "/v1/services/{}/routes/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_routes_update},
	{"DELETE", "/v1/services/{}/routes/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_WRITE,
	 arc_rest_routes_delete},
	{"GET", "/v1/routes", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ,
	 arc_rest_routes_list_all},
	{"GET", "/v1/routes/lookup", ARC_REST_AUTH_SCOPE, ARC_SCOPE_SERVICES_READ,
	 arc_rest_routes_lookup},
	{"GET", "/v1/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_READ,
	 arc_rest_credentials_list},
	{"POST", "/v1/credentials", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_WRITE,
	 arc_rest_credentials_create},
	{"DELETE", "/v1/credentials/{}", ARC_REST_AUTH_SCOPE, ARC_SCOPE_CREDENTIALS_WRITE,
	 arc_rest_credentials_revoke},
};

/**
 * arc_rest_routes_get:
 * @n_routes: (out): the number of routes
 *
 * Returns: the route table
 */
const ArcRestRoute *
arc_rest_routes_get(guint *n_routes)
{
	*n_routes = G_N_ELEMENTS(arc_rest_routes);
	return arc_rest_routes;
}
