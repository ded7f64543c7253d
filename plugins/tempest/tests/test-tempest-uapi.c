/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "tempest-uapi.h"

#define KEY_A "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a"
#define KEY_B "c6d3f0e1b2a3948576a8b9cadbecfd0e1f20314253647586978a9bacbdcedfe0"
#define KEY_C "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceae0a78571e6"

static TempestUapiChange *
parse_ok(const gchar *request)
{
	g_autoptr(GError) error = NULL;
	TempestUapiChange *change = NULL;
	TempestUapiOp op = TEMPEST_UAPI_OP_GET;
	gboolean ok = tempest_uapi_parse_request(request, strlen(request), &op, &change, &error);

	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(op, ==, TEMPEST_UAPI_OP_SET);
	return change;
}

static void
test_uapi_set_interface_func(void)
{
	g_autoptr(TempestUapiChange) change = parse_ok("set=1\n"
						       "private_key=" KEY_A "\n"
						       "listen_port=51820\n"
						       "fwmark=0x1f\n"
						       "replace_peers=true\n"
						       "\n");
	guint8 key[TEMPEST_KEY_LEN] = {0xe8, 0x4b, 0x5a};

	g_assert_cmpuint(change->flags, ==,
			 TEMPEST_UAPI_CHANGE_PRIVATE_KEY | TEMPEST_UAPI_CHANGE_LISTEN_PORT |
				 TEMPEST_UAPI_CHANGE_FWMARK | TEMPEST_UAPI_CHANGE_REPLACE_PEERS);
	g_assert_cmpmem(change->private_key, 3, key, 3);
	g_assert_cmpuint(change->private_key[31], ==, 0x7a);
	g_assert_cmpuint(change->listen_port, ==, 51820);
	g_assert_cmpuint(change->fwmark, ==, 31);
	g_assert_cmpuint(change->n_peers, ==, 0);
}

static void
test_uapi_set_peers_func(void)
{
	g_autoptr(TempestUapiChange) change = parse_ok("set=1\n"
						       "fwmark=0\n"
						       "public_key=" KEY_A "\n"
						       "preshared_key=" KEY_B "\n"
						       "endpoint=[fd00::1]:51820\n"
						       "persistent_keepalive_interval=25\n"
						       "allowed_ip=10.9.9.9/8\n"
						       "replace_allowed_ips=true\n"
						       "allowed_ip=192.168.4.0/24\n"
						       "allowed_ip=-fd00::/64\n"
						       "protocol_version=1\n"
						       "public_key=" KEY_B "\n"
						       "update_only=true\n"
						       "endpoint=198.51.100.7:1234\n"
						       "public_key=" KEY_C "\n"
						       "remove=true\n"
						       "\n");
	const TempestUapiPeerChange *peer = &change->peers[0];
	const TempestUapiAllowedIp *ips = tempest_uapi_peer_change_get_allowed_ips(change, peer);
	gchar buf[TEMPEST_ENDPOINT_STRING_MAX];

	g_assert_cmpuint(change->flags, ==, TEMPEST_UAPI_CHANGE_FWMARK);
	g_assert_cmpuint(change->fwmark, ==, 0);
	g_assert_cmpuint(change->n_peers, ==, 3);
	g_assert_cmpuint(peer->public_key[0], ==, 0xe8);
	g_assert_cmpuint(peer->preshared_key[0], ==, 0xc6);
	g_assert_cmpuint(peer->flags, ==,
			 TEMPEST_UAPI_PEER_PRESHARED_KEY | TEMPEST_UAPI_PEER_ENDPOINT |
				 TEMPEST_UAPI_PEER_KEEPALIVE |
				 TEMPEST_UAPI_PEER_REPLACE_ALLOWED_IPS |
				 TEMPEST_UAPI_PEER_PROTOCOL_VERSION);
	g_assert_cmpstr(tempest_endpoint_to_string(&peer->endpoint, buf, sizeof(buf)), ==,
			"[fd00::1]:51820");
	g_assert_cmpuint(peer->persistent_keepalive_interval, ==, 25);
	/* 10.9.9.9/8 came before replace_allowed_ips: dropped with the peer's old networks */
	g_assert_cmpuint(peer->n_allowed_ips, ==, 2);
	g_assert_cmpstr(tempest_cidr_to_string(&ips[0].cidr, buf, sizeof(buf)), ==,
			"192.168.4.0/24");
	g_assert_false(ips[0].remove);
	g_assert_cmpstr(tempest_cidr_to_string(&ips[1].cidr, buf, sizeof(buf)), ==, "fd00::/64");
	g_assert_true(ips[1].remove);

	peer = &change->peers[1];
	g_assert_cmpuint(peer->public_key[0], ==, 0xc6);
	g_assert_cmpuint(peer->flags, ==,
			 TEMPEST_UAPI_PEER_UPDATE_ONLY | TEMPEST_UAPI_PEER_ENDPOINT);
	g_assert_cmpstr(tempest_endpoint_to_string(&peer->endpoint, buf, sizeof(buf)), ==,
			"198.51.100.7:1234");
	g_assert_cmpuint(peer->n_allowed_ips, ==, 0);
	g_assert_cmpuint(change->peers[2].flags, ==, TEMPEST_UAPI_PEER_REMOVE);
}

/* each refused whole, with the errno wireguard-go answers */
static void
test_uapi_set_refused_func(void)
{
	struct {
		const gchar *request;
		gint err;
	} cases[] = {
		{"set=1\nlisten_port=65536\n\n", EINVAL},
		{"set=1\nlisten_port=-1\n\n", EINVAL},
		{"set=1\nlisten_port=\n\n", EINVAL},
		{"set=1\nlisten_port=80 \n\n", EINVAL},
		{"set=1\nfwmark=4294967296\n\n", EINVAL},
		{"set=1\nfwmark=0x100000000\n\n", EINVAL},
		{"set=1\nfwmark=010\n\n", EINVAL},
		{"set=1\nprivate_key=" KEY_A "00\n\n", EINVAL},
		{"set=1\nprivate_key="
		 "zz4b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a\n\n",
		 EINVAL},
		{"set=1\nreplace_peers=false\n\n", EINVAL},
		{"set=1\nbogus=1\n\n", EINVAL},
		{"set=1\nendpoint=1.2.3.4:5\n\n", EINVAL},
		{"set=1\nallowed_ip=10.0.0.0/8\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nlisten_port=1\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nprivate_key=" KEY_B "\n\n", EINVAL},
		{"set=1\npublic_key=abc\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nendpoint=1.2.3.4\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nendpoint=[fd00::1:51820\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nendpoint=fd00::1:51820\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nendpoint=example.com:51820\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nendpoint=1.2.3.4:65536\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nallowed_ip=10.0.0.0/33\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nallowed_ip=10.0.0.0\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nallowed_ip=--10.0.0.0/8\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nremove=yes\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nupdate_only=1\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nreplace_allowed_ips=false\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\nprotocol_version=2\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\npersistent_keepalive_interval=65536\n\n", EINVAL},
		{"set=1\npublic_key=" KEY_A "\npreshared_key=" KEY_B "0\n\n", EINVAL},
		{"set=1\nlisten_port\n\n", EPROTO},
		{"set=1\nlisten_port=1\n", EPROTO},
		{"set=1\nlisten_port=1\n\nlisten_port=2\n\n", EPROTO},
		{"set=1\nlisten_port=1", EPROTO},
		{"set=2\n\n", EPROTO},
		{"SET=1\n\n", EPROTO},
		{"\n\n", EPROTO},
		{"get=1\nx\n\n", EINVAL},
		{"get=1\n\n\n", EINVAL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		TempestUapiChange *change = NULL;
		TempestUapiOp op;
		g_test_message("%u: %s", i, cases[i].request);
		g_assert_false(tempest_uapi_parse_request(
			cases[i].request, strlen(cases[i].request), &op, &change, &error));
		g_assert_error(error, TEMPEST_UAPI_ERROR, error->code);
		g_assert_cmpint(tempest_uapi_error_to_errno(error), ==, cases[i].err);
		g_assert_null(change);
	}
}

static void
test_uapi_set_bounds_func(void)
{
	g_autoptr(GString) request = g_string_new("set=1\npublic_key=" KEY_A "\n");
	g_autoptr(GString) long_line = g_string_new("set=1\nlisten_port=");
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error2 = NULL;
	g_autoptr(GString) nul = g_string_new("set=1\nlisten_port=1");
	g_autoptr(GError) error3 = NULL;

	for (guint i = 0; i <= TEMPEST_UAPI_MAX_ALLOWED_IPS; i++)
		g_string_append_printf(request, "allowed_ip=10.%u.%u.0/24\n", i >> 8 & 0xff,
				       i & 0xff);
	g_string_append_c(request, '\n');
	g_assert_null(tempest_uapi_parse_set(request->str + 6, request->len - 6, &error));
	g_assert_cmpint(tempest_uapi_error_to_errno(error), ==, E2BIG);

	for (guint i = 0; i < TEMPEST_UAPI_MAX_LINE; i++)
		g_string_append_c(long_line, '1');
	g_string_append(long_line, "\n\n");
	g_assert_null(tempest_uapi_parse_set(long_line->str + 6, long_line->len - 6, &error2));
	g_assert_cmpint(tempest_uapi_error_to_errno(error2), ==, E2BIG);

	g_string_append_len(nul, "\0\n\n", 3);
	g_assert_null(tempest_uapi_parse_set(nul->str + 6, nul->len - 6, &error3));
	g_assert_cmpint(tempest_uapi_error_to_errno(error3), ==, EPROTO);
}

static void
test_uapi_request_length_func(void)
{
	const gchar *two = "get=1\n\nset=1\nlisten_port=1\n\n";

	g_assert_cmpuint(tempest_uapi_request_length("get=1\n", 6), ==, 0);
	g_assert_cmpuint(tempest_uapi_request_length("get=1\n\n", 7), ==, 7);
	g_assert_cmpuint(tempest_uapi_request_length(two, strlen(two)), ==, 7);
	g_assert_cmpuint(tempest_uapi_request_length(two + 7, strlen(two) - 7), ==, 21);
	g_assert_cmpuint(tempest_uapi_request_length("set=1\nlisten_port=1\n", 20), ==, 0);
	g_assert_cmpuint(tempest_uapi_request_length("\n\n", 2), ==, 2);
	g_assert_cmpuint(tempest_uapi_request_length("", 0), ==, 0);
}

static void
test_uapi_get_func(void)
{
	g_autoptr(TempestUapiSnapshot) snapshot = tempest_uapi_snapshot_new();
	guint8 key_a[TEMPEST_KEY_LEN];
	guint8 key_b[TEMPEST_KEY_LEN];
	TempestUapiPeerInfo *peer;
	TempestCidr cidr;
	gchar *text;
	gsize len = 0;
	TempestUapiOp op;
	g_autoptr(GError) error = NULL;
	gboolean ok;

	memset(key_a, 0xaa, sizeof(key_a));
	memset(key_b, 0x0b, sizeof(key_b));
	snapshot->has_private_key = TRUE;
	memcpy(snapshot->private_key, key_b, TEMPEST_KEY_LEN);
	snapshot->listen_port = 51820;
	peer = tempest_uapi_snapshot_add_peer(snapshot, key_a);
	peer->has_endpoint = TRUE;
	g_assert_true(tempest_endpoint_parse("[fd00::9]:4", &peer->endpoint));
	peer->last_handshake_time_sec = 1700000000;
	peer->last_handshake_time_nsec = 42;
	peer->tx_bytes = 1000;
	peer->rx_bytes = G_MAXUINT64;
	peer->persistent_keepalive_interval = 25;
	g_assert_true(tempest_cidr_parse("10.0.0.0/8", &cidr));
	tempest_uapi_peer_info_add_allowed_ip(peer, &cidr);
	g_assert_true(tempest_cidr_parse("fd00::/64", &cidr));
	tempest_uapi_peer_info_add_allowed_ip(peer, &cidr);
	peer = tempest_uapi_snapshot_add_peer(snapshot, key_b);

	text = tempest_uapi_snapshot_serialize(snapshot, &len);
	g_assert_cmpstr(
		text, ==,
		"private_key=0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\n"
		"listen_port=51820\n"
		"public_key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
		"protocol_version=1\n"
		"endpoint=[fd00::9]:4\n"
		"last_handshake_time_sec=1700000000\n"
		"last_handshake_time_nsec=42\n"
		"tx_bytes=1000\n"
		"rx_bytes=18446744073709551615\n"
		"persistent_keepalive_interval=25\n"
		"allowed_ip=10.0.0.0/8\n"
		"allowed_ip=fd00::/64\n"
		"public_key=0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b\n"
		"preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
		"protocol_version=1\n"
		"last_handshake_time_sec=0\n"
		"last_handshake_time_nsec=0\n"
		"tx_bytes=0\n"
		"rx_bytes=0\n"
		"persistent_keepalive_interval=0\n"
		"errno=0\n\n");
	g_assert_cmpuint(len, ==, strlen(text));
	tempest_uapi_text_free(text);

	ok = tempest_uapi_parse_request("get=1\n\n", 7, &op, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(op, ==, TEMPEST_UAPI_OP_GET);
}

static void
test_uapi_errno_reply_func(void)
{
	g_autofree gchar *ok = tempest_uapi_errno_reply(0);
	g_autofree gchar *inval = tempest_uapi_errno_reply(EINVAL);

	g_assert_cmpstr(ok, ==, "errno=0\n\n");
	g_assert_cmpstr(inval, ==, "errno=-22\n\n");
}

static void
test_endpoint_parse_func(void)
{
	struct {
		const gchar *text;
		const gchar *canonical;
	} cases[] = {
		{"127.0.0.1:51820", "127.0.0.1:51820"},
		{"[::1]:0", "[::1]:0"},
		{"[fe80::1%1]:7", "[fe80::1%1]:7"},
		{"[::ffff:1.2.3.4]:9", "[::ffff:1.2.3.4]:9"},
		{"[fe80::1%no-such-interface0]:7", NULL},
		{"[fe80::1%]:7", NULL},
		{"[]:7", NULL},
		{"1.2.3.4:", NULL},
		{":80", NULL},
		{"1.2.3.4:+80", NULL},
		{"[1.2.3.4]:80", NULL},
		{"1.2.3.4:80:80", NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		TempestEndpoint endpoint;
		gchar buf[TEMPEST_ENDPOINT_STRING_MAX];
		gboolean ok = tempest_endpoint_parse(cases[i].text, &endpoint);
		g_test_message("%s", cases[i].text);
		g_assert_cmpint(ok, ==, cases[i].canonical != NULL);
		if (ok)
			g_assert_cmpstr(tempest_endpoint_to_string(&endpoint, buf, sizeof(buf)), ==,
					cases[i].canonical);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/tempest/uapi/set-interface", test_uapi_set_interface_func);
	g_test_add_func("/tempest/uapi/set-peers", test_uapi_set_peers_func);
	g_test_add_func("/tempest/uapi/set-refused", test_uapi_set_refused_func);
	g_test_add_func("/tempest/uapi/set-bounds", test_uapi_set_bounds_func);
	g_test_add_func("/tempest/uapi/request-length", test_uapi_request_length_func);
	g_test_add_func("/tempest/uapi/get", test_uapi_get_func);
	g_test_add_func("/tempest/uapi/errno-reply", test_uapi_errno_reply_func);
	g_test_add_func("/tempest/endpoint/parse", test_endpoint_parse_func);
	return g_test_run();
}
