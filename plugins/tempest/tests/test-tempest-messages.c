/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "tempest-messages.h"

typedef struct {
	const gchar *name;
	guint8 type;
	guint8 reserved;
	gsize len;
	TempestMsgError expect;
	TempestMsgType expect_type;
} TempestMsgCase;

static const TempestMsgCase tempest_msg_cases[] = {
	{"initiation", 1, 0, 148, TEMPEST_MSG_OK, TEMPEST_MSG_INITIATION},
	{"initiation-short", 1, 0, 147, TEMPEST_MSG_ERROR_TOO_SHORT, 0},
	{"initiation-long", 1, 0, 149, TEMPEST_MSG_ERROR_LENGTH, 0},
	{"initiation-reserved", 1, 1, 148, TEMPEST_MSG_ERROR_RESERVED, 0},
	{"response", 2, 0, 92, TEMPEST_MSG_OK, TEMPEST_MSG_RESPONSE},
	{"response-short", 2, 0, 91, TEMPEST_MSG_ERROR_TOO_SHORT, 0},
	{"response-long", 2, 0, 148, TEMPEST_MSG_ERROR_LENGTH, 0},
	{"cookie", 3, 0, 64, TEMPEST_MSG_OK, TEMPEST_MSG_COOKIE_REPLY},
	{"cookie-long", 3, 0, 65, TEMPEST_MSG_ERROR_LENGTH, 0},
	{"cookie-reserved", 3, 0x80, 64, TEMPEST_MSG_ERROR_RESERVED, 0},
	{"keepalive", 4, 0, 32, TEMPEST_MSG_OK, TEMPEST_MSG_TRANSPORT},
	{"transport", 4, 0, 1452, TEMPEST_MSG_OK, TEMPEST_MSG_TRANSPORT},
	{"transport-short", 4, 0, 31, TEMPEST_MSG_ERROR_TOO_SHORT, 0},
	{"transport-reserved", 4, 2, 100, TEMPEST_MSG_ERROR_RESERVED, 0},
	{"type-0", 0, 0, 148, TEMPEST_MSG_ERROR_TYPE, 0},
	{"type-5", 5, 0, 148, TEMPEST_MSG_ERROR_TYPE, 0},
	{"type-high", 0x81, 0, 92, TEMPEST_MSG_ERROR_TYPE, 0},
	{"empty", 1, 0, 0, TEMPEST_MSG_ERROR_TOO_SHORT, 0},
};

static void
tempest_msg_classify_func(gconstpointer data)
{
	const TempestMsgCase *c = data;
	g_autofree guint8 *buf = g_malloc0(MAX(c->len, 4));
	TempestMsgType type = 0;

	buf[0] = c->type;
	buf[2] = c->reserved;
	g_assert_cmpstr(tempest_msg_error_to_string(tempest_msg_classify(buf, c->len, &type)), ==,
			tempest_msg_error_to_string(c->expect));
	if (c->expect == TEMPEST_MSG_OK)
		g_assert_cmpint(type, ==, c->expect_type);
}

/* each parser takes only its own type, and points into the buffer it was given */
static void
tempest_msg_parse_func(void)
{
	guint8 buf[200] = {0};
	const TempestMsgInitiation *init = NULL;
	const TempestMsgResponse *resp = NULL;
	const TempestMsgCookieReply *cookie = NULL;
	const TempestMsgTransport *data = NULL;
	gsize sealed = 99;

	tempest_msg_init_initiation((TempestMsgInitiation *)buf, 0xdeadbeef);
	g_assert_cmpint(tempest_msg_parse_initiation(buf, 148, &init), ==, TEMPEST_MSG_OK);
	g_assert_true((const guint8 *)init == buf);
	g_assert_cmpuint(tempest_msg_get_u32(init->sender), ==, 0xdeadbeef);
	g_assert_cmpuint(buf[4], ==, 0xef); /* little-endian on the wire */
	g_assert_cmpint(tempest_msg_parse_response(buf, 148, &resp), ==, TEMPEST_MSG_ERROR_TYPE);
	g_assert_null(resp);
	g_assert_cmpint(tempest_msg_parse_response(buf, 92, &resp), ==, TEMPEST_MSG_ERROR_TYPE);

	tempest_msg_init_response((TempestMsgResponse *)buf, 7, 9);
	g_assert_cmpint(tempest_msg_parse_response(buf, 92, &resp), ==, TEMPEST_MSG_OK);
	g_assert_cmpuint(tempest_msg_get_u32(resp->sender), ==, 7);
	g_assert_cmpuint(tempest_msg_get_u32(resp->receiver), ==, 9);

	tempest_msg_init_cookie_reply((TempestMsgCookieReply *)buf, 0x01020304);
	g_assert_cmpint(tempest_msg_parse_cookie_reply(buf, 64, &cookie), ==, TEMPEST_MSG_OK);
	g_assert_cmpuint(tempest_msg_get_u32(cookie->receiver), ==, 0x01020304);
	g_assert_cmpint(tempest_msg_parse_initiation(buf, 64, &init), ==, TEMPEST_MSG_ERROR_TYPE);
	/* the right type at the wrong length */
	buf[0] = TEMPEST_MSG_INITIATION;
	g_assert_cmpint(tempest_msg_parse_initiation(buf, 64, &init), ==,
			TEMPEST_MSG_ERROR_TOO_SHORT);

	tempest_msg_init_transport((TempestMsgTransport *)buf, 5,
				   G_GUINT64_CONSTANT(0x1122334455667788));
	g_assert_cmpint(tempest_msg_parse_transport(buf, 200, &data, &sealed), ==, TEMPEST_MSG_OK);
	g_assert_cmpuint(sealed, ==, 184);
	g_assert_cmpuint(tempest_msg_get_u64(data->counter), ==,
			 G_GUINT64_CONSTANT(0x1122334455667788));
	g_assert_cmpuint(buf[8], ==, 0x88);
	g_assert_cmpint(tempest_msg_parse_transport(buf, 31, &data, &sealed), ==,
			TEMPEST_MSG_ERROR_TOO_SHORT);
	g_assert_null(data);
	g_assert_cmpuint(sealed, ==, 0);
	g_assert_cmpint(tempest_msg_parse_transport(NULL, 0, &data, &sealed), ==,
			TEMPEST_MSG_ERROR_TOO_SHORT);
}

/* the layouts of the whitepaper, field by field */
static void
tempest_msg_layout_func(void)
{
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgInitiation, ephemeral), ==, 8);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgInitiation, encrypted_static), ==, 40);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgInitiation, encrypted_timestamp), ==, 88);
	g_assert_cmpuint(TEMPEST_MSG_INITIATION_MAC1_OFFSET, ==, 116);
	g_assert_cmpuint(TEMPEST_MSG_INITIATION_MAC2_OFFSET, ==, 132);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgResponse, ephemeral), ==, 12);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgResponse, encrypted_nothing), ==, 44);
	g_assert_cmpuint(TEMPEST_MSG_RESPONSE_MAC1_OFFSET, ==, 60);
	g_assert_cmpuint(TEMPEST_MSG_RESPONSE_MAC2_OFFSET, ==, 76);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgCookieReply, nonce), ==, 8);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgCookieReply, encrypted_cookie), ==, 32);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgTransport, counter), ==, 8);
	g_assert_cmpuint(G_STRUCT_OFFSET(TempestMsgTransport, packet), ==, 16);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(tempest_msg_cases); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/tempest/messages/classify/%s", tempest_msg_cases[i].name);
		g_test_add_data_func(path, &tempest_msg_cases[i], tempest_msg_classify_func);
	}
	g_test_add_func("/tempest/messages/parse", tempest_msg_parse_func);
	g_test_add_func("/tempest/messages/layout", tempest_msg_layout_func);
	return g_test_run();
}
