/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "arc-test-agent.h"
#include "arc-test-assert.h"

/* What systemd and an operator's environment see of the agent: the READY notification only
 * once /readyz passes, STOPPING on SIGTERM, and API_PORT, DATA_DIR and LOG_FORMAT. */

static GSocket *
systemd_notify_socket(const gchar *path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
	GSocket *socket = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
				       G_SOCKET_PROTOCOL_DEFAULT, &error);

	g_assert_no_error(error);
	g_socket_bind(socket, address, FALSE, &error);
	g_assert_no_error(error);
	return socket;
}

static gchar *
systemd_receive(GSocket *socket)
{
	gchar buf[512] = {0};
	g_autoptr(GError) error = NULL;
	gssize n;

	if (!g_socket_condition_timed_wait(socket, G_IO_IN, 10 * G_USEC_PER_SEC, NULL, &error))
		return NULL;
	n = g_socket_receive(socket, buf, sizeof(buf) - 1, NULL, &error);
	g_assert_no_error(error);
	return g_strndup(buf, (gsize)n);
}

static void
systemd_ready_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	/* sun_path is short: not under the test's long isolated directories */
	g_autofree gchar *dir = g_dir_make_tmp("arc-notify-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "notify.sock", NULL);
	g_autoptr(GSocket) socket = systemd_notify_socket(path);
	g_autofree gchar *ready = NULL;
	g_autofree gchar *stopping = NULL;
	g_autoptr(ArcTestResponse) resp = NULL;
	gint status = -1;
	gboolean ok;

	arc_test_agent_setenv(agent, "NOTIFY_SOCKET", path);
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ready = systemd_receive(socket);
	g_assert_nonnull(ready);
	g_assert_nonnull(strstr(ready, "READY=1"));
	/* READY means ready: /readyz passes from that moment */
	resp = arc_test_agent_send(agent, "GET", "/readyz", NULL, NULL, 0, NULL, &error);
	g_assert_no_error(error);
	arc_test_assert_status(resp->status, 200);

	ok = arc_test_agent_stop(agent, &status, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(status, ==, 0);
	stopping = systemd_receive(socket);
	g_assert_nonnull(stopping);
	g_assert_nonnull(strstr(stopping, "STOPPING=1"));
	g_unlink(path);
	g_rmdir(dir);
}

/* JSON log lines: one object per line with time, level, subsystem and msg */
static void
systemd_json_log_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	const gchar *args[] = {"--log-format", "json", NULL};
	g_autofree gchar *log = NULL;
	g_auto(GStrv) lines = NULL;
	guint n_lines = 0;
	gboolean ok;

	arc_test_agent_add_args(agent, args);
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	ok = arc_test_agent_stop(agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	log = arc_test_agent_get_log(agent);
	lines = g_strsplit(log, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonObject *obj;

		if (lines[i][0] == '\0')
			continue;
		ok = json_parser_load_from_data(parser, lines[i], -1, &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		obj = json_node_get_object(json_parser_get_root(parser));
		g_assert_nonnull(obj);
		g_assert_true(json_object_has_member(obj, "time"));
		g_assert_true(json_object_has_member(obj, "level"));
		g_assert_true(json_object_has_member(obj, "subsystem"));
		g_assert_true(json_object_has_member(obj, "msg"));
		n_lines++;
	}
	g_assert_cmpuint(n_lines, >, 0);
}

/* API_PORT, DATA_DIR and LOG_FORMAT as the product documents them, with nothing on the
 * command line to override them */
static void
systemd_environment_func(void)
{
	g_autoptr(ArcTestAgent) agent = arc_test_agent_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("arc-env-XXXXXX", NULL);
	g_autofree gchar *conf = g_build_filename(dir, "agent.conf", NULL);
	g_autofree gchar *data = g_build_filename(dir, "data", NULL);
	g_autofree gchar *rm = g_strdup_printf("rm -rf '%s'", dir);
	g_autofree gchar *db = g_build_filename(data, "arctic.db", NULL);
	g_autofree gchar *port = g_strdup_printf("%u", arc_test_agent_get_port(agent));
	g_autofree gchar *url = NULL;
	g_autofree gchar *text = NULL;
	const gchar *args[] = {"--config",     conf,
			       "--plugin-dir", arc_test_agent_get_plugin_dir(agent),
			       "--no-dbus",    NULL};
	gboolean answered = FALSE;
	gboolean ok;

	/* agent.conf names only the address; the port comes from API_PORT */
	text = g_strdup_printf("[agent]\nlisten=127.0.0.1\nrecovery_token_file=%s/rt\n", dir);
	ok = g_file_set_contents(conf, text, -1, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* through the harness, so that ARC_TEST_AGENT_WRAPPER applies to this agent too */
	arc_test_agent_setenv(agent, "API_PORT", port);
	arc_test_agent_setenv(agent, "DATA_DIR", data);
	arc_test_agent_setenv(agent, "LOG_FORMAT", "json");
	ok = arc_test_agent_spawn(agent, args, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	url = g_strdup_printf("http://127.0.0.1:%s/livez", port);
	for (guint i = 0; i < 100 * arc_test_process_timeout(1) && !answered; i++) {
		g_autoptr(SoupSession) session = soup_session_new();
		g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
		g_autoptr(GBytes) body = NULL;

		soup_session_set_proxy_resolver(session, NULL);
		body = soup_session_send_and_read(session, msg, NULL, NULL);
		answered = soup_message_get_status(msg) == SOUP_STATUS_OK;
		if (!answered)
			g_usleep(50000);
	}
	ok = arc_test_agent_stop(agent, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_true(answered);
	g_assert_true(g_file_test(db, G_FILE_TEST_EXISTS));
	{
		g_autofree gchar *log = arc_test_agent_get_log(agent);
		g_auto(GStrv) lines = g_strsplit(log, "\n", 2);
		const gchar *first = lines[0]; /* NULL: nothing logged */

		g_assert_nonnull(first);
		g_assert_true(g_str_has_prefix(first, "{\"time\":"));
	}
	g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/systemd/ready-notification", systemd_ready_func);
	g_test_add_func("/systemd/json-log", systemd_json_log_func);
	g_test_add_func("/systemd/environment", systemd_environment_func);
	return g_test_run();
}
