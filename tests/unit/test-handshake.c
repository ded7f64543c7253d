/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-handshake.h"

#define HS_VECTOR_SIG_A                                                                            \
	"48802b4b12e1aa9d7afeb23ad79367a20f200d282b9d4393f119bf231fc570a5"                         \
	"2d358b67cb118892902ce9b1cb5960a868dd8d91ac251e4a435f806d1aa85f0c"
#define HS_VECTOR_SIG_B                                                                            \
	"90d8083f9cc0b81f634a5df5f046bbcdccfb0bad5bb677563f90a8a41e6dc646"                         \
	"43547f32ce64c0b3f316dd33faaf391d0f3852e1fabea93fefcabeb032daa508"
#define LICENSE_JSON "{\"customer_id\":\"cust_x\",\"license_id\":\"lic_x\"}"

typedef struct {
	gchar *dir;
	ArcIdentity *id_a;
	ArcIdentity *id_b;
	ArcHandshakePeer *peer_a;
	ArcHandshakePeer *peer_b;
	guint8 challenge_a[ARC_HANDSHAKE_CHALLENGE_SIZE];
	guint8 challenge_b[ARC_HANDSHAKE_CHALLENGE_SIZE];
	ArcHandshakeTranscript transcript;
} HsFixture;

static ArcIdentity *
hs_identity(const gchar *dir, const gchar *name)
{
	return arc_identity_new_random();
}

static void
hs_setup(HsFixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp("arc-hs-XXXXXX", NULL);
	fx->id_a = hs_identity(fx->dir, "a.key");
	fx->id_b = hs_identity(fx->dir, "b.key");
	fx->peer_a =
		arc_handshake_peer_new("peer_01JAAAAAAAAAAAAAAAAAAAAAAA", "a", "127.0.0.1:8080",
				       arc_identity_get_public_key(fx->id_a), LICENSE_JSON);
	fx->peer_b =
		arc_handshake_peer_new("peer_01JBBBBBBBBBBBBBBBBBBBBBBB", "b", "127.0.0.2:8080",
				       arc_identity_get_public_key(fx->id_b), LICENSE_JSON);
	randombytes_buf(fx->challenge_a, sizeof(fx->challenge_a));
	randombytes_buf(fx->challenge_b, sizeof(fx->challenge_b));
	fx->transcript = (ArcHandshakeTranscript){
		.initiator = fx->peer_a,
		.initiator_license_id = "lic_x",
		.responder = fx->peer_b,
		.responder_license_id = "lic_x",
		.challenge_a = fx->challenge_a,
		.challenge_b = fx->challenge_b,
		.session = "hs_01JCCCCCCCCCCCCCCCCCCCCCCC",
	};
}

static void
hs_teardown(HsFixture *fx, gconstpointer data)
{
	g_autofree gchar *rm = g_strdup_printf("rm -rf '%s'", fx->dir);
	g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
	g_clear_object(&fx->id_a);
	g_clear_object(&fx->id_b);
	arc_handshake_peer_free(fx->peer_a);
	arc_handshake_peer_free(fx->peer_b);
	g_free(fx->dir);
}

static void
hs_assert_peer_equal(const ArcHandshakePeer *a, const ArcHandshakePeer *b)
{
	g_assert_cmpstr(a->peer_id, ==, b->peer_id);
	g_assert_cmpstr(a->name, ==, b->name);
	g_assert_cmpstr(a->address, ==, b->address);
	g_assert_cmpstr(a->public_key, ==, b->public_key);
	g_assert_cmpmem(a->key, sizeof(a->key), b->key, sizeof(b->key));
	g_assert_cmpstr(a->license, ==, b->license);
}

static void
hs_roundtrip_func(HsFixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint8 sig[ARC_IDENTITY_SIGNATURE_SIZE];
	g_autofree gchar *hello = arc_handshake_hello_to_json(fx->peer_a, fx->challenge_a, FALSE);
	g_autofree gchar *reply = NULL;
	g_autofree gchar *confirm = NULL;
	g_autoptr(ArcHandshakeMessage) m1 = arc_handshake_parse_hello(hello, strlen(hello), &error);
	g_autoptr(ArcHandshakeMessage) m2 = NULL;
	g_autoptr(ArcHandshakeMessage) m3 = NULL;
	gboolean ok;

	g_assert_no_error(error);
	hs_assert_peer_equal(m1->peer, fx->peer_a);
	g_assert_cmpmem(m1->challenge, 32, fx->challenge_a, 32);

	arc_handshake_sign(&fx->transcript, ARC_HANDSHAKE_ROLE_RESPONDER, fx->id_b, sig);
	reply = arc_handshake_reply_to_json(fx->transcript.session, fx->peer_b, fx->challenge_b,
					    sig);
	m2 = arc_handshake_parse_reply(reply, strlen(reply), &error);
	g_assert_no_error(error);
	hs_assert_peer_equal(m2->peer, fx->peer_b);
	g_assert_cmpstr(m2->session, ==, fx->transcript.session);
	g_assert_cmpmem(m2->signature, 64, sig, 64);
	ok = arc_handshake_verify(&fx->transcript, ARC_HANDSHAKE_ROLE_RESPONDER, m2->peer->key,
				  m2->signature, &error);
	g_assert_no_error(error);
	g_assert_true(ok);

	arc_handshake_sign(&fx->transcript, ARC_HANDSHAKE_ROLE_INITIATOR, fx->id_a, sig);
	confirm = arc_handshake_confirm_to_json(fx->transcript.session, sig);
	m3 = arc_handshake_parse_confirm(confirm, strlen(confirm), &error);
	g_assert_no_error(error);
	ok = arc_handshake_verify(&fx->transcript, ARC_HANDSHAKE_ROLE_INITIATOR, fx->peer_a->key,
				  m3->signature, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
hs_assert_refused(HsFixture *fx, const ArcHandshakeTranscript *t, ArcHandshakeRole role,
		  const guint8 *key, const guint8 *sig)
{
	g_autoptr(GError) error = NULL;
	g_assert_false(arc_handshake_verify(t, role, key, sig, &error));
	g_assert_error(error, ARC_HANDSHAKE_ERROR, ARC_HANDSHAKE_REASON_INVALID_SIGNATURE);
	g_assert_cmpstr(error->message, ==, "handshake failed: invalid signature");
}

/* the signature binds every field of the transcript, the role and the key */
static void
hs_binding_func(HsFixture *fx, gconstpointer data)
{
	guint8 sig[ARC_IDENTITY_SIGNATURE_SIZE];
	guint8 other_challenge[ARC_HANDSHAKE_CHALLENGE_SIZE] = {0};
	g_autoptr(ArcHandshakePeer) moved = arc_handshake_peer_new(
		fx->peer_a->peer_id, "a", "127.0.0.9:8080", fx->peer_a->key, LICENSE_JSON);
	g_autoptr(ArcHandshakePeer) renamed =
		arc_handshake_peer_new("peer_01JDDDDDDDDDDDDDDDDDDDDDDD", "a", fx->peer_a->address,
				       fx->peer_a->key, LICENSE_JSON);
	ArcHandshakeTranscript t;

	arc_handshake_sign(&fx->transcript, ARC_HANDSHAKE_ROLE_RESPONDER, fx->id_b, sig);
	hs_assert_refused(fx, &fx->transcript, ARC_HANDSHAKE_ROLE_INITIATOR, fx->peer_b->key, sig);
	hs_assert_refused(fx, &fx->transcript, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_a->key, sig);
	t = fx->transcript;
	t.challenge_a = other_challenge;
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.challenge_b = other_challenge;
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.initiator = moved;
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.initiator = renamed;
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.responder_license_id = "lic_y";
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.initiator_license_id = "lic_y";
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	t = fx->transcript;
	t.session = "hs_01JEEEEEEEEEEEEEEEEEEEEEEE";
	hs_assert_refused(fx, &t, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
	sig[0] ^= 1;
	hs_assert_refused(fx, &fx->transcript, ARC_HANDSHAKE_ROLE_RESPONDER, fx->peer_b->key, sig);
}

static void
hs_malformed_func(void)
{
	const gchar *key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	const gchar *ch = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	g_autofree gchar *good_peer = g_strdup_printf(
		"{\"peer_id\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\",\"name\":\"a\",\"address\":"
		"\"127.0.0.1:8080\",\"public_key\":\"%s\",\"license\":{}}",
		key);
	g_autofree gchar *good =
		g_strdup_printf("{\"version\":1,\"peer\":%s,\"challenge\":\"%s\"}", good_peer, ch);
	const gchar *bad[] = {
		"{}",
		"{\"version\":2,\"peer\":{},\"challenge\":\"\"}",
		"{\"version\":\"1\"}",
		"{\"version\":1,\"peer\":[],\"challenge\":\"AA==\"}",
		"{\"version\":1,\"peer\":{\"peer_id\":\"x\"},\"challenge\":\"AA==\"}",
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcHandshakeMessage) ok = arc_handshake_parse_hello(good, strlen(good), &error);
	const gchar *subst[][2] = {
		{"127.0.0.1:8080", "127.0.0.1"},
		{"127.0.0.1:8080", "127.0.0.1:0"},
		{"127.0.0.1:8080", "a b:80"},
		{"peer_01JAAAAAAAAAAAAAAAAAAAAAAA", "clu_01JAAAAAAAAAAAAAAAAAAAAAAA"},
		{"\"license\":{}", "\"license\":\"{}\""},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"license",
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\",\"license"},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}", "AAAA\"}"},
		/* a name that would drive the operator's terminal or read as another */
		{"\"name\":\"a\"", "\"name\":\"a\\u001b[2J\""},
		{"\"name\":\"a\"", "\"name\":\"a\\u202eb\""},
		/* a member twice, at any depth (docs/protocol.md §1) */
		{"{\"version\":1,", "{\"version\":1,\"version\":1,"},
		{"\"name\":\"a\"", "\"name\":\"a\",\"n\\u0061me\":\"b\""},
		{"\"license\":{}", "\"license\":{\"x\":1,\"x\":2}"},
	};

	g_assert_no_error(error);
	g_assert_nonnull(ok);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) e = NULL;
		g_autoptr(ArcHandshakeMessage) m =
			arc_handshake_parse_hello(bad[i], strlen(bad[i]), &e);
		g_assert_error(e, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_null(m);
	}
	/* one field at a time made wrong in an otherwise good hello */
	for (guint i = 0; i < G_N_ELEMENTS(subst); i++) {
		g_autoptr(GError) e = NULL;
		g_autoptr(GString) text = g_string_new(good);
		g_autoptr(ArcHandshakeMessage) m = NULL;
		g_assert_cmpuint(g_string_replace(text, subst[i][0], subst[i][1], 1), ==, 1);
		m = arc_handshake_parse_hello(text->str, text->len, &e);
		g_assert_error(e, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
		g_assert_null(m);
	}
}

/* The test vector of docs/protocol.md §5.3: fixed keys, challenges and ids give these bytes
 * and this signature, so another implementation can check itself against ours. */
static ArcIdentity *
hs_identity_from_seed(const gchar *dir, const gchar *name, guint8 first)
{
	guint8 seed[32];

	for (guint i = 0; i < sizeof(seed); i++)
		seed[i] = (guint8)(first + i);
	return arc_identity_new_from_seed(NULL, seed);
}

static void
hs_vector_func(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("arc-hs-XXXXXX", NULL);
	g_autoptr(ArcIdentity) id_a = hs_identity_from_seed(dir, "a.key", 0x00);
	g_autoptr(ArcIdentity) id_b = hs_identity_from_seed(dir, "b.key", 0x20);
	g_autoptr(ArcHandshakePeer) a =
		arc_handshake_peer_new("peer_01JAAAAAAAAAAAAAAAAAAAAAAA", "a", "10.0.0.1:8080",
				       arc_identity_get_public_key(id_a), LICENSE_JSON);
	g_autoptr(ArcHandshakePeer) b =
		arc_handshake_peer_new("peer_01JBBBBBBBBBBBBBBBBBBBBBBB", "b", "10.0.0.2:8080",
				       arc_identity_get_public_key(id_b), LICENSE_JSON);
	guint8 ca[32], cb[32], sig_a[64], sig_b[64];
	gchar hex_a[129], hex_b[129];
	ArcHandshakeTranscript t;
	g_autofree gchar *bytes = NULL;
	gsize len = 0;
	const gchar expected[] =
		"arctic-handshake-v1\0initiator\0"
		"{\"challenge_a\":\"ERERERERERERERERERERERERERERERERERERERERERE=\","
		"\"challenge_b\":\"IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=\","
		"\"initiator\":{\"address\":\"10.0.0.1:8080\",\"license_id\":\"lic_x\","
		"\"name\":\"a\",\"peer_id\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"public_key\":\"A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\"},"
		"\"responder\":{\"address\":\"10.0.0.2:8080\",\"license_id\":\"lic_x\","
		"\"name\":\"b\",\"peer_id\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\","
		"\"public_key\":\"Kay64UG8yvCyLhqU000LxzYeUm0L/hLIl5S8kyKWbdc=\"},"
		"\"session\":\"hs_00112233445566778899aabbccddeeff\"}";

	memset(ca, 0x11, sizeof(ca));
	memset(cb, 0x22, sizeof(cb));
	t = (ArcHandshakeTranscript){
		.initiator = a,
		.initiator_license_id = "lic_x",
		.responder = b,
		.responder_license_id = "lic_x",
		.challenge_a = ca,
		.challenge_b = cb,
		.session = "hs_00112233445566778899aabbccddeeff",
	};
	bytes = arc_handshake_transcript_bytes(&t, ARC_HANDSHAKE_ROLE_INITIATOR, &len);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_INITIATOR, id_a, sig_a);
	arc_handshake_sign(&t, ARC_HANDSHAKE_ROLE_RESPONDER, id_b, sig_b);
	sodium_bin2hex(hex_a, sizeof(hex_a), sig_a, sizeof(sig_a));
	sodium_bin2hex(hex_b, sizeof(hex_b), sig_b, sizeof(sig_b));
	if (g_getenv("ARC_PRINT_VECTOR") != NULL)
		g_printerr("A %s\nB %s\nkey A %s\nkey B %s\n", hex_a, hex_b,
			   arc_identity_get_public_key_base64(id_a),
			   arc_identity_get_public_key_base64(id_b));
	g_assert_cmpuint(len, ==, sizeof(expected) - 1);
	g_assert_cmpmem(bytes, len, expected, sizeof(expected) - 1);
	g_assert_cmpstr(hex_a, ==, HS_VECTOR_SIG_A);
	g_assert_cmpstr(hex_b, ==, HS_VECTOR_SIG_B);
	g_rmdir(dir);
}

/* the address of an identity record: host:port, or https://host:port for an agent whose API
 * speaks TLS (docs/tls.md) */
static void
hs_address_func(void)
{
	const struct {
		const gchar *address;
		gboolean valid;
		const gchar *host_port;
	} table[] = {
		{"10.0.0.1:8080", TRUE, "10.0.0.1:8080"},
		{"[fd00::1]:8080", TRUE, "[fd00::1]:8080"},
		{"https://10.0.0.1:8443", TRUE, "10.0.0.1:8443"},
		{"HTTPS://agent-b.example:8443", TRUE, "agent-b.example:8443"},
		{"https://[fd00::1]:8443", TRUE, "[fd00::1]:8443"},
		{"https://10.0.0.1", FALSE, "10.0.0.1"},
		{"https://", FALSE, ""},
		{"10.0.0.1", FALSE, "10.0.0.1"},
		{"10.0.0.1:0", FALSE, "10.0.0.1:0"},
		{"https://a b:8443", FALSE, "a b:8443"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_test_message("%s", table[i].address);
		g_assert_cmpint(arc_handshake_address_is_valid(table[i].address), ==,
				table[i].valid);
		g_assert_cmpstr(arc_handshake_address_host_port(table[i].address), ==,
				table[i].host_port);
		g_assert_cmpint(arc_handshake_address_is_tls(table[i].address), ==,
				g_ascii_strncasecmp(table[i].address, "https://", 8) == 0);
	}
	g_assert_false(arc_handshake_address_is_valid(NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/handshake/roundtrip", HsFixture, NULL, hs_setup, hs_roundtrip_func,
		   hs_teardown);
	g_test_add("/handshake/binding", HsFixture, NULL, hs_setup, hs_binding_func, hs_teardown);
	g_test_add_func("/handshake/malformed", hs_malformed_func);
	g_test_add_func("/handshake/vector", hs_vector_func);
	g_test_add_func("/handshake/address", hs_address_func);
	return g_test_run();
}
