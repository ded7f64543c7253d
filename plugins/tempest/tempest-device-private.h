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
 * the peer lock while the handshake thread rotates them. */

#define TEMPEST_DEV_BATCH 64
/* TX: room for two TSO super-packets of 64 KiB cut at MTU size */
#define TEMPEST_DEV_TX_BATCH 128
/* every TUN device is opened with IFF_VNET_HDR: this header precedes each frame */
#define TEMPEST_DEV_VNET_HDR_LEN 10
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
	/* the TUN device bound to this peer, or -1: then it is reached by allowed IPs */
	gint bound_tun_fd;
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
	gint udp_fd;
	guint16 listen_port; /* as configured; 0 = any */
	guint32 fwmark;
	gint tun_fd;
	gsize mtu;
	gint wake_fd; /* eventfd: the handshake thread has work */
	TempestDevHsQueue *hs_queue;
	gint64 under_load_until;
	gint64 rekey_after_time;
	gboolean stopping; /* atomic */
	GThread *tx_thread;
	GThread *rx_thread;
	GThread *hs_thread;
	GPtrArray *bound_tx_threads; /* one per peer-bound TUN */
	guint64 rx_dropped;
	gboolean udp_gso_off; /* atomic: set once the kernel refused UDP GSO */
	gboolean udp_v4_only; /* the kernel has no IPv6: the socket is AF_INET */
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

socklen_t tempest_device_sockaddr_for(TempestDevice *self, const TempestEndpoint *endpoint,
				      struct sockaddr_in6 *to);

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

/* tempest-device-offload.c: TUN frames (virtio-net header first) into plain packets. count:
 * how many packets the frame makes (0: unusable); split: cuts it into outs (each
 * TEMPEST_DEV_BUF_LEN - 16 bytes long at least), checksums done; the number written */
guint tempest_dev_offload_count(const guint8 *frame, gsize len);

guint tempest_dev_offload_split(guint8 *frame, gsize len, guint8 *const *outs, gsize *out_lens,
				guint max);

/* tempest-device-data.c */
gpointer tempest_dev_tx_thread(gpointer data);

gpointer tempest_dev_rx_thread(gpointer data);

/* one packet sealed and sent right away (keepalives, staged packets): off the fast path */
gboolean tempest_dev_send_one(TempestDevice *self, TempestPeer *peer, const guint8 *plain,
			      gsize len);

/* the TX thread of a TUN bound to one peer */
typedef struct {
	TempestDevice *device;
	guint8 public_key[TEMPEST_KEY_LEN]; /* the peer is looked up per batch: it may go */
	gint tun_fd;                        /* owned by the thread */
} TempestDevBoundTun;

gpointer tempest_dev_bound_tx_thread(gpointer data);
