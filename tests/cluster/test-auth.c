/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>
#include <string.h>

#include <arctic-plugin.h>

#include "arc-gs-node.h"
#include "arc-test-agent.h"

/* Suite 'cluster': tokens across peers (docs/auth.md). One issuer for the cluster, each peer
 * signing with its own key, so that a standard verifier pointed at any peer's discovery
 * document accepts a token from any other; and the credentials a removed peer minted go
 * with it, on every node. */

static gchar *
au_token_for(GsNode *self, const gchar *client_id, const gchar *secret, guint *status)
{
	g_autofree gchar *body = soup_form_encode("grant_type", "client_credentials", "client_id",
						  client_id, "client_secret", secret, NULL);
	g_autoptr(JsonNode) res =
		arc_test_agent_request(self->agent, "POST", "/v1/oauth/token", NULL, body,
				       "application/x-www-form-urlencoded", status);
	if (*status != 200)
		return NULL;
	return g_strdup(json_object_get_string_member(gs_object(res), "access_token"));
}

/* the token endpoint of @self answers 401 for this client */
static gboolean
au_token_refused(GsNode *self, const gchar *client_id, const gchar *secret)
{
	guint status = 0;
	g_autofree gchar *token = au_token_for(self, client_id, secret, &status);

	return token == NULL && status == 401;
}

static JsonNode *
au_public_get(GsNode *self, const gchar *path)
{
	guint status = 0;
	JsonNode *res = arc_test_agent_call(self->agent, "GET", path, NULL, NULL, &status);

	g_assert_cmpuint(status, ==, 200);
	return res;
}

static JsonObject *
au_jwt_part(const gchar *part, gsize len, JsonNode **holder)
{
	gsize raw_len = 0;
	g_autofree guint8 *raw = arc_base64url_decode(part, (gssize)len, &raw_len);
	g_autofree gchar *text = g_strndup((const gchar *)raw, raw_len);

	*holder = json_from_string(text, NULL);
	g_assert_nonnull(*holder);
	return json_node_get_object(*holder);
}

/* What a standard verifier does with @conf_node (a peer's discovery document): fetch
 * jwks_uri, pick the key by kid, check the signature, then iss and aud. The JWKS is fetched
 * from the same peer: jwks_uri names it by its advertised address. */
static void
au_verify_through(GsNode *verifier, JsonNode *conf_node, const gchar *token, const gchar *aud)
{
	JsonObject *conf = gs_object(conf_node);
	const gchar *jwks_uri = json_object_get_string_member(conf, "jwks_uri");
	g_autofree gchar *base = arc_test_agent_get_base_url(verifier->agent);
	const gchar *dot1 = strchr(token, '.');
	const gchar *dot2 = strchr(dot1 + 1, '.');
	g_autoptr(JsonNode) header_node = NULL, claims_node = NULL, jwks = NULL;
	JsonObject *header = au_jwt_part(token, (gsize)(dot1 - token), &header_node);
	JsonObject *claims = au_jwt_part(dot1 + 1, (gsize)(dot2 - dot1 - 1), &claims_node);
	JsonArray *keys;
	const gchar *x = NULL;
	g_autofree guint8 *key = NULL, *sig = NULL;
	gsize key_len = 0, sig_len = 0;

	g_assert_true(g_str_has_prefix(jwks_uri, base));
	jwks = au_public_get(verifier, jwks_uri + strlen(base));
	keys = json_object_get_array_member(gs_object(jwks), "keys");
	for (guint i = 0; i < json_array_get_length(keys); i++) {
		JsonObject *jwk = json_array_get_object_element(keys, i);
		if (g_strcmp0(json_object_get_string_member(jwk, "kid"),
			      json_object_get_string_member(header, "kid")) == 0)
			x = json_object_get_string_member(jwk, "x");
	}
	g_assert_nonnull(x);
	key = arc_base64url_decode(x, -1, &key_len);
	sig = arc_base64url_decode(dot2 + 1, -1, &sig_len);
	g_assert_cmpuint(key_len, ==, crypto_sign_PUBLICKEYBYTES);
	g_assert_cmpuint(sig_len, ==, crypto_sign_BYTES);
	g_assert_cmpint(
		crypto_sign_verify_detached(sig, (const guchar *)token, (gsize)(dot2 - token), key),
		==, 0);
	g_assert_cmpstr(json_object_get_string_member(header, "typ"), ==, "at+jwt");
	g_assert_cmpstr(json_object_get_string_member(claims, "iss"), ==,
			json_object_get_string_member(conf, "issuer"));
	g_assert_cmpstr(json_object_get_string_member(claims, "aud"), ==, aud);
}

/* a token from B verifies through A's discovery document and JWKS, and the other way */
static void
au_one_issuer_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autoptr(JsonNode) conf_a = NULL, conf_b = NULL, identity = NULL;
	g_autofree gchar *token_b = NULL, *token_a = NULL;
	const gchar *cluster_id;
	guint status = 0;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	identity = au_public_get(a, "/v1/cluster/identity");
	cluster_id = json_object_get_string_member(gs_object(identity), "cluster_id");
	conf_a = au_public_get(a, "/.well-known/openid-configuration");
	conf_b = au_public_get(b, "/.well-known/openid-configuration");
	g_assert_cmpstr(json_object_get_string_member(gs_object(conf_a), "issuer"), ==,
			json_object_get_string_member(gs_object(conf_b), "issuer"));
	/* each peer's JWKS lists every member's key: wait for B's key to reach A */
	GS_WAIT_FOR(({
		g_autoptr(JsonNode) jwks = au_public_get(a, "/.well-known/jwks.json");
		json_array_get_length(json_object_get_array_member(gs_object(jwks), "keys")) == 2;
	}));
	/* B's tokens are signed by B's key (kid), through A's documents */
	token_b = au_token_for(b, arc_test_agent_get_client_id(a->agent),
			       arc_test_agent_get_client_secret(a->agent), &status);
	g_assert_cmpuint(status, ==, 200);
	au_verify_through(a, conf_a, token_b, cluster_id);
	token_a = au_token_for(a, arc_test_agent_get_client_id(a->agent),
			       arc_test_agent_get_client_secret(a->agent), &status);
	au_verify_through(b, conf_b, token_a, cluster_id);
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) res = arc_test_agent_call(
			a->agent, "GET", "/v1/credentials", token_b, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
}

/* a removed peer's credentials stop working everywhere; the cluster's shared one stays */
static void
au_peer_removal_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	g_autoptr(GsNode) c = gs_node_new(a, NULL);
	GsNode *all[] = {a, b, c};
	g_autofree gchar *path = NULL, *minted_id = NULL, *minted_secret = NULL;
	g_autofree gchar *shared_id = NULL;
	g_autoptr(JsonNode) created = NULL, deleted = NULL, shared = NULL;
	JsonArray *revoked;
	guint status = 0;

	gs_join(a, b);
	gs_join(a, c);
	GS_WAIT_FOR(gs_converged(all, 3));
	created = gs_call(b, "POST", "/v1/credentials", "{\"scopes\": [\"peers.read\"]}", &status);
	g_assert_cmpuint(status, ==, 201);
	minted_id = g_strdup(json_object_get_string_member(gs_object(created), "client_id"));
	minted_secret =
		g_strdup(json_object_get_string_member(gs_object(created), "client_secret"));
	/* it works on C once gossip carried it there */
	GS_WAIT_FOR(({
		g_autofree gchar *t = au_token_for(c, minted_id, minted_secret, &status);
		t != NULL;
	}));
	shared = gs_call(a, "GET", "/v1/cluster/credentials", NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	shared_id = g_strdup(json_object_get_string_member(gs_object(shared), "client_id"));

	path = g_strconcat("/v1/peers/", b->peer_id, NULL);
	deleted = gs_call(a, "DELETE", path, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	revoked = json_object_get_array_member(gs_object(deleted), "revoked_credentials");
	g_assert_nonnull(revoked);
	{
		gboolean has_minted = FALSE;
		for (guint i = 0; i < json_array_get_length(revoked); i++) {
			const gchar *id = json_array_get_string_element(revoked, i);
			g_assert_cmpstr(id, !=, shared_id);
			has_minted |= g_strcmp0(id, minted_id) == 0;
		}
		g_assert_true(has_minted);
	}
	/* at once on A, and on C as the tombstones arrive */
	{
		g_autofree gchar *t = au_token_for(a, minted_id, minted_secret, &status);
		g_assert_null(t);
		g_assert_cmpuint(status, ==, 401);
	}
	GS_WAIT_FOR(au_token_refused(c, minted_id, minted_secret));
	/* the shared credential belongs to the cluster, not to B */
	{
		g_autofree gchar *t =
			au_token_for(c, arc_test_agent_get_client_id(a->agent),
				     arc_test_agent_get_client_secret(a->agent), &status);
		g_assert_nonnull(t);
	}
}

/* a token B signed that A verified and remembered stops working on A the moment A removes B,
 * while A's own tokens, remembered across the same peer change, keep working */
static void
au_removed_signer_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, NULL);
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autofree gchar *token_b = NULL, *token_a = NULL, *path = NULL;
	g_autoptr(JsonNode) deleted = NULL;
	guint status = 0;

	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	GS_WAIT_FOR(({
		g_autoptr(JsonNode) jwks = au_public_get(a, "/.well-known/jwks.json");
		json_array_get_length(json_object_get_array_member(gs_object(jwks), "keys")) == 2;
	}));
	token_b = au_token_for(b, arc_test_agent_get_client_id(a->agent),
			       arc_test_agent_get_client_secret(a->agent), &status);
	g_assert_cmpuint(status, ==, 200);
	token_a = au_token_for(a, arc_test_agent_get_client_id(a->agent),
			       arc_test_agent_get_client_secret(a->agent), &status);
	g_assert_cmpuint(status, ==, 200);
	for (guint i = 0; i < 2; i++) {
		G_GNUC_UNUSED g_autoptr(JsonNode) res_b = arc_test_agent_call(
			a->agent, "GET", "/v1/credentials", token_b, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
	path = g_strconcat("/v1/peers/", b->peer_id, NULL);
	deleted = arc_test_agent_call(a->agent, "DELETE", path, token_a, NULL, &status);
	g_assert_cmpuint(status, ==, 200);
	{
		g_autoptr(JsonNode) res = arc_test_agent_call(a->agent, "GET", "/v1/credentials",
							      token_b, NULL, &status);
		g_assert_cmpuint(status, ==, 401);
		g_assert_cmpstr(json_object_get_string_member(gs_object(res), "error"), ==,
				"token was not issued by a peer of this cluster");
	}
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) res = arc_test_agent_call(
			a->agent, "GET", "/v1/credentials", token_a, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
}

static gchar *
au_issuer_of(GsNode *self)
{
	g_autoptr(JsonNode) conf = au_public_get(self, "/.well-known/openid-configuration");
	return g_strdup(json_object_get_string_member(gs_object(conf), "issuer"));
}

/* [auth] issuer set on A becomes B's issuer too, and B's tokens carry it */
static void
au_issuer_replicated_func(void)
{
	g_autoptr(GsNode) a = gs_node_new(NULL, "[auth]\nissuer=https://arctic.example.com\n");
	g_autoptr(GsNode) b = gs_node_new(a, NULL);
	GsNode *all[] = {a, b};
	g_autoptr(JsonNode) conf_b = NULL;
	g_autofree gchar *token_b = NULL;
	g_autofree gchar *issuer_a = au_issuer_of(a);
	g_autofree gchar *issuer_b_alone = au_issuer_of(b);
	guint status = 0;

	g_assert_cmpstr(issuer_a, ==, "https://arctic.example.com");
	g_assert_cmpstr(issuer_b_alone, !=, issuer_a);
	gs_join(a, b);
	GS_WAIT_FOR(gs_converged(all, 2));
	GS_WAIT_FOR(({
		g_autofree gchar *issuer_b = au_issuer_of(b);
		g_strcmp0(issuer_b, issuer_a) == 0;
	}));
	conf_b = au_public_get(b, "/.well-known/openid-configuration");
	g_assert_cmpstr(json_object_get_string_member(gs_object(conf_b), "token_endpoint"), ==,
			"https://arctic.example.com/v1/oauth/token");
	token_b = au_token_for(b, arc_test_agent_get_client_id(a->agent),
			       arc_test_agent_get_client_secret(a->agent), &status);
	g_assert_cmpuint(status, ==, 200);
	{
		G_GNUC_UNUSED g_autoptr(JsonNode) res = arc_test_agent_call(
			a->agent, "GET", "/v1/credentials", token_b, NULL, &status);
		g_assert_cmpuint(status, ==, 200);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/auth/one-issuer", au_one_issuer_func);
	g_test_add_func("/auth/peer-removal", au_peer_removal_func);
	g_test_add_func("/auth/removed-signer", au_removed_signer_func);
	g_test_add_func("/auth/issuer-replicated", au_issuer_replicated_func);
	return g_test_run();
}
