/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sys/socket.h>

#include "arc-tproxymgr.h"

G_BEGIN_DECLS

/* what a connection waits for */
typedef enum {
	ARC_TPROXY_RELAY,        /* bytes both ways */
	ARC_TPROXY_AWAIT_STATUS, /* entry: the exit's status byte, client bytes already flow */
	ARC_TPROXY_PREAMBLE,     /* exit: the stream's preamble */
	ARC_TPROXY_CONNECTING,   /* exit or direct: the outbound connection */
} ArcTproxyState;

/* one relayed connection: fixed size, whatever it carries */
typedef struct {
	ArcTproxyState state;
	gboolean exit;   /* fd[0] is a stream that gets a status byte */
	gint fd[2];      /* [0] the client side, [1] the other */
	gint pipe[2][2]; /* pipe[d] carries fd[d] → fd[1 - d] */
	guint32 pending[2];
	gboolean eof[2];
	gboolean shut[2];
	guint index; /* in its thread's list */
	gint64 last_active;
	gchar from_peer[80]; /* exit: the peer the transport authenticated */
	gboolean closed;     /* forgotten: freed after the epoll batch that may still name it */
} ArcTproxyConn;

/* a listener bound to a service interface: what it accepts entered there (category 1) */
typedef struct {
	gchar name[16]; /* IFNAMSIZ */
	gint fd[2];     /* IPv4, IPv6; -1 when not open */
} ArcTproxyListener;

typedef struct {
	ArcTproxymgr *mgr;
	GThread *thread;
	gint epfd;
	gint wakefd;
	GMutex lock;         /* guards incoming only */
	GPtrArray *incoming; /* of ArcTproxyConn, handed over by other threads */
	GPtrArray *conns;    /* of ArcTproxyConn, this thread's */
	GPtrArray *closed;   /* of ArcTproxyConn, forgotten during the current batch */
} ArcTproxyThread;

struct _ArcTproxymgr {
	ArcTproxymgrSettings settings;
	gint listen_fd[2]; /* IPv4, IPv6; -1 when not open */
	ArcTproxyThread *threads;
	guint n_threads;
	guint next_thread;
	gint n_connections;
	gint stopping;
	gint64 cap_logged; /* when the connection limit was last logged */
	GMutex view_lock;  /* guards view: held for a reference, never across a system call */
	ArcClusterView *view;
	ArcTproxymgrConnectFunc connect_func;
	gpointer connect_data;
	GMainContext *main_context;
	GPtrArray *jobs;        /* connect jobs queued on the main context (arc_tproxy_jobs_lock) */
	GMutex interfaces_lock; /* guards interfaces and interfaces_changed */
	GStrv interfaces;       /* the service interfaces of the current view */
	gint interfaces_changed; /* atomic too: read unlocked by the first relay thread */
	GPtrArray *listeners;    /* of ArcTproxyListener: the first relay thread's only */
	gint64 listeners_check;  /* the first relay thread's: when to look at the devices again */
	gchar *listener_problem; /* the first relay thread's: the last failure it logged */
};

ArcTproxyConn *arc_tproxy_conn_new(ArcTproxyState state, gint fd0, gint fd1);
gboolean arc_tproxy_thread_start(ArcTproxymgr *mgr, ArcTproxyThread *thread, guint index,
				 GError **error);
void arc_tproxy_thread_stop(ArcTproxyThread *thread);
void arc_tproxy_thread_push(ArcTproxyThread *thread, ArcTproxyConn *conn);
void arc_tproxy_thread_watch(ArcTproxyThread *thread, ArcTproxyConn *conn);
void arc_tproxymgr_accept(ArcTproxymgr *self, gint listen_fd);
gboolean arc_tproxy_conn_step(ArcTproxyThread *thread, ArcTproxyConn *conn);
void arc_tproxy_conn_timeout(ArcTproxyConn *conn);
void arc_tproxy_forget_jobs(ArcTproxymgr *self);
ArcClusterView *arc_tproxymgr_dup_view(ArcTproxymgr *self);
gboolean arc_tproxymgr_admit(ArcTproxymgr *self);
void arc_tproxymgr_sync_listeners(ArcTproxymgr *self);
gboolean arc_tproxymgr_is_listener(ArcTproxymgr *self, gpointer ptr);

G_END_DECLS
