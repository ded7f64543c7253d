/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "arc-test-license.h"

#include <sqlite3.h>

/* Licenses in every state of docs/license.md for the integration suites. Bootstrap refuses
 * an expired license, so an agent reaches read_only or suspended as time would take it
 * there: its stored license is replaced, while it is stopped, by one that expired long ago
 * (signed by the same trusted issuer), and the agent computes the state at its next start. */

gint64
arc_test_license_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/**
 * arc_test_license_expiring:
 * @agent: the agent whose issuer signs it
 * @expires_in: seconds from now (negative: expired that long ago)
 *
 * Returns: (transfer full): a license of %ARC_TEST_CUSTOMER_ID issued a year before it
 *   expires, for 10 nodes and 100 services
 */
gchar *
arc_test_license_expiring(ArcTestAgent *agent, gint64 expires_in)
{
	gint64 expires_at = arc_test_license_now() + expires_in;

	return arc_test_agent_make_license(agent, ARC_TEST_CUSTOMER_ID,
					   expires_at - 365 * ARC_TEST_DAY, expires_at, 10, 100);
}

/**
 * arc_test_license_age:
 * @agent: a bootstrapped agent, running
 * @expires_in: when the replacing license expires, seconds from now (e.g. -20 days for
 *   read_only, -60 days for suspended)
 *
 * Stops @agent, stores a license of its customer expiring at @expires_in in its database
 * in place of the one in force, and starts it again.
 */
void
arc_test_license_age(ArcTestAgent *agent, gint64 expires_in)
{
	g_autofree gchar *license = arc_test_license_expiring(agent, expires_in);
	g_autofree gchar *db =
		g_build_filename(arc_test_agent_get_data_dir(agent), "arctic.db", NULL);
	g_autoptr(GError) error = NULL;
	sqlite3 *handle = NULL;
	sqlite3_stmt *stmt = NULL;
	gint exit_status = 0;
	gboolean ok;

	/* the error first: a failure prints the agent's log */
	ok = arc_test_agent_stop(agent, &exit_status, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(sqlite3_open(db, &handle), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(handle,
					   "UPDATE meta SET value = ?1 WHERE key = 'license'", -1,
					   &stmt, NULL),
			==, SQLITE_OK);
	sqlite3_bind_text(stmt, 1, license, -1, SQLITE_TRANSIENT);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_DONE);
	g_assert_cmpint(sqlite3_changes(handle), ==, 1);
	sqlite3_finalize(stmt);
	sqlite3_close(handle);
	ok = arc_test_agent_start(agent, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
}
