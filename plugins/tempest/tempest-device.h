/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-aead.h"
#include "tempest-tun.h"
#include "tempest-uapi-server.h"
#include "tempest-uapi.h"

/* TempestDevice: one WireGuard interface in userspace (docs/tempest.md). It owns a TUN device
 * and the UDP sockets of tempest-io (tempest-tun.h, tempest-udp.h), its peers and its threads:
 * TX (TUN -> seal -> UDP), RX, one per address family (UDP -> open -> TUN) and handshake
 * (handshake messages, cookie replies and every timer). Configuration goes through the UAPI
 * change and snapshot types of tempest-uapi.h, from any thread. */

typedef struct _TempestDevice TempestDevice;
typedef struct _TempestPeer TempestPeer;

#define TEMPEST_DEVICE_ERROR (tempest_device_error_quark())
GQuark tempest_device_error_quark(void);

typedef enum {
	TEMPEST_DEVICE_ERROR_SYSTEM, /* a syscall failed: the message says which */
	TEMPEST_DEVICE_ERROR_INVALID,
} TempestDeviceError;

/* tun is a TUN device from tempest_device_open_tun() (the device owns it from here), or NULL;
 * mtu its MTU. The UDP sockets are bound to a free port until a listen port is set. */
TempestDevice *tempest_device_new(TempestTun *tun, gsize mtu, const TempestAead *aead,
				  GError **error);

/* starts the threads */
void tempest_device_start(TempestDevice *self);

/* gives a device made without one its TUN device (owned from here when TRUE): what the peers'
 * allowed IPs route, in both directions. Call from the thread that starts and frees it. */
gboolean tempest_device_set_tun(TempestDevice *self, TempestTun *tun, GError **error);

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

/* binds a TUN device (owned from here when TRUE) to one peer: everything read from it goes to
 * that peer, whatever its destination. FALSE when there is no such peer. */
gboolean tempest_device_bind_tun(TempestDevice *self, const guint8 public_key[TEMPEST_KEY_LEN],
				 TempestTun *tun, GError **error);

/* for tests: rekey after this many µs instead of REKEY_AFTER_TIME (0 restores it) */
void tempest_device_set_rekey_after_time(TempestDevice *self, gint64 usec);

/* TUN: opens (creating if needed) the TUN device ifname with offloads (tempest-tun.h), sets
 * its MTU and brings it up */
TempestTun *tempest_device_open_tun(const gchar *ifname, guint mtu, GError **error);

/* the wg configuration socket /var/run/wireguard/IFNAME.sock for this device (tempest-io's
 * server, on its own thread until tempest_uapi_server_stop()). With read_only, a set is
 * refused with EPERM. */
TempestUapiServer *tempest_device_serve_uapi(TempestDevice *self, const gchar *ifname,
					     gboolean read_only, GError **error);
