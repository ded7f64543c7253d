/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-aead.h"
#include "tempest-uapi.h"

/* TempestDevice: one WireGuard interface in userspace (docs/tempest.md). It owns a TUN device,
 * a UDP socket, its peers and three threads: TX (TUN -> seal -> UDP), RX (UDP -> open -> TUN)
 * and handshake (handshake messages, cookie replies and every timer). Configuration goes
 * through the UAPI change and snapshot types of tempest-uapi.h, from any thread. */

typedef struct _TempestDevice TempestDevice;
typedef struct _TempestPeer TempestPeer;

#define TEMPEST_DEVICE_ERROR (tempest_device_error_quark())
GQuark tempest_device_error_quark(void);

typedef enum {
	TEMPEST_DEVICE_ERROR_SYSTEM, /* a syscall failed: the message says which */
	TEMPEST_DEVICE_ERROR_INVALID,
} TempestDeviceError;

/* tun_fd is a TUN device from tempest_dev_tun_create() (IFF_VNET_HDR) (the device owns it from
 * here); mtu its MTU. The UDP socket is bound to a free port until a listen port is set. */
TempestDevice *tempest_device_new(gint tun_fd, gsize mtu, const TempestAead *aead, GError **error);

/* starts the threads */
void tempest_device_start(TempestDevice *self);

/* stops and joins the threads, closes the sockets, wipes every key */
void tempest_device_free(TempestDevice *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestDevice, tempest_device_free)

/* a UAPI set: applies change in order; on error (an errno, positive) nothing after the failing
 * step is applied, as wireguard-go does */
gint tempest_device_apply(TempestDevice *self, const TempestUapiChange *change);

/* a UAPI get */
TempestUapiSnapshot *tempest_device_snapshot(TempestDevice *self);

/* the UDP port the device listens on (the bound one when configured as 0) */
guint16 tempest_device_get_port(TempestDevice *self);

/* binds a TUN device (owned from here) to one peer: everything read from it goes to that peer,
 * whatever its destination. FALSE when there is no such peer. */
gboolean tempest_device_bind_tun(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN],
				 gint tun_fd, GError **error);

/* for tests: rekey after this many µs instead of REKEY_AFTER_TIME (0 restores it) */
void tempest_device_set_rekey_after_time(TempestDevice *self, gint64 usec);

/* TUN: opens (creating if needed) the TUN device ifname, sets its MTU and brings it up;
 * returns the fd (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, TSO offered) or -1 */
gint tempest_dev_tun_create(const gchar *ifname, guint mtu, GError **error);

/* UAPI server: a UNIX socket at path served on its own thread until freed. With read_only, a
 * set is refused with EPERM. */
typedef struct _TempestDevUapiServer TempestDevUapiServer;

TempestDevUapiServer *tempest_dev_uapi_server_start(TempestDevice *device, const gchar *path,
						    gboolean read_only, GError **error);

/* stops the thread and removes the socket file */
void tempest_dev_uapi_server_stop(TempestDevUapiServer *self);
