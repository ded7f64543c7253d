/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-tproxymgr-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

/* Where a connection goes: the captured side (accept, the winner, the outbound connection
 * when the service leaves here) and the exit side (the preamble, its check, the outbound
 * connection, the status byte). Runs on the relay threads. */

static void
arc_tproxy_sockaddr_read(const struct sockaddr_storage *ss, ArcCidr *address, guint16 *port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	memset(address, 0, sizeof(*address));
	if (ss->ss_family == AF_INET) {
		address->family = 4;
		address->prefix = 32;
		memcpy(address->bytes, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return;
	}
	address->family = 6;
	address->prefix = 128;
	memcpy(address->bytes, &sin6->sin6_addr, 16);
	*port = ntohs(sin6->sin6_port);
}

static socklen_t
arc_tproxy_sockaddr_write(guint8 family, const guint8 *bytes, guint16 port,
			  struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == 4) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, bytes, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, bytes, 16);
	return sizeof(*sin6);
}

/* `address:port` for the log */
static gchar *
arc_tproxy_endpoint_text(guint8 family, const guint8 *bytes, guint16 port)
{
	gchar text[INET6_ADDRSTRLEN] = "";

	inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, text, sizeof(text));
	return family == 4 ? g_strdup_printf("%s:%u", text, port)
			   : g_strdup_printf("[%s]:%u", text, port);
}

/* a non-blocking connection to @dst, marked so that the output chain never captures it; in
 * transparent mode from the client's own address (its port, or any when that is taken) */
static gint
arc_tproxy_connect_out(ArcTproxymgr *self, const ArcPegasusPreamble *p, gboolean transparent)
{
	struct sockaddr_storage dst, src;
	socklen_t dst_len =
		arc_tproxy_sockaddr_write(p->family, p->destination, p->destination_port, &dst);
	socklen_t src_len = arc_tproxy_sockaddr_write(p->family, p->source, p->source_port, &src);
	gint fd = socket(dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	gint one = 1;

	if (fd < 0)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_MARK, &self->settings.own_mark,
			 sizeof(self->settings.own_mark));
	if (transparent) {
		if (setsockopt(fd, p->family == 4 ? SOL_IP : SOL_IPV6,
			       p->family == 4 ? IP_TRANSPARENT : IPV6_TRANSPARENT, &one,
			       sizeof(one)) != 0 ||
		    (bind(fd, (struct sockaddr *)&src, src_len) != 0 &&
		     (errno != EADDRINUSE ||
		      (arc_tproxy_sockaddr_write(p->family, p->source, 0, &src),
		       bind(fd, (struct sockaddr *)&src, src_len) != 0)))) {
			gint saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&dst, dst_len) != 0 && errno != EINPROGRESS) {
		gint saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static guint8
arc_tproxy_status_for_errno(gint err)
{
	if (err == ECONNREFUSED)
		return ARC_PEGASUS_STATUS_REFUSED;
	if (err == ETIMEDOUT)
		return ARC_PEGASUS_STATUS_TIMEOUT;
	return ARC_PEGASUS_STATUS_UNREACHABLE;
}

static void
arc_tproxy_send_status(ArcTproxyConn *conn, guint8 status)
{
	if (conn->exit)
		(void)send(conn->fd[0], &status, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* the winner's service for a captured connection, or why there is none */
static const ArcClusterService *
arc_tproxy_winner(const ArcClusterView *view, const ArcCidr *src, const ArcCidr *dst,
		  const gchar *interface, gchar **why)
{
	const gchar *service_id = NULL;

	if (view == NULL) {
		*why = g_strdup("no view yet");
		return NULL;
	}
	arc_route_table_lookup(arc_cluster_view_get_route_table(view), src, dst, interface,
			       &service_id);
	if (service_id == NULL) {
		*why = g_strdup("no route wins it now (the view changed since it was captured)");
		return NULL;
	}
	if (!arc_tproxymgr_service_carries(view, service_id, why))
		return NULL;
	return arc_cluster_view_find_service(view, service_id);
}

static void
arc_tproxy_fill_preamble(ArcPegasusPreamble *p, const ArcCidr *src, guint16 sport,
			 const ArcCidr *dst, guint16 dport, const ArcClusterService *service)
{
	memset(p, 0, sizeof(*p));
	p->family = dst->family;
	p->destination_port = dport;
	p->source_port = sport;
	memcpy(p->destination, dst->bytes, 16);
	memcpy(p->source, src->bytes, 16);
	g_strlcpy(p->service_id, service->id, sizeof(p->service_id));
	if (service->flags & ARC_CLUSTER_SERVICE_FULLY_TRANSPARENT)
		p->flags |= ARC_PEGASUS_FLAG_TRANSPARENT;
}

typedef struct {
	ArcTproxymgr *mgr;
	gint client_fd;
	ArcPegasusPreamble preamble;
	gchar *target;
} ArcTproxyConnectJob;

/* guards every proxy's list of jobs and the jobs' pointers to their proxy */
static GMutex arc_tproxy_jobs_lock;

/**
 * arc_tproxy_forget_jobs:
 * @self: a proxy that stops
 *
 * Jobs still queued on the main context reset their client instead of calling it.
 */
void
arc_tproxy_forget_jobs(ArcTproxymgr *self)
{
	g_mutex_lock(&arc_tproxy_jobs_lock);
	for (guint i = 0; i < self->jobs->len; i++)
		((ArcTproxyConnectJob *)g_ptr_array_index(self->jobs, i))->mgr = NULL;
	g_ptr_array_set_size(self->jobs, 0);
	g_mutex_unlock(&arc_tproxy_jobs_lock);
}

static gboolean
arc_tproxy_connect_job_cb(gpointer data)
{
	ArcTproxyConnectJob *job = data;
	ArcTproxymgr *mgr;

	/* the proxy may have stopped since: it cleared the job's pointer to it */
	g_mutex_lock(&arc_tproxy_jobs_lock);
	mgr = job->mgr;
	if (mgr != NULL)
		g_ptr_array_remove_fast(mgr->jobs, job);
	g_mutex_unlock(&arc_tproxy_jobs_lock);
	if (mgr != NULL)
		mgr->connect_func(job->client_fd, &job->preamble, job->target, mgr->connect_data);
	else
		arc_tproxymgr_reset_fd(job->client_fd);
	g_free(job->target);
	g_free(job);
	return G_SOURCE_REMOVE;
}

/* runs @func on @context's own thread: g_main_context_invoke() would run it right here on
 * the relay thread whenever it can acquire the context (the main thread idle between
 * iterations), and transports must only be called from the main thread */
static void
arc_tproxy_post(GMainContext *context, GSourceFunc func, gpointer data)
{
	g_autoptr(GSource) source = g_idle_source_new();

	g_source_set_priority(source, G_PRIORITY_DEFAULT);
	g_source_set_callback(source, func, data, NULL);
	g_source_attach(source, context);
}

/* where a captured connection goes: straight to the destination when its service leaves
 * here, else to the main thread, which opens a stream to the target peer */
static void
arc_tproxy_route_captured(ArcTproxymgr *self, gint fd, const ArcClusterView *view,
			  const ArcPegasusPreamble *p, const ArcClusterService *service)
{
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;
	g_autofree gchar *dst =
		arc_tproxy_endpoint_text(p->family, p->destination, p->destination_port);
	ArcTproxyConnectJob *job;
	gint out;

	if (g_strcmp0(service->target_peer_id, self_id) == 0) {
		out = arc_tproxy_connect_out(self, p, FALSE);
		if (out < 0) {
			g_message("connection to %s reset: %s", dst, g_strerror(errno));
			arc_tproxymgr_adopt_entry(self, fd, -1);
			return;
		}
		g_debug("connection to %s: %s leaves here", dst, service->id);
		arc_tproxy_thread_push(
			&self->threads[g_atomic_int_add((gint *)&self->next_thread, 1) %
				       self->n_threads],
			arc_tproxy_conn_new(ARC_TPROXY_CONNECTING, fd, out));
		return;
	}
	if (self->connect_func == NULL) {
		g_message("connection to %s reset: no transport carries %s ('%s')", dst,
			  service->id, service->transport);
		arc_tproxymgr_adopt_entry(self, fd, -1);
		return;
	}
	job = g_new0(ArcTproxyConnectJob, 1);
	job->mgr = self;
	job->client_fd = fd;
	job->preamble = *p;
	job->target = g_strdup(service->target_peer_id);
	g_mutex_lock(&arc_tproxy_jobs_lock);
	g_ptr_array_add(self->jobs, job);
	g_mutex_unlock(&arc_tproxy_jobs_lock);
	arc_tproxy_post(self->main_context, arc_tproxy_connect_job_cb, job);
}

static void
arc_tproxy_take_captured(ArcTproxymgr *self, gint fd)
{
	struct sockaddr_storage local, peer;
	socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
	g_autoptr(ArcClusterView) view = arc_tproxymgr_dup_view(self);
	const ArcClusterService *service;
	g_autofree gchar *why = NULL;
	ArcPegasusPreamble preamble;
	ArcCidr src, dst;
	guint16 sport, dport;
	gchar interface[16] = {0};
	socklen_t interface_len = sizeof(interface);

	if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &peer_len) != 0) {
		arc_tproxymgr_adopt_entry(self, fd, -1);
		return;
	}
	arc_tproxy_sockaddr_read(&local, &dst, &dport);
	arc_tproxy_sockaddr_read(&peer, &src, &sport);
	/* accepted on a service interface's listener: the device it is bound to, as the
	 * listener was (category 1 of docs/routing.md); none on the unbound listener */
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface, &interface_len) != 0)
		interface_len = 0;
	interface[MIN(interface_len, sizeof(interface) - 1)] = '\0';
	service =
		arc_tproxy_winner(view, &src, &dst, interface[0] != '\0' ? interface : NULL, &why);
	if (service == NULL) {
		g_autofree gchar *from = arc_tproxy_endpoint_text(src.family, src.bytes, sport);
		g_autofree gchar *to = arc_tproxy_endpoint_text(dst.family, dst.bytes, dport);
		g_message("connection from %s to %s reset: %s", from, to, why);
		arc_tproxymgr_adopt_entry(self, fd, -1);
		return;
	}
	arc_tproxy_fill_preamble(&preamble, &src, sport, &dst, dport, service);
	arc_tproxy_route_captured(self, fd, view, &preamble, service);
}

/**
 * arc_tproxymgr_accept:
 * @self: the proxy
 * @listen_fd: a listener that is readable
 *
 * Takes every pending connection (on the first relay thread).
 */
void
arc_tproxymgr_accept(ArcTproxymgr *self, gint listen_fd)
{
	for (;;) {
		gint fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				g_warning("accept: %s", g_strerror(errno));
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		if (!arc_tproxymgr_admit(self)) {
			arc_tproxymgr_reset_fd(fd);
			continue;
		}
		arc_tproxy_take_captured(self, fd);
	}
}

/* the exit: reads the preamble (peeked, so no byte after it is taken), checks it and opens
 * the outbound connection */
static gboolean
arc_tproxy_exit_preamble(ArcTproxyThread *thread, ArcTproxyConn *conn)
{
	ArcTproxymgr *self = thread->mgr;
	guint8 buf[ARC_PEGASUS_PREAMBLE_MAX];
	g_autoptr(ArcClusterView) view = NULL;
	ArcPegasusPreamble p;
	const gchar *why = NULL;
	gsize consumed = 0;
	gssize n = recv(conn->fd[0], buf, sizeof(buf), MSG_PEEK);
	ArcPegasusParse parsed;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return TRUE;
	if (n <= 0)
		return FALSE;
	parsed = arc_pegasus_preamble_parse(buf, (gsize)n, &p, &consumed, &why);
	if (parsed == ARC_PEGASUS_PARSE_MORE)
		return TRUE;
	if (parsed == ARC_PEGASUS_PARSE_INVALID) {
		g_message("stream from %s refused: bad preamble: %s", conn->from_peer, why);
		arc_tproxy_send_status(conn, ARC_PEGASUS_STATUS_BAD_PREAMBLE);
		return FALSE;
	}
	(void)recv(conn->fd[0], buf, consumed, 0);
	view = arc_tproxymgr_dup_view(self);
	if (view == NULL || arc_pegasus_exit_check(view, &p, conn->from_peer, &why) !=
				    ARC_PEGASUS_STATUS_CONNECTED) {
		g_message("stream from %s for %s refused: %s", conn->from_peer, p.service_id,
			  view == NULL ? "no view yet" : why);
		arc_tproxy_send_status(conn, ARC_PEGASUS_STATUS_NOT_ALLOWED);
		return FALSE;
	}
	conn->fd[1] = arc_tproxy_connect_out(self, &p, p.flags & ARC_PEGASUS_FLAG_TRANSPARENT);
	if (conn->fd[1] < 0) {
		g_autofree gchar *dst =
			arc_tproxy_endpoint_text(p.family, p.destination, p.destination_port);
		g_message("stream from %s to %s: %s", conn->from_peer, dst, g_strerror(errno));
		arc_tproxy_send_status(conn, arc_tproxy_status_for_errno(errno));
		return FALSE;
	}
	conn->state = ARC_TPROXY_CONNECTING;
	conn->last_active = g_get_monotonic_time();
	arc_tproxy_thread_watch(thread, conn);
	return TRUE;
}

/* the outbound connection: connected, failed, or not yet */
static gboolean
arc_tproxy_out_connected(ArcTproxyConn *conn)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	gint err = 0;
	socklen_t err_len = sizeof(err);

	if (getsockopt(conn->fd[1], SOL_SOCKET, SO_ERROR, &err, &err_len) != 0)
		err = errno;
	if (err == 0 && getpeername(conn->fd[1], (struct sockaddr *)&peer, &len) != 0)
		return TRUE; /* still connecting */
	if (err != 0) {
		g_message("%s reset: the destination: %s", conn->exit ? "stream" : "connection",
			  g_strerror(err));
		arc_tproxy_send_status(conn, arc_tproxy_status_for_errno(err));
		return FALSE;
	}
	arc_tproxy_send_status(conn, ARC_PEGASUS_STATUS_CONNECTED);
	conn->state = ARC_TPROXY_RELAY;
	return TRUE;
}

/**
 * arc_tproxy_conn_step:
 * @thread: the connection's thread
 * @conn: a connection reading its preamble or connecting
 *
 * Returns: %FALSE when it is over (reset)
 */
gboolean
arc_tproxy_conn_step(ArcTproxyThread *thread, ArcTproxyConn *conn)
{
	if (conn->state == ARC_TPROXY_PREAMBLE && !arc_tproxy_exit_preamble(thread, conn))
		return FALSE;
	if (conn->state == ARC_TPROXY_CONNECTING)
		return arc_tproxy_out_connected(conn);
	return TRUE;
}

/**
 * arc_tproxy_conn_timeout:
 * @conn: a connection whose outbound connection took too long
 *
 * Says so, in the log and to the entry.
 */
void
arc_tproxy_conn_timeout(ArcTproxyConn *conn)
{
	g_message("%s reset: the destination did not answer in time",
		  conn->exit ? "stream" : "connection");
	arc_tproxy_send_status(conn, ARC_PEGASUS_STATUS_TIMEOUT);
}
