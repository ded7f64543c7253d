/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE

#include "arc-cli-test-run.h"
#include "arc-test-process.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <unistd.h>

/**
 * arc_cli_test_result_free:
 * @self: a result
 */
void
arc_cli_test_result_free(ArcCliTestResult *self)
{
	g_free(self->out);
	g_free(self->err);
	g_free(self);
}

static GSubprocessLauncher *
arc_cli_test_launcher_new_full(const gchar *const *env, GSubprocessFlags stdin_flags)
{
	const gchar *unset[] = {
		"ARCTIC_CONFIG", "ARCTIC_RECOVERY_TOKEN", "LANGUAGE", "LANG", "http_proxy",
		"HTTP_PROXY",    "https_proxy",           "no_proxy", NULL};
	GSubprocessLauncher *launcher = g_subprocess_launcher_new(
		stdin_flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

	for (guint i = 0; unset[i] != NULL; i++)
		g_subprocess_launcher_unsetenv(launcher, unset[i]);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C.UTF-8", TRUE);
	/* G_TEST_OPTION_ISOLATE_DIRS changes these for this process only */
	g_subprocess_launcher_setenv(launcher, "HOME", g_get_home_dir(), TRUE);
	g_subprocess_launcher_setenv(launcher, "XDG_CONFIG_HOME", g_get_user_config_dir(), TRUE);
	g_subprocess_launcher_setenv(launcher, "XDG_CACHE_HOME", g_get_user_cache_dir(), TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);

		g_subprocess_launcher_setenv(launcher, kv[0], kv[1] != NULL ? kv[1] : "", TRUE);
	}
	return launcher;
}

static GSubprocessLauncher *
arc_cli_test_launcher_new(const gchar *const *env)
{
	return arc_cli_test_launcher_new_full(env, G_SUBPROCESS_FLAGS_STDIN_PIPE);
}

/* $ARCTIC_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99"), $ARCTIC_CLI, then @args */
static GStrv
arc_cli_test_argv(const gchar *const *args)
{
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	const gchar *wrapper = g_getenv("ARCTIC_CLI_WRAPPER");
	g_auto(GStrv) wrapper_argv = NULL;
	g_autoptr(GError) error = NULL;

	if (wrapper != NULL && wrapper[0] != '\0') {
		g_shell_parse_argv(wrapper, NULL, &wrapper_argv, &error);
		g_assert_no_error(error);
		g_strv_builder_addv(builder, (const gchar **)wrapper_argv);
	}
	g_strv_builder_add(builder, g_getenv("ARCTIC_CLI"));
	g_strv_builder_addv(builder, (const gchar **)args);
	return g_strv_builder_end(builder);
}

/**
 * arc_cli_test_run:
 * @env: (nullable): `KEY=VALUE` entries to add to the environment
 * @args: the arguments after `arctic`
 *
 * Runs `$ARCTIC_CLI` with no terminal on stdin, in the C.UTF-8 locale, without proxies or
 * any `ARCTIC_*` setting of the caller, with the test's isolated home and XDG dirs: the
 * config is arc_cli_test_config_path() unless @env says otherwise.
 *
 * Returns: (transfer full): exit code, stdout and stderr
 */
ArcCliTestResult *
arc_cli_test_run(const gchar *const *env, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = arc_cli_test_launcher_new(env);
	g_auto(GStrv) argv = arc_cli_test_argv(args);
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	ArcCliTestResult *result = g_new0(ArcCliTestResult, 1);

	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv, &error);
	g_assert_no_error(error);
	g_subprocess_communicate_utf8(proc, NULL, NULL, &result->out, &result->err, &error);
	g_assert_no_error(error);
	if (!g_subprocess_get_if_exited(proc))
		g_error("arctic died of signal %d; stderr:\n%s", g_subprocess_get_term_sig(proc),
			result->err);
	result->exit_code = g_subprocess_get_exit_status(proc);
	g_test_message("arctic exited %d\nstdout:\n%s\nstderr:\n%s", result->exit_code, result->out,
		       result->err);
	return result;
}

/**
 * arc_cli_test_run_tty:
 * @args: the arguments after `arctic`
 * @typed: what the user types at the terminal, e.g. "y\n"
 *
 * Like arc_cli_test_run() with no extra environment, but stdin is a terminal (a
 * pseudo-terminal this test holds) on which @typed is typed.
 *
 * Returns: (transfer full): exit code, stdout and stderr
 */
ArcCliTestResult *
arc_cli_test_run_tty(const gchar *const *args, const gchar *typed)
{
	g_autoptr(GSubprocessLauncher) launcher =
		arc_cli_test_launcher_new_full(NULL, G_SUBPROCESS_FLAGS_NONE);
	g_auto(GStrv) argv = arc_cli_test_argv(args);
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	ArcCliTestResult *result = g_new0(ArcCliTestResult, 1);
	gint master = posix_openpt(O_RDWR | O_NOCTTY);
	gint slave;

	g_assert_cmpint(master, >=, 0);
	g_assert_cmpint(grantpt(master), ==, 0);
	g_assert_cmpint(unlockpt(master), ==, 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	g_assert_cmpint(slave, >=, 0);
	g_subprocess_launcher_take_stdin_fd(launcher, slave);
	/* typed ahead: the terminal keeps the line until the program reads it */
	g_assert_cmpint(write(master, typed, strlen(typed)), ==, (gssize)strlen(typed));
	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv, &error);
	g_assert_no_error(error);
	g_subprocess_communicate_utf8(proc, NULL, NULL, &result->out, &result->err, &error);
	g_assert_no_error(error);
	close(master);
	g_assert_true(g_subprocess_get_if_exited(proc));
	result->exit_code = g_subprocess_get_exit_status(proc);
	g_test_message("arctic (on a terminal) exited %d\nstdout:\n%s\nstderr:\n%s",
		       result->exit_code, result->out, result->err);
	return result;
}

/**
 * arc_cli_test_runv:
 * @first_arg: the first argument after `arctic`
 *
 * Like arc_cli_test_run() with a %NULL-terminated list of arguments and no extra environment.
 *
 * Returns: (transfer full): exit code, stdout and stderr
 */
ArcCliTestResult *
arc_cli_test_runv(const gchar *first_arg, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	va_start(ap, first_arg);
	for (const gchar *arg = first_arg; arg != NULL; arg = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)arg);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return arc_cli_test_run(NULL, (const gchar *const *)args->pdata);
}

/**
 * arc_cli_test_config_path:
 *
 * Returns: (transfer full): the config file the CLI uses by default in this test
 */
gchar *
arc_cli_test_config_path(void)
{
	return g_build_filename(g_get_user_config_dir(), "arctic", "config.yaml", NULL);
}

/**
 * arc_cli_test_write_config:
 * @yaml: the contents
 *
 * Writes the test's default config file.
 */
void
arc_cli_test_write_config(const gchar *yaml)
{
	g_autofree gchar *path = arc_cli_test_config_path();
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	g_file_set_contents_full(path, yaml, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
	g_assert_no_error(error);
}

/**
 * arc_cli_test_write_file:
 * @name: a file name
 * @contents: the contents
 *
 * Returns: (transfer full): the path of a new file in the test's temporary home
 */
gchar *
arc_cli_test_write_file(const gchar *name, const gchar *contents)
{
	gchar *path = g_build_filename(g_get_home_dir(), name, NULL);
	g_autoptr(GError) error = NULL;

	g_mkdir_with_parents(g_get_home_dir(), 0700);
	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
	return path;
}

/**
 * arc_cli_test_write_cluster_config:
 * @first_endpoint: the first endpoint of the only peer
 *
 * Writes a config with one current cluster (`clu_01TEST`, client `cli_01TEST` with secret
 * `sec_01TESTSECRETVALUE`, %ARC_CLI_TEST_SECRET) whose default peer has the given endpoints.
 */
void
arc_cli_test_write_cluster_config(const gchar *first_endpoint, ...)
{
	g_autoptr(GString) yaml = g_string_new("current_cluster: clu_01TEST\n"
					       "clusters:\n"
					       "  clu_01TEST:\n"
					       "    cluster_id: clu_01TEST\n"
					       "    customer_id: cust_01TEST\n"
					       "    client_id: cli_01TEST\n"
					       "    client_secret: sec_01TESTSECRETVALUE\n"
					       "    peers:\n"
					       "      - peer_id: peer_01TEST\n"
					       "        name: agent-a\n"
					       "        endpoints:\n");
	va_list ap;

	va_start(ap, first_endpoint);
	for (const gchar *url = first_endpoint; url != NULL; url = va_arg(ap, const gchar *))
		g_string_append_printf(yaml, "          - %s\n", url);
	va_end(ap);
	g_string_append(yaml, "    default_peer: peer_01TEST\n");
	arc_cli_test_write_config(yaml->str);
}

/**
 * arc_cli_test_closed_port_url:
 *
 * Returns: (transfer full): the URL of a port on 127.0.0.1 that nothing listens on
 */
gchar *
arc_cli_test_closed_port_url(void)
{
	g_autoptr(GError) error = NULL;
	guint16 port = arc_test_free_port(&error); /* the harness's one helper */

	g_assert_no_error(error);
	g_assert_cmpuint(port, !=, 0);
	return g_strdup_printf("http://127.0.0.1:%u", port);
}

/**
 * arc_cli_test_parse_object:
 * @text: what the CLI printed as JSON
 * @node: (out): the parsed document, to free
 *
 * Returns: (transfer none): the object @text must be
 */
JsonObject *
arc_cli_test_parse_object(const gchar *text, JsonNode **node)
{
	g_autoptr(GError) error = NULL;

	*node = json_from_string(text, &error);
	g_assert_no_error(error);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(*node));
	return json_node_get_object(*node);
}

/**
 * arc_cli_test_run_german:
 * @args: the arguments
 *
 * Runs the CLI with LANGUAGE=de and the German catalog of the build tree
 * (ARCTIC_TEST_LOCALEDIR).
 *
 * Returns: (transfer full) (nullable): the result, or %NULL when the catalog is not built
 *   (the test is then marked skipped)
 */
ArcCliTestResult *
arc_cli_test_run_german(const gchar *const *args)
{
	const gchar *localedir = g_getenv("ARCTIC_TEST_LOCALEDIR");
	g_autofree gchar *mo = NULL;
	g_autofree gchar *env_dir = NULL;

	if (localedir == NULL) {
		g_test_skip("ARCTIC_TEST_LOCALEDIR is not set");
		return NULL;
	}
	mo = g_build_filename(localedir, "de", "LC_MESSAGES", "arctic.mo", NULL);
	if (!g_file_test(mo, G_FILE_TEST_EXISTS)) {
		g_test_skip("the German catalog is not built");
		return NULL;
	}
	env_dir = g_strdup_printf("ARCTIC_LOCALEDIR=%s", localedir);
	{
		const gchar *env[] = {"LANGUAGE=de", env_dir, NULL};
		return arc_cli_test_run(env, args);
	}
}
