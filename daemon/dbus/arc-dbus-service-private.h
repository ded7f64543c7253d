/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "arc-dbus-generated.h"
#include "arc-dbus-service.h"
#include "arc-dbus-services.h"

G_BEGIN_DECLS

/* What arc-dbus-service.c shares with arc-dbus-peers.c, and only with it. */

/* The interfaces exported below the ObjectManager, for the filter of Properties.Set, which
 * runs in GDBus's worker thread and so reads this copy instead of the objects themselves.
 * Shared with the filter by reference, as the filter may still run once removed. */
typedef struct {
	GMutex lock;
	GHashTable *ifaces; /* "PATH IFACE" → (unowned) its static GDBusInterfaceInfo */
} ArcDbusServiceExported;

struct _ArcDbusService {
	GObject parent_instance;
	ArcEngine *engine;
	gboolean session_bus;
	GCancellable *cancellable;
	GDBusConnection *connection;
	GDBusObjectManagerServer *manager;
	ArcDbusObjectSkeleton *agent_object; /* at ARC_DBUS_SERVICE_AGENT_PATH */
	ArcDbusAgent *agent;
	ArcDbusServices *services;
	ArcDbusServiceExported *exported;
	guint filter_id;
	guint owner_id;
	gulong closed_id;
	gboolean unavailable; /* already logged, so it is logged once */
};

/* A write waiting for its authorisation; the method's arguments stay in the invocation.
 * @caller holds the scope the write was registered with, once the bus caller is authorised. */
typedef void (*ArcDbusServiceWriteFunc)(ArcDbusService *self, GDBusMethodInvocation *invocation,
					const ArcCaller *caller);

typedef struct {
	ArcDbusService *self;
	GDBusMethodInvocation *invocation; /* owned until returned */
	ArcDbusServiceWriteFunc func;
	ArcScope scope;
} ArcDbusServiceWrite;

/* A method call waiting for an asynchronous engine operation. */
typedef struct {
	ArcDbusService *self;
	GDBusMethodInvocation *invocation;
} ArcDbusServiceCall;

ArcDbusServiceCall *arc_dbus_service_call_new(ArcDbusService *self,
					      GDBusMethodInvocation *invocation);
void arc_dbus_service_call_free(ArcDbusServiceCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcDbusServiceCall, arc_dbus_service_call_free)
void arc_dbus_service_authorize_write(ArcDbusService *self, GDBusMethodInvocation *invocation,
				      ArcScope scope, ArcDbusServiceWriteFunc func);

/* arc-dbus-peers.c: the Peer objects and the Agent's methods on peers */
gboolean arc_dbus_service_handle_add_peer_cb(ArcDbusAgent *agent, GDBusMethodInvocation *invocation,
					     const gchar *address, const gchar *name,
					     gpointer user_data);
gboolean arc_dbus_service_handle_add_peer_with_options_cb(ArcDbusAgent *agent,
							  GDBusMethodInvocation *invocation,
							  const gchar *address, GVariant *options,
							  gpointer user_data);
gboolean arc_dbus_service_handle_create_join_token_cb(ArcDbusAgent *agent,
						      GDBusMethodInvocation *invocation, guint ttl,
						      gpointer user_data);
gboolean arc_dbus_service_handle_remove_peer_cb(ArcDbusAgent *agent,
						GDBusMethodInvocation *invocation,
						const gchar *peer_id, gpointer user_data);
gboolean arc_dbus_service_handle_remove_peer_with_options_cb(ArcDbusAgent *agent,
							     GDBusMethodInvocation *invocation,
							     const gchar *peer_id,
							     GVariant *options, gpointer user_data);
gboolean arc_dbus_service_handle_update_peer_cb(ArcDbusAgent *agent,
						GDBusMethodInvocation *invocation,
						const gchar *peer_id, const gchar *name,
						gpointer user_data);
void arc_dbus_service_peer_changed_cb(ArcEngine *engine, const gchar *peer_id, gpointer user_data);
void arc_dbus_service_peer_state_changed_cb(ArcEngine *engine, const gchar *peer_id, gint state,
					    gpointer user_data);
void arc_dbus_service_remove_self(ArcDbusService *self, GDBusMethodInvocation *invocation,
				  const ArcCaller *caller);
void arc_dbus_service_sync_peers(ArcDbusService *self);

G_END_DECLS
