/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* The handshake thread: handshake messages queued by the RX thread (MAC1, cookie replies under
 * load, Noise), the peers' timers (whitepaper §6, armed as wireguard-go's timers.go arms them),
 * and every handshake message we send. The packet threads never do a Diffie-Hellman. */

typedef struct {
	gsize len;
	guint8 msg[TEMPEST_MSG_INITIATION_LEN];
	TempestSockaddr from;
} TempestDevHsItem;

struct _TempestDevHsQueue {
	GMutex lock;
	guint head;
	guint len;
	TempestDevHsItem items[TEMPEST_DEV_HS_QUEUE_LEN];
};

TempestDevHsQueue *
tempest_dev_hs_queue_new(void)
{
	TempestDevHsQueue *q = g_new0(TempestDevHsQueue, 1);

	g_mutex_init(&q->lock);
	return q;
}

void
tempest_dev_hs_queue_free(TempestDevHsQueue *q)
{
	g_mutex_clear(&q->lock);
	g_free(q);
}

gboolean
tempest_dev_hs_queue_push(TempestDevHsQueue *q, const guint8 *msg, gsize len,
			  const TempestSockaddr *from)
{
	TempestDevHsItem *item;

	if (len > sizeof(item->msg))
		return FALSE;
	g_mutex_lock(&q->lock);
	if (q->len == TEMPEST_DEV_HS_QUEUE_LEN) {
		g_mutex_unlock(&q->lock);
		return FALSE;
	}
	item = &q->items[(q->head + q->len) % TEMPEST_DEV_HS_QUEUE_LEN];
	item->len = len;
	memcpy(item->msg, msg, len);
	item->from = *from;
	q->len++;
	g_mutex_unlock(&q->lock);
	return TRUE;
}

/* pops into *out; *backlog is what was queued before the pop (the load signal) */
static gboolean
tempest_dev_hs_queue_pop(TempestDevHsQueue *q, TempestDevHsItem *out, guint *backlog)
{
	g_mutex_lock(&q->lock);
	*backlog = q->len;
	if (q->len == 0) {
		g_mutex_unlock(&q->lock);
		return FALSE;
	}
	*out = q->items[q->head];
	q->head = (q->head + 1) % TEMPEST_DEV_HS_QUEUE_LEN;
	q->len--;
	g_mutex_unlock(&q->lock);
	return TRUE;
}

static void
tempest_dev_drop_keypair_locked(TempestPeer *peer, TempestDevKeypair **slot)
{
	if (*slot == NULL)
		return;
	tempest_device_drop_index(peer->device, (*slot)->kp->local_index);
	g_clear_pointer(slot, tempest_dev_keypair_unref);
}

void
tempest_dev_peer_clear_keys_locked(TempestPeer *peer)
{
	tempest_dev_drop_keypair_locked(peer, &peer->previous);
	tempest_dev_drop_keypair_locked(peer, &peer->current);
	tempest_dev_drop_keypair_locked(peer, &peer->next);
	tempest_device_drop_index(peer->device, peer->handshake_index);
	peer->handshake_index = 0;
	if (peer->handshake != NULL)
		tempest_handshake_clear(peer->handshake);
	tempest_dev_staged_clear(&peer->staged);
	memset(&peer->timers, 0, sizeof(peer->timers));
}

void
tempest_dev_peer_confirm_next_locked(TempestPeer *peer, TempestDevKeypair *kp)
{
	if (peer->next != kp)
		return;
	tempest_dev_drop_keypair_locked(peer, &peer->previous);
	peer->previous = peer->current;
	peer->current = peer->next;
	peer->next = NULL;
	/* the responder's handshake is complete once the initiator used the new keys */
	tempest_dev_timers_handshake_complete(peer);
	if (peer->staged.len > 0)
		peer->timers.want_flush = TRUE;
}

/* wireguard-go's timers.go, event by event */
void
tempest_dev_timers_data_sent(TempestPeer *peer, gint64 now)
{
	if (peer->timers.new_handshake == 0)
		peer->timers.new_handshake = now + TEMPEST_KEEPALIVE_TIMEOUT +
					     TEMPEST_REKEY_TIMEOUT +
					     randombytes_uniform(TEMPEST_REKEY_TIMEOUT_JITTER);
}

void
tempest_dev_timers_data_received(TempestPeer *peer, gint64 now)
{
	if (peer->timers.send_keepalive == 0)
		peer->timers.send_keepalive = now + TEMPEST_KEEPALIVE_TIMEOUT;
	else
		peer->timers.need_another_keepalive = TRUE;
}

void
tempest_dev_timers_any_authenticated_received(TempestPeer *peer, gint64 now)
{
	peer->timers.new_handshake = 0;
	if (peer->keepalive_interval > 0)
		peer->timers.persistent_keepalive =
			now + (gint64)peer->keepalive_interval * G_USEC_PER_SEC;
}

void
tempest_dev_timers_any_authenticated_sent(TempestPeer *peer, gint64 now)
{
	peer->timers.send_keepalive = 0;
	if (peer->keepalive_interval > 0)
		peer->timers.persistent_keepalive =
			now + (gint64)peer->keepalive_interval * G_USEC_PER_SEC;
}

static void
tempest_dev_timers_session_derived(TempestPeer *peer, gint64 now)
{
	peer->timers.zero_key_material = now + 3 * TEMPEST_REJECT_AFTER_TIME;
}

/* wall clock of the handshake, for `wg show` */
void
tempest_dev_timers_handshake_complete(TempestPeer *peer)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	peer->timers.retransmit_handshake = 0;
	peer->timers.handshake_attempts = 0;
	peer->last_handshake_sec = ts.tv_sec;
	peer->last_handshake_nsec = ts.tv_nsec;
}

/* sends an initiation to the peer (config read lock held, peer lock not) */
static void
tempest_dev_send_initiation(TempestDevice *self, TempestPeer *peer, gboolean is_retry)
{
	TempestMsgInitiation msg;
	gint64 now = g_get_monotonic_time();
	guint32 index;

	if (peer->handshake == NULL || !peer->has_endpoint)
		return;
	g_mutex_lock(&peer->lock);
	if (!is_retry)
		peer->timers.handshake_attempts = 0;
	if (peer->timers.last_initiation_sent != 0 &&
	    now - peer->timers.last_initiation_sent < TEMPEST_REKEY_TIMEOUT) {
		g_mutex_unlock(&peer->lock);
		return;
	}
	peer->timers.last_initiation_sent = now;
	tempest_device_drop_index(self, peer->handshake_index);
	index = tempest_device_new_index(self, peer);
	peer->handshake_index = index;
	g_mutex_unlock(&peer->lock);

	if (tempest_handshake_create_initiation(peer->handshake, index, &msg) != TEMPEST_NOISE_OK)
		return;
	tempest_cookie_generator_add_macs(peer->cookie, (guint8 *)&msg, sizeof(msg), now);
	if (tempest_device_send_to_peer(self, peer, (guint8 *)&msg, sizeof(msg)))
		__atomic_fetch_add(&peer->tx_bytes, sizeof(msg), __ATOMIC_RELAXED);
	g_mutex_lock(&peer->lock);
	tempest_dev_timers_any_authenticated_sent(peer, now);
	peer->timers.retransmit_handshake =
		now + tempest_handshake_retry_delay(randombytes_random());
	g_mutex_unlock(&peer->lock);
	g_debug("sent handshake initiation (index %u)", index);
}

/* after a session was derived as initiator: what waited goes now, or a keepalive confirms it */
static void
tempest_dev_flush_staged(TempestDevice *self, TempestPeer *peer, gboolean keepalive_if_empty)
{
	TempestDevStaged *staged;
	gboolean sent = FALSE;

	for (;;) {
		g_mutex_lock(&peer->lock);
		staged = tempest_dev_staged_pop(&peer->staged);
		g_mutex_unlock(&peer->lock);
		if (staged == NULL)
			break;
		tempest_dev_send_one(self, peer, staged->data, staged->len);
		g_free(staged);
		sent = TRUE;
	}
	if (!sent && keepalive_if_empty)
		tempest_dev_send_one(self, peer, NULL, 0);
}

static TempestHandshake *
tempest_dev_lookup_handshake(const guint8 remote_static[TEMPEST_KEY_LEN], gpointer user_data)
{
	TempestPeer *peer = tempest_device_find_peer_locked(user_data, remote_static);

	return peer != NULL ? peer->handshake : NULL;
}

/* the dual-stack socket reports IPv4 peers as v4-mapped: they are stored (and shown) as IPv4 */
void
tempest_dev_endpoint_from_sockaddr(TempestEndpoint *out, const TempestSockaddr *from)
{
	memset(out, 0, sizeof(*out));
	if (from->sa.sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&from->in6.sin6_addr)) {
		out->dst.in4.sin_family = AF_INET;
		out->dst.in4.sin_port = from->in6.sin6_port;
		memcpy(&out->dst.in4.sin_addr, &from->in6.sin6_addr.s6_addr[12], 4);
	} else {
		out->dst = *from;
	}
}

static void
tempest_dev_set_endpoint(TempestPeer *peer, const TempestSockaddr *from)
{
	g_mutex_lock(&peer->lock);
	tempest_dev_endpoint_from_sockaddr(&peer->endpoint, from);
	peer->has_endpoint = TRUE;
	g_mutex_unlock(&peer->lock);
}

/* installs a new session's keypair in the peer's slots, as wireguard-go's
 * BeginSymmetricSession does */
static void
tempest_dev_install_keypair(TempestPeer *peer, TempestKeypair *kp, gint64 now)
{
	TempestDevKeypair *dkp = g_new0(TempestDevKeypair, 1);

	dkp->kp = kp;
	dkp->ref = 1;
	g_mutex_lock(&peer->lock);
	if (kp->is_initiator) {
		if (peer->next != NULL) {
			tempest_dev_drop_keypair_locked(peer, &peer->previous);
			tempest_dev_drop_keypair_locked(peer, &peer->current);
			peer->previous = g_steal_pointer(&peer->next);
		} else {
			tempest_dev_drop_keypair_locked(peer, &peer->previous);
			peer->previous = g_steal_pointer(&peer->current);
		}
		peer->current = dkp;
		tempest_dev_timers_handshake_complete(peer);
	} else {
		tempest_dev_drop_keypair_locked(peer, &peer->next);
		tempest_dev_drop_keypair_locked(peer, &peer->previous);
		peer->next = dkp;
	}
	/* the handshake's index now names the keypair */
	peer->handshake_index = 0;
	tempest_dev_timers_session_derived(peer, now);
	g_mutex_unlock(&peer->lock);
}

static void
tempest_dev_send_reply(TempestDevice *self, const TempestSockaddr *to, const guint8 *buf, gsize len)
{
	TempestEndpoint endpoint;

	tempest_dev_endpoint_from_sockaddr(&endpoint, to);
	(void)tempest_udp_send_one(self->udp, &endpoint, buf, len);
}

static void
tempest_dev_handle_initiation(TempestDevice *self, const TempestDevHsItem *item, gint64 now)
{
	const TempestMsgInitiation *msg = (const TempestMsgInitiation *)item->msg;
	TempestHandshake *hs = NULL;
	TempestKeypair *kp = NULL;
	TempestMsgResponse resp;
	TempestPeer *peer;
	TempestNoiseResult res;
	guint32 index;

	res = tempest_noise_consume_initiation(self->identity, msg, now,
					       tempest_dev_lookup_handshake, self, &hs);
	if (res != TEMPEST_NOISE_OK) {
		g_debug("initiation refused: %s", tempest_noise_result_to_string(res));
		return;
	}
	peer = tempest_device_find_peer_locked(self, tempest_handshake_get_remote_static(hs));
	tempest_dev_set_endpoint(peer, &item->from);
	g_mutex_lock(&peer->lock);
	tempest_device_drop_index(self, peer->handshake_index);
	index = tempest_device_new_index(self, peer);
	peer->handshake_index = index;
	g_mutex_unlock(&peer->lock);
	if (tempest_handshake_create_response(hs, index, &resp) != TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(hs, now, &kp) != TEMPEST_NOISE_OK)
		return;
	tempest_cookie_generator_add_macs(peer->cookie, (guint8 *)&resp, sizeof(resp), now);
	tempest_dev_install_keypair(peer, kp, now);
	if (tempest_device_send_to_peer(self, peer, (guint8 *)&resp, sizeof(resp)))
		__atomic_fetch_add(&peer->tx_bytes, sizeof(resp), __ATOMIC_RELAXED);
	__atomic_fetch_add(&peer->rx_bytes, item->len, __ATOMIC_RELAXED);
	g_mutex_lock(&peer->lock);
	tempest_dev_timers_any_authenticated_received(peer, now);
	tempest_dev_timers_any_authenticated_sent(peer, now);
	g_mutex_unlock(&peer->lock);
	g_debug("answered a handshake initiation (index %u)", index);
}

static void
tempest_dev_handle_response(TempestDevice *self, const TempestDevHsItem *item, gint64 now)
{
	const TempestMsgResponse *msg = (const TempestMsgResponse *)item->msg;
	guint32 receiver = tempest_msg_get_u32(msg->receiver);
	TempestPeer *peer = tempest_device_lookup_index(self, receiver);
	TempestKeypair *kp = NULL;

	if (peer == NULL || peer->handshake == NULL ||
	    tempest_handshake_get_local_index(peer->handshake) != receiver ||
	    tempest_handshake_consume_response(peer->handshake, msg) != TEMPEST_NOISE_OK ||
	    tempest_handshake_begin_session(peer->handshake, now, &kp) != TEMPEST_NOISE_OK) {
		g_debug("handshake response refused");
		return;
	}
	tempest_dev_set_endpoint(peer, &item->from);
	tempest_dev_install_keypair(peer, kp, now);
	__atomic_fetch_add(&peer->rx_bytes, item->len, __ATOMIC_RELAXED);
	g_mutex_lock(&peer->lock);
	tempest_dev_timers_any_authenticated_received(peer, now);
	g_mutex_unlock(&peer->lock);
	g_info("handshake completed (initiator, index %u)", receiver);
	tempest_dev_flush_staged(self, peer, TRUE);
}

static void
tempest_dev_handle_cookie_reply(TempestDevice *self, const TempestDevHsItem *item, gint64 now)
{
	const TempestMsgCookieReply *msg = (const TempestMsgCookieReply *)item->msg;
	TempestPeer *peer = tempest_device_lookup_index(self, tempest_msg_get_u32(msg->receiver));

	if (peer != NULL &&
	    !tempest_cookie_generator_consume_reply(peer->cookie, self->aead, msg, now))
		g_debug("cookie reply refused");
}

/* MAC1 for every handshake message; under load a MAC2 bound to the sender's address, or a
 * cookie reply instead of the expensive Diffie-Hellman */
static gboolean
tempest_dev_check_macs(TempestDevice *self, const TempestDevHsItem *item, guint backlog, gint64 now)
{
	guint8 addr[TEMPEST_COOKIE_ADDRESS_MAX];
	gsize addr_len = tempest_cookie_address(addr, &item->from);
	TempestMsgCookieReply reply;
	TempestCookieVerdict verdict;

	if (backlog >= TEMPEST_DEV_UNDER_LOAD_LEN)
		self->under_load_until = now + TEMPEST_DEV_UNDER_LOAD_HOLD;
	verdict = tempest_cookie_checker_validate(self->checker, item->msg, item->len, addr,
						  addr_len, now < self->under_load_until, now);
	if (verdict == TEMPEST_COOKIE_SEND_REPLY) {
		tempest_cookie_checker_create_reply(self->checker, self->aead, item->msg, item->len,
						    addr, addr_len, now, &reply);
		tempest_dev_send_reply(self, &item->from, (guint8 *)&reply, sizeof(reply));
	}
	return verdict == TEMPEST_COOKIE_ACCEPT;
}

static void
tempest_dev_handle_item(TempestDevice *self, const TempestDevHsItem *item, guint backlog)
{
	gint64 now = g_get_monotonic_time();
	TempestMsgType type;

	if (self->identity == NULL ||
	    tempest_msg_classify(item->msg, item->len, &type) != TEMPEST_MSG_OK)
		return;
	if (type == TEMPEST_MSG_COOKIE_REPLY) {
		tempest_dev_handle_cookie_reply(self, item, now);
		return;
	}
	if (!tempest_dev_check_macs(self, item, backlog, now))
		return;
	if (type == TEMPEST_MSG_INITIATION)
		tempest_dev_handle_initiation(self, item, now);
	else if (type == TEMPEST_MSG_RESPONSE)
		tempest_dev_handle_response(self, item, now);
}

static gboolean
tempest_dev_expired(gint64 *deadline, gint64 now)
{
	if (*deadline == 0 || now < *deadline)
		return FALSE;
	*deadline = 0;
	return TRUE;
}

static guint
tempest_dev_retransmit_due(TempestPeer *peer, gint64 now)
{
	if (peer->timers.handshake_attempts > TEMPEST_MAX_TIMER_HANDSHAKES) {
		/* given up: what waited is dropped, and the keys go after a while */
		tempest_dev_staged_clear(&peer->staged);
		if (peer->timers.zero_key_material == 0)
			peer->timers.zero_key_material = now + 3 * TEMPEST_REJECT_AFTER_TIME;
		return 0;
	}
	peer->timers.handshake_attempts++;
	tempest_endpoint_clear_src(&peer->endpoint);
	return TEMPEST_DEV_DUE_RETRY;
}

guint
tempest_dev_peer_due_locked(TempestPeer *peer, gint64 now)
{
	guint due = 0;

	if (tempest_dev_expired(&peer->timers.retransmit_handshake, now))
		due |= tempest_dev_retransmit_due(peer, now);
	if (tempest_dev_expired(&peer->timers.send_keepalive, now)) {
		due |= TEMPEST_DEV_DUE_KEEPALIVE;
		if (peer->timers.need_another_keepalive) {
			peer->timers.need_another_keepalive = FALSE;
			peer->timers.send_keepalive = now + TEMPEST_KEEPALIVE_TIMEOUT;
		}
	}
	if (tempest_dev_expired(&peer->timers.new_handshake, now)) {
		tempest_endpoint_clear_src(&peer->endpoint);
		due |= TEMPEST_DEV_DUE_INITIATION;
	}
	if (tempest_dev_expired(&peer->timers.zero_key_material, now))
		due |= TEMPEST_DEV_DUE_ZERO;
	if (tempest_dev_expired(&peer->timers.persistent_keepalive, now) &&
	    peer->keepalive_interval > 0)
		due |= TEMPEST_DEV_DUE_KEEPALIVE;
	if (peer->timers.want_handshake)
		due |= TEMPEST_DEV_DUE_INITIATION;
	if (peer->timers.want_keepalive)
		due |= TEMPEST_DEV_DUE_KEEPALIVE;
	if (peer->timers.want_flush)
		due |= TEMPEST_DEV_DUE_FLUSH;
	peer->timers.want_handshake = FALSE;
	peer->timers.want_keepalive = FALSE;
	peer->timers.want_flush = FALSE;
	return due;
}

static void
tempest_dev_run_timers(TempestDevice *self)
{
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < self->peers->len; i++) {
		TempestPeer *peer = self->peers->pdata[i];
		guint due;

		g_mutex_lock(&peer->lock);
		due = tempest_dev_peer_due_locked(peer, now);
		if (due & TEMPEST_DEV_DUE_ZERO)
			tempest_dev_peer_clear_keys_locked(peer);
		g_mutex_unlock(&peer->lock);
		if (due & (TEMPEST_DEV_DUE_INITIATION | TEMPEST_DEV_DUE_RETRY))
			tempest_dev_send_initiation(self, peer, (due & TEMPEST_DEV_DUE_RETRY) != 0);
		if (due & TEMPEST_DEV_DUE_FLUSH)
			tempest_dev_flush_staged(self, peer, FALSE);
		if (due & TEMPEST_DEV_DUE_KEEPALIVE)
			tempest_dev_send_one(self, peer, NULL, 0);
	}
}

gpointer
tempest_dev_hs_thread(gpointer data)
{
	TempestDevice *self = data;
	struct pollfd pfd = {.fd = self->wake_fd, .events = POLLIN};
	TempestDevHsItem item;
	guint backlog = 0;
	guint64 drain;

	while (!g_atomic_int_get(&self->stopping)) {
		(void)poll(&pfd, 1, TEMPEST_DEV_TIMER_TICK_MS);
		(void)!read(self->wake_fd, &drain, sizeof(drain));
		g_rw_lock_reader_lock(&self->config_lock);
		while (tempest_dev_hs_queue_pop(self->hs_queue, &item, &backlog))
			tempest_dev_handle_item(self, &item, backlog);
		tempest_dev_run_timers(self);
		g_rw_lock_reader_unlock(&self->config_lock);
	}
	return NULL;
}
