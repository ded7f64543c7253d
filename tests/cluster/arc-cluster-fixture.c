/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cluster-fixture.h"

/**
 * arc_cluster_agent_new:
 * @issuer_of: (nullable): an agent whose license issuer this one shares
 * @name: the peer name given at bootstrap
 * @customer: the license's customer id
 * @max_nodes: the license's node limit
 * @extra_config: (nullable): more of agent.conf
 *
 * Starts an agent and writes its license file; bootstrap with
 * arc_cluster_agent_bootstrap().
 *
 * Returns: (transfer full): the agent
 */
ArcClusterAgent *
arc_cluster_agent_new(ArcClusterAgent *issuer_of, const gchar *name, const gchar *customer,
		      gint64 max_nodes, const gchar *extra_config)
{
	ArcClusterAgent *self = g_new0(ArcClusterAgent, 1);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *license = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gboolean ok;

	self->agent = arc_test_agent_new();
	self->name = g_strdup(name);
	if (issuer_of != NULL)
		arc_test_agent_share_issuer(self->agent, issuer_of->agent);
	/* handshakes in the tests fail fast */
	arc_test_agent_add_config(self->agent, "[peers]\nhandshake_timeout=4\n"
					       "reach_back_timeout=2\n");
	if (extra_config != NULL)
		arc_test_agent_add_config(self->agent, extra_config);
	ok = arc_test_agent_start(self->agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	self->url = arc_test_agent_get_base_url(self->agent);
	self->address = arc_test_agent_get_address(self->agent);
	self->config = arc_test_agent_build_path(self->agent, "cli-config.yaml");
	self->license = arc_test_agent_build_path(self->agent, "license.json");
	license = arc_test_agent_make_license(self->agent, customer, now - 60, now + 300 * 86400,
					      max_nodes, 10);
	g_assert_true(g_file_set_contents(self->license, license, -1, NULL));
	return self;
}

void
arc_cluster_agent_free(ArcClusterAgent *self)
{
	if (self == NULL)
		return;
	g_clear_object(&self->agent);
	g_free(self->name);
	g_free(self->url);
	g_free(self->address);
	g_free(self->config);
	g_free(self->license);
	g_free(self->peer_id);
	g_free(self);
}

static gchar *
arc_cluster_value(const gchar *out, const gchar *label)
{
	const gchar *at = strstr(out, label);
	const gchar *end;

	if (at == NULL)
		return NULL;
	at += strlen(label);
	while (*at == ' ')
		at++;
	end = strchr(at, '\n');
	return g_strndup(at, end != NULL ? (gsize)(end - at) : strlen(at));
}

static ArcCliTestResult *
arc_cluster_cli_valist(ArcClusterAgent *self, const gchar *first_arg, va_list ap)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autofree gchar *env0 = g_strconcat("ARCTIC_CONFIG=", self->config, NULL);
	const gchar *env[] = {env0, NULL};

	for (const gchar *arg = first_arg; arg != NULL; arg = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)arg);
	g_ptr_array_add(args, NULL);
	return arc_cli_test_run(env, (const gchar *const *)args->pdata);
}

/**
 * arc_cluster_cli:
 * @self: the agent whose operator runs the command
 * @first_arg: the first argument of `arctic`, then more, %NULL-terminated
 *
 * Returns: (transfer full): what the CLI printed and its exit status
 */
ArcCliTestResult *
arc_cluster_cli(ArcClusterAgent *self, const gchar *first_arg, ...)
{
	va_list ap;
	ArcCliTestResult *result;

	va_start(ap, first_arg);
	result = arc_cluster_cli_valist(self, first_arg, ap);
	va_end(ap);
	return result;
}

/* `arctic bootstrap --url URL --license-file license.json --name NAME` */
void
arc_cluster_agent_bootstrap(ArcClusterAgent *self)
{
	g_autoptr(ArcCliTestResult) boot =
		arc_cluster_cli(self, "bootstrap", "--url", self->url, "--license-file",
				self->license, "--name", self->name, NULL);

	if (boot->exit_code != 0)
		g_printerr("bootstrap of %s failed: %s%s", self->name, boot->out, boot->err);
	g_assert_cmpint(boot->exit_code, ==, 0);
	g_free(self->peer_id);
	self->peer_id = arc_cluster_value(boot->out, "Peer ID:");
	g_assert_nonnull(self->peer_id);
	/* and its key, as `arctic cluster identity` shows it */
	{
		g_autoptr(ArcCliTestResult) id = arc_cluster_cli(self, "cluster", "identity", NULL);
		g_autofree gchar *b64 = arc_cluster_value(id->out, "Public Key:");
		g_autofree guchar *raw = NULL;
		gsize len = 0;

		g_assert_nonnull(b64);
		raw = g_base64_decode(b64, &len);
		g_assert_cmpuint(len, ==, sizeof(self->public_key));
		memcpy(self->public_key, raw, len);
	}
}

/**
 * arc_cluster_peers:
 * @self: the agent
 *
 * Returns: (transfer full): `arctic peers list -o json` on it: its stored view
 */
gchar *
arc_cluster_peers(ArcClusterAgent *self)
{
	g_autoptr(ArcCliTestResult) list =
		arc_cluster_cli(self, "peers", "list", "-o", "json", NULL);

	if (list->exit_code != 0)
		g_printerr("peers list on %s failed: %s", self->name, list->err);
	g_assert_cmpint(list->exit_code, ==, 0);
	return g_strdup(list->out);
}

/**
 * arc_cluster_views:
 * @a: an agent
 * @b: (nullable): another
 *
 * Returns: (transfer full): both agents' stored views, for arc_cluster_assert_views()
 */
gchar *
arc_cluster_views(ArcClusterAgent *a, ArcClusterAgent *b)
{
	g_autofree gchar *view_a = arc_cluster_peers(a);
	g_autofree gchar *view_b = b != NULL ? arc_cluster_peers(b) : g_strdup("");
	return g_strconcat(view_a, "\n--\n", view_b, NULL);
}

/* a failure changed neither agent's database */
void
arc_cluster_assert_views(ArcClusterAgent *a, ArcClusterAgent *b, const gchar *before)
{
	g_autofree gchar *after = arc_cluster_views(a, b);
	g_assert_cmpstr(after, ==, before);
}

gboolean
arc_cluster_knows(ArcClusterAgent *self, const gchar *peer_id)
{
	g_autofree gchar *peers = arc_cluster_peers(self);
	return strstr(peers, peer_id) != NULL;
}

/* the agent logged @needle (its log is the refusal's trace on the receiving side) */
void
arc_cluster_assert_log(ArcClusterAgent *self, const gchar *needle)
{
	g_autofree gchar *log = NULL;

	/* the log line may be written just after the answer went out */
	for (guint i = 0; i < 50; i++) {
		g_free(log);
		log = arc_test_agent_get_log(self->agent);
		if (log != NULL && strstr(log, needle) != NULL)
			return;
		g_usleep(20 * 1000);
	}
	g_printerr("log of %s:\n%s\n", self->name, log != NULL ? log : "(none)");
	g_assert_nonnull(strstr(log, needle));
}

/* `arctic peers add` of @to on @from, which must succeed */
void
arc_cluster_join(ArcClusterAgent *from, ArcClusterAgent *to)
{
	g_autoptr(ArcCliTestResult) add = arc_cluster_cli(from, "peers", "add", to->address, NULL);

	if (add->exit_code != 0)
		g_printerr("peers add %s on %s: %s%s", to->address, from->name, add->out, add->err);
	g_assert_cmpint(add->exit_code, ==, 0);
}
