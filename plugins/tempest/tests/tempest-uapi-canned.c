/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-unix.h>
#include <sodium.h>
#include <stdio.h>

#include "tempest-uapi-server.h"

/* A wg configuration socket with a fixed interface behind it, for test-tempest-io-netns.sh:
 * `wg show IFNAME` reads the canned state below; every set request the socket accepts is
 * appended to CHANGES-FILE in its canonical form. Runs until SIGTERM or SIGINT.
 *
 * usage: tempest-uapi-canned IFNAME CHANGES-FILE [read-only] */

/* throwaway keys made for this test with `wg genkey`, `wg pubkey`, `wg genpsk` */
#define CANNED_PRIVATE_KEY "48a3c83c1eccfb5620b3149861f6da78ae27eabaa3937feaf50f5352a6030448"
#define CANNED_PEER_KEY "67384809e24addcfb5fdbc23467ed4993b1d4316c61f3a1eab5b0b53c809025d"
#define CANNED_PSK "3f06d8fca91077f0060fe0213a2d1f685b7711f0b54014cf368235f3620f52ee"

static void
canned_hex(const gchar *hex, guint8 *out)
{
	sodium_hex2bin(out, TEMPEST_KEY_LEN, hex, TEMPEST_KEY_LEN * 2, NULL, NULL, NULL);
}

static void
canned_get_cb(TempestUapiSnapshot *snapshot, gpointer user_data)
{
	guint8 key[TEMPEST_KEY_LEN];
	TempestUapiPeerInfo *peer;
	TempestCidr cidr;

	snapshot->has_private_key = TRUE;
	canned_hex(CANNED_PRIVATE_KEY, snapshot->private_key);
	snapshot->listen_port = 51820;
	snapshot->fwmark = 0x42;
	canned_hex(CANNED_PEER_KEY, key);
	peer = tempest_uapi_snapshot_add_peer(snapshot, key);
	canned_hex(CANNED_PSK, peer->preshared_key);
	peer->has_endpoint = tempest_endpoint_parse("127.0.0.1:51821", &peer->endpoint);
	peer->tx_bytes = 2048;
	peer->rx_bytes = 1024;
	peer->persistent_keepalive_interval = 25;
	tempest_cidr_parse("10.77.0.0/16", &cidr);
	tempest_uapi_peer_info_add_allowed_ip(peer, &cidr);
	tempest_cidr_parse("fd77::/64", &cidr);
	tempest_uapi_peer_info_add_allowed_ip(peer, &cidr);
}

static void
canned_set_cb(const TempestUapiChange *change, gint *errno_out, gpointer user_data)
{
	gchar *text = tempest_uapi_change_to_request(change);
	FILE *f = fopen(user_data, "a");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	tempest_uapi_text_free(text);
	*errno_out = 0;
}

static gboolean
canned_quit_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	TempestUapiServerConfig config = {.get = canned_get_cb, .set = canned_set_cb};
	TempestUapiServer *server;

	if (argc < 3) {
		fprintf(stderr, "usage: %s IFNAME CHANGES-FILE [read-only]\n", argv[0]);
		return 2;
	}
	config.user_data = argv[2];
	config.read_only = argc > 3 && g_str_equal(argv[3], "read-only");
	server = tempest_uapi_server_start(NULL, argv[1], &config, &error);
	if (server == NULL) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	printf("%s\n", tempest_uapi_server_get_path(server));
	fflush(stdout);
	g_unix_signal_add(SIGTERM, canned_quit_cb, loop);
	g_unix_signal_add(SIGINT, canned_quit_cb, loop);
	g_main_loop_run(loop);
	tempest_uapi_server_stop(server);
	return 0;
}
