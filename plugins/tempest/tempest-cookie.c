/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-cookie.h"

#include <netinet/in.h>
#include <sodium.h>
#include <string.h>
#include <sys/socket.h>

struct _TempestCookieChecker {
	GMutex lock;
	guint8 mac1_key[TEMPEST_HASH_LEN];
	guint8 cookie_key[TEMPEST_HASH_LEN];
	guint8 secret[TEMPEST_HASH_LEN];
	gint64 secret_born; /* 0: no secret yet */
};

struct _TempestCookieGenerator {
	GMutex lock;
	guint8 mac1_key[TEMPEST_HASH_LEN];
	guint8 cookie_key[TEMPEST_HASH_LEN];
	guint8 cookie[TEMPEST_MAC_LEN];
	gint64 cookie_born; /* 0: no cookie */
	gboolean have_last_mac1;
	guint8 last_mac1[TEMPEST_MAC_LEN];
};

gsize
tempest_cookie_address(guint8 out[TEMPEST_COOKIE_ADDRESS_MAX], gconstpointer sockaddr)
{
	const struct sockaddr *sa = sockaddr;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = sockaddr;

		memcpy(out, &in->sin_addr, 4);
		memcpy(out + 4, &in->sin_port, 2);
		return 6;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = sockaddr;

		memcpy(out, &in6->sin6_addr, 16);
		memcpy(out + 16, &in6->sin6_port, 2);
		return 18;
	}
	return 0;
}

/* where MAC1 and MAC2 sit in an initiation or a response; FALSE for any other length */
static gboolean
tempest_cookie_mac_offsets(gsize len, gsize *mac1, gsize *mac2)
{
	if (len == TEMPEST_MSG_INITIATION_LEN) {
		*mac1 = TEMPEST_MSG_INITIATION_MAC1_OFFSET;
		*mac2 = TEMPEST_MSG_INITIATION_MAC2_OFFSET;
		return TRUE;
	}
	if (len == TEMPEST_MSG_RESPONSE_LEN) {
		*mac1 = TEMPEST_MSG_RESPONSE_MAC1_OFFSET;
		*mac2 = TEMPEST_MSG_RESPONSE_MAC2_OFFSET;
		return TRUE;
	}
	return FALSE;
}

/* the sender index of an initiation or a response (the same offset in both) */
static guint32
tempest_cookie_sender_of(const guint8 *msg)
{
	return tempest_msg_get_u32(msg + 4);
}

TempestCookieChecker *
tempest_cookie_checker_new(const TempestStaticIdentity *local)
{
	TempestCookieChecker *self = tempest_secure_alloc(sizeof(TempestCookieChecker));

	g_mutex_init(&self->lock);
	memcpy(self->mac1_key, local->mac1_key, TEMPEST_HASH_LEN);
	memcpy(self->cookie_key, local->cookie_key, TEMPEST_HASH_LEN);
	return self;
}

void
tempest_cookie_checker_free(TempestCookieChecker *self)
{
	if (self == NULL)
		return;
	g_mutex_clear(&self->lock);
	tempest_secure_free(self);
}

gboolean
tempest_cookie_checker_check_mac1(TempestCookieChecker *self, const guint8 *msg, gsize len)
{
	guint8 mac[TEMPEST_MAC_LEN];
	gsize mac1, mac2;

	if (!tempest_cookie_mac_offsets(len, &mac1, &mac2))
		return FALSE;
	/* the MAC1 key never changes after creation: no lock */
	tempest_mac(mac, self->mac1_key, TEMPEST_HASH_LEN, msg, mac1);
	return tempest_equal(mac, msg + mac1, TEMPEST_MAC_LEN);
}

/* the cookie of addr: MAC(secret, addr), with the secret replaced when older than
 * COOKIE_REFRESH_TIME; lock held */
static void
tempest_cookie_checker_cookie_locked(TempestCookieChecker *self, const guint8 *addr, gsize addr_len,
				     gint64 now, guint8 cookie[TEMPEST_MAC_LEN])
{
	if (self->secret_born == 0 || now - self->secret_born >= TEMPEST_COOKIE_REFRESH_TIME) {
		randombytes_buf(self->secret, sizeof(self->secret));
		self->secret_born = now != 0 ? now : 1;
	}
	tempest_mac(cookie, self->secret, sizeof(self->secret), addr, addr_len);
}

gboolean
tempest_cookie_checker_check_mac2(TempestCookieChecker *self, const guint8 *msg, gsize len,
				  const guint8 *addr, gsize addr_len, gint64 now)
{
	guint8 cookie[TEMPEST_MAC_LEN];
	guint8 mac[TEMPEST_MAC_LEN];
	gsize mac1, mac2;
	gboolean fresh;

	if (!tempest_cookie_mac_offsets(len, &mac1, &mac2))
		return FALSE;
	g_mutex_lock(&self->lock);
	/* a cookie made from an expired secret is no cookie: do not mint a new secret to check */
	fresh = self->secret_born != 0 && now - self->secret_born < TEMPEST_COOKIE_REFRESH_TIME;
	if (fresh)
		tempest_cookie_checker_cookie_locked(self, addr, addr_len, now, cookie);
	g_mutex_unlock(&self->lock);
	if (!fresh)
		return FALSE;
	tempest_mac(mac, cookie, sizeof(cookie), msg, mac2);
	sodium_memzero(cookie, sizeof(cookie));
	return tempest_equal(mac, msg + mac2, TEMPEST_MAC_LEN);
}

TempestCookieVerdict
tempest_cookie_checker_validate(TempestCookieChecker *self, const guint8 *msg, gsize len,
				const guint8 *addr, gsize addr_len, gboolean under_load, gint64 now)
{
	if (!tempest_cookie_checker_check_mac1(self, msg, len))
		return TEMPEST_COOKIE_DROP;
	if (!under_load)
		return TEMPEST_COOKIE_ACCEPT;
	if (tempest_cookie_checker_check_mac2(self, msg, len, addr, addr_len, now))
		return TEMPEST_COOKIE_ACCEPT;
	return TEMPEST_COOKIE_SEND_REPLY;
}

void
tempest_cookie_checker_create_reply(TempestCookieChecker *self, const TempestAead *aead,
				    const guint8 *msg, gsize len, const guint8 *addr,
				    gsize addr_len, gint64 now, TempestMsgCookieReply *reply)
{
	guint8 cookie[TEMPEST_MAC_LEN];
	gsize mac1 = 0, mac2 = 0;

	g_return_if_fail(tempest_cookie_mac_offsets(len, &mac1, &mac2));
	tempest_msg_init_cookie_reply(reply, tempest_cookie_sender_of(msg));
	randombytes_buf(reply->nonce, sizeof(reply->nonce));
	g_mutex_lock(&self->lock);
	tempest_cookie_checker_cookie_locked(self, addr, addr_len, now, cookie);
	g_mutex_unlock(&self->lock);
	/* the AD is the MAC1 being answered: only its sender can use the reply */
	aead->xseal(reply->encrypted_cookie, cookie, sizeof(cookie), msg + mac1, TEMPEST_MAC_LEN,
		    reply->nonce, self->cookie_key);
	sodium_memzero(cookie, sizeof(cookie));
}

TempestCookieGenerator *
tempest_cookie_generator_new(const guint8 remote_static[TEMPEST_KEY_LEN])
{
	TempestCookieGenerator *self = tempest_secure_alloc(sizeof(TempestCookieGenerator));

	g_mutex_init(&self->lock);
	tempest_hash2(self->mac1_key, (const guint8 *)TEMPEST_LABEL_MAC1,
		      strlen(TEMPEST_LABEL_MAC1), remote_static, TEMPEST_KEY_LEN);
	tempest_hash2(self->cookie_key, (const guint8 *)TEMPEST_LABEL_COOKIE,
		      strlen(TEMPEST_LABEL_COOKIE), remote_static, TEMPEST_KEY_LEN);
	return self;
}

void
tempest_cookie_generator_free(TempestCookieGenerator *self)
{
	if (self == NULL)
		return;
	g_mutex_clear(&self->lock);
	tempest_secure_free(self);
}

void
tempest_cookie_generator_add_macs(TempestCookieGenerator *self, guint8 *msg, gsize len, gint64 now)
{
	gsize mac1 = 0, mac2 = 0;

	g_return_if_fail(tempest_cookie_mac_offsets(len, &mac1, &mac2));
	g_mutex_lock(&self->lock);
	tempest_mac(msg + mac1, self->mac1_key, TEMPEST_HASH_LEN, msg, mac1);
	memcpy(self->last_mac1, msg + mac1, TEMPEST_MAC_LEN);
	self->have_last_mac1 = TRUE;
	if (self->cookie_born != 0 &&
	    now - self->cookie_born < TEMPEST_COOKIE_REFRESH_TIME - TEMPEST_COOKIE_LATENCY)
		tempest_mac(msg + mac2, self->cookie, TEMPEST_MAC_LEN, msg, mac2);
	else
		memset(msg + mac2, 0, TEMPEST_MAC_LEN);
	g_mutex_unlock(&self->lock);
}

gboolean
tempest_cookie_generator_consume_reply(TempestCookieGenerator *self, const TempestAead *aead,
				       const TempestMsgCookieReply *reply, gint64 now)
{
	guint8 cookie[TEMPEST_MAC_LEN];
	gboolean ok = FALSE;

	g_mutex_lock(&self->lock);
	if (self->have_last_mac1)
		ok = aead->xopen(cookie, reply->encrypted_cookie, sizeof(reply->encrypted_cookie),
				 self->last_mac1, TEMPEST_MAC_LEN, reply->nonce, self->cookie_key);
	if (ok) {
		memcpy(self->cookie, cookie, TEMPEST_MAC_LEN);
		self->cookie_born = now != 0 ? now : 1;
		/* one reply per message: a replayed reply finds nothing to answer */
		self->have_last_mac1 = FALSE;
	}
	g_mutex_unlock(&self->lock);
	sodium_memzero(cookie, sizeof(cookie));
	return ok;
}
