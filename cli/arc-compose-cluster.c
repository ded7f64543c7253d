/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "arc-compose-cluster.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "arc-cli-error.h"
#include "arc-cli-json.h"
#include "arc-cli-output.h"
#include "arc-cli-peer-address.h"
#include "arc-cli-services.h"

/**
 * arc_compose_session_new:
 * @file: a validated compose file
 * @config: the CLI config, for credentials and for --save-config
 * @prune: whether deletions are carried out
 *
 * Returns: (transfer full): a session with one client per peer of the file
 */
ArcComposeSession *
arc_compose_session_new(ArcComposeFile *file, ArcCliConfig *config, gboolean prune)
{
	ArcComposeSession *self = g_new0(ArcComposeSession, 1);
	gint64 timeout = arc_cli_config_get_preference_int(config, "timeout", 30);
	const gchar *cacert = arc_cli_config_get_preference_string(config, "cacert");
	g_autoptr(GTlsDatabase) ca = NULL;
	g_autoptr(GError) error = NULL;

	self->file = file;
	self->config = config;
	self->timeout = timeout > 0 && timeout <= 3600 ? (guint)timeout : 30;
	self->state.prune = prune;
	self->state.peer_states =
		g_ptr_array_new_with_free_func((GDestroyNotify)arc_compose_peer_state_free);
	self->clients = g_ptr_array_new_with_free_func(g_object_unref);
	if (cacert != NULL && cacert[0] != '\0' &&
	    (ca = arc_cli_client_load_ca_file(cacert, &error)) == NULL)
		arc_cli_output_warning("%s", error->message);
	for (guint i = 0; i < file->peers->len; i++) {
		ArcComposePeer *peer = g_ptr_array_index(file->peers, i);
		g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func(g_free);

		g_ptr_array_add(urls, arc_cli_peer_address_to_url(peer->address));
		g_ptr_array_add(self->state.peer_states,
				arc_compose_peer_state_new(peer->name, peer->address));
		g_ptr_array_add(self->clients, arc_cli_client_new(urls, self->timeout, FALSE));
		arc_cli_client_set_tls_database(g_ptr_array_index(self->clients, i), ca);
	}
	return self;
}

void
arc_compose_session_free(ArcComposeSession *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->state.peer_states);
	g_clear_pointer(&self->state.peers, json_array_unref);
	g_clear_pointer(&self->state.services, json_array_unref);
	g_clear_pointer(&self->state.routes, json_array_unref);
	g_ptr_array_unref(self->clients);
	g_free(self->client_id);
	if (self->client_secret != NULL)
		sodium_memzero(self->client_secret, strlen(self->client_secret));
	g_free(self->client_secret);
	if (self->bootstrap != NULL)
		json_object_unref(self->bootstrap);
	g_free(self);
}

static ArcComposePeerState *
arc_compose_session_peer(ArcComposeSession *self, gint index)
{
	return g_ptr_array_index(self->state.peer_states, (guint)index);
}

/**
 * arc_compose_session_get_anchor:
 * @self: a probed session
 *
 * Returns: (transfer none) (nullable): the client of the peer the plan goes through
 */
ArcCliClient *
arc_compose_session_get_anchor(ArcComposeSession *self)
{
	gint anchor = arc_compose_plan_find_anchor(self->state.peer_states);

	return anchor < 0 ? NULL : g_ptr_array_index(self->clients, (guint)anchor);
}

/* GET /v1/cluster/identity: public, and tells a bootstrapped agent (it has a peer id) */
static gboolean
arc_compose_session_probe_peer(ArcComposeSession *self, guint i, GError **error)
{
	ArcComposePeerState *peer = g_ptr_array_index(self->state.peer_states, i);
	g_autoptr(JsonNode) identity = NULL;
	JsonObject *object;

	identity = arc_cli_client_call(g_ptr_array_index(self->clients, i), "GET",
				       "/v1/cluster/identity", NULL, error);
	if (identity == NULL)
		return FALSE;
	object = arc_cli_json_expect_object(identity, error);
	if (object == NULL)
		return FALSE;
	peer->reachable = TRUE;
	g_free(peer->peer_id);
	peer->peer_id = g_strdup(arc_cli_json_get_string(object, "peer_id"));
	g_free(peer->cluster_id);
	peer->cluster_id = g_strdup(arc_cli_json_get_string(object, "cluster_id"));
	peer->bootstrapped = peer->peer_id != NULL;
	return TRUE;
}

/**
 * arc_compose_session_probe:
 * @self: a session
 * @ignore_unreachable: go on without the peers that do not answer
 *
 * Asks every peer of the file who it is.
 *
 * Returns: %TRUE if every peer answered (or @ignore_unreachable and at least one did)
 */
gboolean
arc_compose_session_probe(ArcComposeSession *self, gboolean ignore_unreachable, GError **error)
{
	gboolean any = FALSE;

	for (guint i = 0; i < self->state.peer_states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(self->state.peer_states, i);
		g_autoptr(GError) error_local = NULL;

		if (arc_compose_session_probe_peer(self, i, &error_local)) {
			any = TRUE;
			continue;
		}
		if (!ignore_unreachable ||
		    !g_error_matches(error_local, ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION)) {
			g_propagate_prefixed_error(error, g_steal_pointer(&error_local),
						   /* TRANSLATORS: "peer agent-b (127.0.0.1:8080):
						      connection refused" */
						   _("peer %s (%s): "), peer->name, peer->address);
			return FALSE;
		}
		arc_cli_output_warning(_("peer %s (%s) is unreachable (%s): skipped"), peer->name,
				       peer->address, error_local->message);
	}
	if (!any) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION,
				    _("no peer of the file can be reached"));
		return FALSE;
	}
	return TRUE;
}

static JsonArray *
arc_compose_get_array(ArcCliClient *client, const gchar *path, GError **error)
{
	g_autoptr(JsonNode) node = arc_cli_client_call(client, "GET", path, NULL, error);

	if (node == NULL)
		return NULL;
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    _("unexpected response from the agent to GET %s"), path);
		return NULL;
	}
	return json_array_ref(json_node_get_array(node));
}

/**
 * arc_compose_read_cluster_arrays:
 * @client: an authenticated client
 *
 * Returns: %TRUE with the peers, services and routes the agent lists
 */
gboolean
arc_compose_read_cluster_arrays(ArcCliClient *client, JsonArray **peers, JsonArray **services,
				JsonArray **routes, GError **error)
{
	*peers = arc_compose_get_array(client, "/v1/peers", error);
	if (*peers == NULL)
		return FALSE;
	*services = arc_compose_get_array(client, "/v1/services", error);
	if (*services == NULL)
		return FALSE;
	*routes = arc_compose_get_array(client, "/v1/routes", error);
	return *routes != NULL;
}

/*
 * The credentials for the anchor: of the config's cluster that lists its URL, else of the
 * config's cluster with its cluster id, else of any cluster that lists another peer's URL.
 */
static ArcCliCluster *
arc_compose_session_find_cluster(ArcComposeSession *self, gint anchor)
{
	ArcCliClient *client = g_ptr_array_index(self->clients, (guint)anchor);
	ArcCliCluster *cluster = arc_cli_config_find_cluster_by_endpoint(
		self->config, arc_cli_client_get_url(client));
	const gchar *cluster_id = arc_compose_session_peer(self, anchor)->cluster_id;

	if (cluster == NULL && cluster_id != NULL)
		cluster = arc_cli_config_get_cluster(self->config, cluster_id);
	for (guint i = 0; cluster == NULL && i < self->clients->len; i++)
		cluster = arc_cli_config_find_cluster_by_endpoint(
			self->config, arc_cli_client_get_url(g_ptr_array_index(self->clients, i)));
	return cluster;
}

static gboolean
arc_compose_session_authenticate(ArcComposeSession *self, gint anchor, GError **error)
{
	ArcCliClient *client = g_ptr_array_index(self->clients, (guint)anchor);

	if (self->authenticated)
		return TRUE;
	if (self->client_id == NULL) {
		g_autoptr(ArcCliCluster) cluster = arc_compose_session_find_cluster(self, anchor);

		if (cluster == NULL || cluster->client_id == NULL ||
		    cluster->client_secret == NULL) {
			g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONFIG,
				    _("no credentials for the cluster of %s in %s"),
				    arc_compose_session_peer(self, anchor)->address,
				    arc_cli_config_get_path(self->config));
			return FALSE;
		}
		self->client_id = g_strdup(cluster->client_id);
		self->client_secret = g_strdup(cluster->client_secret);
	}
	if (!arc_cli_client_fetch_token(client, self->client_id, self->client_secret, error))
		return FALSE;
	self->authenticated = TRUE;
	return TRUE;
}

/**
 * arc_compose_session_read_cluster:
 * @self: a probed session
 *
 * Reads the cluster through the anchor when it is bootstrapped; otherwise the cluster is
 * empty (everything is to be created).
 *
 * Returns: %TRUE on success
 */
gboolean
arc_compose_session_read_cluster(ArcComposeSession *self, GError **error)
{
	gint anchor = arc_compose_plan_find_anchor(self->state.peer_states);

	g_clear_pointer(&self->state.peers, json_array_unref);
	g_clear_pointer(&self->state.services, json_array_unref);
	g_clear_pointer(&self->state.routes, json_array_unref);
	if (anchor < 0 || !arc_compose_session_peer(self, anchor)->bootstrapped)
		return TRUE;
	if (!arc_compose_session_authenticate(self, anchor, error))
		return FALSE;
	return arc_compose_read_cluster_arrays(g_ptr_array_index(self->clients, (guint)anchor),
					       &self->state.peers, &self->state.services,
					       &self->state.routes, error);
}

/* ---- carrying out a plan ---- */

static JsonNode *
arc_compose_node_from_object(JsonObject *object)
{
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);

	json_node_set_object(node, object);
	return node;
}

static gboolean
arc_compose_session_bootstrap(ArcComposeSession *self, guint index, JsonNode *license,
			      GError **error)
{
	ArcComposePeerState *peer = g_ptr_array_index(self->state.peer_states, index);
	g_autoptr(JsonObject) body = json_object_new();
	g_autoptr(JsonNode) request = NULL;
	g_autoptr(JsonNode) response = NULL;
	JsonObject *result;

	json_object_set_member(body, "license", json_node_copy(license));
	json_object_set_string_member(body, "name", peer->name);
	request = arc_compose_node_from_object(body);
	response = arc_cli_client_call(g_ptr_array_index(self->clients, index), "POST",
				       "/v1/bootstrap", request, error);
	if (response == NULL || (result = arc_cli_json_expect_object(response, error)) == NULL) {
		g_prefix_error(error, _("bootstrap of peer %s: "), peer->name);
		return FALSE;
	}
	g_free(peer->peer_id);
	peer->peer_id = g_strdup(arc_cli_json_get_string(result, "peer_id"));
	g_free(peer->cluster_id);
	peer->cluster_id = g_strdup(arc_cli_json_get_string(result, "cluster_id"));
	peer->bootstrapped = TRUE;
	if ((gint)index == arc_compose_plan_find_anchor(self->state.peer_states) &&
	    self->bootstrap == NULL) {
		self->bootstrap = json_object_ref(result);
		g_free(self->client_id);
		self->client_id = g_strdup(arc_cli_json_get_string(result, "client_id"));
		g_free(self->client_secret);
		self->client_secret = g_strdup(arc_cli_json_get_string(result, "client_secret"));
	}
	arc_cli_output_note(_("Bootstrapped peer %s: %s"), peer->name, peer->peer_id);
	self->applied++;
	return TRUE;
}

static gboolean
arc_compose_session_join(ArcComposeSession *self, ArcComposeAction *action, GError **error)
{
	gint anchor = arc_compose_plan_find_anchor(self->state.peer_states);
	g_autoptr(JsonObject) body = json_object_new();
	g_autoptr(JsonNode) request = NULL;
	g_autoptr(JsonNode) response = NULL;

	json_object_set_string_member(body, "address", action->address);
	json_object_set_string_member(body, "name", action->peer);
	request = arc_compose_node_from_object(body);
	response = arc_cli_client_call(g_ptr_array_index(self->clients, (guint)anchor), "POST",
				       "/v1/peers", request, error);
	if (response == NULL) {
		g_prefix_error(error, _("join of peer %s: "), action->peer);
		return FALSE;
	}
	arc_cli_output_note(_("Joined peer %s (%s)"), action->peer, action->address);
	self->applied++;
	return TRUE;
}

/* Every bootstrap first, the anchor's before the others', then the joins */
static gboolean
arc_compose_session_apply_peers(ArcComposeSession *self, ArcComposePlan *plan, JsonNode *license,
				GError **error)
{
	gint anchor = plan->anchor;

	for (guint pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < plan->actions->len; i++) {
			ArcComposeAction *action = g_ptr_array_index(plan->actions, i);
			ArcComposePeerState *anchor_peer = arc_compose_session_peer(self, anchor);
			gboolean is_anchor = g_strcmp0(action->peer, anchor_peer->name) == 0;
			guint index = 0;

			if (action->kind != ARC_COMPOSE_ACTION_BOOTSTRAP ||
			    is_anchor != (pass == 0))
				continue;
			while (g_strcmp0(arc_compose_session_peer(self, (gint)index)->name,
					 action->peer) != 0)
				index++;
			if (!arc_compose_session_bootstrap(self, index, license, error))
				return FALSE;
		}
	}
	if (!arc_compose_session_authenticate(self, anchor, error))
		return FALSE;
	for (guint i = 0; i < plan->actions->len; i++) {
		ArcComposeAction *action = g_ptr_array_index(plan->actions, i);

		if (action->kind == ARC_COMPOSE_ACTION_JOIN &&
		    !arc_compose_session_join(self, action, error))
			return FALSE;
	}
	return TRUE;
}

static gchar *
arc_compose_route_path(ArcComposeAction *action)
{
	g_autofree gchar *suffix = NULL;

	if (action->kind == ARC_COMPOSE_ACTION_CREATE_ROUTE)
		return arc_cli_services_path(action->service_id, "/routes");
	suffix = g_strdup_printf("/routes/%" G_GINT64_FORMAT, action->route_id);
	return arc_cli_services_path(action->service_id, suffix);
}

static gboolean
arc_compose_session_apply_action(ArcComposeSession *self, ArcCliClient *client,
				 ArcComposeAction *action, GError **error)
{
	g_autofree gchar *path = NULL;
	g_autoptr(JsonNode) body = NULL;
	g_autoptr(JsonNode) response = NULL;
	const gchar *method = NULL;

	switch (action->kind) {
	case ARC_COMPOSE_ACTION_CREATE_SERVICE:
		method = "POST";
		path = g_strdup("/v1/services");
		break;
	case ARC_COMPOSE_ACTION_UPDATE_SERVICE:
	case ARC_COMPOSE_ACTION_DELETE_SERVICE:
		method = action->kind == ARC_COMPOSE_ACTION_UPDATE_SERVICE ? "PUT" : "DELETE";
		path = arc_cli_services_path(action->service_id, NULL);
		break;
	case ARC_COMPOSE_ACTION_CREATE_ROUTE:
		method = "POST";
		path = arc_compose_route_path(action);
		break;
	case ARC_COMPOSE_ACTION_UPDATE_ROUTE:
	case ARC_COMPOSE_ACTION_DELETE_ROUTE:
		method = action->kind == ARC_COMPOSE_ACTION_UPDATE_ROUTE ? "PUT" : "DELETE";
		path = arc_compose_route_path(action);
		break;
	default:
		return TRUE;
	}
	if (action->kind == ARC_COMPOSE_ACTION_CREATE_ROUTE) {
		g_autoptr(JsonObject) wrapper = json_object_new();
		JsonArray *routes = json_array_new();

		json_array_add_object_element(routes, json_object_ref(action->body));
		json_object_set_array_member(wrapper, "routes", routes);
		body = arc_compose_node_from_object(wrapper);
	} else if (action->body != NULL) {
		body = arc_compose_node_from_object(action->body);
	}
	response = arc_cli_client_call(client, method, path, body, error);
	if (response == NULL) {
		g_prefix_error(error, "%s: ", action->summary);
		return FALSE;
	}
	self->applied++;
	return TRUE;
}

/**
 * arc_compose_session_apply:
 * @self: a session whose cluster was read
 * @license: (nullable): the license to bootstrap with, needed if the plan bootstraps
 *
 * Bootstraps and joins the peers, then reads the cluster again and carries out the plan of
 * services and routes made from it, so that peer ids are known and nothing is done twice.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_compose_session_apply(ArcComposeSession *self, JsonNode *license, GError **error)
{
	g_autoptr(ArcComposePlan) plan = arc_compose_plan_new(self->file, &self->state);
	g_autoptr(ArcComposePlan) services = NULL;
	ArcCliClient *client;

	if (plan->anchor < 0) {
		g_set_error_literal(error, ARC_CLI_ERROR, ARC_CLI_ERROR_CONNECTION,
				    _("no peer of the file can be reached"));
		return FALSE;
	}
	if (!arc_compose_session_apply_peers(self, plan, license, error))
		return FALSE;
	if (!arc_compose_session_read_cluster(self, error))
		return FALSE;
	services = arc_compose_plan_new(self->file, &self->state);
	client = g_ptr_array_index(self->clients, (guint)services->anchor);
	for (guint i = 0; i < services->actions->len; i++) {
		ArcComposeAction *action = g_ptr_array_index(services->actions, i);

		if (action->kept || action->kind == ARC_COMPOSE_ACTION_BOOTSTRAP ||
		    action->kind == ARC_COMPOSE_ACTION_JOIN)
			continue;
		if (!arc_compose_session_apply_action(self, client, action, error))
			return FALSE;
	}
	return TRUE;
}

/* ---- what the operator keeps ---- */

/**
 * arc_compose_session_save_config:
 * @self: a session that applied
 *
 * Saves the cluster in the CLI config, with every peer of the file that answered as a place
 * to reach it and the anchor as default peer, and makes it the current cluster.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_compose_session_save_config(ArcComposeSession *self, GError **error)
{
	gint anchor = arc_compose_plan_find_anchor(self->state.peer_states);
	ArcCliClient *client = arc_compose_session_get_anchor(self);
	g_autoptr(JsonNode) identity = NULL;
	g_autoptr(ArcCliCluster) cluster = NULL;
	JsonObject *object;
	const gchar *cluster_id;

	if (client == NULL || self->client_id == NULL)
		return TRUE;
	identity = arc_cli_client_call(client, "GET", "/v1/cluster/identity", NULL, error);
	if (identity == NULL || (object = arc_cli_json_expect_object(identity, error)) == NULL)
		return FALSE;
	cluster_id = arc_cli_json_get_string(object, "cluster_id");
	if (cluster_id == NULL)
		return TRUE;
	cluster = arc_cli_config_get_cluster(self->config, cluster_id);
	if (cluster == NULL)
		cluster = arc_cli_cluster_new(cluster_id);
	g_free(cluster->customer_id);
	cluster->customer_id = g_strdup(arc_cli_json_get_string(object, "customer_id"));
	g_free(cluster->client_id);
	cluster->client_id = g_strdup(self->client_id);
	arc_cli_cluster_set_client_secret(cluster, self->client_secret);
	for (guint i = 0; i < self->state.peer_states->len; i++) {
		ArcComposePeerState *peer = g_ptr_array_index(self->state.peer_states, i);

		if (peer->peer_id == NULL || !peer->reachable)
			continue;
		arc_cli_cluster_set_peer(
			cluster, arc_cli_peer_new(peer->peer_id, peer->name,
						  arc_cli_client_get_url(
							  g_ptr_array_index(self->clients, i))));
	}
	g_free(cluster->default_peer);
	cluster->default_peer = g_strdup(arc_compose_session_peer(self, anchor)->peer_id);
	arc_cli_config_set_cluster(self->config, cluster);
	arc_cli_config_set_current_cluster(self->config, cluster_id);
	if (!arc_cli_config_save(self->config, error))
		return FALSE;
	arc_cli_output_note(_("Configuration saved to %s"), arc_cli_config_get_path(self->config));
	arc_cli_output_note(_("Set as current cluster: %s"), cluster_id);
	return TRUE;
}

static gboolean
arc_compose_write_secret_file(const gchar *path, const gchar *contents, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (!g_file_set_contents_full(path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
				      &error_local)) {
		g_set_error(error, ARC_CLI_ERROR, ARC_CLI_ERROR_GENERAL,
			    /* TRANSLATORS: %s are a path and the reason */
			    _("cannot write %s: %s"), path, error_local->message);
		return FALSE;
	}
	arc_cli_output_note(_("Credentials written to %s"), path);
	return TRUE;
}

static gchar *
arc_compose_credentials_json(ArcComposeSession *self)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonNode) root = NULL;
	const gchar *members[] = {"cluster_id",    "peer_id",    "client_id",
				  "client_secret", "license_id", "expires_at"};

	json_builder_begin_object(builder);
	for (guint i = 0; i < G_N_ELEMENTS(members); i++) {
		json_builder_set_member_name(builder, members[i]);
		json_builder_add_string_value(builder,
					      arc_cli_json_get_string(self->bootstrap, members[i]));
	}
	json_builder_set_member_name(builder, "url");
	json_builder_add_string_value(builder,
				      arc_cli_client_get_url(arc_compose_session_get_anchor(self)));
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	return json_to_string(root, TRUE);
}

/**
 * arc_compose_session_write_credentials:
 * @self: a session that bootstrapped its anchor
 * @json_path: (nullable): where to write the credentials as JSON
 * @env_path: (nullable): where to write them as `NAME=value` lines
 *
 * The cluster credential's secret is shown only once, at bootstrap: these keep it (mode
 * 0600). Without a bootstrap there is nothing new to write.
 *
 * Returns: %TRUE on success
 */
gboolean
arc_compose_session_write_credentials(ArcComposeSession *self, const gchar *json_path,
				      const gchar *env_path, GError **error)
{
	g_autofree gchar *json = NULL;
	g_autofree gchar *env = NULL;

	if (json_path == NULL && env_path == NULL)
		return TRUE;
	if (self->bootstrap == NULL) {
		arc_cli_output_note(_("No peer was bootstrapped: no new credentials to write"));
		return TRUE;
	}
	if (json_path != NULL) {
		json = arc_compose_credentials_json(self);
		if (!arc_compose_write_secret_file(json_path, json, error))
			return FALSE;
	}
	if (env_path != NULL) {
		env = g_strdup_printf("ARCTIC_URL=%s\nARCTIC_CLUSTER_ID=%s\nARCTIC_CLIENT_ID=%s\n"
				      "ARCTIC_CLIENT_SECRET=%s\n",
				      arc_cli_client_get_url(arc_compose_session_get_anchor(self)),
				      arc_cli_json_get_string(self->bootstrap, "cluster_id"),
				      arc_cli_json_get_string(self->bootstrap, "client_id"),
				      arc_cli_json_get_string(self->bootstrap, "client_secret"));
		if (!arc_compose_write_secret_file(env_path, env, error))
			return FALSE;
	}
	return TRUE;
}
