/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "arc-gossip-message.h"

/* docs/protocol.md §6.3: the signed envelope of gossip messages and the replay guard */

#define GM_FROM "peer_01JAAAAAAAAAAAAAAAAAAAAAAA"
#define GM_TO "peer_01JBBBBBBBBBBBBBBBBBBBBBBB"
#define GM_NOW 1764633600000

typedef struct {
	gchar *dir;
	ArcIdentity *sender;
	ArcIdentity *other;
} GmFixture;

static ArcIdentity *
gm_identity(const gchar *dir, const gchar *name)
{
	return arc_identity_new_random();
}

static void
gm_setup(GmFixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp("arc-gm-XXXXXX", NULL);
	fx->sender = gm_identity(fx->dir, "s.key");
	fx->other = gm_identity(fx->dir, "o.key");
}

static void
gm_teardown(GmFixture *fx, gconstpointer data)
{
	g_autofree gchar *s = g_build_filename(fx->dir, "s.key", NULL);
	g_autofree gchar *o = g_build_filename(fx->dir, "o.key", NULL);
	g_unlink(s);
	g_unlink(o);
	g_rmdir(fx->dir);
	g_free(fx->dir);
	g_clear_object(&fx->sender);
	g_clear_object(&fx->other);
}

static gchar *
gm_build(GmFixture *fx, gint64 timestamp)
{
	g_autoptr(JsonNode) body = json_from_string(
		"{\"registry_hash\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b785"
		"2b855\",\"records\":[{\"kind\":\"peer\",\"id\":\"x\"}]}",
		NULL);
	return arc_gossip_message_build("digest", GM_FROM, GM_TO, timestamp, body, fx->sender,
					NULL);
}

/* what the sender built parses and verifies with its key only */
static void
gm_roundtrip_func(GmFixture *fx, gconstpointer data)
{
	g_autofree gchar *text = gm_build(fx, GM_NOW);
	g_autoptr(ArcGossipMessage) msg = NULL;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	msg = arc_gossip_message_parse(text, strlen(text), &error);
	g_assert_no_error(error);
	g_assert_cmpstr(msg->type, ==, "digest");
	g_assert_cmpstr(msg->from, ==, GM_FROM);
	g_assert_cmpstr(msg->to, ==, GM_TO);
	ok = arc_gossip_message_check_recipient(msg, GM_TO, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* captured on its way to GM_TO and replayed to another peer */
	g_assert_false(arc_gossip_message_check_recipient(msg, GM_FROM, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
	g_assert_nonnull(strstr(error->message, "addressed to another peer"));
	g_clear_error(&error);
	g_assert_cmpint(msg->timestamp, ==, GM_NOW);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(msg->body));
	ok = arc_gossip_message_verify(msg, arc_identity_get_public_key(fx->sender), &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(
		arc_gossip_message_verify(msg, arc_identity_get_public_key(fx->other), &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
}

/* any field altered in transit breaks the signature; formatting does not */
static void
gm_tamper_func(GmFixture *fx, gconstpointer data)
{
	g_autofree gchar *text = gm_build(fx, GM_NOW);
	const gchar *const members[] = {"type", "from", "to", "timestamp", "nonce", "body"};

	for (guint i = 0; i < G_N_ELEMENTS(members); i++) {
		g_autoptr(JsonNode) root = json_from_string(text, NULL);
		JsonObject *obj = json_node_get_object(root);
		g_autofree gchar *altered = NULL;
		g_autoptr(ArcGossipMessage) msg = NULL;
		g_autoptr(GError) error = NULL;

		if (g_strcmp0(members[i], "type") == 0)
			json_object_set_string_member(obj, "type", "records");
		else if (g_strcmp0(members[i], "from") == 0)
			json_object_set_string_member(obj, "from",
						      "peer_01JBBBBBBBBBBBBBBBBBBBBBBB");
		else if (g_strcmp0(members[i], "to") == 0)
			json_object_set_string_member(obj, "to", "peer_01JCCCCCCCCCCCCCCCCCCCCCCC");
		else if (g_strcmp0(members[i], "timestamp") == 0)
			json_object_set_int_member(obj, "timestamp", GM_NOW + 1);
		else if (g_strcmp0(members[i], "nonce") == 0)
			json_object_set_string_member(obj, "nonce", "AAAAAAAAAAAAAAAAAAAAAA==");
		else
			json_object_set_object_member(obj, "body", json_object_new());
		altered = json_to_string(root, TRUE);
		msg = arc_gossip_message_parse(altered, strlen(altered), &error);
		g_assert_no_error(error);
		g_assert_false(arc_gossip_message_verify(
			msg, arc_identity_get_public_key(fx->sender), &error));
		g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
	}
	/* the same message pretty-printed still verifies */
	{
		g_autoptr(JsonNode) root = json_from_string(text, NULL);
		g_autofree gchar *pretty = json_to_string(root, TRUE);
		g_autoptr(ArcGossipMessage) msg =
			arc_gossip_message_parse(pretty, strlen(pretty), NULL);
		g_assert_nonnull(msg);
		g_assert_true(arc_gossip_message_verify(
			msg, arc_identity_get_public_key(fx->sender), NULL));
	}
}

static void
gm_malformed_func(void)
{
	const gchar *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"version\":2}",
		"{\"version\":1,\"type\":\"a b\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\"}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"nobody\"}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"nobody\",\"timestamp\":1}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\",\"timestamp\":-1}",
		/* the same member twice: a reader could see another value than the signer */
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\",\"to\":\"peer_"
		"01JCCCCCCCCCCCCCCCCCCCCCCC\","
		"\"timestamp\":1}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\",\"timestamp\":1,\"body\":[]}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\",\"timestamp\":1,\"body\":{},\"nonce\":"
		"\"short\",\"signature\":\"x\"}",
		"{\"version\":1,\"type\":\"digest\",\"from\":\"peer_01JAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"to\":\"peer_01JBBBBBBBBBBBBBBBBBBBBBBB\",\"timestamp\":1,\"body\":{\"n\":1e999},"
		"\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
		"\"signature\":"
		"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAA==\"}",
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(ArcGossipMessage) msg =
			arc_gossip_message_parse(bad[i], strlen(bad[i]), &error);
		g_test_message("%s", bad[i]);
		g_assert_null(msg);
		g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	}
}

/* a message counts once, and only while the clocks agree */
static void
gm_replay_func(GmFixture *fx, gconstpointer data)
{
	g_autoptr(ArcGossipReplayGuard) guard = arc_gossip_replay_guard_new(30000);
	g_autofree gchar *text = gm_build(fx, GM_NOW);
	g_autofree gchar *old = gm_build(fx, GM_NOW - 31000);
	g_autofree gchar *future = gm_build(fx, GM_NOW + 31000);
	g_autoptr(ArcGossipMessage) msg = arc_gossip_message_parse(text, strlen(text), NULL);
	g_autoptr(ArcGossipMessage) msg_old = arc_gossip_message_parse(old, strlen(old), NULL);
	g_autoptr(ArcGossipMessage) msg_future =
		arc_gossip_message_parse(future, strlen(future), NULL);
	g_autoptr(GError) error = NULL;
	gboolean ok;

	ok = arc_gossip_replay_guard_check(guard, msg, GM_NOW, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(arc_gossip_replay_guard_check(guard, msg, GM_NOW + 10, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
	g_assert_nonnull(strstr(error->message, "replayed"));
	g_clear_error(&error);
	g_assert_false(arc_gossip_replay_guard_check(guard, msg_old, GM_NOW, &error));
	g_assert_nonnull(strstr(error->message, "behind"));
	g_clear_error(&error);
	g_assert_false(arc_gossip_replay_guard_check(guard, msg_future, GM_NOW, &error));
	g_assert_nonnull(strstr(error->message, "ahead"));
	g_clear_error(&error);
	/* later the replay is refused by the window, and the guard has forgotten the nonce */
	g_assert_false(arc_gossip_replay_guard_check(guard, msg, GM_NOW + 60000, &error));
	g_clear_error(&error);
	{
		g_autofree gchar *fresh = gm_build(fx, GM_NOW + 60000);
		g_autoptr(ArcGossipMessage) msg_fresh =
			arc_gossip_message_parse(fresh, strlen(fresh), NULL);
		g_assert_true(
			arc_gossip_replay_guard_check(guard, msg_fresh, GM_NOW + 60000, NULL));
	}
	g_assert_cmpuint(arc_gossip_replay_guard_get_size(guard), ==, 1);
}

/* the guard says why it refused with a code, whatever its message says: the metric label
 * `result` comes from it */
static void
gm_replay_refusal_func(GmFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcGossipReplayGuard) guard = arc_gossip_replay_guard_new(30000);
	g_autofree gchar *text = gm_build(fx, GM_NOW);
	g_autofree gchar *old = gm_build(fx, GM_NOW - 31000);
	g_autoptr(ArcGossipMessage) msg = arc_gossip_message_parse(text, strlen(text), NULL);
	g_autoptr(ArcGossipMessage) msg_old = arc_gossip_message_parse(old, strlen(old), NULL);
	ArcGossipReplayRefusal refusal = ARC_GOSSIP_REPLAY_REPLAYED;
	g_autoptr(GError) error = NULL;

	ok = arc_gossip_replay_guard_check_full(guard, msg, GM_NOW, &refusal, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(refusal, ==, ARC_GOSSIP_REPLAY_ACCEPTED);
	g_assert_false(
		arc_gossip_replay_guard_check_full(guard, msg, GM_NOW + 10, &refusal, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
	g_assert_cmpint(refusal, ==, ARC_GOSSIP_REPLAY_REPLAYED);
	g_assert_cmpstr(arc_gossip_replay_refusal_to_string(refusal), ==, "replayed");
	g_clear_error(&error);
	g_assert_false(
		arc_gossip_replay_guard_check_full(guard, msg_old, GM_NOW, &refusal, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_UNAUTHORIZED);
	g_assert_cmpint(refusal, ==, ARC_GOSSIP_REPLAY_CLOCK_SKEW);
	g_assert_cmpstr(arc_gossip_replay_refusal_to_string(refusal), ==, "clock_skew");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/gossip-message/roundtrip", GmFixture, NULL, gm_setup, gm_roundtrip_func,
		   gm_teardown);
	g_test_add("/gossip-message/tamper", GmFixture, NULL, gm_setup, gm_tamper_func,
		   gm_teardown);
	g_test_add_func("/gossip-message/malformed", gm_malformed_func);
	g_test_add("/gossip-message/replay", GmFixture, NULL, gm_setup, gm_replay_func,
		   gm_teardown);
	g_test_add("/gossip-message/replay-refusal", GmFixture, NULL, gm_setup,
		   gm_replay_refusal_func, gm_teardown);
	return g_test_run();
}
