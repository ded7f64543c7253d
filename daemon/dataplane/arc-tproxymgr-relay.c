/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-tproxymgr-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* The relay threads: each has an epoll set (edge-triggered), an eventfd through which other
 * threads hand it connections, and the list of its connections for the timeouts. Bytes go
 * socket → pipe → socket with splice(), never through user memory; each direction has its
 * own pipe, so a connection costs one small struct, two pipes and its two sockets, whatever
 * it carries. No GLib main loop runs here, and no lock is held across a system call. */

#define ARC_TPROXY_PIPE_SIZE 65536

void
arc_tproxymgr_reset_fd(gint fd)
{
	struct linger linger = {1, 0};

	if (fd < 0)
		return;
	/* a TCP socket closed with linger 0 sends RST; on a stream socketpair it fails, and
	 * the close alone is what the other end sees */
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger));
	close(fd);
}

static void
arc_tproxy_conn_close(ArcTproxyConn *conn, gboolean reset)
{
	for (guint i = 0; i < 2; i++) {
		if (reset)
			arc_tproxymgr_reset_fd(conn->fd[i]);
		else if (conn->fd[i] >= 0)
			close(conn->fd[i]);
		for (guint j = 0; j < 2; j++)
			if (conn->pipe[i][j] >= 0)
				close(conn->pipe[i][j]);
	}
}

/* makes the two pipes; a connection whose pipes cannot be made is reset */
static gboolean
arc_tproxy_conn_pipes(ArcTproxyConn *conn)
{
	for (guint i = 0; i < 2; i++) {
		if (pipe2(conn->pipe[i], O_NONBLOCK | O_CLOEXEC) != 0) {
			g_warning("connection reset: no pipe for the relay: %s", g_strerror(errno));
			return FALSE;
		}
		(void)fcntl(conn->pipe[i][1], F_SETPIPE_SZ, ARC_TPROXY_PIPE_SIZE);
	}
	return TRUE;
}

/**
 * arc_tproxy_conn_new:
 * @state: what the connection waits for first
 * @fd0: the client side (a captured socket, or the stream on the exit)
 * @fd1: the other side, -1 when not open yet
 *
 * Returns: (transfer full): a connection, not yet in a thread
 */
ArcTproxyConn *
arc_tproxy_conn_new(ArcTproxyState state, gint fd0, gint fd1)
{
	ArcTproxyConn *conn = g_new0(ArcTproxyConn, 1);

	conn->state = state;
	conn->fd[0] = fd0;
	conn->fd[1] = fd1;
	for (guint i = 0; i < 2; i++)
		conn->pipe[i][0] = conn->pipe[i][1] = -1;
	conn->last_active = g_get_monotonic_time();
	return conn;
}

static void
arc_tproxy_thread_forget(ArcTproxyThread *thread, ArcTproxyConn *conn, gboolean reset)
{
	ArcTproxyConn *last = g_ptr_array_index(thread->conns, thread->conns->len - 1);

	last->index = conn->index;
	g_ptr_array_index(thread->conns, conn->index) = last;
	g_ptr_array_set_size(thread->conns, thread->conns->len - 1);
	arc_tproxy_conn_close(conn, reset);
	g_atomic_int_dec_and_test(&thread->mgr->n_connections);
	/* both of its sockets may have an event in the batch being handled: the memory stays
	 * until the batch is over, and those events see it closed */
	conn->closed = TRUE;
	g_ptr_array_add(thread->closed, conn);
}

/* src → pipe → dst until neither moves; FALSE on an error (the connection is reset) */
static gboolean
arc_tproxy_pump(ArcTproxyConn *conn, guint d, gboolean *progress)
{
	gint src = conn->fd[d], dst = conn->fd[1 - d];
	gssize n;

	for (;;) {
		gboolean moved = FALSE;

		if (!conn->eof[d] && conn->pending[d] < ARC_TPROXY_PIPE_SIZE) {
			n = splice(src, NULL, conn->pipe[d][1], NULL,
				   ARC_TPROXY_PIPE_SIZE - conn->pending[d],
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0)
				conn->pending[d] += (guint32)n, moved = TRUE;
			else if (n == 0)
				conn->eof[d] = TRUE, moved = TRUE;
			else if (errno != EAGAIN && errno != EINTR)
				return FALSE;
		}
		if (conn->pending[d] > 0) {
			n = splice(conn->pipe[d][0], NULL, dst, NULL, conn->pending[d],
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0)
				conn->pending[d] -= (guint32)n, moved = TRUE;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return FALSE;
		}
		/* half-close: the other side reads EOF after every byte */
		if (conn->eof[d] && conn->pending[d] == 0 && !conn->shut[d]) {
			(void)shutdown(dst, SHUT_WR);
			conn->shut[d] = TRUE;
		}
		if (!moved)
			return TRUE;
		*progress = TRUE;
	}
}

/* the entry's first byte from the exit: the status; anything but "connected" resets */
static gboolean
arc_tproxy_read_status(ArcTproxyConn *conn)
{
	guint8 status;
	gssize n = recv(conn->fd[1], &status, 1, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return TRUE;
	if (n == 1 && status == ARC_PEGASUS_STATUS_CONNECTED) {
		conn->state = ARC_TPROXY_RELAY;
		return TRUE;
	}
	g_message("connection reset: the exit answered '%s'",
		  n == 1 ? arc_pegasus_status_to_string(status) : "nothing (stream closed)");
	return FALSE;
}

/* moves what can move; FALSE when the connection is over (closed or reset) */
static gboolean
arc_tproxy_conn_run(ArcTproxyThread *thread, ArcTproxyConn *conn, gboolean *reset)
{
	gboolean progress = FALSE;

	*reset = TRUE;
	if ((conn->state == ARC_TPROXY_PREAMBLE || conn->state == ARC_TPROXY_CONNECTING) &&
	    !arc_tproxy_conn_step(thread, conn))
		return FALSE;
	if (conn->state == ARC_TPROXY_PREAMBLE || conn->state == ARC_TPROXY_CONNECTING) {
		*reset = FALSE;
		return TRUE;
	}
	if (conn->state == ARC_TPROXY_AWAIT_STATUS && !arc_tproxy_read_status(conn))
		return FALSE;
	if (!arc_tproxy_pump(conn, 0, &progress))
		return FALSE;
	if (conn->state == ARC_TPROXY_RELAY && !arc_tproxy_pump(conn, 1, &progress))
		return FALSE;
	if (progress)
		conn->last_active = g_get_monotonic_time();
	*reset = FALSE;
	return !(conn->shut[0] && conn->shut[1]);
}

/* registers a connection's sockets with this thread's epoll set */
static void
arc_tproxy_thread_adopt(ArcTproxyThread *thread, ArcTproxyConn *conn)
{
	struct epoll_event ev = {EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.ptr = conn}};
	gboolean reset;

	conn->index = thread->conns->len;
	g_ptr_array_add(thread->conns, conn);
	if (!arc_tproxy_conn_pipes(conn)) {
		arc_tproxy_thread_forget(thread, conn, TRUE);
		return;
	}
	for (guint i = 0; i < 2; i++)
		if (conn->fd[i] >= 0)
			(void)epoll_ctl(thread->epfd, EPOLL_CTL_ADD, conn->fd[i], &ev);
	if (!arc_tproxy_conn_run(thread, conn, &reset))
		arc_tproxy_thread_forget(thread, conn, reset);
}

/**
 * arc_tproxy_thread_watch:
 * @thread: the connection's thread
 * @conn: a connection whose second socket was just opened
 *
 * Adds the second socket to the epoll set.
 */
void
arc_tproxy_thread_watch(ArcTproxyThread *thread, ArcTproxyConn *conn)
{
	struct epoll_event ev = {EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.ptr = conn}};

	(void)epoll_ctl(thread->epfd, EPOLL_CTL_ADD, conn->fd[1], &ev);
}

/**
 * arc_tproxy_thread_push:
 * @thread: a relay thread
 * @conn: (transfer full): a connection
 *
 * Hands @conn to @thread, from any thread.
 */
void
arc_tproxy_thread_push(ArcTproxyThread *thread, ArcTproxyConn *conn)
{
	guint64 one = 1;

	g_mutex_lock(&thread->lock);
	g_ptr_array_add(thread->incoming, conn);
	g_mutex_unlock(&thread->lock);
	if (write(thread->wakefd, &one, sizeof(one)) < 0)
		g_warning("cannot wake a relay thread: %s", g_strerror(errno));
}

static void
arc_tproxy_thread_take_incoming(ArcTproxyThread *thread)
{
	g_autoptr(GPtrArray) taken = NULL;
	guint64 count;

	if (read(thread->wakefd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		g_warning("relay thread: %s", g_strerror(errno));
	g_mutex_lock(&thread->lock);
	taken = g_steal_pointer(&thread->incoming);
	thread->incoming = g_ptr_array_new();
	g_mutex_unlock(&thread->lock);
	for (guint i = 0; i < taken->len; i++)
		arc_tproxy_thread_adopt(thread, g_ptr_array_index(taken, i));
}

/* idle connections and outbound connections that take too long */
static void
arc_tproxy_thread_sweep(ArcTproxyThread *thread, gint64 now)
{
	const ArcTproxymgrSettings *settings = &thread->mgr->settings;

	for (guint i = thread->conns->len; i > 0; i--) {
		ArcTproxyConn *conn = g_ptr_array_index(thread->conns, i - 1);
		gint64 idle = now - conn->last_active;

		if (conn->state == ARC_TPROXY_CONNECTING &&
		    idle > (gint64)settings->connect_timeout * G_USEC_PER_SEC) {
			arc_tproxy_conn_timeout(conn);
			arc_tproxy_thread_forget(thread, conn, TRUE);
		} else if (idle > (gint64)settings->idle_timeout * G_USEC_PER_SEC) {
			g_message("connection reset: idle for %us", settings->idle_timeout);
			arc_tproxy_thread_forget(thread, conn, TRUE);
		}
	}
}

static gpointer
arc_tproxy_thread_main(gpointer data)
{
	ArcTproxyThread *thread = data;
	struct epoll_event events[64];
	gint64 swept = g_get_monotonic_time();

	while (!g_atomic_int_get(&thread->mgr->stopping)) {
		gint n = epoll_wait(thread->epfd, events, G_N_ELEMENTS(events), 1000);
		gint64 now = g_get_monotonic_time();

		for (gint i = 0; i < n; i++) {
			gpointer ptr = events[i].data.ptr;
			gboolean reset;

			if (ptr == thread)
				arc_tproxy_thread_take_incoming(thread);
			else if (ptr == &thread->mgr->listen_fd[0] ||
				 ptr == &thread->mgr->listen_fd[1] ||
				 arc_tproxymgr_is_listener(thread->mgr, ptr))
				arc_tproxymgr_accept(thread->mgr, *(gint *)ptr);
			else if (((ArcTproxyConn *)ptr)->closed)
				continue;
			else if (!arc_tproxy_conn_run(thread, ptr, &reset))
				arc_tproxy_thread_forget(thread, ptr, reset);
		}
		g_ptr_array_set_size(thread->closed, 0);
		/* after the batch: no event of it points at a listener closed here */
		if (thread == &thread->mgr->threads[0])
			arc_tproxymgr_sync_listeners(thread->mgr);
		if (now - swept >= G_USEC_PER_SEC) {
			arc_tproxy_thread_sweep(thread, now);
			swept = now;
		}
	}
	while (thread->conns->len > 0)
		arc_tproxy_thread_forget(thread, g_ptr_array_index(thread->conns, 0), TRUE);
	g_ptr_array_set_size(thread->closed, 0);
	return NULL;
}

/**
 * arc_tproxy_thread_start:
 * @mgr: the proxy
 * @thread: (out caller-allocates): the thread's state
 * @index: its number, for its name
 *
 * Returns: %TRUE when it runs
 */
gboolean
arc_tproxy_thread_start(ArcTproxymgr *mgr, ArcTproxyThread *thread, guint index, GError **error)
{
	struct epoll_event ev = {EPOLLIN, {.ptr = thread}};
	g_autofree gchar *name = g_strdup_printf("arc-relay-%u", index);

	thread->mgr = mgr;
	g_mutex_init(&thread->lock);
	thread->conns = g_ptr_array_new();
	thread->closed = g_ptr_array_new_with_free_func(g_free);
	thread->incoming = g_ptr_array_new();
	thread->epfd = epoll_create1(EPOLL_CLOEXEC);
	thread->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (thread->epfd < 0 || thread->wakefd < 0 ||
	    epoll_ctl(thread->epfd, EPOLL_CTL_ADD, thread->wakefd, &ev) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot make a relay thread's epoll set: %s", g_strerror(errno));
		return FALSE;
	}
	thread->thread = g_thread_new(name, arc_tproxy_thread_main, thread);
	return TRUE;
}

/**
 * arc_tproxy_thread_stop:
 * @thread: a thread started or not
 *
 * Joins it (the caller set `stopping`) and resets its connections.
 */
void
arc_tproxy_thread_stop(ArcTproxyThread *thread)
{
	if (thread->thread != NULL)
		g_thread_join(thread->thread);
	thread->thread = NULL;
	if (thread->epfd >= 0)
		close(thread->epfd);
	if (thread->wakefd >= 0)
		close(thread->wakefd);
	for (guint i = 0; thread->incoming != NULL && i < thread->incoming->len; i++) {
		ArcTproxyConn *conn = g_ptr_array_index(thread->incoming, i);
		arc_tproxy_conn_close(conn, TRUE);
		g_free(conn);
	}
	g_clear_pointer(&thread->incoming, g_ptr_array_unref);
	g_clear_pointer(&thread->conns, g_ptr_array_unref);
	g_clear_pointer(&thread->closed, g_ptr_array_unref);
	g_mutex_clear(&thread->lock);
}
