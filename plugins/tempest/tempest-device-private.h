/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-allowedips.h"
#include "tempest-cookie.h"
#include "tempest-device.h"
#include "tempest-endpoint.h"
#include "tempest-noise.h"
#include "tempest-tun.h"
#include "tempest-udp.h"

/* The inside of TempestDevice, shared by its files (device, config, handshake, data path).
 *
 * Locking, outermost first:
 *  - device->config_lock (GRWLock): the peer list, the index table, the allowed-IPs trie, the
 *    identity and the socket. The packet threads take it for reading once per batch, never
 *    across a blocking syscall; configuration changes (UAPI set, plugin calls) and peer removal
 *    take it for writing, so a peer or keypair pointer read under it stays valid until release.
 *  - device->index_lock (GMutex): the receiver index table, for a lookup or an update.
 *  - peer->lock (GMutex): a peer's keypair slots, endpoint and timer fields; held for a few
 *    instructions, never across a syscall or an AEAD call.
 * Keypairs are reference-counted (TempestDevKeypair) so the data path seals and opens outside
 * the peer lock while the handshake thread rotates them; TUN devices too (TempestDevTun), so
 * the RX threads write a batch out after releasing the config lock.
 *
 * Why a read-write lock and not an RCU-style table swapped atomically: the packet threads take
 * it once per batch (up to 64 receives or 256 packets), not per packet, and hold it only while
 * they look up, seal and open in memory; every syscall of the data path (TUN read and write,
 * recvmmsg, sendmmsg) is made outside it. A writer therefore waits at most for the batches in
 * flight (a few hundred microseconds) and readers wait for a writer only during a
 * configuration change, which is rare (the agent's view changes, a wg set). An immutable
 * snapshot would need every peer's mutable state (keypairs, endpoint, timers, counters) kept
 * outside the snapshot with its own lifetime and a grace period before a removed peer is
 * freed; without ThreadSanitizer to check it, that is more risk than the waits it saves. */

/* RX: datagrams per recvmmsg(); with UDP GRO each may hold up to 64 coalesced ones */
#define TEMPEST_DEV_BATCH 64
#define TEMPEST_DEV_RX_OUT_MAX (TEMPEST_DEV_BATCH * TEMPEST_UDP_MAX_GSO_SEGMENTS)
/* TX: tempest_tun_read() goes on reading while TEMPEST_TUN_MAX_SEGMENTS slots are free, so
 * twice that many hold a few TSO super-packets of 64 KiB, or 128 plain packets and more */
#define TEMPEST_DEV_TX_BATCH (2 * TEMPEST_TUN_MAX_SEGMENTS)
#define TEMPEST_DEV_BUF_LEN 2048
#define TEMPEST_DEV_STAGED_MAX 1024
#define TEMPEST_DEV_HS_QUEUE_LEN 1024
/* wireguard-go: under load once the handshake queue is an eighth full, for a second after */
#define TEMPEST_DEV_UNDER_LOAD_LEN (TEMPEST_DEV_HS_QUEUE_LEN / 8)
#define TEMPEST_DEV_UNDER_LOAD_HOLD G_USEC_PER_SEC
#define TEMPEST_DEV_TIMER_TICK_MS 20

typedef struct {
	TempestKeypair *kp; /* owned */
	gint ref;
} TempestDevKeypair;

TempestDevKeypair *tempest_dev_keypair_ref(TempestDevKeypair *self);

void tempest_dev_keypair_unref(TempestDevKeypair *self);

/* A TUN device shared by the threads that use it: the TX thread that reads it, the RX threads
 * that write to it (a reference per run of packets, so a peer's device removed meanwhile
 * stays open until the write is done) and the peer or device that owns it. */
typedef struct {
	TempestTun *tun;
	gint ref;
	gboolean gone; /* atomic: its peer was removed, its TX thread ends */
} TempestDevTun;

TempestDevTun *tempest_dev_tun_new(TempestTun *tun);

TempestDevTun *tempest_dev_tun_ref(TempestDevTun *self);

void tempest_dev_tun_unref(TempestDevTun *self);

/* one staged packet waiting for a session */
typedef struct {
	gsize len;
	guint8 data[];
} TempestDevStaged;

/* A bounded FIFO of packets that wait for a keypair (wg keeps 1024 per peer); the oldest is
 * dropped when full. Not locked: the peer lock guards it. */
typedef struct {
	TempestDevStaged *slots[TEMPEST_DEV_STAGED_MAX];
	guint head;
	guint len;
	guint64 dropped;
} TempestDevStagedQueue;

void tempest_dev_staged_push(TempestDevStagedQueue *q, const guint8 *data, gsize len);

/* the oldest packet, owned by the caller (g_free), or NULL */
TempestDevStaged *tempest_dev_staged_pop(TempestDevStagedQueue *q);

void tempest_dev_staged_clear(TempestDevStagedQueue *q);

/* the timers of one peer (whitepaper §6, as wireguard-go's timers.go arms them): each deadline
 * is monotonic µs, 0 when not armed */
typedef struct {
	gint64 retransmit_handshake;
	gint64 send_keepalive;
	gint64 new_handshake;
	gint64 zero_key_material;
	gint64 persistent_keepalive;
	guint handshake_attempts;
	gboolean need_another_keepalive;
	gint64 last_initiation_sent;
	gboolean want_handshake; /* set by the data path, acted on by the handshake thread */
	gboolean want_keepalive;
	gboolean want_flush; /* staged packets may go: a session was confirmed */
} TempestDevTimers;

struct _TempestPeer {
	TempestDevice *device;
	guint8 public_key[TEMPEST_KEY_LEN];
	guint8 psk[TEMPEST_KEY_LEN];
	TempestHandshake *handshake;
	TempestCookieGenerator *cookie;
	GMutex lock;
	TempestDevKeypair *current;
	TempestDevKeypair *previous;
	TempestDevKeypair *next;
	TempestEndpoint endpoint;
	gboolean has_endpoint;
	guint16 keepalive_interval;
	TempestDevTimers timers;
	TempestDevStagedQueue staged;
	guint32 handshake_index;   /* the index of the initiation in flight, 0 when none */
	gint64 last_handshake_sec; /* wall clock; atomic */
	gint64 last_handshake_nsec;
	guint64 rx_bytes; /* atomic */
	guint64 tx_bytes; /* atomic */
	/* the TUN device bound to this peer (a reference; set and cleared under the config write
	 * lock), or NULL: then it is reached by allowed IPs */
	TempestDevTun *bound_tun;
};

typedef struct _TempestDevHsQueue TempestDevHsQueue;

struct _TempestDevice {
	GRWLock config_lock;
	TempestStaticIdentity *identity; /* NULL until a private key is set */
	TempestCookieChecker *checker;
	GPtrArray *peers; /* of TempestPeer, owned */
	GMutex index_lock;
	GHashTable *index; /* receiver index (guint32) -> TempestPeer; under index_lock */
	TempestAllowedIps *allowedips;
	const TempestAead *aead;
	TempestUdp *udp;     /* one socket per family, rebound in place on a port change */
	guint16 listen_port; /* as configured; 0 = any */
	guint32 fwmark;
	TempestDevTun *tun; /* the device's own TUN device, or NULL; set under the write lock */
	gsize mtu;
	gint wake_fd; /* eventfd: the handshake thread has work */
	TempestDevHsQueue *hs_queue;
	gint64 under_load_until;
	gint64 rekey_after_time;
	gboolean started;  /* the threads run (tempest_device_start()) */
	gboolean stopping; /* atomic */
	GThread *tx_thread;
	GThread *rx_threads[2]; /* one per address family (tempest-udp.h) */
	GThread *hs_thread;
	GPtrArray *bound_tx_threads; /* one per peer-bound TUN */
	guint64 rx_dropped;
	gboolean tun_gro_off; /* ARC_TEMPEST_TUN_GRO=0: one TUN write per received packet */
};

/* tempest-device.c */
TempestPeer *tempest_device_find_peer_locked(TempestDevice *self,
					     const guint8 public_key[TEMPEST_KEY_LEN]);

TempestPeer *tempest_device_add_peer_locked(TempestDevice *self,
					    const guint8 public_key[TEMPEST_KEY_LEN]);

void tempest_device_remove_peer_locked(TempestDevice *self, TempestPeer *peer);

/* the index table has its own lock, taken after a peer's lock when both are needed */
guint32 tempest_device_new_index(TempestDevice *self, TempestPeer *peer);

void tempest_device_drop_index(TempestDevice *self, guint32 index);

/* the config lock must be held (for reading) while the peer is used */
TempestPeer *tempest_device_lookup_index(TempestDevice *self, guint32 index);

void tempest_device_wake(TempestDevice *self);

gboolean tempest_device_rebind_locked(TempestDevice *self, guint16 port, GError **error);

/* the UDP send of one datagram to a peer's endpoint; FALSE without an endpoint */
gboolean tempest_device_send_to_peer(TempestDevice *self, TempestPeer *peer, const guint8 *buf,
				     gsize len);

/* tempest-device-hs.c: the handshake thread, its queue and the timers */
TempestDevHsQueue *tempest_dev_hs_queue_new(void);

void tempest_dev_hs_queue_free(TempestDevHsQueue *q);

/* from the RX thread: a handshake message and where it came from; FALSE when the queue is full */
gboolean tempest_dev_hs_queue_push(TempestDevHsQueue *q, const guint8 *msg, gsize len,
				   const TempestSockaddr *from);

gpointer tempest_dev_hs_thread(gpointer data);

/* the peer's keypairs and handshake dropped (key change, zeroing timer); peer lock held */
void tempest_dev_peer_clear_keys_locked(TempestPeer *peer);

/* timer events of the data path (peer lock held) */
void tempest_dev_timers_data_sent(TempestPeer *peer, gint64 now);

void tempest_dev_timers_data_received(TempestPeer *peer, gint64 now);

void tempest_dev_timers_any_authenticated_received(TempestPeer *peer, gint64 now);

void tempest_dev_timers_any_authenticated_sent(TempestPeer *peer, gint64 now);

void tempest_dev_timers_handshake_complete(TempestPeer *peer);

void tempest_dev_endpoint_from_sockaddr(TempestEndpoint *out, const TempestSockaddr *from);

/* what is due for one peer at now (expired deadlines are disarmed, the requests of the data
 * path taken): flags, so that the sends happen without the peer lock */
enum {
	TEMPEST_DEV_DUE_INITIATION = 1 << 0,
	TEMPEST_DEV_DUE_RETRY = 1 << 1,
	TEMPEST_DEV_DUE_KEEPALIVE = 1 << 2,
	TEMPEST_DEV_DUE_ZERO = 1 << 3,
	TEMPEST_DEV_DUE_FLUSH = 1 << 4,
};

guint tempest_dev_peer_due_locked(TempestPeer *peer, gint64 now);

/* a received transport opened with the responder's "next" keypair confirms it: rotate */
void tempest_dev_peer_confirm_next_locked(TempestPeer *peer, TempestDevKeypair *kp);

/* tempest-device-data.c */
gpointer tempest_dev_tx_thread(gpointer data);

/* the RX thread of one address family's socket: data is &TempestDevRxStart */
typedef struct {
	TempestDevice *device;
	gint family;
} TempestDevRxStart;

gpointer tempest_dev_rx_thread(gpointer data);

/* one packet sealed and sent right away (keepalives, staged packets): off the fast path */
gboolean tempest_dev_send_one(TempestDevice *self, TempestPeer *peer, const guint8 *plain,
			      gsize len);

/* the TX thread of a TUN bound to one peer */
typedef struct {
	TempestDevice *device;
	guint8 public_key[TEMPEST_KEY_LEN]; /* the peer is looked up per batch: it may go */
	TempestDevTun *tun;                 /* the thread's reference */
} TempestDevBoundTun;

gpointer tempest_dev_bound_tx_thread(gpointer data);
