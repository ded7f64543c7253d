/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "arc-dbus-generated.h"
#include "arc-test-agent.h"

G_BEGIN_DECLS

/*
 * The fixture of the D-Bus suite (DESIGN.md §7): the built arctic-agent (an ArcTestAgent of
 * tests/common) on a private bus (GTestDBus); each test-dbus-*.c talks to it only through
 * D-Bus and HTTP, as a user would. Its licenses come from the built arctic-license, whose
 * issuer the agent trusts.
 */

#define ARC_DBUS_TEST_BUS_NAME "com.tillered.Arctic1"
#define ARC_DBUS_TEST_OBJECT_PATH "/com/tillered/Arctic1"
#define ARC_DBUS_TEST_AGENT_PATH "/com/tillered/Arctic1/Agent"
#define ARC_DBUS_TEST_MANAGE_ACTION "com.tillered.arctic.manage"
#define ARC_DBUS_TEST_AGENT_IFACE "com.tillered.Arctic1.Agent"
#define ARC_DBUS_TEST_PEER_IFACE "com.tillered.Arctic1.Peer"
#define ARC_DBUS_TEST_PEERS_PATH "/com/tillered/Arctic1/peers"
#define ARC_DBUS_TEST_SERVICE_IFACE "com.tillered.Arctic1.Service"
#define ARC_DBUS_TEST_SERVICES_PATH "/com/tillered/Arctic1/services"
#define ARC_DBUS_TEST_CUSTOMER_ID "cust_dbus"
/* longer under ARC_TEST_AGENT_WRAPPER, as every wait of the harness */
#define ARC_DBUS_TEST_TIMEOUT_US ((gint64)arc_test_process_timeout(15) * G_USEC_PER_SEC)
#define ARC_DBUS_TEST_POLL_US (20 * 1000)
#define ARC_DBUS_TEST_DBUS_UNAVAILABLE "D-Bus unavailable"

typedef struct {
	GTestDBus *bus;
	ArcTestAgent *agent; /* the agent under test */
	const gchar *tmpdir; /* the agent's */
	gboolean started;    /* the agent was started and not stopped since */
	gchar *license_path; /* a license of the issuer the agent trusts */
	GDBusConnection *connection;
	ArcDbusAgent *proxy;
	GPtrArray *changed; /* names of properties seen in PropertiesChanged */
	GPtrArray *events;  /* "added PATH", "removed PATH", "changed PATH PROPERTY" of peers
			     * and services */
	guint signal_ids[4];
	ArcTestAgent *other; /* a second agent of the same customer, REST only */
} ArcDbusTestFixture;

/* the fixture and the agent */
void arc_dbus_test_fixture_setup(ArcDbusTestFixture *fx, gconstpointer user_data);
void arc_dbus_test_fixture_teardown(ArcDbusTestFixture *fx, gconstpointer user_data);
gboolean arc_dbus_test_fixture_start_on_bus(ArcDbusTestFixture *fx);
gboolean arc_dbus_test_fixture_start_on_bus_full(ArcDbusTestFixture *fx, gboolean session_bus);
void arc_dbus_test_start_agent(ArcDbusTestFixture *fx, gboolean session_bus,
			       const gchar *bus_address);
void arc_dbus_test_stop_agent(ArcDbusTestFixture *fx);
void arc_dbus_test_wait_name(ArcDbusTestFixture *fx);
void arc_dbus_test_check_agent_alive(ArcDbusTestFixture *fx);
void arc_dbus_test_sleep(void);

/* files and tools */
const gchar *arc_dbus_test_getenv(const gchar *name);
gchar *arc_dbus_test_read_file(const gchar *path);
void arc_dbus_test_write_file(const gchar *path, const gchar *contents, gint mode);
void arc_dbus_test_run_tool(const gchar *const *argv);
gchar *arc_dbus_test_license_text(ArcDbusTestFixture *fx);
void arc_dbus_test_license_state_cb(ArcDbusAgent *proxy, const gchar *state, const gchar *message,
				    gpointer user_data);

/* the REST twin */
JsonObject *arc_dbus_test_http_get(ArcDbusTestFixture *fx, const gchar *path, guint *status);
JsonNode *arc_dbus_test_api(ArcDbusTestFixture *fx, const gchar *method, const gchar *path,
			    const gchar *json_body, guint *status);
gint64 arc_dbus_test_rest_time(JsonObject *obj, const gchar *member);

/* D-Bus values and errors */
gchar *arc_dbus_test_vardict_string(GVariant *dict, const gchar *key);
gint64 arc_dbus_test_vardict_int64(GVariant *dict, const gchar *key);
gboolean arc_dbus_test_vardict_bool(GVariant *dict, const gchar *key);
void arc_dbus_test_assert_dbus_error(GError *error, const gchar *name);
void arc_dbus_test_assert_error_message(GError *error, const gchar *name, const gchar *message);
gboolean arc_dbus_test_changed_contains(ArcDbusTestFixture *fx, const gchar *name);

/* bootstrap, peers and services */
GVariant *arc_dbus_test_bootstrap(ArcDbusTestFixture *fx, const gchar *name);
void arc_dbus_test_wait_bootstrapped(ArcDbusTestFixture *fx);
gchar *arc_dbus_test_bootstrap_peers(ArcDbusTestFixture *fx, const gchar *name);
void arc_dbus_test_start_other(ArcDbusTestFixture *fx);
gchar *arc_dbus_test_add_other(ArcDbusTestFixture *fx, const gchar *name);
gchar *arc_dbus_test_two_peers(ArcDbusTestFixture *fx);
gchar *arc_dbus_test_create_service(ArcDbusTestFixture *fx, GVariant *spec);
gchar *arc_dbus_test_peer_path(const gchar *peer_id);

/* the ObjectManager and the signals */
GVariant *arc_dbus_test_managed(ArcDbusTestFixture *fx, const gchar *path, const gchar *iface);
guint arc_dbus_test_count_objects(ArcDbusTestFixture *fx, const gchar *prefix);
void arc_dbus_test_wait_event(ArcDbusTestFixture *fx, const gchar *event);
guint arc_dbus_test_count_events(ArcDbusTestFixture *fx, const gchar *prefix);
void arc_dbus_test_wait_events(ArcDbusTestFixture *fx, const gchar *prefix, guint count);

G_END_DECLS
