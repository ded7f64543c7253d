/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-jwt.h"

typedef struct {
	gchar *dir;
	ArcIdentity *identity;
} JwtFixture;

static void
jwt_fixture_setup(JwtFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("arc-jwt-XXXXXX", &error);
	g_assert_no_error(error);
	fx->identity = arc_identity_new_random();
	g_assert_nonnull(fx->identity);
}

static void
jwt_fixture_teardown(JwtFixture *fx, gconstpointer data)
{
	g_autofree gchar *path = g_build_filename(fx->dir, "peer.key", NULL);
	g_unlink(path);
	g_rmdir(fx->dir);
	g_free(fx->dir);
	g_clear_object(&fx->identity);
}

static gchar *
jwt_make(JwtFixture *fx, gint64 exp)
{
	g_autoptr(ArcJwt) jwt = arc_jwt_new();
	jwt->kid = g_strdup("peer_01JTESTTESTTESTTESTTESTTE");
	jwt->iss = g_strdup(jwt->kid);
	jwt->sub = g_strdup("cli_01JTESTTESTTESTTESTTESTTE");
	jwt->client_id = g_strdup(jwt->sub);
	jwt->aud = g_strdup("clu_01JTESTTESTTESTTESTTESTTE");
	jwt->scope = g_strdup("urn:tillered:arctic:admin");
	jwt->jti = g_strdup("01JTESTTESTTESTTESTTESTTE1");
	jwt->iat = 1700000000;
	jwt->exp = exp;
	return arc_jwt_encode(jwt, fx->identity);
}

static void
jwt_roundtrip_func(JwtFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = jwt_make(fx, 1700003600);
	g_autoptr(ArcJwt) parsed = arc_jwt_parse(token, strlen(token), &error);
	gboolean ok;

	g_assert_no_error(error);
	g_assert_nonnull(parsed);
	g_assert_cmpstr(parsed->kid, ==, "peer_01JTESTTESTTESTTESTTESTTE");
	g_assert_cmpstr(parsed->sub, ==, "cli_01JTESTTESTTESTTESTTESTTE");
	g_assert_cmpstr(parsed->client_id, ==, "cli_01JTESTTESTTESTTESTTESTTE");
	g_assert_cmpstr(parsed->aud, ==, "clu_01JTESTTESTTESTTESTTESTTE");
	g_assert_cmpstr(parsed->scope, ==, "urn:tillered:arctic:admin");
	g_assert_cmpint(parsed->iat, ==, 1700000000);
	g_assert_cmpint(parsed->exp, ==, 1700003600);
	ok = arc_jwt_verify_signature(parsed, arc_identity_get_public_key(fx->identity), &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
jwt_other_key_func(JwtFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = jwt_make(fx, 1700003600);
	g_autoptr(ArcJwt) parsed = arc_jwt_parse(token, strlen(token), &error);
	guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

	g_assert_no_error(error);
	crypto_sign_keypair(pk, sk);
	g_assert_false(arc_jwt_verify_signature(parsed, pk, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
}

/* a token whose claims were changed after signing: same header, other payload */
static void
jwt_tampered_func(JwtFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *token = jwt_make(fx, 1700003600);
	g_autofree gchar *other = jwt_make(fx, 1900000000);
	g_auto(GStrv) a = g_strsplit(token, ".", -1);
	g_auto(GStrv) b = g_strsplit(other, ".", -1);
	g_autofree gchar *forged = g_strjoin(".", a[0], b[1], a[2], NULL);
	g_autoptr(ArcJwt) parsed = arc_jwt_parse(forged, strlen(forged), &error);

	g_assert_no_error(error);
	g_assert_false(arc_jwt_verify_signature(parsed, arc_identity_get_public_key(fx->identity),
						&error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
}

static gchar *
jwt_b64(const gchar *json)
{
	return arc_base64url_encode((const guint8 *)json, strlen(json));
}

/* RFC 9068 §2.1: the header says what the token is */
static void
jwt_access_token_type_func(JwtFixture *fx, gconstpointer data)
{
	g_autofree gchar *token = jwt_make(fx, 1700003600);
	const gchar *dot = strchr(token, '.');
	g_autofree gchar *header_b64 = g_strndup(token, (gsize)(dot - token));
	gsize len = 0;
	g_autofree guint8 *header = arc_base64url_decode(header_b64, -1, &len);
	g_autofree gchar *header_text = g_strndup((const gchar *)header, len);
	g_autoptr(JsonNode) node = json_from_string(header_text, NULL);
	const gchar *other_types[] = {"{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"peer_x\"}",
				      "{\"alg\":\"EdDSA\",\"kid\":\"peer_x\"}"};

	g_assert_nonnull(node);
	g_assert_cmpstr(json_object_get_string_member(json_node_get_object(node), "typ"), ==,
			"at+jwt");
	for (guint i = 0; i < G_N_ELEMENTS(other_types); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *other = jwt_b64(other_types[i]);
		g_autofree gchar *forged = g_strconcat(other, dot, NULL);
		g_autoptr(ArcJwt) jwt = arc_jwt_parse(forged, strlen(forged), &error);

		g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
		g_assert_null(jwt);
	}
}

static void
jwt_malformed_func(void)
{
	g_autofree gchar *good_header =
		jwt_b64("{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"peer_x\"}");
	g_autofree gchar *none_header = jwt_b64("{\"alg\":\"none\",\"kid\":\"peer_x\"}");
	g_autofree gchar *hs_header = jwt_b64("{\"alg\":\"HS256\",\"kid\":\"peer_x\"}");
	g_autofree gchar *claims = jwt_b64("{\"iss\":\"a\",\"sub\":\"b\",\"client_id\":\"b\","
					   "\"aud\":\"c\",\"scope\":\"d\",\"jti\":\"e\","
					   "\"iat\":1,\"exp\":2}");
	g_autofree gchar *no_client_id = jwt_b64("{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\","
						 "\"scope\":\"d\",\"jti\":\"e\",\"iat\":1,"
						 "\"exp\":2}");
	g_autofree gchar *bad_claims = jwt_b64("{\"iss\":\"a\",\"sub\":\"b\",\"aud\":\"c\","
					       "\"scope\":\"d\",\"jti\":\"e\",\"iat\":\"1\","
					       "\"exp\":2}");
	g_autofree gchar *array_claims = jwt_b64("[1,2]");
	guint8 sig[64] = {0};
	g_autofree gchar *sig_b64 = arc_base64url_encode(sig, sizeof(sig));
	g_autofree gchar *short_sig = arc_base64url_encode(sig, 32);
	g_autofree gchar *huge = g_strnfill(ARC_JWT_MAX_SIZE + 1, 'a');
	const gchar *cases[] = {
		"",
		"abc",
		"a.b",
		"a.b.c.d",
		"!!!.b.c",
		huge,
		g_strjoin(".", none_header, claims, sig_b64, NULL),
		g_strjoin(".", hs_header, claims, sig_b64, NULL),
		g_strjoin(".", good_header, bad_claims, sig_b64, NULL),
		g_strjoin(".", good_header, array_claims, sig_b64, NULL),
		g_strjoin(".", good_header, claims, short_sig, NULL),
		g_strjoin(".", good_header, claims, "", NULL),
		g_strjoin(".", good_header, claims, "====", NULL),
		g_strjoin(".", good_header, no_client_id, sig_b64, NULL),
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcJwt) jwt = arc_jwt_parse(cases[i], strlen(cases[i]), &error);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
		g_assert_null(jwt);
	}
	for (guint i = 6; i < G_N_ELEMENTS(cases); i++)
		g_free((gchar *)cases[i]);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/jwt/roundtrip", JwtFixture, NULL, jwt_fixture_setup, jwt_roundtrip_func,
		   jwt_fixture_teardown);
	g_test_add("/jwt/other-key", JwtFixture, NULL, jwt_fixture_setup, jwt_other_key_func,
		   jwt_fixture_teardown);
	g_test_add("/jwt/tampered", JwtFixture, NULL, jwt_fixture_setup, jwt_tampered_func,
		   jwt_fixture_teardown);
	g_test_add("/jwt/access-token-type", JwtFixture, NULL, jwt_fixture_setup,
		   jwt_access_token_type_func, jwt_fixture_teardown);
	g_test_add_func("/jwt/malformed", jwt_malformed_func);
	return g_test_run();
}
