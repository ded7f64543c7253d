/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-cli-cluster.h"

#include <sodium.h>
#include <string.h>

#include "arc-cli-client.h"
#include "arc-cli-json.h"

/**
 * arc_cli_peer_new:
 * @peer_id: (nullable): the peer id
 * @name: (nullable): the peer's name
 * @endpoint: (nullable): its first API URL
 *
 * Returns: (transfer full): a peer entry
 */
ArcCliPeer *
arc_cli_peer_new(const gchar *peer_id, const gchar *name, const gchar *endpoint)
{
	ArcCliPeer *self = g_new0(ArcCliPeer, 1);

	self->peer_id = g_strdup(peer_id);
	self->name = g_strdup(name);
	self->endpoints = g_ptr_array_new_with_free_func(g_free);
	if (endpoint != NULL)
		g_ptr_array_add(self->endpoints, g_strdup(endpoint));
	return self;
}

/**
 * arc_cli_peer_free:
 * @self: a peer entry
 */
void
arc_cli_peer_free(ArcCliPeer *self)
{
	g_free(self->peer_id);
	g_free(self->name);
	g_ptr_array_unref(self->endpoints);
	g_free(self);
}

/**
 * arc_cli_cluster_new:
 * @cluster_id: (nullable): the cluster id
 *
 * Returns: (transfer full): a cluster entry without peers or credentials
 */
ArcCliCluster *
arc_cli_cluster_new(const gchar *cluster_id)
{
	ArcCliCluster *self = g_new0(ArcCliCluster, 1);

	self->cluster_id = g_strdup(cluster_id);
	self->peers = g_ptr_array_new_with_free_func((GDestroyNotify)arc_cli_peer_free);
	return self;
}

static void
arc_cli_cluster_wipe_free(gchar *secret)
{
	if (secret == NULL)
		return;
	sodium_memzero(secret, strlen(secret));
	g_free(secret);
}

/**
 * arc_cli_cluster_free:
 * @self: a cluster entry
 *
 * Frees @self; the client secret is wiped first.
 */
void
arc_cli_cluster_free(ArcCliCluster *self)
{
	g_free(self->cluster_id);
	g_free(self->customer_id);
	g_free(self->client_id);
	arc_cli_cluster_wipe_free(self->client_secret);
	g_free(self->default_peer);
	g_free(self->name);
	g_free(self->description);
	g_ptr_array_unref(self->peers);
	g_free(self);
}

/**
 * arc_cli_cluster_set_client_secret:
 * @self: a cluster entry
 * @secret: (nullable): the new client secret
 */
void
arc_cli_cluster_set_client_secret(ArcCliCluster *self, const gchar *secret)
{
	arc_cli_cluster_wipe_free(self->client_secret);
	self->client_secret = g_strdup(secret);
}

/* Newer entries list `endpoints`; older ones (spec §6.1, L) have a single `url` */
static ArcCliPeer *
arc_cli_peer_from_json(JsonObject *object)
{
	ArcCliPeer *self = arc_cli_peer_new(arc_cli_json_get_string(object, "peer_id"),
					    arc_cli_json_get_string(object, "name"), NULL);
	JsonNode *endpoints = json_object_get_member(object, "endpoints");
	const gchar *url = arc_cli_json_get_string(object, "url");

	if (endpoints != NULL && JSON_NODE_HOLDS_ARRAY(endpoints)) {
		JsonArray *array = json_node_get_array(endpoints);

		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *element = json_array_get_element(array, i);

			if (json_node_get_value_type(element) == G_TYPE_STRING)
				g_ptr_array_add(self->endpoints,
						g_strdup(json_node_get_string(element)));
		}
	}
	if (self->endpoints->len == 0 && url != NULL)
		g_ptr_array_add(self->endpoints, g_strdup(url));
	return self;
}

/**
 * arc_cli_cluster_from_json:
 * @key: the cluster's key in the `clusters` mapping
 * @object: the cluster's mapping
 *
 * Reads a cluster entry in the newer or the older format of spec §6.1.
 *
 * Returns: (transfer full): the cluster entry
 */
ArcCliCluster *
arc_cli_cluster_from_json(const gchar *key, JsonObject *object)
{
	const gchar *cluster_id = arc_cli_json_get_string(object, "cluster_id");
	ArcCliCluster *self = arc_cli_cluster_new(cluster_id != NULL ? cluster_id : key);
	JsonNode *peers = json_object_get_member(object, "peers");

	self->customer_id = g_strdup(arc_cli_json_get_string(object, "customer_id"));
	self->client_id = g_strdup(arc_cli_json_get_string(object, "client_id"));
	self->client_secret = g_strdup(arc_cli_json_get_string(object, "client_secret"));
	self->default_peer = g_strdup(arc_cli_json_get_string(object, "default_peer"));
	self->name = g_strdup(arc_cli_json_get_string(object, "name"));
	self->description = g_strdup(arc_cli_json_get_string(object, "description"));
	if (peers != NULL && JSON_NODE_HOLDS_ARRAY(peers)) {
		JsonArray *array = json_node_get_array(peers);

		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *element = json_array_get_element(array, i);

			if (JSON_NODE_HOLDS_OBJECT(element))
				g_ptr_array_add(
					self->peers,
					arc_cli_peer_from_json(json_node_get_object(element)));
		}
	}
	return self;
}

static void
arc_cli_cluster_set_member(JsonObject *object, const gchar *member, const gchar *value)
{
	if (value != NULL)
		json_object_set_string_member(object, member, value);
	else if (json_object_has_member(object, member))
		json_object_remove_member(object, member);
}

static JsonObject *
arc_cli_cluster_find_peer_object(JsonObject *cluster, const gchar *peer_id)
{
	JsonNode *peers = json_object_get_member(cluster, "peers");
	JsonArray *array;

	if (peer_id == NULL || peers == NULL || !JSON_NODE_HOLDS_ARRAY(peers))
		return NULL;
	array = json_node_get_array(peers);
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);

		if (JSON_NODE_HOLDS_OBJECT(element) &&
		    g_strcmp0(arc_cli_json_get_string(json_node_get_object(element), "peer_id"),
			      peer_id) == 0)
			return json_node_get_object(element);
	}
	return NULL;
}

/* Reuses the peer's old mapping, so that keys we do not know survive a rewrite */
static JsonObject *
arc_cli_peer_to_json(const ArcCliPeer *peer, JsonObject *cluster)
{
	JsonObject *old = arc_cli_cluster_find_peer_object(cluster, peer->peer_id);
	JsonObject *object = old != NULL ? json_object_ref(old) : json_object_new();
	JsonArray *endpoints = json_array_new();

	arc_cli_cluster_set_member(object, "peer_id", peer->peer_id);
	arc_cli_cluster_set_member(object, "name", peer->name);
	for (guint i = 0; i < peer->endpoints->len; i++)
		json_array_add_string_element(endpoints, g_ptr_array_index(peer->endpoints, i));
	json_object_set_array_member(object, "endpoints", endpoints);
	/* keep the legacy single URL in step for older CLIs reading the same file */
	if (json_object_has_member(object, "url") && peer->endpoints->len > 0)
		json_object_set_string_member(object, "url", g_ptr_array_index(peer->endpoints, 0));
	return object;
}

/**
 * arc_cli_cluster_to_json:
 * @self: a cluster entry
 * @object: the cluster's mapping in the config, possibly empty
 *
 * Writes @self into @object in the newer format. Members this version does not know, in the
 * cluster and in its peers, are kept.
 */
void
arc_cli_cluster_to_json(const ArcCliCluster *self, JsonObject *object)
{
	JsonArray *peers = json_array_new();

	arc_cli_cluster_set_member(object, "cluster_id", self->cluster_id);
	arc_cli_cluster_set_member(object, "customer_id", self->customer_id);
	arc_cli_cluster_set_member(object, "client_id", self->client_id);
	arc_cli_cluster_set_member(object, "client_secret", self->client_secret);
	for (guint i = 0; i < self->peers->len; i++)
		json_array_add_object_element(
			peers, arc_cli_peer_to_json(g_ptr_array_index(self->peers, i), object));
	json_object_set_array_member(object, "peers", peers);
	arc_cli_cluster_set_member(object, "default_peer", self->default_peer);
	arc_cli_cluster_set_member(object, "name", self->name);
	arc_cli_cluster_set_member(object, "description", self->description);
}

/**
 * arc_cli_cluster_get_peer:
 * @self: a cluster entry
 * @peer_id: a peer id
 *
 * Returns: (transfer none) (nullable): the peer entry with that id
 */
ArcCliPeer *
arc_cli_cluster_get_peer(const ArcCliCluster *self, const gchar *peer_id)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(self->peers, i);

		if (peer_id != NULL && g_strcmp0(peer->peer_id, peer_id) == 0)
			return peer;
	}
	return NULL;
}

/**
 * arc_cli_cluster_get_default_peer:
 * @self: a cluster entry
 *
 * Returns: (transfer none) (nullable): the `default_peer`, else the first peer
 */
ArcCliPeer *
arc_cli_cluster_get_default_peer(const ArcCliCluster *self)
{
	ArcCliPeer *peer = arc_cli_cluster_get_peer(self, self->default_peer);

	if (peer != NULL)
		return peer;
	return self->peers->len > 0 ? g_ptr_array_index(self->peers, 0) : NULL;
}

/**
 * arc_cli_cluster_set_peer:
 * @self: a cluster entry
 * @peer: (transfer full): a peer entry, replacing the one with the same id
 */
void
arc_cli_cluster_set_peer(ArcCliCluster *self, ArcCliPeer *peer)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcCliPeer *old = g_ptr_array_index(self->peers, i);

		if (g_strcmp0(old->peer_id, peer->peer_id) == 0) {
			arc_cli_peer_free(old);
			self->peers->pdata[i] = peer;
			return;
		}
	}
	g_ptr_array_add(self->peers, peer);
}

/**
 * arc_cli_cluster_remove_peer:
 * @self: a cluster entry
 * @peer_id: a peer id
 *
 * Removes the peer entry; a `default_peer` naming it is cleared, so that the first peer left
 * becomes the default.
 *
 * Returns: how many entries were removed
 */
guint
arc_cli_cluster_remove_peer(ArcCliCluster *self, const gchar *peer_id)
{
	guint removed = 0;

	for (guint i = self->peers->len; i > 0; i--) {
		ArcCliPeer *peer = g_ptr_array_index(self->peers, i - 1);

		if (g_strcmp0(peer->peer_id, peer_id) == 0) {
			g_ptr_array_remove_index(self->peers, i - 1);
			removed++;
		}
	}
	if (removed > 0 && g_strcmp0(self->default_peer, peer_id) == 0)
		g_clear_pointer(&self->default_peer, g_free);
	return removed;
}

static void
arc_cli_cluster_add_peer_urls(GPtrArray *urls, const ArcCliPeer *peer)
{
	for (guint i = 0; i < peer->endpoints->len; i++) {
		g_autofree gchar *url =
			arc_cli_client_normalize_url(g_ptr_array_index(peer->endpoints, i), NULL);

		/* each endpoint is tried once, even if listed twice */
		if (url != NULL && !g_ptr_array_find_with_equal_func(urls, url, g_str_equal, NULL))
			g_ptr_array_add(urls, g_steal_pointer(&url));
	}
}

/**
 * arc_cli_cluster_get_urls:
 * @self: a cluster entry
 * @all_peers: %FALSE to keep to the default peer
 *
 * With the shared cluster credential any peer can answer (spec §3.3), so the endpoints to
 * try are the default peer's, then every other peer's in file order.
 *
 * Returns: (transfer container) (element-type utf8): normalized URLs, possibly none
 */
GPtrArray *
arc_cli_cluster_get_urls(const ArcCliCluster *self, gboolean all_peers)
{
	GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);
	ArcCliPeer *peer = arc_cli_cluster_get_default_peer(self);

	if (peer != NULL)
		arc_cli_cluster_add_peer_urls(urls, peer);
	for (guint i = 0; all_peers && i < self->peers->len; i++) {
		if (g_ptr_array_index(self->peers, i) != peer)
			arc_cli_cluster_add_peer_urls(urls, g_ptr_array_index(self->peers, i));
	}
	return urls;
}

/* Endpoints as written by hand may lack the scheme or end in a slash */
static gchar *
arc_cli_cluster_url_key(const gchar *url)
{
	gchar *key = strstr(url, "://") != NULL ? g_strdup(url) : g_strconcat("http://", url, NULL);
	gsize length = strlen(key);

	while (length > 0 && key[length - 1] == '/')
		key[--length] = '\0';
	return key;
}

static gboolean
arc_cli_cluster_url_equal(gconstpointer a, gconstpointer b)
{
	g_autofree gchar *key_a = arc_cli_cluster_url_key(a);
	g_autofree gchar *key_b = arc_cli_cluster_url_key(b);

	return g_strcmp0(key_a, key_b) == 0;
}

/**
 * arc_cli_cluster_has_endpoint:
 * @self: a cluster entry
 * @url: an API URL
 *
 * Returns: %TRUE if one of the cluster's peers lists @url
 */
gboolean
arc_cli_cluster_has_endpoint(const ArcCliCluster *self, const gchar *url)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(self->peers, i);

		if (g_ptr_array_find_with_equal_func(peer->endpoints, url,
						     arc_cli_cluster_url_equal, NULL))
			return TRUE;
	}
	return FALSE;
}

/**
 * arc_cli_cluster_promote_endpoint:
 * @self: a cluster entry
 * @url: the endpoint that just worked
 *
 * Moves @url to the front of its peer's endpoints, so that the next command tries it first.
 *
 * Returns: %TRUE if anything moved
 */
gboolean
arc_cli_cluster_promote_endpoint(ArcCliCluster *self, const gchar *url)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(self->peers, i);
		guint index = 0;

		if (!g_ptr_array_find_with_equal_func(peer->endpoints, url,
						      arc_cli_cluster_url_equal, &index))
			continue;
		if (index == 0)
			return FALSE;
		g_ptr_array_insert(peer->endpoints, 0,
				   g_ptr_array_steal_index(peer->endpoints, index));
		return TRUE;
	}
	return FALSE;
}

static ArcCliPeer *
arc_cli_cluster_find_endpoint_peer(const ArcCliCluster *self, const gchar *url)
{
	for (guint i = 0; i < self->peers->len; i++) {
		ArcCliPeer *peer = g_ptr_array_index(self->peers, i);

		if (g_ptr_array_find_with_equal_func(peer->endpoints, url,
						     arc_cli_cluster_url_equal, NULL))
			return peer;
	}
	return NULL;
}

/**
 * arc_cli_cluster_remember_endpoint:
 * @self: a cluster entry
 * @url: the endpoint that just answered
 *
 * Makes @url the endpoint tried first next time: the first of its peer's endpoints, and its
 * peer the `default_peer` (if the peer has an id).
 *
 * Returns: %TRUE if anything changed
 */
gboolean
arc_cli_cluster_remember_endpoint(ArcCliCluster *self, const gchar *url)
{
	gboolean changed = arc_cli_cluster_promote_endpoint(self, url);
	ArcCliPeer *peer = arc_cli_cluster_find_endpoint_peer(self, url);

	if (peer == NULL || peer->peer_id == NULL || peer == arc_cli_cluster_get_default_peer(self))
		return changed;
	g_free(self->default_peer);
	self->default_peer = g_strdup(peer->peer_id);
	return TRUE;
}
