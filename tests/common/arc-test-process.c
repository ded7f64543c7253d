/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "arc-test-process"

#include "arc-test-process.h"

#include <signal.h>
#include <linux/capability.h>
#include <sys/prctl.h>

/* The one place the tests and the benchmarks start a built program from. Every wait is
 * bounded and every process is ended by its own pid. */

/* Shared between the object and a pending g_subprocess_wait_async(): the callback may run
 * after the object is gone, so it only ever touches this box. */
typedef struct {
	gboolean exited;
} ArcTestProcessWait;

struct _ArcTestProcess {
	GObject parent_instance;
	gchar *binary;
	gchar **wrapper;
	GPtrArray *env; /* pairs of name, value (NULL to unset) */
	gchar *stdout_path;
	gchar *stderr_path;
	GSubprocess *process;
	ArcTestProcessWait *wait;
	GCancellable *wait_cancellable;
};

G_DEFINE_FINAL_TYPE(ArcTestProcess, arc_test_process, G_TYPE_OBJECT)

static void
arc_test_process_wait_free(ArcTestProcessWait *wait)
{
	g_rc_box_release(wait);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcTestProcessWait, arc_test_process_wait_free)

static void
arc_test_process_clear(ArcTestProcess *self)
{
	if (self->wait_cancellable != NULL)
		g_cancellable_cancel(self->wait_cancellable);
	g_clear_object(&self->wait_cancellable);
	g_clear_pointer(&self->wait, arc_test_process_wait_free);
	g_clear_object(&self->process);
}

static void
arc_test_process_finalize(GObject *object)
{
	ArcTestProcess *self = ARC_TEST_PROCESS(object);

	arc_test_process_kill(self, arc_test_process_timeout(10));
	arc_test_process_clear(self);
	g_free(self->binary);
	g_strfreev(self->wrapper);
	g_ptr_array_unref(self->env);
	g_free(self->stdout_path);
	g_free(self->stderr_path);
	G_OBJECT_CLASS(arc_test_process_parent_class)->finalize(object);
}

static void
arc_test_process_class_init(ArcTestProcessClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = arc_test_process_finalize;
}

static void
arc_test_process_init(ArcTestProcess *self)
{
	self->env = g_ptr_array_new_with_free_func(g_free);
}

static const gchar *
arc_test_process_wrapper(void)
{
	const gchar *wrapper = g_getenv("ARC_TEST_AGENT_WRAPPER");
	return wrapper != NULL && wrapper[0] != '\0' ? wrapper : NULL;
}

/**
 * arc_test_time_scale:
 *
 * How much slower than a plain build the agents and tools under test run, so that the tests'
 * waits, polls and the timeouts they configure allow for it: sanitizers and valgrind slow
 * every allocation. A plain build waits exactly as long as the tests say.
 *
 * Returns: ARC_TEST_TIME_SCALE when it is a number of at least 1 (the `asan` test setup sets
 *   it); else 6 under ARC_TEST_AGENT_WRAPPER (valgrind is that slow); else 1
 */
gdouble
arc_test_time_scale(void)
{
	const gchar *env = g_getenv("ARC_TEST_TIME_SCALE");

	if (env != NULL && env[0] != '\0') {
		gdouble scale = g_ascii_strtod(env, NULL);
		if (scale >= 1.0)
			return scale;
	}
	return arc_test_process_wrapper() != NULL ? 6.0 : 1.0;
}

/**
 * arc_test_process_timeout:
 * @secs: how long a wait may take when the program runs as it is
 *
 * Returns: @secs times arc_test_time_scale(), rounded up
 */
guint
arc_test_process_timeout(guint secs)
{
	return (guint)(secs * arc_test_time_scale() + 0.999);
}

/**
 * arc_test_scale_ms:
 * @ms: a wait or timeout, in milliseconds, for a plain build
 *
 * Returns: @ms times arc_test_time_scale()
 */
gint64
arc_test_scale_ms(gint64 ms)
{
	return (gint64)(ms * arc_test_time_scale());
}

/**
 * arc_test_process_new:
 * @binary: (nullable): the program, or %NULL for the build's arctic-agent
 *
 * Returns: (transfer full): a process not started yet
 */
ArcTestProcess *
arc_test_process_new(const gchar *binary)
{
	ArcTestProcess *self = g_object_new(ARC_TYPE_TEST_PROCESS, NULL);
	const gchar *wrapper = arc_test_process_wrapper();
	g_autoptr(GError) error = NULL;

	self->binary = g_strdup(binary != NULL ? binary : ARC_TEST_AGENT_BINARY);
	if (wrapper != NULL && !g_shell_parse_argv(wrapper, NULL, &self->wrapper, &error))
		g_error("ARC_TEST_AGENT_WRAPPER: %s", error->message);
	return self;
}

/**
 * arc_test_process_setenv:
 * @self: the process
 * @name: an environment variable of the program, from its next start on
 * @value: (nullable): its value, or %NULL to remove it
 */
void
arc_test_process_setenv(ArcTestProcess *self, const gchar *name, const gchar *value)
{
	g_ptr_array_add(self->env, g_strdup(name));
	g_ptr_array_add(self->env, g_strdup(value));
}

/**
 * arc_test_process_set_output:
 * @self: the process
 * @stdout_path: (nullable): where its stdout goes from its next start on; %NULL: nowhere
 * @stderr_path: (nullable): where its stderr goes; %NULL: with its stdout
 */
void
arc_test_process_set_output(ArcTestProcess *self, const gchar *stdout_path,
			    const gchar *stderr_path)
{
	g_free(self->stdout_path);
	g_free(self->stderr_path);
	self->stdout_path = g_strdup(stdout_path);
	self->stderr_path = g_strdup(stderr_path);
}

/* PR_SET_PDEATHSIG: no program outlives a test that aborted or a bench that was killed.
 * CAP_NET_ADMIN leaves the bounding set: an agent started as root runs without its data plane,
 * as for any user, and touches no kernel state the tests share; the netns tests, which give
 * agents namespaces of their own, set ARC_TEST_AGENT_PRIVILEGED. */
static void
arc_test_process_child_setup_cb(gpointer user_data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (user_data == NULL)
		prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0);
}

static void
arc_test_process_wait_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(ArcTestProcessWait) wait = user_data;

	if (g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL))
		wait->exited = TRUE;
}

static GSubprocessLauncher *
arc_test_process_launcher(ArcTestProcess *self)
{
	GSubprocessFlags flags = G_SUBPROCESS_FLAGS_NONE;
	GSubprocessLauncher *launcher;
	/* the agent applies these over its options; the test decides them, not its caller */
	const gchar *const unset[] = {"API_PORT",      "DATA_DIR",       "LOG_FORMAT",
				      "NOTIFY_SOCKET", "JOURNAL_STREAM", NULL};

	if (self->stdout_path == NULL)
		flags |= G_SUBPROCESS_FLAGS_STDOUT_SILENCE;
	if (self->stderr_path == NULL)
		flags |= G_SUBPROCESS_FLAGS_STDERR_MERGE;
	launcher = g_subprocess_launcher_new(flags);
	if (self->stdout_path != NULL)
		g_subprocess_launcher_set_stdout_file_path(launcher, self->stdout_path);
	if (self->stderr_path != NULL)
		g_subprocess_launcher_set_stderr_file_path(launcher, self->stderr_path);
	g_subprocess_launcher_set_child_setup(
		launcher, arc_test_process_child_setup_cb,
		g_getenv("ARC_TEST_AGENT_PRIVILEGED") != NULL ? GINT_TO_POINTER(1) : NULL, NULL);
	for (guint i = 0; unset[i] != NULL; i++)
		g_subprocess_launcher_unsetenv(launcher, unset[i]);
	for (guint i = 0; i + 1 < self->env->len; i += 2) {
		const gchar *name = g_ptr_array_index(self->env, i);
		const gchar *value = g_ptr_array_index(self->env, i + 1);
		if (value != NULL)
			g_subprocess_launcher_setenv(launcher, name, value, TRUE);
		else
			g_subprocess_launcher_unsetenv(launcher, name);
	}
	return launcher;
}

/**
 * arc_test_process_spawn:
 * @self: a process not running
 * @args: (array zero-terminated=1): the command line after the program name
 * @error: return location for a #GError
 *
 * Starts the program, under ARC_TEST_AGENT_WRAPPER if set, and returns at once.
 *
 * Returns: %TRUE once started
 */
gboolean
arc_test_process_spawn(ArcTestProcess *self, const gchar *const *args, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();

	if (arc_test_process_is_running(self)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is running already",
			    self->binary);
		return FALSE;
	}
	for (guint i = 0; self->wrapper != NULL && self->wrapper[i] != NULL; i++)
		g_ptr_array_add(argv, self->wrapper[i]);
	g_ptr_array_add(argv, self->binary);
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);

	arc_test_process_clear(self);
	launcher = arc_test_process_launcher(self);
	self->process =
		g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, error);
	if (self->process == NULL)
		return FALSE;
	self->wait = g_rc_box_new0(ArcTestProcessWait);
	self->wait_cancellable = g_cancellable_new();
	g_subprocess_wait_async(self->process, self->wait_cancellable, arc_test_process_wait_cb,
				g_rc_box_acquire(self->wait));
	return TRUE;
}

/**
 * arc_test_process_wait:
 * @self: the process
 * @timeout_secs: how long to wait at most
 *
 * Waits for the program to exit, running the default main context meanwhile.
 *
 * Returns: %TRUE if it has exited (or never ran)
 */
gboolean
arc_test_process_wait(ArcTestProcess *self, guint timeout_secs)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_secs * G_USEC_PER_SEC;

	while (arc_test_process_is_running(self)) {
		if (g_main_context_iteration(NULL, FALSE))
			continue;
		if (g_get_monotonic_time() > deadline)
			return FALSE;
		g_usleep(2000);
	}
	return TRUE;
}

/**
 * arc_test_process_signal:
 * @self: the process
 * @signum: e.g. SIGTERM
 *
 * Sends @signum to its pid, if it is running, and returns at once.
 */
void
arc_test_process_signal(ArcTestProcess *self, gint signum)
{
	if (arc_test_process_is_running(self))
		g_subprocess_send_signal(self->process, signum);
}

/**
 * arc_test_process_terminate:
 * @self: the process
 * @timeout_secs: how long it may take to exit
 *
 * SIGTERM to its pid, then waits; SIGKILL if it did not exit in time.
 *
 * Returns: %TRUE if it exited on SIGTERM (or was not running)
 */
gboolean
arc_test_process_terminate(ArcTestProcess *self, guint timeout_secs)
{
	if (!arc_test_process_is_running(self))
		return TRUE;
	arc_test_process_signal(self, SIGTERM);
	if (arc_test_process_wait(self, timeout_secs))
		return TRUE;
	arc_test_process_kill(self, timeout_secs);
	return FALSE;
}

/**
 * arc_test_process_kill:
 * @self: the process
 * @timeout_secs: how long to wait for the exit
 *
 * SIGKILL to its pid, as a crash or power cut would stop it, and waits for it.
 */
void
arc_test_process_kill(ArcTestProcess *self, guint timeout_secs)
{
	if (!arc_test_process_is_running(self))
		return;
	g_subprocess_force_exit(self->process);
	if (!arc_test_process_wait(self, timeout_secs))
		g_warning("%s survived SIGKILL for %u s", self->binary, timeout_secs);
}

gboolean
arc_test_process_is_running(ArcTestProcess *self)
{
	return self->process != NULL && !self->wait->exited;
}

/* Returns: whether the program was started at least once */
gboolean
arc_test_process_has_run(ArcTestProcess *self)
{
	return self->process != NULL;
}

/**
 * arc_test_process_get_pid:
 * @self: the process
 *
 * Returns: its process id while it has not been reaped, or 0 (under a wrapper that execs
 *   the program, such as valgrind, the program's own)
 */
gint
arc_test_process_get_pid(ArcTestProcess *self)
{
	const gchar *id = self->process != NULL ? g_subprocess_get_identifier(self->process) : NULL;
	return id != NULL ? (gint)g_ascii_strtoll(id, NULL, 10) : 0;
}

/**
 * arc_test_process_get_exit_status:
 * @self: a process that exited
 *
 * Returns: its exit status, 128 + the signal when killed, or -1 when unknown
 */
gint
arc_test_process_get_exit_status(ArcTestProcess *self)
{
	if (self->process == NULL || arc_test_process_is_running(self))
		return -1;
	if (g_subprocess_get_if_exited(self->process))
		return g_subprocess_get_exit_status(self->process);
	if (g_subprocess_get_if_signaled(self->process))
		return 128 + g_subprocess_get_term_sig(self->process);
	return -1;
}

/**
 * arc_test_free_port:
 * @error: return location for a #GError
 *
 * Returns: a TCP port of 127.0.0.1 that nothing listened on a moment ago, or 0
 */
guint16
arc_test_free_port(GError **error)
{
	g_autoptr(GSocket) sock = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	sock = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
			    error);
	if (sock == NULL || !g_socket_bind(sock, address, FALSE, error))
		return 0;
	bound = g_socket_get_local_address(sock, error);
	if (bound == NULL)
		return 0;
	g_socket_close(sock, NULL);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}
