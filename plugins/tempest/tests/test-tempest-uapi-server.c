/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tempest-uapi-server.h"

/* The socket server in a temporary directory: what a wg-speaking client sees. */

typedef struct {
	gchar *dir;
	GMutex lock;
	GPtrArray *changes; /* canonical requests the set callback received */
	gint set_errno;
	TempestUapiServer *server;
} Fixture;

static void
fixture_get_cb(TempestUapiSnapshot *snapshot, gpointer user_data)
{
	guint8 key[TEMPEST_KEY_LEN];

	memset(key, 0x11, sizeof(key));
	snapshot->listen_port = 4242;
	tempest_uapi_snapshot_add_peer(snapshot, key);
}

static void
fixture_set_cb(const TempestUapiChange *change, gint *errno_out, gpointer user_data)
{
	Fixture *fixture = user_data;

	g_mutex_lock(&fixture->lock);
	g_ptr_array_add(fixture->changes, tempest_uapi_change_to_request(change));
	*errno_out = fixture->set_errno;
	g_mutex_unlock(&fixture->lock);
}

static TempestUapiServerConfig
fixture_config(Fixture *fixture)
{
	return (TempestUapiServerConfig){
		.get = fixture_get_cb,
		.set = fixture_set_cb,
		.user_data = fixture,
		.timeout_ms = 500,
		.max_request = 64 * 1024,
	};
}

static void
fixture_set_up(Fixture *fixture, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	TempestUapiServerConfig config = fixture_config(fixture);

	fixture->dir = g_dir_make_tmp("tempest-uapi-XXXXXX", &error);
	g_assert_no_error(error);
	g_assert_no_errno(chmod(fixture->dir, 0755));
	g_mutex_init(&fixture->lock);
	fixture->changes = g_ptr_array_new_with_free_func((GDestroyNotify)tempest_uapi_text_free);
	config.read_only = GPOINTER_TO_INT(data);
	fixture->server = tempest_uapi_server_start(fixture->dir, "tio0", &config, &error);
	g_assert_no_error(error);
	g_assert_nonnull(fixture->server);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer data)
{
	g_autofree gchar *path = g_build_filename(fixture->dir, "tio0.sock", NULL);

	g_clear_pointer(&fixture->server, tempest_uapi_server_stop);
	/* stop removes the socket */
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	g_rmdir(fixture->dir);
	g_free(fixture->dir);
	g_ptr_array_unref(fixture->changes);
	g_mutex_clear(&fixture->lock);
}

static gint
client_connect(const gchar *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	gint fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 5};

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
	g_assert_no_errno(connect(fd, (struct sockaddr *)&addr, sizeof(addr)));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* sends @request, reads until the answer's empty line (or EOF) */
static gchar *
client_exchange(gint fd, const gchar *request)
{
	GString *answer = g_string_new(NULL);
	gchar buf[4096];

	if (request != NULL)
		g_assert_cmpint(send(fd, request, strlen(request), MSG_NOSIGNAL), ==,
				(gssize)strlen(request));
	while (answer->len < 2 || !g_str_has_suffix(answer->str, "\n\n")) {
		gssize got = recv(fd, buf, sizeof(buf), 0);
		if (got <= 0)
			break;
		g_string_append_len(answer, buf, got);
	}
	return g_string_free(answer, FALSE);
}

static void
test_server_get_set_func(Fixture *fixture, gconstpointer data)
{
	const gchar *path = tempest_uapi_server_get_path(fixture->server);
	gint fd = client_connect(path);
	g_autofree gchar *get = client_exchange(fd, "get=1\n\n");
	g_autofree gchar *set = NULL;
	g_autofree gchar *bad = NULL;
	g_autofree gchar *again = NULL;
	struct stat st;

	g_assert_no_errno(stat(path, &st));
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
	g_assert_true(g_str_has_prefix(get, "listen_port=4242\npublic_key=1111"));
	g_assert_true(g_str_has_suffix(get, "persistent_keepalive_interval=0\nerrno=0\n\n"));

	/* several requests on one connection, as wireguard-go serves them */
	set = client_exchange(fd, "set=1\nlisten_port=7\nfwmark=0x20\n\n");
	g_assert_cmpstr(set, ==, "errno=0\n\n");
	bad = client_exchange(fd, "set=1\nlisten_port=70000\n\n");
	g_assert_cmpstr(bad, ==, "errno=-22\n\n");
	fixture->set_errno = EADDRINUSE;
	again = client_exchange(fd, "set=1\nlisten_port=8\n\n");
	g_assert_cmpstr(again, ==, "errno=-98\n\n");
	close(fd);

	/* the refused request never reached the device */
	g_assert_cmpuint(fixture->changes->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(fixture->changes, 0), ==,
			"set=1\nlisten_port=7\nfwmark=32\n\n");
	g_assert_cmpstr(g_ptr_array_index(fixture->changes, 1), ==, "set=1\nlisten_port=8\n\n");
}

static void
test_server_read_only_func(Fixture *fixture, gconstpointer data)
{
	gint fd = client_connect(tempest_uapi_server_get_path(fixture->server));
	g_autofree gchar *set = client_exchange(fd, "set=1\nlisten_port=7\n\n");
	g_autofree gchar *get = client_exchange(fd, "get=1\n\n");

	g_assert_cmpstr(set, ==, "errno=-1\n\n");
	g_assert_true(g_str_has_suffix(get, "errno=0\n\n"));
	g_assert_cmpuint(fixture->changes->len, ==, 0);
	close(fd);
}

static void
test_server_bad_client_func(Fixture *fixture, gconstpointer data)
{
	const gchar *path = tempest_uapi_server_get_path(fixture->server);
	gint fd = client_connect(path);
	g_autofree gchar *unknown = client_exchange(fd, "hello=1\n\n");
	g_autoptr(GString) huge = g_string_new("set=1\n");
	g_autofree gchar *too_big = NULL;
	g_autofree gchar *idle = NULL;
	gint64 start;

	/* an unknown operation: the connection ends without an answer */
	g_assert_cmpstr(unknown, ==, "");
	close(fd);

	/* a request over the limit: E2BIG, then the end */
	fd = client_connect(path);
	while (huge->len < 70 * 1024)
		g_string_append(huge, "listen_port=1\n");
	too_big = client_exchange(fd, huge->str);
	g_assert_cmpstr(too_big, ==, "errno=-7\n\n");
	close(fd);

	/* a client that says nothing is dropped after the timeout */
	fd = client_connect(path);
	start = g_get_monotonic_time();
	idle = client_exchange(fd, "set=1\n");
	g_assert_cmpstr(idle, ==, "");
	g_assert_cmpint(g_get_monotonic_time() - start, >=, 400 * 1000);
	close(fd);

	/* and the server still answers */
	fd = client_connect(path);
	g_free(idle);
	idle = client_exchange(fd, "get=1\n\n");
	g_assert_true(g_str_has_suffix(idle, "errno=0\n\n"));
	close(fd);
}

static void
test_server_refuses_path_func(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) error2 = NULL;
	g_autoptr(GError) error3 = NULL;
	g_autoptr(GError) error4 = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("tempest-uapi-XXXXXX", NULL);
	g_autofree gchar *file = g_build_filename(dir, "tio1.sock", NULL);
	g_autofree gchar *open_dir = g_build_filename(dir, "open", NULL);
	Fixture fixture = {0};
	TempestUapiServerConfig config = fixture_config(&fixture);
	TempestUapiServer *first;

	g_assert_no_errno(chmod(dir, 0755));
	/* a file that is not a socket is not ours to replace */
	g_assert_true(g_file_set_contents(file, "x", 1, NULL));
	g_assert_null(tempest_uapi_server_start(dir, "tio1", &config, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS);
	g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
	g_unlink(file);

	/* a socket served by someone else stays theirs */
	first = tempest_uapi_server_start(dir, "tio1", &config, NULL);
	g_assert_nonnull(first);
	g_assert_null(tempest_uapi_server_start(dir, "tio1", &config, &error2));
	g_assert_error(error2, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
	tempest_uapi_server_stop(first);

	/* a directory others may write to */
	g_assert_no_errno(g_mkdir(open_dir, 0777));
	g_assert_no_errno(chmod(open_dir, 0777));
	g_assert_null(tempest_uapi_server_start(open_dir, "tio1", &config, &error3));
	g_assert_error(error3, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
	g_rmdir(open_dir);

	g_assert_null(tempest_uapi_server_start(dir, "../x", &config, &error4));
	g_assert_error(error4, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
	g_rmdir(dir);
}

static void
test_server_stale_socket_func(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("tempest-uapi-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "tio2.sock", NULL);
	g_autoptr(GError) error = NULL;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	Fixture fixture = {0};
	TempestUapiServerConfig config = fixture_config(&fixture);
	TempestUapiServer *server;
	gint fd = socket(AF_UNIX, SOCK_STREAM, 0);

	/* a socket nobody listens on any more, as a crashed process leaves it */
	g_assert_no_errno(chmod(dir, 0755));
	g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
	g_assert_no_errno(bind(fd, (struct sockaddr *)&addr, sizeof(addr)));
	close(fd);
	server = tempest_uapi_server_start(dir, "tio2", &config, &error);
	g_assert_no_error(error);
	tempest_uapi_server_stop(server);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add("/tempest/uapi-server/get-set", Fixture, GINT_TO_POINTER(FALSE), fixture_set_up,
		   test_server_get_set_func, fixture_tear_down);
	g_test_add("/tempest/uapi-server/read-only", Fixture, GINT_TO_POINTER(TRUE), fixture_set_up,
		   test_server_read_only_func, fixture_tear_down);
	g_test_add("/tempest/uapi-server/bad-client", Fixture, GINT_TO_POINTER(FALSE),
		   fixture_set_up, test_server_bad_client_func, fixture_tear_down);
	g_test_add_func("/tempest/uapi-server/refuses-path", test_server_refuses_path_func);
	g_test_add_func("/tempest/uapi-server/stale-socket", test_server_stale_socket_func);
	return g_test_run();
}
