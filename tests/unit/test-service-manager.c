/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arctic-plugin.h>
#include <sodium.h>

#include "arc-engine.h"
#include "arc-plugin-loader.h"
#include "arc-record-sign.h"
#include "arc-registry.h"
#include "arc-service-manager.h"
#include "arc-unit-storage.h"
#include "arc-key-file.h"

/* The service manager in-process, over a registry on the real sqlite storage plugin in a temp
 * dir, with no agent (docs/services.md, docs/routing.md). Three members: A (this agent),
 * B and C, and a fourth peer D that left (state `deactivated`). */

#define TEST_T0 G_GINT64_CONSTANT(1780000000)

typedef struct {
	gchar *dir;
	ArcConfig *config;
	ArcNode *node;
	ArcRegistry *registry;
	ArcServiceManager *manager;
	ArcIdentity *ids[4];
	gint64 max_services;
	GPtrArray *changed; /* of gchar*: the ids service-changed told */
} ServiceFixture;

static const gchar *const test_peers[] = {"peer_a", "peer_b", "peer_c", "peer_d"};
static const gchar *const test_names[] = {"alpha", "bravo", "charlie", "delta"};

static const ArcRecordKind test_peer_kinds[] = {
	{.name = "peer", .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_MEMBER},
	{.name = "revoked_peer",
	 .flags = ARC_RECORD_KIND_FLAG_REPLICATED | ARC_RECORD_KIND_FLAG_REVOCATION},
};

static gint64
test_now_cb(gpointer user_data)
{
	return TEST_T0;
}

static gint64
test_max_services_cb(gpointer user_data)
{
	ServiceFixture *fx = user_data;
	return fx->max_services;
}

/* the peers as the engine lists them: every live `peer` record */
static GPtrArray *
test_list_peers_cb(gpointer user_data, GError **error)
{
	ServiceFixture *fx = user_data;
	ArcStorage *storage = arc_registry_get_storage(fx->registry);
	g_autoptr(GPtrArray) records = arc_storage_list_records(storage, "peer", error);
	GPtrArray *peers = g_ptr_array_new_with_free_func((GDestroyNotify)arc_peer_info_free);

	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		g_autoptr(JsonNode) root = arc_json_parse_object(record->body, -1, 8, NULL);
		JsonObject *obj = json_node_get_object(root);
		ArcPeerInfo *info;

		if (record->deleted)
			continue;
		info = g_new0(ArcPeerInfo, 1);
		info->id = g_strdup(record->id);
		info->name = g_strdup(arc_json_object_get_string(obj, "name"));
		g_assert_true(arc_peer_state_from_string(arc_json_object_get_string(obj, "state"),
							 &info->state));
		g_ptr_array_add(peers, info);
	}
	return peers;
}

static const ArcServiceHost test_host = {
	.get_max_services = test_max_services_cb,
	.list_peers = test_list_peers_cb,
};

static void
test_service_changed_cb(ArcServiceManager *manager, const gchar *service_id, gpointer user_data)
{
	ServiceFixture *fx = user_data;
	g_ptr_array_add(fx->changed, g_strdup(service_id));
}

/* a record @writer signed */
static ArcRecord *
test_record(ServiceFixture *fx, guint writer, const gchar *kind, const gchar *id, gint64 version,
	    const gchar *body, gboolean deleted)
{
	gboolean ok;
	g_autoptr(ArcRecord) record = arc_record_new(kind, id, body);
	g_autoptr(GError) error = NULL;

	record->version = version;
	record->writer = g_strdup(test_peers[writer]);
	record->deleted = deleted;
	record->updated_at = (TEST_T0 + version) * G_USEC_PER_SEC;
	ok = arc_record_sign(record, fx->ids[writer], &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	return g_steal_pointer(&record);
}

static ArcRecord *
test_peer_record(ServiceFixture *fx, guint i, const gchar *state, gint64 version, gboolean deleted)
{
	g_autofree gchar *body = g_strdup_printf(
		"{\"id\":\"%s\",\"name\":\"%s\",\"public_key\":\"%s\",\"address\":\"127.0.0.1:%u\","
		"\"state\":\"%s\",\"created_at\":\"2026-01-0%uT00:00:00Z\"}",
		test_peers[i], test_names[i], arc_identity_get_public_key_base64(fx->ids[i]),
		18080u + i, state, i + 1);
	return test_record(fx, i, "peer", test_peers[i], version, body, deleted);
}

static void
test_commit_one(ServiceFixture *fx, ArcRecord *record)
{
	gboolean ok;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autoptr(GError) error = NULL;

	arc_storage_txn_put_record(txn, record);
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
service_setup(ServiceFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(GError) error = NULL;
	g_autoptr(ArcStorage) storage = NULL;
	g_autoptr(ArcStorageTxn) txn = arc_storage_txn_new();
	g_autofree gchar *data_dir = NULL;

	fx->dir = g_dir_make_tmp("arc-service-manager-XXXXXX", &error);
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(fx->ids); i++) {
		g_autofree gchar *name = g_strdup_printf("%u.key", i);
		g_autofree gchar *path = g_build_filename(fx->dir, name, NULL);
		fx->ids[i] = arc_identity_load_or_create(path, &error);
		g_assert_no_error(error);
	}
	data_dir = g_build_filename(fx->dir, "a", NULL);
	storage = arc_unit_open_storage(data_dir);
	fx->registry = arc_registry_new(storage);
	for (guint i = 0; i < G_N_ELEMENTS(test_peer_kinds); i++)
		arc_registry_register_kind(fx->registry, &test_peer_kinds[i], NULL);
	arc_registry_set_signer(fx->registry, fx->ids[0], "peer_a");
	fx->config = arc_config_new();
	fx->node = arc_node_new(fx->config);
	arc_node_set_clock(fx->node, test_now_cb, NULL);
	arc_node_set_identity(fx->node, fx->ids[0], "peer_a", "clu_a", "alpha");
	fx->manager = arc_service_manager_new(fx->node, fx->registry, &test_host, fx);
	fx->changed = g_ptr_array_new_with_free_func(g_free);
	g_signal_connect(fx->manager, "service-changed", G_CALLBACK(test_service_changed_cb), fx);
	for (guint i = 0; i < G_N_ELEMENTS(test_peers); i++) {
		g_autoptr(ArcRecord) peer =
			test_peer_record(fx, i, i == 3 ? "deactivated" : "active", 1, FALSE);
		arc_storage_txn_put_record(txn, peer);
	}
	ok = arc_registry_commit(fx->registry, txn, NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}

static void
service_teardown(ServiceFixture *fx, gconstpointer data)
{
	g_autofree gchar *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	arc_storage_close(arc_registry_get_storage(fx->registry));
	g_clear_object(&fx->manager);
	g_clear_object(&fx->registry);
	g_clear_object(&fx->node);
	g_clear_pointer(&fx->config, arc_config_free);
	for (guint i = 0; i < G_N_ELEMENTS(fx->ids); i++)
		g_clear_object(&fx->ids[i]);
	g_clear_pointer(&fx->changed, g_ptr_array_unref);
	g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
	g_free(fx->dir);
}

static ArcServiceSpec *
test_spec(const gchar *json, gboolean create)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(json, -1, 8, NULL);
	g_autoptr(GError) error = NULL;
	ArcServiceSpec *spec;

	g_assert_nonnull(root);
	spec = arc_service_spec_from_json(json_node_get_object(root), create, &error);
	g_assert_no_error(error);
	return spec;
}

static ArcRouteBatch *
test_route_batch(const gchar *json)
{
	g_autoptr(JsonNode) root = arc_json_parse_object(json, -1, 8, NULL);
	g_autoptr(GError) error = NULL;
	ArcRouteBatch *batch;

	g_assert_nonnull(root);
	batch = arc_route_batch_from_json(json_node_get_object(root), &error);
	g_assert_no_error(error);
	return batch;
}

/* a service created from @json, which must succeed */
static ArcServiceInfo *
test_create(ServiceFixture *fx, const gchar *json)
{
	g_autoptr(ArcServiceSpec) spec = test_spec(json, TRUE);
	g_autoptr(GError) error = NULL;
	ArcServiceInfo *info;

	info = arc_service_manager_create_service(fx->manager, spec, "test", &error);
	g_assert_no_error(error);
	g_assert_nonnull(info);
	return info;
}

static guint
test_count_records(ServiceFixture *fx, const gchar *kind, gboolean deleted)
{
	ArcStorage *storage = arc_registry_get_storage(fx->registry);
	g_autoptr(GPtrArray) records = arc_storage_list_records(storage, kind, NULL);
	guint n = 0;

	for (guint i = 0; records != NULL && i < records->len; i++) {
		ArcRecord *record = g_ptr_array_index(records, i);
		if (record->deleted == deleted)
			n++;
	}
	return n;
}

static void
test_create_func(ServiceFixture *fx, gconstpointer data)
{
	g_autoptr(ArcServiceInfo) info =
		test_create(fx, "{\"name\":\"web\",\"target_peer_id\":\"bravo\",\"routes\":["
				"{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":10},"
				"{\"source_cidr\":\"192.168.0.0/16\",\"priority\":0}]}");
	ArcStorage *storage = arc_registry_get_storage(fx->registry);
	g_autoptr(ArcRecord) stored = arc_storage_get_record(storage, "service", info->id, NULL);
	g_autofree gchar *last = arc_storage_get_meta(storage, "routes.last_id", NULL);
	ArcRouteInfo *route;

	/* from this agent by default, the target named by its peer's name */
	g_assert_true(g_str_has_prefix(info->id, "svc_"));
	g_assert_cmpstr(info->name, ==, "web");
	g_assert_cmpstr(info->source_peer_id, ==, "peer_a");
	g_assert_cmpstr(info->source_peer_name, ==, "alpha");
	g_assert_cmpstr(info->target_peer_id, ==, "peer_b");
	g_assert_cmpstr(info->target_peer_name, ==, "bravo");
	g_assert_cmpstr(info->transport_type, ==, "tcp");
	g_assert_cmpint(info->state, ==, ARC_SERVICE_STATE_ACTIVE);
	g_assert_cmpint(info->created_at, ==, TEST_T0);
	g_assert_cmpuint(info->route_count, ==, 2);
	g_assert_cmpuint(info->routes->len, ==, 2);
	route = g_ptr_array_index(info->routes, 0);
	g_assert_cmpint(route->id, ==, 1);
	g_assert_cmpstr(route->dest_cidr, ==, "10.0.0.0/8");
	g_assert_cmpint(route->priority, ==, 10);
	g_assert_cmpstr(route->created_by, ==, "peer_a");
	g_assert_cmpint(((ArcRouteInfo *)g_ptr_array_index(info->routes, 1))->id, ==, 2);
	/* stored as this agent's signed record, the route ids counted on */
	g_assert_nonnull(stored);
	g_assert_cmpstr(stored->writer, ==, "peer_a");
	g_assert_cmpint(stored->version, ==, 1);
	g_assert_nonnull(stored->signature);
	g_assert_nonnull(strstr(stored->body, "\"target_peer_id\":\"peer_b\""));
	g_assert_cmpstr(last, ==, "2");
	g_assert_cmpuint(test_count_records(fx, "route", FALSE), ==, 2);
	/* one commit, one service: told once */
	g_assert_cmpuint(fx->changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changed, 0), ==, info->id);
}

static void
test_update_func(ServiceFixture *fx, gconstpointer data)
{
	g_autoptr(ArcServiceInfo) web =
		test_create(fx, "{\"name\":\"web\",\"target_peer_id\":\"peer_b\"}");
	g_autoptr(ArcServiceInfo) db =
		test_create(fx, "{\"name\":\"db\",\"target_peer_id\":\"peer_c\"}");
	g_autoptr(ArcServiceSpec) rename = test_spec("{\"name\":\"www\"}", FALSE);
	g_autoptr(ArcServiceSpec) clash = test_spec("{\"name\":\"db\"}", FALSE);
	g_autoptr(ArcServiceSpec) gone = test_spec("{\"target_peer_id\":\"peer_x\"}", FALSE);
	g_autoptr(ArcServiceSpec) left = test_spec("{\"target_peer_id\":\"peer_d\"}", FALSE);
	g_autoptr(ArcServiceInfo) updated = NULL;
	g_autoptr(ArcServiceInfo) again = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *clash_message = NULL;

	/* by name */
	updated = arc_service_manager_update_service(fx->manager, "web", rename, "test", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(updated->id, ==, web->id);
	g_assert_cmpstr(updated->name, ==, "www");
	again = arc_service_manager_get_service(fx->manager, "www", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again->id, ==, web->id);
	/* names are unique */
	g_assert_null(
		arc_service_manager_update_service(fx->manager, web->id, clash, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_ALREADY_EXISTS);
	clash_message = g_strdup_printf("a service named 'db' exists already: %s", db->id);
	g_assert_cmpstr(error->message, ==, clash_message);
	g_clear_error(&error);
	/* the target must be a member, and one that has not left */
	g_assert_null(
		arc_service_manager_update_service(fx->manager, web->id, gone, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "target peer not found: peer_x");
	g_clear_error(&error);
	g_assert_null(
		arc_service_manager_update_service(fx->manager, web->id, left, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_INVALID_REQUEST);
	g_assert_cmpstr(error->message, ==, "target peer peer_d is not active (deactivated)");
	g_clear_error(&error);
	/* what was refused changed nothing */
	g_clear_pointer(&again, arc_service_info_free);
	again = arc_service_manager_get_service(fx->manager, web->id, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again->name, ==, "www");
	g_assert_cmpstr(again->target_peer_id, ==, "peer_b");
}

static void
test_delete_func(ServiceFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcServiceInfo) web =
		test_create(fx, "{\"name\":\"web\",\"target_peer_id\":\"peer_b\",\"routes\":["
				"{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":1},"
				"{\"dest_cidr\":\"10.1.0.0/16\",\"priority\":1}]}");
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;

	g_ptr_array_set_size(fx->changed, 0);
	ok = arc_service_manager_delete_service(fx->manager, "web", "test", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* the service and its routes as tombstones, for gossip to carry */
	g_assert_cmpuint(test_count_records(fx, "service", TRUE), ==, 1);
	g_assert_cmpuint(test_count_records(fx, "route", TRUE), ==, 2);
	g_assert_cmpuint(test_count_records(fx, "route", FALSE), ==, 0);
	g_assert_cmpuint(fx->changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changed, 0), ==, web->id);
	g_assert_null(arc_service_manager_get_service(fx->manager, web->id, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_clear_error(&error);
	list = arc_service_manager_list_services(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 0);
	g_assert_false(arc_service_manager_delete_service(fx->manager, "web", "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "service not found: web");
}

typedef struct {
	const gchar *json;
	gint code;
	const gchar *message;
} ServiceRefusal;

static void
test_validation_func(ServiceFixture *fx, gconstpointer data)
{
	static const ServiceRefusal refusals[] = {
		{"{\"name\":\"a\"}", ARC_ERROR_MISSING_FIELD, "'target_peer_id' is required"},
		{"{\"target_peer_id\":\"peer_a\"}", ARC_ERROR_INVALID_REQUEST,
		 "the source and target peers must differ"},
		{"{\"target_peer_id\":\"peer_b\",\"transport_type\":\"kcp\","
		 "\"requires_interface\":true,\"fully_transparent\":true}",
		 ARC_ERROR_INVALID_TRANSPORT, "fully_transparent requires transport tcp"},
		{"{\"target_peer_id\":\"peer_b\",\"fully_transparent\":true}",
		 ARC_ERROR_INVALID_REQUEST, "fully_transparent requires requires_interface"},
		{"{\"target_peer_id\":\"peer_b\",\"desired_ipv4_cidr\":\"10.9.0.1/24\"}",
		 ARC_ERROR_INVALID_REQUEST,
		 "a desired interface address requires requires_interface"},
		{"{\"target_peer_id\":\"nobody\"}", ARC_ERROR_NOT_FOUND,
		 "target peer not found: nobody"},
		{"{\"source_peer_id\":\"peer_d\",\"target_peer_id\":\"peer_b\"}",
		 ARC_ERROR_INVALID_REQUEST, "source peer peer_d is not active (deactivated)"},
	};
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(refusals); i++) {
		/* as an update would parse it: the manager's own checks, not the parser's */
		g_autoptr(ArcServiceSpec) spec = test_spec(refusals[i].json, FALSE);
		g_autoptr(GError) refusal = NULL;

		g_test_message("%s", refusals[i].json);
		g_assert_null(
			arc_service_manager_create_service(fx->manager, spec, "test", &refusal));
		g_assert_error(refusal, ARC_ERROR, refusals[i].code);
		g_assert_cmpstr(refusal->message, ==, refusals[i].message);
	}
	/* bad input changes nothing */
	g_assert_cmpuint(test_count_records(fx, "service", FALSE), ==, 0);
	g_assert_cmpuint(fx->changed->len, ==, 0);
	list = arc_service_manager_list_services(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 0);
}

static void
test_limit_func(ServiceFixture *fx, gconstpointer data)
{
	g_autoptr(ArcServiceInfo) first =
		test_create(fx, "{\"name\":\"one\",\"target_peer_id\":\"peer_b\"}");
	g_autoptr(ArcServiceSpec) second = test_spec("{\"target_peer_id\":\"peer_c\"}", TRUE);
	g_autofree gchar *body = NULL;
	g_autoptr(ArcRecord) theirs = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(GError) error = NULL;

	fx->max_services = 1;
	arc_service_manager_invalidate(fx->manager);
	g_assert_null(arc_service_manager_create_service(fx->manager, second, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_SERVICE_LIMIT_EXCEEDED);
	g_assert_cmpstr(error->message, ==,
			"the license allows 1 services and the cluster has them all");
	g_clear_error(&error);
	g_assert_cmpuint(test_count_records(fx, "service", FALSE), ==, 1);
	/* B created one at the same time, later: it waits, beyond the limit */
	body = g_strdup_printf("{\"name\":\"two\",\"source_peer_id\":\"peer_b\","
			       "\"target_peer_id\":\"peer_c\",\"transport_type\":\"tcp\","
			       "\"created_at\":\"2026-12-31T00:00:00Z\"}");
	theirs = test_record(fx, 1, "service", "svc_01TWO", 1, body, FALSE);
	test_commit_one(fx, theirs);
	list = arc_service_manager_list_services(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 2);
	for (guint i = 0; i < list->len; i++) {
		ArcServiceInfo *info = g_ptr_array_index(list, i);
		g_assert_cmpstr(arc_service_state_to_string(info->state), ==,
				g_str_equal(info->id, first->id) ? "active" : "over_limit");
	}
}

static void
test_routes_func(ServiceFixture *fx, gconstpointer data)
{
	gboolean ok;
	g_autoptr(ArcServiceInfo) web =
		test_create(fx, "{\"name\":\"web\",\"target_peer_id\":\"peer_b\"}");
	g_autoptr(ArcServiceInfo) db =
		test_create(fx, "{\"name\":\"db\",\"target_peer_id\":\"peer_c\"}");
	g_autoptr(ArcRouteBatch) batch =
		test_route_batch("{\"routes\":[{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":5},"
				 "{\"source_cidr\":\"172.16.0.0/12\",\"priority\":0}]}");
	g_autoptr(ArcRouteSpec) clear = g_new0(ArcRouteSpec, 1);
	g_autoptr(ArcRouteSpec) raise = g_new0(ArcRouteSpec, 1);
	g_autoptr(GArray) ids = NULL;
	g_autoptr(GPtrArray) routes = NULL;
	g_autoptr(ArcRouteInfo) updated = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *elsewhere = g_strdup_printf("route 1 not found in service %s", db->id);

	g_ptr_array_set_size(fx->changed, 0);
	ids = arc_service_manager_add_routes(fx->manager, "web", batch, "test", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ids->len, ==, 2);
	g_assert_cmpint(g_array_index(ids, gint64, 0), ==, 1);
	g_assert_cmpint(g_array_index(ids, gint64, 1), ==, 2);
	g_assert_cmpuint(fx->changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changed, 0), ==, web->id);
	/* a route belongs to its service only */
	raise->set = ARC_ROUTE_FIELD_PRIORITY;
	raise->priority = 50;
	g_assert_null(
		arc_service_manager_update_route(fx->manager, db->id, 1, raise, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, elsewhere);
	g_clear_error(&error);
	updated = arc_service_manager_update_route(fx->manager, "web", 1, raise, "test", &error);
	g_assert_no_error(error);
	g_assert_cmpint(updated->priority, ==, 50);
	g_assert_cmpstr(updated->dest_cidr, ==, "10.0.0.0/8");
	/* a route keeps one CIDR at least */
	clear->set = ARC_ROUTE_FIELD_DEST;
	g_assert_null(
		arc_service_manager_update_route(fx->manager, web->id, 1, clear, "test", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD);
	g_assert_cmpstr(error->message, ==, "a route needs 'source_cidr' or 'dest_cidr' (or both)");
	g_clear_error(&error);
	ok = arc_service_manager_delete_route(fx->manager, web->id, 2, "test", &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	routes = arc_service_manager_list_routes(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(routes->len, ==, 1);
	g_assert_cmpint(((ArcRouteInfo *)g_ptr_array_index(routes, 0))->id, ==, 1);
	g_assert_cmpint(((ArcRouteInfo *)g_ptr_array_index(routes, 0))->priority, ==, 50);
	g_assert_null(arc_service_manager_list_routes(fx->manager, "svc_none", &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
}

/* A and B numbered a new route alike in the same gossip round: B's wins the id, and A's route
 * comes back under the next free id instead of being lost */
static void
test_displacement_func(ServiceFixture *fx, gconstpointer data)
{
	gint merged;
	g_autoptr(ArcServiceInfo) web =
		test_create(fx, "{\"name\":\"web\",\"target_peer_id\":\"peer_b\",\"routes\":["
				"{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":100}]}");
	ArcRouteInfo *mine = g_ptr_array_index(web->routes, 0);
	g_autofree gchar *body = g_strdup_printf(
		"{\"service_id\":\"%s\",\"priority\":100,\"source_cidr\":null,"
		"\"dest_cidr\":\"192.168.0.0/16\",\"created_at\":\"2026-12-07T00:00:00Z\","
		"\"created_by\":\"peer_b\",\"uid\":\"01THEIRS\"}",
		web->id);
	g_autoptr(ArcRecord) theirs = test_record(fx, 1, "route", "1", 2, body, FALSE);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GPtrArray) routes = NULL;
	g_autoptr(GError) error = NULL;
	ArcRouteInfo *route;

	g_assert_cmpint(mine->id, ==, 1);
	g_ptr_array_add(records, theirs);
	merged = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(merged, ==, 1);
	routes = arc_service_manager_list_routes(fx->manager, web->id, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(routes->len, ==, 2);
	route = g_ptr_array_index(routes, 0);
	g_assert_cmpint(route->id, ==, 1);
	g_assert_cmpstr(route->dest_cidr, ==, "192.168.0.0/16");
	g_assert_cmpstr(route->created_by, ==, "peer_b");
	route = g_ptr_array_index(routes, 1);
	g_assert_cmpint(route->id, ==, 2);
	g_assert_cmpstr(route->dest_cidr, ==, "10.0.0.0/8");
	g_assert_cmpstr(route->uid, ==, mine->uid);
	g_assert_cmpstr(route->created_by, ==, "peer_a");
	/* a route of B's own that wins over B's older version displaces nothing */
	g_clear_pointer(&candidates, g_ptr_array_unref);
	g_clear_pointer(&purged, g_ptr_array_unref);
	g_ptr_array_set_size(records, 0);
	{
		g_autoptr(ArcRecord) newer = test_record(fx, 1, "route", "1", 3, body, FALSE);
		g_ptr_array_add(records, newer);
		merged = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged,
					    &error);
		g_assert_no_error(error);
		g_assert_cmpint(merged, ==, 1);
	}
	g_clear_pointer(&routes, g_ptr_array_unref);
	routes = arc_service_manager_list_routes(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(routes->len, ==, 2);
}

static void
test_lookup_func(ServiceFixture *fx, gconstpointer data)
{
	g_autoptr(ArcServiceInfo) wide =
		test_create(fx, "{\"name\":\"wide\",\"target_peer_id\":\"peer_b\",\"routes\":["
				"{\"dest_cidr\":\"10.0.0.0/8\",\"priority\":100}]}");
	g_autoptr(ArcServiceInfo) narrow =
		test_create(fx, "{\"name\":\"narrow\",\"target_peer_id\":\"peer_c\",\"routes\":["
				"{\"dest_cidr\":\"10.1.0.0/16\",\"priority\":1}]}");
	g_autoptr(ArcRouteLookup) lookup = NULL;
	g_autoptr(ArcRouteLookup) from_b = NULL;
	g_autoptr(ArcRouteLookup) after = NULL;
	g_autoptr(ArcRecord) c_gone = NULL;
	g_autoptr(GError) error = NULL;
	ArcRouteCandidate *candidate;

	/* the longer prefix wins over the higher priority */
	lookup = arc_service_manager_lookup_route(fx->manager, NULL, "192.168.1.1", "10.1.2.3",
						  NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(lookup->peer_id, ==, "peer_a");
	g_assert_cmpint(lookup->category, ==, ARC_ROUTE_CATEGORY_DESTINATION);
	g_assert_cmpstr(lookup->service->id, ==, narrow->id);
	g_assert_cmpstr(lookup->service->target_peer_name, ==, "charlie");
	g_assert_cmpint(lookup->route->id, ==, 2);
	g_assert_cmpuint(lookup->candidates->len, ==, 1);
	candidate = g_ptr_array_index(lookup->candidates, 0);
	g_assert_cmpint(candidate->route->id, ==, 1);
	g_assert_true(candidate->matches);
	/* the routes of the services from B, by B's name: none */
	from_b = arc_service_manager_lookup_route(fx->manager, "bravo", "192.168.1.1", "10.1.2.3",
						  NULL, FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(from_b->peer_id, ==, "peer_b");
	g_assert_cmpint(from_b->category, ==, ARC_ROUTE_CATEGORY_NONE);
	g_assert_null(from_b->service);
	g_assert_null(arc_service_manager_lookup_route(fx->manager, "nobody", "192.168.1.1",
						       "10.1.2.3", NULL, FALSE, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "peer not found: nobody");
	g_clear_error(&error);
	g_assert_null(arc_service_manager_lookup_route(fx->manager, NULL, NULL, "10.1.2.3", NULL,
						       FALSE, &error));
	g_assert_error(error, ARC_ERROR, ARC_ERROR_MISSING_FIELD);
	g_clear_error(&error);
	/* C is removed: its service goes inactive and the index forgets its routes */
	c_gone = test_peer_record(fx, 2, "active", 2, TRUE);
	test_commit_one(fx, c_gone);
	after = arc_service_manager_lookup_route(fx->manager, NULL, "192.168.1.1", "10.1.2.3", NULL,
						 FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(after->service->id, ==, wide->id);
	g_assert_cmpint(after->route->id, ==, 1);
	g_assert_cmpuint(after->candidates->len, ==, 0);
}

/* a service another agent wrote: stored, and told */
static void
test_received_func(ServiceFixture *fx, gconstpointer data)
{
	gint merged;
	g_autoptr(ArcRecord) theirs = test_record(
		fx, 1, "service", "svc_01B", 1,
		"{\"name\":\"from-b\",\"source_peer_id\":\"peer_b\",\"target_peer_id\":\"peer_c\","
		"\"transport_type\":\"tcp\",\"created_at\":\"2026-12-07T00:00:00Z\"}",
		FALSE);
	g_autoptr(GPtrArray) records = g_ptr_array_new();
	g_autoptr(GPtrArray) candidates = NULL;
	g_autoptr(GPtrArray) purged = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autoptr(ArcServiceInfo) info = NULL;
	g_autoptr(GError) error = NULL;

	/* read once before, so that the cache has to follow */
	list = arc_service_manager_list_services(fx->manager, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 0);
	g_ptr_array_add(records, theirs);
	merged = arc_registry_merge(fx->registry, records, "peer_b", &candidates, &purged, &error);
	g_assert_no_error(error);
	g_assert_cmpint(merged, ==, 1);
	g_assert_cmpuint(fx->changed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(fx->changed, 0), ==, "svc_01B");
	info = arc_service_manager_get_service(fx->manager, "from-b", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(info->source_peer_name, ==, "bravo");
	g_assert_cmpstr(info->interface_name, ==, "arcsvc_01b");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add("/service-manager/create", ServiceFixture, NULL, service_setup, test_create_func,
		   service_teardown);
	g_test_add("/service-manager/update", ServiceFixture, NULL, service_setup, test_update_func,
		   service_teardown);
	g_test_add("/service-manager/delete", ServiceFixture, NULL, service_setup, test_delete_func,
		   service_teardown);
	g_test_add("/service-manager/validation", ServiceFixture, NULL, service_setup,
		   test_validation_func, service_teardown);
	g_test_add("/service-manager/limit", ServiceFixture, NULL, service_setup, test_limit_func,
		   service_teardown);
	g_test_add("/service-manager/routes", ServiceFixture, NULL, service_setup, test_routes_func,
		   service_teardown);
	g_test_add("/service-manager/displacement", ServiceFixture, NULL, service_setup,
		   test_displacement_func, service_teardown);
	g_test_add("/service-manager/lookup", ServiceFixture, NULL, service_setup, test_lookup_func,
		   service_teardown);
	g_test_add("/service-manager/received", ServiceFixture, NULL, service_setup,
		   test_received_func, service_teardown);
	return g_test_run();
}
