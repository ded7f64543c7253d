/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "tproxymgr"

#include "arc-tproxymgr-private.h"

#include <arctic-plugin.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

/* The transparent proxy: IP_TRANSPARENT listeners on the proxy port take what the
 * `tproxymgr` chain captured; the original destination is the accepted socket's local
 * address. The winner is looked up again in the current view (the same evaluation as
 * explain): a service that leaves here is connected to directly, any other goes to its
 * target peer through the connect function (the agent's transports). On the exit, streams
 * from other peers start with the preamble (arc-pegasus-preamble.c). */

void
arc_tproxymgr_settings_init(ArcTproxymgrSettings *settings)
{
	settings->port = ARC_DATAPLANE_PROXY_PORT;
	settings->own_mark = ARC_DATAPLANE_MARK_BASE;
	settings->n_threads = 2;
	settings->max_connections = 4096;
	settings->idle_timeout = 900;
	settings->connect_timeout = 10;
}

/* every listener shares the port (SO_REUSEPORT: a listener bound to a device conflicts with
 * the unbound one otherwise); one bound to @device takes what enters there */
static gint
arc_tproxymgr_listen_one(gint family, guint16 port, const gchar *device, GError **error)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	gint one = 1;
	gint fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    (device != NULL &&
	     setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, strlen(device)) != 0) ||
	    (family == AF_INET ? setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one))
			       : setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
					 setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one,
						    sizeof(one))) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 1024) != 0) {
		gint saved = errno;
		g_set_error(error, ARC_ERROR, ARC_ERROR_UNAVAILABLE,
			    "the proxy cannot listen on %s port %u%s%s: %s",
			    family == AF_INET ? "IPv4" : "IPv6", port, device != NULL ? " on " : "",
			    device != NULL ? device : "", g_strerror(saved));
		if (fd >= 0)
			close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* a relayed connection holds six descriptors (two sockets, two pipes): the soft limit is
 * raised towards the hard one, and the cap lowered to what the limit allows */
static void
arc_tproxymgr_fit_fd_limit(ArcTproxymgrSettings *settings)
{
	rlim_t wanted = (rlim_t)settings->max_connections * 6 + 256;
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
		return;
	if (limit.rlim_cur < wanted) {
		limit.rlim_cur = MIN(wanted, limit.rlim_max);
		(void)setrlimit(RLIMIT_NOFILE, &limit);
		(void)getrlimit(RLIMIT_NOFILE, &limit);
	}
	if (limit.rlim_cur >= wanted)
		return;
	settings->max_connections = limit.rlim_cur > 512 ? (guint)((limit.rlim_cur - 256) / 6) : 32;
	g_warning("the open files limit (%" G_GUINT64_FORMAT ") allows %u relayed connections",
		  (guint64)limit.rlim_cur, settings->max_connections);
}

/**
 * arc_tproxymgr_new:
 * @settings: the port (0: streams from other peers only), limits and threads
 * @error: return location for a #GError
 *
 * Listens (IPv4 must work; IPv6 is logged and skipped when the host has none) and starts
 * the relay threads, the first of which also accepts.
 *
 * Returns: (transfer full): the proxy, or %NULL
 */
ArcTproxymgr *
arc_tproxymgr_new(const ArcTproxymgrSettings *settings, GError **error)
{
	g_autoptr(ArcTproxymgr) self = g_new0(ArcTproxymgr, 1);
	g_autoptr(GError) v6_error = NULL;
	struct epoll_event ev = {EPOLLIN, {0}};

	self->settings = *settings;
	arc_tproxymgr_fit_fd_limit(&self->settings);
	self->n_threads = MAX(settings->n_threads, 1);
	self->threads = g_new0(ArcTproxyThread, self->n_threads);
	for (guint i = 0; i < self->n_threads; i++)
		self->threads[i].epfd = self->threads[i].wakefd = -1;
	g_mutex_init(&self->view_lock);
	self->jobs = g_ptr_array_new();
	self->main_context = g_main_context_ref_thread_default();
	g_mutex_init(&self->interfaces_lock);
	self->listeners = g_ptr_array_new();
	self->listen_fd[0] = self->listen_fd[1] = -1;
	/* port 0: an exit only, which captures nothing (and needs no privilege) */
	if (settings->port != 0) {
		self->listen_fd[1] =
			arc_tproxymgr_listen_one(AF_INET6, settings->port, NULL, &v6_error);
		self->listen_fd[0] = arc_tproxymgr_listen_one(AF_INET, settings->port, NULL, error);
		if (self->listen_fd[0] < 0)
			return NULL;
		if (self->listen_fd[1] < 0)
			g_warning("%s: IPv6 connections are not proxied", v6_error->message);
	}
	for (guint i = 0; i < self->n_threads; i++)
		if (!arc_tproxy_thread_start(self, &self->threads[i], i, error))
			return NULL;
	for (guint i = 0; i < 2; i++) {
		ev.data.ptr = &self->listen_fd[i];
		if (self->listen_fd[i] >= 0)
			(void)epoll_ctl(self->threads[0].epfd, EPOLL_CTL_ADD, self->listen_fd[i],
					&ev);
	}
	g_info("listening on TCP %u (IPv4%s), %u relay threads, at most %u connections",
	       settings->port, self->listen_fd[1] >= 0 ? " and IPv6" : "", self->n_threads,
	       self->settings.max_connections);
	return g_steal_pointer(&self);
}

/**
 * arc_tproxymgr_free:
 * @self: the proxy
 *
 * Stops listening, resets every connection it relays and joins its threads.
 */
void
arc_tproxymgr_free(ArcTproxymgr *self)
{
	if (self == NULL)
		return;
	g_atomic_int_set(&self->stopping, 1);
	for (guint i = 0; i < self->n_threads; i++)
		arc_tproxy_thread_stop(&self->threads[i]);
	/* the relay threads are joined: no job is added any more */
	arc_tproxy_forget_jobs(self);
	g_ptr_array_unref(self->jobs);
	for (guint i = 0; i < 2; i++)
		if (self->listen_fd[i] >= 0)
			close(self->listen_fd[i]);
	/* the relay threads are joined, their epoll sets closed */
	for (guint i = 0; i < self->listeners->len; i++) {
		ArcTproxyListener *listener = g_ptr_array_index(self->listeners, i);
		for (guint j = 0; j < 2; j++)
			if (listener->fd[j] >= 0)
				close(listener->fd[j]);
		g_free(listener);
	}
	g_ptr_array_unref(self->listeners);
	g_free(self->listener_problem);
	g_strfreev(self->interfaces);
	g_mutex_clear(&self->interfaces_lock);
	g_free(self->threads);
	g_clear_pointer(&self->view, arc_cluster_view_unref);
	g_mutex_clear(&self->view_lock);
	g_main_context_unref(self->main_context);
	g_free(self);
}

/* the first relay thread's: stops accepting on a listener and closes it */
static void
arc_tproxymgr_close_listener(ArcTproxymgr *self, guint index)
{
	ArcTproxyListener *listener = g_ptr_array_steal_index_fast(self->listeners, index);

	for (guint i = 0; i < 2; i++) {
		if (listener->fd[i] < 0)
			continue;
		(void)epoll_ctl(self->threads[0].epfd, EPOLL_CTL_DEL, listener->fd[i], NULL);
		close(listener->fd[i]);
	}
	g_free(listener);
}

/* the first relay thread's: a listener on @name for each family, or none when the device is
 * not there (yet). @opened_v6 is set when it listens on IPv6. */
static void
arc_tproxymgr_open_listener(ArcTproxymgr *self, const gchar *name, gboolean *opened_v6)
{
	ArcTproxyListener *listener = g_new0(ArcTproxyListener, 1);
	static const gint families[2] = {AF_INET, AF_INET6};

	g_strlcpy(listener->name, name, sizeof(listener->name));
	for (guint i = 0; i < 2; i++) {
		g_autoptr(GError) error = NULL;
		struct epoll_event ev = {EPOLLIN, {.ptr = &listener->fd[i]}};

		listener->fd[i] = -1;
		/* no IPv6 here at all: nor on the device */
		if (self->listen_fd[i] < 0)
			continue;
		listener->fd[i] =
			arc_tproxymgr_listen_one(families[i], self->settings.port, name, &error);
		/* tried once a second: the same failure is said once */
		if (listener->fd[i] < 0 &&
		    (errno == ENODEV || g_strcmp0(self->listener_problem, error->message) == 0)) {
			g_debug("%s", error->message);
		} else if (listener->fd[i] < 0) {
			g_warning("%s: TCP entering there goes by the routes", error->message);
			g_free(self->listener_problem);
			self->listener_problem = g_strdup(error->message);
		} else {
			(void)epoll_ctl(self->threads[0].epfd, EPOLL_CTL_ADD, listener->fd[i], &ev);
		}
	}
	if (listener->fd[0] < 0 && listener->fd[1] < 0) {
		g_free(listener);
		return;
	}
	g_ptr_array_add(self->listeners, listener);
	if (listener->fd[1] >= 0)
		*opened_v6 = TRUE;
}

/* The kernel's listener lookup takes the first listener that fits, and keeps IPv6 listeners
 * that share a port oldest first (IPv4 ones newest first): the unbound IPv6 listener is
 * opened again after the devices' ones, so that theirs come first. What it has accepted is
 * taken before it closes. */
static void
arc_tproxymgr_reopen_v6(ArcTproxymgr *self)
{
	struct epoll_event ev = {EPOLLIN, {.ptr = &self->listen_fd[1]}};
	g_autoptr(GError) error = NULL;
	gint old = self->listen_fd[1];
	gint fresh = arc_tproxymgr_listen_one(AF_INET6, self->settings.port, NULL, &error);

	if (fresh < 0) {
		g_warning("%s: IPv6 entering on a service interface goes by the routes",
			  error->message);
		return;
	}
	self->listen_fd[1] = fresh;
	(void)epoll_ctl(self->threads[0].epfd, EPOLL_CTL_ADD, fresh, &ev);
	arc_tproxymgr_accept(self, old);
	(void)epoll_ctl(self->threads[0].epfd, EPOLL_CTL_DEL, old, NULL);
	close(old);
}

/* a listener stays bound to the device's index: one made again under the same name (netmgr
 * replaces a MACVLAN that is not what the view wants) needs a new listener */
static gboolean
arc_tproxymgr_listener_is_stale(const ArcTproxyListener *listener)
{
	gchar name[sizeof(listener->name)] = {0};
	socklen_t len = sizeof(name) - 1;
	gint fd = listener->fd[0] >= 0 ? listener->fd[0] : listener->fd[1];

	return getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len) != 0 ||
	       g_strcmp0(name, listener->name) != 0;
}

/**
 * arc_tproxymgr_sync_listeners:
 * @self: the proxy
 *
 * On the first relay thread, between two batches of events: a listener on each service
 * interface of the view that exists, none on any other.
 */
void
arc_tproxymgr_sync_listeners(ArcTproxymgr *self)
{
	g_auto(GStrv) wanted = NULL;
	gboolean opened_v6 = FALSE;
	gint64 now = g_get_monotonic_time();

	/* at each view, and once a second for a device that appeared, went or was made again */
	if (!g_atomic_int_compare_and_exchange(&self->interfaces_changed, TRUE, FALSE) &&
	    now < self->listeners_check)
		return;
	self->listeners_check = now + G_USEC_PER_SEC;
	g_mutex_lock(&self->interfaces_lock);
	wanted = self->interfaces != NULL ? g_strdupv(self->interfaces) : g_new0(gchar *, 1);
	g_mutex_unlock(&self->interfaces_lock);
	for (guint i = self->listeners->len; i > 0; i--) {
		ArcTproxyListener *listener = g_ptr_array_index(self->listeners, i - 1);
		if (!g_strv_contains((const gchar *const *)wanted, listener->name) ||
		    arc_tproxymgr_listener_is_stale(listener))
			arc_tproxymgr_close_listener(self, i - 1);
	}
	for (guint i = 0; wanted[i] != NULL; i++) {
		gboolean open = FALSE;
		for (guint j = 0; j < self->listeners->len && !open; j++)
			open = g_strcmp0(
				       ((ArcTproxyListener *)g_ptr_array_index(self->listeners, j))
					       ->name,
				       wanted[i]) == 0;
		if (!open)
			arc_tproxymgr_open_listener(self, wanted[i], &opened_v6);
	}
	if (opened_v6)
		arc_tproxymgr_reopen_v6(self);
}

/* whether @ptr is the epoll data of a listener on a service interface */
gboolean
arc_tproxymgr_is_listener(ArcTproxymgr *self, gpointer ptr)
{
	for (guint i = 0; i < self->listeners->len; i++) {
		ArcTproxyListener *listener = g_ptr_array_index(self->listeners, i);
		if (ptr == &listener->fd[0] || ptr == &listener->fd[1])
			return TRUE;
	}
	return FALSE;
}

/* the service interfaces of this peer in @view, for the first relay thread to listen on;
 * every view asks again, so a device that was missing gets its listener later */
static void
arc_tproxymgr_want_interfaces(ArcTproxymgr *self, const ArcClusterView *view)
{
	const gchar *self_id = arc_cluster_view_get_self(view)->peer_id;
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	guint64 one = 1;

	for (guint i = 0; i < arc_cluster_view_get_n_services(view); i++) {
		const ArcClusterService *service = arc_cluster_view_get_service(view, i);
		if (service->interface[0] != '\0' &&
		    g_strcmp0(service->source_peer_id, self_id) == 0)
			g_strv_builder_add(builder, service->interface);
	}
	g_mutex_lock(&self->interfaces_lock);
	g_strfreev(self->interfaces);
	self->interfaces = g_strv_builder_end(builder);
	g_atomic_int_set(&self->interfaces_changed, TRUE);
	g_mutex_unlock(&self->interfaces_lock);
	if (write(self->threads[0].wakefd, &one, sizeof(one)) < 0)
		g_warning("cannot wake the accepting thread: %s", g_strerror(errno));
}

/**
 * arc_tproxymgr_set_view:
 * @self: the proxy
 * @view: the view new connections are looked up in
 */
void
arc_tproxymgr_set_view(ArcTproxymgr *self, ArcClusterView *view)
{
	ArcClusterView *old;

	g_mutex_lock(&self->view_lock);
	old = self->view;
	self->view = arc_cluster_view_ref(view);
	g_mutex_unlock(&self->view_lock);
	if (old != NULL)
		arc_cluster_view_unref(old);
	if (self->settings.port != 0)
		arc_tproxymgr_want_interfaces(self, view);
}

/* (transfer full) (nullable): the current view */
ArcClusterView *
arc_tproxymgr_dup_view(ArcTproxymgr *self)
{
	ArcClusterView *view;

	g_mutex_lock(&self->view_lock);
	view = self->view != NULL ? arc_cluster_view_ref(self->view) : NULL;
	g_mutex_unlock(&self->view_lock);
	return view;
}

void
arc_tproxymgr_set_connect_func(ArcTproxymgr *self, ArcTproxymgrConnectFunc func, gpointer user_data)
{
	self->connect_func = func;
	self->connect_data = user_data;
}

guint
arc_tproxymgr_get_n_connections(ArcTproxymgr *self)
{
	return (guint)g_atomic_int_get(&self->n_connections);
}

static ArcTproxyThread *
arc_tproxymgr_pick_thread(ArcTproxymgr *self)
{
	guint index = g_atomic_int_add((gint *)&self->next_thread, 1);

	return &self->threads[index % self->n_threads];
}

/* counts a new connection, or says once a second that the limit refuses it */
gboolean
arc_tproxymgr_admit(ArcTproxymgr *self)
{
	gint64 now = g_get_monotonic_time();

	if ((guint)g_atomic_int_add(&self->n_connections, 1) < self->settings.max_connections)
		return TRUE;
	g_atomic_int_dec_and_test(&self->n_connections);
	if (now - self->cap_logged > G_USEC_PER_SEC) {
		g_warning("connection reset: the proxy relays its limit of %u connections",
			  self->settings.max_connections);
		self->cap_logged = now;
	}
	return FALSE;
}

/**
 * arc_tproxymgr_adopt_entry:
 * @self: the proxy
 * @client_fd: (transfer full): a captured connection
 * @stream_fd: (transfer full): the stream to the exit, its preamble written; -1 when none
 *   could be opened (the caller logged why): the client is reset
 *
 * Relays the pair; the client's bytes flow at once, the exit's after its status byte.
 */
void
arc_tproxymgr_adopt_entry(ArcTproxymgr *self, gint client_fd, gint stream_fd)
{
	if (stream_fd < 0) {
		arc_tproxymgr_reset_fd(client_fd);
		g_atomic_int_dec_and_test(&self->n_connections);
		return;
	}
	arc_tproxy_thread_push(arc_tproxymgr_pick_thread(self),
			       arc_tproxy_conn_new(ARC_TPROXY_AWAIT_STATUS, client_fd, stream_fd));
}

/**
 * arc_tproxymgr_adopt_exit:
 * @self: the proxy
 * @stream_fd: (transfer full): a stream from another peer (#ArcTransport::incoming)
 * @from_peer_id: the peer its transport authenticated
 *
 * Reads its preamble, checks it against the current view, connects to the destination,
 * answers the status byte and relays.
 */
void
arc_tproxymgr_adopt_exit(ArcTproxymgr *self, gint stream_fd, const gchar *from_peer_id)
{
	ArcTproxyConn *conn;

	if (!arc_tproxymgr_admit(self)) {
		guint8 status = ARC_PEGASUS_STATUS_REFUSED;
		(void)send(stream_fd, &status, 1, MSG_NOSIGNAL);
		close(stream_fd);
		return;
	}
	conn = arc_tproxy_conn_new(ARC_TPROXY_PREAMBLE, stream_fd, -1);
	conn->exit = TRUE;
	g_strlcpy(conn->from_peer, from_peer_id, sizeof(conn->from_peer));
	arc_tproxy_thread_push(arc_tproxymgr_pick_thread(self), conn);
}
