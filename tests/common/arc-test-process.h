/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * ArcTestProcess: how every test and benchmark starts the built arctic-agent (or another
 * program of the build): under ARC_TEST_AGENT_WRAPPER when that is set, with the variables
 * the agent applies over its options removed, its output in files, and killed when the
 * process that started it dies.
 *
 *   g_autoptr(ArcTestProcess) proc = arc_test_process_new(NULL);    // the build's agent
 *   arc_test_process_set_output(proc, "/tmp/x/agent.stdout", "/tmp/x/agent.stderr");
 *   arc_test_process_spawn(proc, args, &error);
 *   arc_test_process_terminate(proc, arc_test_process_timeout(10));
 *
 * ARC_TEST_AGENT_WRAPPER is a command line put before the program's, e.g.
 * "valgrind --log-file=/tmp/vg-%p.log"; arc_test_process_timeout() makes waits six times
 * longer then. ARC_TEST_TIME_SCALE (a number, at least 1) sets that factor instead: the
 * `asan` test setup sets it, as its agents run several times slower (arc_test_time_scale()).
 */

#define ARC_TYPE_TEST_PROCESS (arc_test_process_get_type())
G_DECLARE_FINAL_TYPE(ArcTestProcess, arc_test_process, ARC, TEST_PROCESS, GObject)

ArcTestProcess *arc_test_process_new(const gchar *binary);
void arc_test_process_setenv(ArcTestProcess *self, const gchar *name, const gchar *value);
void arc_test_process_set_output(ArcTestProcess *self, const gchar *stdout_path,
				 const gchar *stderr_path);
gboolean arc_test_process_spawn(ArcTestProcess *self, const gchar *const *args, GError **error);
gboolean arc_test_process_wait(ArcTestProcess *self, guint timeout_secs);
void arc_test_process_signal(ArcTestProcess *self, gint signum);
gboolean arc_test_process_terminate(ArcTestProcess *self, guint timeout_secs);
void arc_test_process_kill(ArcTestProcess *self, guint timeout_secs);
gboolean arc_test_process_is_running(ArcTestProcess *self);
gboolean arc_test_process_has_run(ArcTestProcess *self);
gint arc_test_process_get_pid(ArcTestProcess *self);
gint arc_test_process_get_exit_status(ArcTestProcess *self);

gdouble arc_test_time_scale(void);
guint arc_test_process_timeout(guint secs);
gint64 arc_test_scale_ms(gint64 ms);
guint16 arc_test_free_port(GError **error);

G_END_DECLS
