/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "arc-test-agent"

#include "arc-test-agent.h"

#include <arctic-plugin.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

/* A built arctic-agent in a temp dir of its own, driven only through its public interfaces
 * (the command line, files, HTTP on 127.0.0.1). The agent is its own issuer's customer: the
 * harness creates an issuer key pair, trusts its public key through agent.conf, and signs
 * licenses with the secret key. Every wait is bounded. The process itself is an
 * ArcTestProcess, which the benchmarks use as well. */

struct _ArcTestAgent {
	GObject parent_instance;
	gchar *tmpdir;
	gchar *data_dir;
	gchar *issuers_dir;
	gchar *issuer_pub_path;
	gchar *config_path;
	gchar *recovery_path;
	gchar *plugin_dir;
	guint8 issuer_pk[crypto_sign_PUBLICKEYBYTES];
	guint8 issuer_sk[crypto_sign_SECRETKEYBYTES];
	guint8 foreign_sk[crypto_sign_SECRETKEYBYTES];
	guint16 port;
	ArcTestAgentBus bus;
	GPtrArray *extra_args;
	guint timeout_secs;
	ArcTestProcess *process;
	guint run_count;
	gchar *log_path;
	gchar *out_path;
	SoupSession *session;
	gchar *client_id;
	gchar *client_secret;
	gchar *peer_id;
	gchar *cluster_id;
	GString *extra_config;
	gchar *tls_ca_path; /* set: the agent serves HTTPS with a certificate this CA signed */
	gboolean
		port_unproven; /* a port the harness picked, that no start of ours has served yet */
};

#define ARC_TEST_AGENT_PORT_ATTEMPTS 5

G_DEFINE_FINAL_TYPE(ArcTestAgent, arc_test_agent, G_TYPE_OBJECT)

void
arc_test_response_free(ArcTestResponse *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->headers, soup_message_headers_unref);
	g_clear_pointer(&self->body, g_bytes_unref);
	g_clear_pointer(&self->json, json_node_unref);
	g_free(self);
}

static void
arc_test_agent_rm_rf(const gchar *path)
{
	GStatBuf st;
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	/* lstat: the plugin dirs of the tests hold symlinks to the built modules */
	if (g_lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		g_unlink(path);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);
		arc_test_agent_rm_rf(child);
	}
	g_rmdir(path);
}

static void
arc_test_agent_finalize(GObject *object)
{
	ArcTestAgent *self = ARC_TEST_AGENT(object);

	g_clear_object(&self->session);
	arc_test_process_kill(self->process, self->timeout_secs);
	g_clear_object(&self->process);
	if (self->tmpdir != NULL && g_getenv("ARC_TEST_KEEP_TMPDIR") == NULL)
		arc_test_agent_rm_rf(self->tmpdir);
	sodium_memzero(self->issuer_sk, sizeof(self->issuer_sk));
	sodium_memzero(self->foreign_sk, sizeof(self->foreign_sk));
	g_free(self->tmpdir);
	g_free(self->data_dir);
	g_free(self->issuers_dir);
	g_free(self->issuer_pub_path);
	g_free(self->config_path);
	g_free(self->recovery_path);
	g_free(self->plugin_dir);
	g_ptr_array_unref(self->extra_args);
	g_free(self->tls_ca_path);
	g_free(self->log_path);
	g_free(self->out_path);
	g_free(self->client_id);
	g_free(self->client_secret);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	if (self->extra_config != NULL)
		g_string_free(self->extra_config, TRUE);
	G_OBJECT_CLASS(arc_test_agent_parent_class)->finalize(object);
}

static void
arc_test_agent_class_init(ArcTestAgentClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_test_agent_finalize;
}

static void
arc_test_agent_init(ArcTestAgent *self)
{
	self->bus = ARC_TEST_AGENT_BUS_NONE;
	self->extra_args = g_ptr_array_new_with_free_func(g_free);
	self->process = arc_test_process_new(NULL);
	self->timeout_secs = arc_test_process_timeout(ARC_TEST_AGENT_TIMEOUT_SECS);
	self->plugin_dir = g_strdup(ARC_TEST_PLUGINS_DIR);
}

/**
 * arc_test_agent_free_port:
 *
 * Returns: a port of 127.0.0.1 that nothing listened on a moment ago
 */
guint16
arc_test_agent_free_port(void)
{
	g_autoptr(GError) error = NULL;
	guint16 port = arc_test_free_port(&error);

	g_assert_no_error(error);
	g_assert_cmpuint(port, !=, 0);
	return port;
}

static void
arc_test_agent_write_file(const gchar *path, const gchar *contents, gint mode)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents_full(path, contents, -1, G_FILE_SET_CONTENTS_NONE, mode, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
}

static void
arc_test_agent_write_config(ArcTestAgent *self)
{
	g_autofree gchar *conf =
		g_strdup_printf("[agent]\n"
				"recovery_token_file=%s\n"
				"\n"
				"[plugin:ed25519-file]\n"
				"issuers_dir=%s\n"
				"%s",
				self->recovery_path, self->issuers_dir,
				self->extra_config != NULL ? self->extra_config->str : "");
	arc_test_agent_write_file(self->config_path, conf, 0644);
}

/**
 * arc_test_agent_new:
 *
 * Creates the temp dir, the issuer key pair (its public key in `<tmp>/issuers`) and
 * agent.conf, and picks a free port. The agent is not started.
 *
 * Returns: (transfer full): the agent
 */
ArcTestAgent *
arc_test_agent_new(void)
{
	ArcTestAgent *self = g_object_new(ARC_TYPE_TEST_AGENT, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;
	guint8 foreign_pk[crypto_sign_PUBLICKEYBYTES];

	g_assert_cmpint(sodium_init(), >=, 0);
	self->tmpdir = g_dir_make_tmp("arctic-test-XXXXXX", &error);
	g_assert_no_error(error);
	self->data_dir = g_build_filename(self->tmpdir, "data", NULL);
	self->issuers_dir = g_build_filename(self->tmpdir, "issuers", NULL);
	self->issuer_pub_path = g_build_filename(self->issuers_dir, "test-issuer.pub", NULL);
	self->config_path = g_build_filename(self->tmpdir, "agent.conf", NULL);
	self->recovery_path = g_build_filename(self->tmpdir, "recovery.token", NULL);
	g_assert_cmpint(g_mkdir(self->issuers_dir, 0755), ==, 0);
	g_assert_cmpint(g_chmod(self->issuers_dir, 0755), ==, 0);

	crypto_sign_keypair(self->issuer_pk, self->issuer_sk);
	crypto_sign_keypair(foreign_pk, self->foreign_sk);
	pub_b64 = g_base64_encode(self->issuer_pk, sizeof(self->issuer_pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	arc_test_agent_write_file(self->issuer_pub_path, pub_line, 0644);
	arc_test_agent_write_config(self);
	self->port = arc_test_agent_free_port();
	self->port_unproven = TRUE;
	return self;
}

const gchar *
arc_test_agent_get_tmpdir(ArcTestAgent *self)
{
	return self->tmpdir;
}

const gchar *
arc_test_agent_get_data_dir(ArcTestAgent *self)
{
	return self->data_dir;
}

const gchar *
arc_test_agent_get_issuers_dir(ArcTestAgent *self)
{
	return self->issuers_dir;
}

const gchar *
arc_test_agent_get_issuer_pub_path(ArcTestAgent *self)
{
	return self->issuer_pub_path;
}

const gchar *
arc_test_agent_get_config_path(ArcTestAgent *self)
{
	return self->config_path;
}

const gchar *
arc_test_agent_get_recovery_token_path(ArcTestAgent *self)
{
	return self->recovery_path;
}

const gchar *
arc_test_agent_get_plugin_dir(ArcTestAgent *self)
{
	return self->plugin_dir;
}

/**
 * arc_test_agent_set_plugin_dir:
 * @self: the agent
 * @plugin_dir: what `--plugin-dir` names from the next start on
 */
void
arc_test_agent_set_plugin_dir(ArcTestAgent *self, const gchar *plugin_dir)
{
	g_free(self->plugin_dir);
	self->plugin_dir = g_strdup(plugin_dir);
}

/**
 * arc_test_agent_set_no_dbus:
 * @self: the agent
 * @no_dbus: %TRUE (the default) passes `--no-dbus`, %FALSE `--session-bus`
 */
void
arc_test_agent_set_no_dbus(ArcTestAgent *self, gboolean no_dbus)
{
	self->bus = no_dbus ? ARC_TEST_AGENT_BUS_NONE : ARC_TEST_AGENT_BUS_SESSION;
}

/**
 * arc_test_agent_set_bus:
 * @self: the agent
 * @bus: which bus the agent serves from its next start on
 * @address: (nullable): the address of both the system and the session bus for the agent
 *   (`DBUS_SYSTEM_BUS_ADDRESS`, `DBUS_SESSION_BUS_ADDRESS`), or %NULL to keep those of the
 *   test's environment (e.g. the private session bus of a #GTestDBus)
 */
void
arc_test_agent_set_bus(ArcTestAgent *self, ArcTestAgentBus bus, const gchar *address)
{
	self->bus = bus;
	if (address != NULL) {
		arc_test_agent_setenv(self, "DBUS_SYSTEM_BUS_ADDRESS", address);
		arc_test_agent_setenv(self, "DBUS_SESSION_BUS_ADDRESS", address);
	}
}

/**
 * arc_test_agent_add_args:
 * @self: the agent
 * @args: (array zero-terminated=1): more command-line arguments for every start
 */
void
arc_test_agent_add_args(ArcTestAgent *self, const gchar *const *args)
{
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(self->extra_args, g_strdup(args[i]));
}

/**
 * arc_test_agent_setenv:
 * @self: the agent
 * @name: an environment variable of the agent process
 * @value: (nullable): its value, or %NULL to remove it
 */
void
arc_test_agent_setenv(ArcTestAgent *self, const gchar *name, const gchar *value)
{
	arc_test_process_setenv(self->process, name, value);
}

guint16
arc_test_agent_get_port(ArcTestAgent *self)
{
	return self->port;
}

/**
 * arc_test_agent_set_port:
 * @self: the agent
 * @port: the API port on 127.0.0.1 from the next start on, or 0 for another free one
 */
void
arc_test_agent_set_port(ArcTestAgent *self, guint16 port)
{
	self->port = port != 0 ? port : arc_test_agent_free_port();
	self->port_unproven = port == 0;
	g_clear_object(&self->session);
}

/**
 * arc_test_agent_get_timeout_secs:
 * @self: the agent
 *
 * Returns: how long one wait of the harness may take: %ARC_TEST_AGENT_TIMEOUT_SECS, longer
 *   under ARC_TEST_AGENT_WRAPPER
 */
guint
arc_test_agent_get_timeout_secs(ArcTestAgent *self)
{
	return self->timeout_secs;
}

gchar *
arc_test_agent_get_base_url(ArcTestAgent *self)
{
	return g_strdup_printf("%s://127.0.0.1:%u", self->tls_ca_path != NULL ? "https" : "http",
			       self->port);
}

/**
 * arc_test_agent_build_path:
 * @self: the agent
 * @name: a file name
 *
 * Returns: (transfer full): @name inside the data dir, e.g. `peer.key`
 */
gchar *
arc_test_agent_build_path(ArcTestAgent *self, const gchar *name)
{
	return g_build_filename(self->data_dir, name, NULL);
}

static gchar *
arc_test_agent_format_time(gint64 unix_secs)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_secs);
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

static gchar *
arc_test_agent_sign_license(const guint8 *secret_key, const gchar *customer_id, gint64 issued_at,
			    gint64 expires_at, gint64 max_nodes, gint64 max_services)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license_id = arc_id_new("lic_");
	g_autofree gchar *issued = arc_test_agent_format_time(issued_at);
	g_autofree gchar *expires = arc_test_agent_format_time(expires_at);
	g_autofree gchar *document = NULL;
	gchar *signed_doc;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "customer_id");
	json_builder_add_string_value(b, customer_id);
	json_builder_set_member_name(b, "license_id");
	json_builder_add_string_value(b, license_id);
	json_builder_set_member_name(b, "issued_at");
	json_builder_add_string_value(b, issued);
	json_builder_set_member_name(b, "expires_at");
	json_builder_add_string_value(b, expires);
	json_builder_set_member_name(b, "max_nodes");
	json_builder_add_int_value(b, max_nodes);
	json_builder_set_member_name(b, "max_services");
	json_builder_add_int_value(b, max_services);
	json_builder_set_member_name(b, "features");
	json_builder_begin_array(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	document = json_to_string(root, FALSE);
	signed_doc = arc_license_sign_document(document, -1, secret_key, &error);
	g_assert_no_error(error);
	g_assert_nonnull(signed_doc);
	return signed_doc;
}

/**
 * arc_test_agent_make_license:
 * @self: the agent
 * @customer_id: `cust_…`
 * @issued_at: seconds since the epoch
 * @expires_at: seconds since the epoch, after @issued_at
 * @max_nodes: peers allowed
 * @max_services: services allowed
 *
 * Returns: (transfer full): a license JSON document signed by the agent's trusted issuer
 */
gchar *
arc_test_agent_make_license(ArcTestAgent *self, const gchar *customer_id, gint64 issued_at,
			    gint64 expires_at, gint64 max_nodes, gint64 max_services)
{
	return arc_test_agent_sign_license(self->issuer_sk, customer_id, issued_at, expires_at,
					   max_nodes, max_services);
}

/**
 * arc_test_agent_make_foreign_license:
 *
 * Like arc_test_agent_make_license(), signed by a key the agent does not trust.
 *
 * Returns: (transfer full): a well-formed license no agent of this harness accepts
 */
gchar *
arc_test_agent_make_foreign_license(ArcTestAgent *self, const gchar *customer_id, gint64 issued_at,
				    gint64 expires_at, gint64 max_nodes, gint64 max_services)
{
	return arc_test_agent_sign_license(self->foreign_sk, customer_id, issued_at, expires_at,
					   max_nodes, max_services);
}

/**
 * arc_test_agent_make_default_license:
 * @self: the agent
 *
 * Returns: (transfer full): a trusted license of %ARC_TEST_CUSTOMER_ID valid for a year, for
 *   10 nodes and 100 services
 */
gchar *
arc_test_agent_make_default_license(ArcTestAgent *self)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	return arc_test_agent_make_license(self, ARC_TEST_CUSTOMER_ID, now - 3600,
					   now + 365 * 24 * 3600, 10, 100);
}

/**
 * arc_test_agent_spawn:
 * @self: the agent, not running
 * @args: (array zero-terminated=1): the whole command line after the program name
 * @error: return location for a #GError
 *
 * Starts arctic-agent with exactly @args (and the environment of arc_test_agent_setenv()),
 * and returns at once, for a test that waits for what it expects itself; stop it with
 * arc_test_agent_stop().
 *
 * Returns: %TRUE once started
 */
gboolean
arc_test_agent_spawn(ArcTestAgent *self, const gchar *const *args, GError **error)
{
	g_clear_object(&self->session);
	g_assert_false(arc_test_process_is_running(self->process));
	self->run_count++;
	g_free(self->log_path);
	g_free(self->out_path);
	self->log_path = g_strdup_printf("%s/agent-%u.stderr", self->tmpdir, self->run_count);
	self->out_path = g_strdup_printf("%s/agent-%u.stdout", self->tmpdir, self->run_count);
	arc_test_process_set_output(self->process, self->out_path, self->log_path);
	return arc_test_process_spawn(self->process, args, error);
}

static gint
arc_test_agent_exit_status(ArcTestAgent *self)
{
	return arc_test_process_get_exit_status(self->process);
}

static const gchar *
arc_test_agent_bus_arg(ArcTestAgent *self)
{
	switch (self->bus) {
	case ARC_TEST_AGENT_BUS_SESSION:
		return "--session-bus";
	case ARC_TEST_AGENT_BUS_SYSTEM:
		return NULL;
	case ARC_TEST_AGENT_BUS_NONE:
	default:
		return "--no-dbus";
	}
}

static gboolean
arc_test_agent_spawn_daemon(ArcTestAgent *self, GError **error)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(args, g_strdup("--config"));
	g_ptr_array_add(args, g_strdup(self->config_path));
	g_ptr_array_add(args, g_strdup("--data-dir"));
	g_ptr_array_add(args, g_strdup(self->data_dir));
	g_ptr_array_add(args, g_strdup_printf("--listen=127.0.0.1:%u", self->port));
	g_ptr_array_add(args, g_strdup("--plugin-dir"));
	g_ptr_array_add(args, g_strdup(self->plugin_dir));
	if (arc_test_agent_bus_arg(self) != NULL)
		g_ptr_array_add(args, g_strdup(arc_test_agent_bus_arg(self)));
	g_ptr_array_add(args, g_strdup("--log-format"));
	g_ptr_array_add(args, g_strdup("text"));
	for (guint i = 0; i < self->extra_args->len; i++)
		g_ptr_array_add(args, g_strdup(g_ptr_array_index(self->extra_args, i)));
	g_ptr_array_add(args, NULL);
	return arc_test_agent_spawn(self, (const gchar *const *)args->pdata, error);
}

static SoupSession *
arc_test_agent_session(ArcTestAgent *self)
{
	if (self->session == NULL) {
		self->session = soup_session_new();
		soup_session_set_timeout(self->session, self->timeout_secs);
		soup_session_set_idle_timeout(self->session, self->timeout_secs);
		/* only ever 127.0.0.1: never through a proxy from the environment */
		soup_session_set_proxy_resolver(self->session, NULL);
		if (self->tls_ca_path != NULL) {
			g_autoptr(GTlsDatabase) ca =
				g_tls_file_database_new(self->tls_ca_path, NULL);
			soup_session_set_tls_database(self->session, ca);
		}
	}
	return self->session;
}

static gboolean
arc_test_agent_livez(ArcTestAgent *self)
{
	g_autoptr(ArcTestResponse) resp = NULL;
	g_autoptr(GError) error = NULL;

	resp = arc_test_agent_send(self, "GET", "/livez", NULL, NULL, 0, NULL, &error);
	return resp != NULL && resp->status == SOUP_STATUS_OK;
}

static void
arc_test_agent_set_exit_error(ArcTestAgent *self, GError **error, const gchar *what)
{
	g_autofree gchar *log = arc_test_agent_get_log(self);
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		    "arctic-agent %s (exit status %d); log:\n%s", what,
		    arc_test_agent_exit_status(self), log);
}

/**
 * arc_test_agent_start:
 * @self: the agent
 * @error: return location for a #GError
 *
 * Starts the agent and waits, at most %ARC_TEST_AGENT_TIMEOUT_SECS, until GET /livez answers.
 *
 * Returns: %TRUE once the agent serves
 */
/* the agent's own log says it serves this port: only then is an answer on it the agent's, not
 * that of another test's agent that took the same "free" port a moment earlier */
static gboolean
arc_test_agent_announced(ArcTestAgent *self)
{
	g_autofree gchar *log = arc_test_agent_get_log(self);
	g_autofree gchar *line = g_strdup_printf("serving the API on 127.0.0.1:%u", self->port);

	return strstr(log, line) != NULL;
}

static gboolean
arc_test_agent_lost_port(ArcTestAgent *self)
{
	g_autofree gchar *log = arc_test_agent_get_log(self);

	return self->port_unproven && strstr(log, "Address already in use") != NULL;
}

gboolean
arc_test_agent_start(ArcTestAgent *self, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)self->timeout_secs * G_USEC_PER_SEC;

	for (guint attempt = 0;; attempt++) {
		g_clear_object(&self->session);
		if (!arc_test_agent_spawn_daemon(self, error))
			return FALSE;
		while (!arc_test_agent_announced(self) || !arc_test_agent_livez(self)) {
			g_main_context_iteration(NULL, FALSE);
			if (!arc_test_process_is_running(self->process))
				break;
			if (g_get_monotonic_time() > deadline) {
				arc_test_agent_kill(self);
				arc_test_agent_set_exit_error(self, error,
							      "did not answer /livez in time");
				return FALSE;
			}
			g_usleep(20000);
		}
		if (arc_test_process_is_running(self->process)) {
			self->port_unproven = FALSE;
			return TRUE;
		}
		/* someone else took the port between the pick and the bind: pick again */
		if (attempt < ARC_TEST_AGENT_PORT_ATTEMPTS && arc_test_agent_lost_port(self)) {
			g_test_message("port %u was taken, picking another", self->port);
			self->port = arc_test_agent_free_port();
			continue;
		}
		arc_test_agent_set_exit_error(self, error, "exited before answering /livez");
		return FALSE;
	}
}

/**
 * arc_test_agent_start_expect_exit:
 * @self: the agent
 * @exit_status: (out): how the agent exited (128 + signal when killed)
 * @error: return location for a #GError
 *
 * Starts the agent with the usual arguments when it is expected to refuse to run.
 *
 * Returns: %TRUE if the agent exited in time; %FALSE if it kept running (it is killed)
 */
gboolean
arc_test_agent_start_expect_exit(ArcTestAgent *self, gint *exit_status, GError **error)
{
	g_clear_object(&self->session);
	if (!arc_test_agent_spawn_daemon(self, error))
		return FALSE;
	if (!arc_test_process_wait(self->process, self->timeout_secs)) {
		arc_test_agent_kill(self);
		arc_test_agent_set_exit_error(self, error, "kept running");
		return FALSE;
	}
	*exit_status = arc_test_agent_exit_status(self);
	return TRUE;
}

/**
 * arc_test_agent_run:
 * @self: the agent
 * @args: (array zero-terminated=1): the whole command line after the program name
 * @exit_status: (out): how it exited
 * @error: return location for a #GError
 *
 * Runs arctic-agent as a command (e.g. `--list-plugins`); see arc_test_agent_get_output()
 * and arc_test_agent_get_log() for what it printed.
 *
 * Returns: %TRUE if it exited in time
 */
gboolean
arc_test_agent_run(ArcTestAgent *self, const gchar *const *args, gint *exit_status, GError **error)
{
	if (!arc_test_agent_spawn(self, args, error))
		return FALSE;
	if (!arc_test_process_wait(self->process, self->timeout_secs)) {
		arc_test_agent_kill(self);
		arc_test_agent_set_exit_error(self, error, "did not exit in time");
		return FALSE;
	}
	*exit_status = arc_test_agent_exit_status(self);
	return TRUE;
}

/**
 * arc_test_agent_stop:
 * @self: the agent
 * @exit_status: (out) (optional): how it exited
 * @error: return location for a #GError
 *
 * SIGTERM, then waits for the exit.
 *
 * Returns: %TRUE if it exited in time; otherwise it is killed
 */
gboolean
arc_test_agent_stop(ArcTestAgent *self, gint *exit_status, GError **error)
{
	g_clear_object(&self->session);
	if (!arc_test_process_is_running(self->process)) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "the agent is not running");
		return FALSE;
	}
	if (!arc_test_process_terminate(self->process, self->timeout_secs)) {
		arc_test_agent_set_exit_error(self, error, "ignored SIGTERM");
		return FALSE;
	}
	if (exit_status != NULL)
		*exit_status = arc_test_agent_exit_status(self);
	return TRUE;
}

/**
 * arc_test_agent_kill:
 * @self: the agent
 *
 * SIGKILL to the agent's pid, as a crash or power cut would stop it, and waits for it.
 */
void
arc_test_agent_kill(ArcTestAgent *self)
{
	g_clear_object(&self->session);
	arc_test_process_kill(self->process, self->timeout_secs);
	g_assert_false(arc_test_process_is_running(self->process));
}

/**
 * arc_test_agent_restart:
 * @self: the agent
 * @error: return location for a #GError
 *
 * Stops the agent (it must exit with status 0) and starts it again.
 *
 * Returns: %TRUE once it serves again
 */
gboolean
arc_test_agent_restart(ArcTestAgent *self, GError **error)
{
	gint status = -1;

	if (!arc_test_agent_stop(self, &status, error))
		return FALSE;
	if (status != 0) {
		arc_test_agent_set_exit_error(self, error, "did not stop cleanly");
		return FALSE;
	}
	return arc_test_agent_start(self, error);
}

gboolean
arc_test_agent_is_running(ArcTestAgent *self)
{
	return arc_test_process_is_running(self->process);
}

static gchar *
arc_test_agent_read(const gchar *path)
{
	gchar *contents = NULL;
	if (path == NULL || !g_file_get_contents(path, &contents, NULL, NULL))
		return g_strdup("");
	return contents;
}

/**
 * arc_test_agent_get_log:
 * @self: the agent
 *
 * Returns: (transfer full): what the last run wrote to stderr, so far
 */
gchar *
arc_test_agent_get_log(ArcTestAgent *self)
{
	return arc_test_agent_read(self->log_path);
}

/**
 * arc_test_agent_get_output:
 * @self: the agent
 *
 * Returns: (transfer full): what the last run wrote to stdout, so far
 */
gchar *
arc_test_agent_get_output(ArcTestAgent *self)
{
	return arc_test_agent_read(self->out_path);
}

static void
arc_test_agent_add_headers(SoupMessage *msg, const gchar *const *headers)
{
	SoupMessageHeaders *request_headers = soup_message_get_request_headers(msg);

	for (guint i = 0; headers != NULL && headers[i] != NULL; i++) {
		const gchar *colon = strchr(headers[i], ':');
		g_autofree gchar *name = NULL;
		g_autofree gchar *value = NULL;

		g_assert_nonnull(colon);
		name = g_strndup(headers[i], (gsize)(colon - headers[i]));
		value = g_strstrip(g_strdup(colon + 1));
		soup_message_headers_replace(request_headers, name, value);
	}
}

static JsonNode *
arc_test_agent_parse_json(GBytes *body)
{
	gsize len = 0;
	const gchar *data = g_bytes_get_data(body, &len);
	g_autofree gchar *text = g_strndup(data != NULL ? data : "", len);

	if (len == 0 || strlen(text) != len)
		return NULL;
	return json_from_string(text, NULL);
}

/**
 * arc_test_agent_send:
 * @self: the agent
 * @method: GET, POST, ...
 * @path: e.g. `/v1/credentials`
 * @headers: (array zero-terminated=1) (nullable): `Name: value` strings
 * @body: (nullable): the request body
 * @body_len: bytes in @body, or -1 if NUL-terminated
 * @content_type: (nullable): its type
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the answer, or %NULL when there was none
 */
ArcTestResponse *
arc_test_agent_send(ArcTestAgent *self, const gchar *method, const gchar *path,
		    const gchar *const *headers, const gchar *body, gssize body_len,
		    const gchar *content_type, GError **error)
{
	g_autofree gchar *base = arc_test_agent_get_base_url(self);
	g_autofree gchar *url = g_strconcat(base, path, NULL);
	g_autoptr(SoupMessage) msg = soup_message_new(method, url);
	g_autoptr(GBytes) resp_body = NULL;
	ArcTestResponse *resp;

	if (msg == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
		return NULL;
	}
	arc_test_agent_add_headers(msg, headers);
	if (body != NULL) {
		g_autoptr(GBytes) bytes =
			g_bytes_new(body, body_len >= 0 ? (gsize)body_len : strlen(body));
		soup_message_set_request_body_from_bytes(msg, content_type, bytes);
	}
	resp_body = soup_session_send_and_read(arc_test_agent_session(self), msg, NULL, error);
	if (resp_body == NULL)
		return NULL;
	resp = g_new0(ArcTestResponse, 1);
	resp->status = soup_message_get_status(msg);
	resp->headers = soup_message_headers_ref(soup_message_get_response_headers(msg));
	resp->body = g_steal_pointer(&resp_body);
	resp->json = arc_test_agent_parse_json(resp->body);
	return resp;
}

/**
 * arc_test_agent_request:
 * @self: the agent
 * @method: GET, POST, ...
 * @path: e.g. `/v1/credentials`
 * @headers: (array zero-terminated=1) (nullable): `Name: value` strings
 * @body: (nullable): the request body, NUL-terminated
 * @content_type: (nullable): its type
 * @status: (out): the HTTP status
 *
 * Like arc_test_agent_send(); the request must get an answer.
 *
 * Returns: (transfer full) (nullable): the answer's JSON
 */
JsonNode *
arc_test_agent_request(ArcTestAgent *self, const gchar *method, const gchar *path,
		       const gchar *const *headers, const gchar *body, const gchar *content_type,
		       guint *status)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcTestResponse) resp =
		arc_test_agent_send(self, method, path, headers, body, -1, content_type, &error);

	g_assert_no_error(error);
	*status = resp->status;
	return resp->json != NULL ? json_node_ref(resp->json) : NULL;
}

/**
 * arc_test_agent_call:
 * @self: the agent
 * @method: GET, POST, ...
 * @path: e.g. `/v1/credentials`
 * @token: (nullable): a bearer token
 * @json_body: (nullable): a JSON request body
 * @status: (out): the HTTP status
 *
 * Returns: (transfer full) (nullable): the answer's JSON
 */
JsonNode *
arc_test_agent_call(ArcTestAgent *self, const gchar *method, const gchar *path, const gchar *token,
		    const gchar *json_body, guint *status)
{
	g_autofree gchar *auth =
		token != NULL ? g_strconcat("Authorization: Bearer ", token, NULL) : NULL;
	const gchar *headers[] = {auth, NULL};

	return arc_test_agent_request(self, method, path, headers, json_body,
				      json_body != NULL ? "application/json" : NULL, status);
}

static gboolean
arc_test_agent_response_complete(GByteArray *buf, gsize *head_len)
{
	const gchar *data = (const gchar *)buf->data;
	const gchar *end = buf->len > 0 ? g_strstr_len(data, (gssize)buf->len, "\r\n\r\n") : NULL;
	g_autoptr(SoupMessageHeaders) headers = NULL;
	goffset content_length;

	if (end == NULL)
		return FALSE;
	*head_len = (gsize)(end + 4 - data);
	headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
	if (!soup_headers_parse_response(data, (int)*head_len, headers, NULL, NULL, NULL))
		return TRUE;
	content_length = soup_message_headers_get_content_length(headers);
	return buf->len >= *head_len + (gsize)content_length;
}

static ArcTestResponse *
arc_test_agent_read_raw(GSocket *socket, GInputStream *in, guint timeout_secs, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	ArcTestResponse *resp;
	gsize head_len = 0;
	guint status = 0;

	g_socket_set_timeout(socket, timeout_secs);
	while (!arc_test_agent_response_complete(buf, &head_len)) {
		guint8 chunk[4096];
		gssize n = g_input_stream_read(in, chunk, sizeof(chunk), NULL, error);
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		g_byte_array_append(buf, chunk, (guint)n);
	}
	resp = g_new0(ArcTestResponse, 1);
	resp->headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
	if (head_len == 0 || !soup_headers_parse_response((const gchar *)buf->data, (int)head_len,
							  resp->headers, NULL, &status, NULL)) {
		arc_test_response_free(resp);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "no HTTP response (%u bytes)", buf->len);
		return NULL;
	}
	resp->status = status;
	resp->body = g_bytes_new(buf->data + head_len, buf->len - head_len);
	resp->json = arc_test_agent_parse_json(resp->body);
	return resp;
}

/**
 * arc_test_agent_raw:
 * @self: the agent
 * @head: the request line and headers, ending in an empty line
 * @body: (nullable): the body, sent only if the agent has not answered the head within a
 *   second
 * @answered_early: (out) (optional): whether the answer came before any body byte was sent
 * @error: return location for a #GError
 *
 * Speaks HTTP/1.1 over a plain TCP connection, for what an HTTP library would not send.
 *
 * Returns: (transfer full): the answer, or %NULL
 */
ArcTestResponse *
arc_test_agent_raw(ArcTestAgent *self, const gchar *head, GBytes *body, gboolean *answered_early,
		   GError **error)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, self->port);
	g_autoptr(GSocketConnection) conn = NULL;
	GSocket *socket;
	GOutputStream *out;
	gboolean early;

	g_socket_client_set_timeout(client, self->timeout_secs);
	g_socket_client_set_enable_proxy(client, FALSE);
	conn = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(address), NULL, error);
	if (conn == NULL)
		return NULL;
	socket = g_socket_connection_get_socket(conn);
	out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
	if (!g_output_stream_write_all(out, head, strlen(head), NULL, NULL, error))
		return NULL;
	early = g_socket_condition_timed_wait(socket, G_IO_IN, G_USEC_PER_SEC, NULL, NULL);
	if (!early && body != NULL) {
		/* the agent may close the connection on us: what it answered is what matters */
		g_output_stream_write_all(out, g_bytes_get_data(body, NULL), g_bytes_get_size(body),
					  NULL, NULL, NULL);
	}
	if (answered_early != NULL)
		*answered_early = early;
	return arc_test_agent_read_raw(socket, g_io_stream_get_input_stream(G_IO_STREAM(conn)),
				       self->timeout_secs, error);
}

/**
 * arc_test_agent_get_pid:
 * @self: an agent
 *
 * Returns: the running agent's process id, or 0
 */
gint
arc_test_agent_get_pid(ArcTestAgent *self)
{
	return arc_test_process_get_pid(self->process);
}

/**
 * arc_test_agent_get_rss_kb:
 * @self: a running agent
 *
 * Returns: the agent's resident set size in KiB, from /proc, or 0 if unknown
 */
guint64
arc_test_agent_get_rss_kb(ArcTestAgent *self)
{
	g_autofree gchar *path = NULL;
	g_autofree gchar *status = NULL;
	const gchar *line;

	if (arc_test_agent_get_pid(self) == 0)
		return 0;
	path = g_strdup_printf("/proc/%d/status", arc_test_agent_get_pid(self));
	if (!g_file_get_contents(path, &status, NULL, NULL))
		return 0;
	line = strstr(status, "\nVmRSS:");
	return line != NULL ? g_ascii_strtoull(line + 8, NULL, 10) : 0;
}

/**
 * arc_test_agent_count_fds:
 * @self: a running agent
 *
 * Returns: how many file descriptors the agent has open, from /proc, or -1 if unknown
 */
gint
arc_test_agent_count_fds(ArcTestAgent *self)
{
	g_autofree gchar *path = NULL;
	g_autoptr(GDir) dir = NULL;
	gint n = 0;

	if (arc_test_agent_get_pid(self) == 0)
		return -1;
	path = g_strdup_printf("/proc/%d/fd", arc_test_agent_get_pid(self));
	dir = g_dir_open(path, 0, NULL);
	if (dir == NULL)
		return -1;
	while (g_dir_read_name(dir) != NULL)
		n++;
	return n;
}

/**
 * arc_test_agent_bootstrap:
 * @self: a running, unbootstrapped agent
 * @error: return location for a #GError
 *
 * Bootstraps with arc_test_agent_make_default_license() and remembers the cluster credential
 * and the ids.
 *
 * Returns: (transfer full): the 201 answer
 */
JsonNode *
arc_test_agent_bootstrap(ArcTestAgent *self, GError **error)
{
	g_autofree gchar *license = arc_test_agent_make_default_license(self);
	return arc_test_agent_bootstrap_with(self, license, error);
}

/**
 * arc_test_agent_bootstrap_with:
 * @self: a running, unbootstrapped agent
 * @license: the license document
 * @error: return location for a #GError
 *
 * Like arc_test_agent_bootstrap() with the given license.
 *
 * Returns: (transfer full): the 201 answer
 */
JsonNode *
arc_test_agent_bootstrap_with(ArcTestAgent *self, const gchar *license, GError **error)
{
	g_autoptr(ArcTestResponse) resp = NULL;
	JsonObject *obj;

	resp = arc_test_agent_send(self, "POST", "/v1/bootstrap", NULL, license, -1,
				   "application/json", error);
	if (resp == NULL)
		return NULL;
	if (resp->status != SOUP_STATUS_CREATED || resp->json == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(resp->json)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "bootstrap answered %u: %.*s",
			    resp->status, (int)g_bytes_get_size(resp->body),
			    (const gchar *)g_bytes_get_data(resp->body, NULL));
		return NULL;
	}
	obj = json_node_get_object(resp->json);
	g_free(self->client_id);
	g_free(self->client_secret);
	g_free(self->peer_id);
	g_free(self->cluster_id);
	self->client_id =
		g_strdup(json_object_get_string_member_with_default(obj, "client_id", NULL));
	self->client_secret =
		g_strdup(json_object_get_string_member_with_default(obj, "client_secret", NULL));
	self->peer_id = g_strdup(json_object_get_string_member_with_default(obj, "peer_id", NULL));
	self->cluster_id =
		g_strdup(json_object_get_string_member_with_default(obj, "cluster_id", NULL));
	return json_node_ref(resp->json);
}

const gchar *
arc_test_agent_get_client_id(ArcTestAgent *self)
{
	return self->client_id;
}

const gchar *
arc_test_agent_get_client_secret(ArcTestAgent *self)
{
	return self->client_secret;
}

const gchar *
arc_test_agent_get_peer_id(ArcTestAgent *self)
{
	return self->peer_id;
}

const gchar *
arc_test_agent_get_cluster_id(ArcTestAgent *self)
{
	return self->cluster_id;
}

/**
 * arc_test_agent_token:
 * @self: the agent
 * @client_id: (nullable): a client id, or %NULL for the bootstrap credential
 * @secret: (nullable): its secret
 * @error: return location for a #GError
 *
 * The client-credentials grant, client_secret_post.
 *
 * Returns: (transfer full): the access token, or %NULL with the agent's answer in @error
 */
gchar *
arc_test_agent_token(ArcTestAgent *self, const gchar *client_id, const gchar *secret,
		     GError **error)
{
	g_autofree gchar *form = NULL;
	g_autoptr(ArcTestResponse) resp = NULL;
	JsonObject *obj;

	if (client_id == NULL) {
		client_id = self->client_id;
		secret = self->client_secret;
	}
	form = soup_form_encode("grant_type", "client_credentials", "client_id", client_id,
				"client_secret", secret, NULL);
	resp = arc_test_agent_send(self, "POST", "/v1/oauth/token", NULL, form, -1,
				   "application/x-www-form-urlencoded", error);
	if (resp == NULL)
		return NULL;
	obj = resp->json != NULL && JSON_NODE_HOLDS_OBJECT(resp->json)
		      ? json_node_get_object(resp->json)
		      : NULL;
	if (resp->status != SOUP_STATUS_OK || obj == NULL ||
	    !json_object_has_member(obj, "access_token")) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			    "token request answered %u: %.*s", resp->status,
			    (int)g_bytes_get_size(resp->body),
			    (const gchar *)g_bytes_get_data(resp->body, NULL));
		return NULL;
	}
	return g_strdup(json_object_get_string_member(obj, "access_token"));
}

/**
 * arc_test_agent_add_config:
 * @self: the agent
 * @text: whole groups of agent.conf, e.g. "[peers]\nhandshake_timeout=2\n"
 *
 * Appended to agent.conf; takes effect at the next start.
 */
void
arc_test_agent_add_config(ArcTestAgent *self, const gchar *text)
{
	if (self->extra_config == NULL)
		self->extra_config = g_string_new(NULL);
	g_string_append_printf(self->extra_config, "\n%s", text);
	arc_test_agent_write_config(self);
}

/**
 * arc_test_agent_share_issuer:
 * @self: the agent
 * @source: another agent
 *
 * Makes @self trust, and sign licenses with, the issuer of @source (and its foreign key),
 * as agents of one vendor do.
 */
void
arc_test_agent_share_issuer(ArcTestAgent *self, ArcTestAgent *source)
{
	g_autofree gchar *pub_b64 = NULL;
	g_autofree gchar *pub_line = NULL;

	memcpy(self->issuer_pk, source->issuer_pk, sizeof(self->issuer_pk));
	memcpy(self->issuer_sk, source->issuer_sk, sizeof(self->issuer_sk));
	memcpy(self->foreign_sk, source->foreign_sk, sizeof(self->foreign_sk));
	pub_b64 = g_base64_encode(self->issuer_pk, sizeof(self->issuer_pk));
	pub_line = g_strconcat(pub_b64, "\n", NULL);
	arc_test_agent_write_file(self->issuer_pub_path, pub_line, 0644);
}

/**
 * arc_test_agent_get_address:
 * @self: the agent
 *
 * Returns: (transfer full): `127.0.0.1:PORT` (`https://127.0.0.1:PORT` with TLS), what
 *   `POST /v1/peers` takes
 */
gchar *
arc_test_agent_get_address(ArcTestAgent *self)
{
	return g_strdup_printf("%s127.0.0.1:%u", self->tls_ca_path != NULL ? "https://" : "",
			       self->port);
}

/**
 * arc_test_agent_use_tls:
 * @self: the agent
 * @cert_path: the API's certificate, for 127.0.0.1
 * @key_path: its key
 * @ca_path: the authority that signed it: the harness trusts it, and so does the agent for
 *   its peers (`tls_ca_file`)
 *
 * Takes effect at the next start; from then on the harness speaks HTTPS to the agent.
 */
void
arc_test_agent_use_tls(ArcTestAgent *self, const gchar *cert_path, const gchar *key_path,
		       const gchar *ca_path)
{
	g_autofree gchar *group =
		g_strdup_printf("[api]\ntls_certificate=%s\ntls_key=%s\ntls_ca_file=%s\n",
				cert_path, key_path, ca_path);

	/* the check of the key at start and every client's handshake are TLS handshakes: slow
	 * builds give them longer (a test's own setting, added later, still wins), a plain one
	 * keeps the defaults */
	if (arc_test_time_scale() > 1.0) {
		g_autofree gchar *slow = g_strdup_printf(
			"[api]\ntls_key_check_timeout=%u\ntls_handshake_timeout=%u\n",
			arc_test_process_timeout(5), arc_test_process_timeout(10));
		arc_test_agent_add_config(self, slow);
	}

	g_free(self->tls_ca_path);
	self->tls_ca_path = g_strdup(ca_path);
	g_clear_object(&self->session);
	arc_test_agent_add_config(self, group);
}
