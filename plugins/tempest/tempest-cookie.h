/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-aead.h"
#include "tempest-messages.h"
#include "tempest-noise.h"

/* MAC1, MAC2 and cookie replies (whitepaper §5.3 and §5.4.7). Two halves:
 *
 * - TempestCookieChecker, one per interface, on the receiving side: checks MAC1 of every
 *   handshake message, and when the caller says it is under load demands a MAC2 made with a
 *   cookie bound to the sender's address, answering with a cookie reply.
 * - TempestCookieGenerator, one per peer, on the sending side: puts MAC1 (and MAC2 while it holds
 *   a fresh cookie from that peer) on the messages sent to it, and takes cookie replies in.
 *
 * Both lock themselves: any thread may call them. Addresses are the bytes the checker binds the
 * cookie to: tempest_cookie_address() makes them from a socket address. */

#define TEMPEST_COOKIE_ADDRESS_MAX 18 /* an IPv6 address and a port */

/* 4 or 16 address bytes then the port in network order; returns the length, 0 for a family
 * other than AF_INET and AF_INET6 */
gsize tempest_cookie_address(guint8 out[TEMPEST_COOKIE_ADDRESS_MAX], gconstpointer sockaddr);

typedef enum {
	TEMPEST_COOKIE_DROP = 0,   /* MAC1 is wrong: not for us, or forged; no answer */
	TEMPEST_COOKIE_ACCEPT,     /* go on with the handshake */
	TEMPEST_COOKIE_SEND_REPLY, /* under load without a valid MAC2: answer with a cookie reply */
} TempestCookieVerdict;

typedef struct _TempestCookieChecker TempestCookieChecker;

TempestCookieChecker *tempest_cookie_checker_new(const TempestStaticIdentity *local);

void tempest_cookie_checker_free(TempestCookieChecker *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestCookieChecker, tempest_cookie_checker_free)

/* MAC1 of an initiation or response (len is 148 or 92, the type already checked) */
gboolean tempest_cookie_checker_check_mac1(TempestCookieChecker *self, const guint8 *msg,
					   gsize len);

/* MAC2 of an initiation or response against the cookie of addr at time now (monotonic µs) */
gboolean tempest_cookie_checker_check_mac2(TempestCookieChecker *self, const guint8 *msg, gsize len,
					   const guint8 *addr, gsize addr_len, gint64 now);

/* the whole decision for a received initiation or response */
TempestCookieVerdict tempest_cookie_checker_validate(TempestCookieChecker *self, const guint8 *msg,
						     gsize len, const guint8 *addr, gsize addr_len,
						     gboolean under_load, gint64 now);

/* the cookie reply to msg (an initiation or response, whose sender index it names) */
void tempest_cookie_checker_create_reply(TempestCookieChecker *self, const TempestAead *aead,
					 const guint8 *msg, gsize len, const guint8 *addr,
					 gsize addr_len, gint64 now, TempestMsgCookieReply *reply);

typedef struct _TempestCookieGenerator TempestCookieGenerator;

/* for messages to the peer with this static public key */
TempestCookieGenerator *tempest_cookie_generator_new(const guint8 remote_static[TEMPEST_KEY_LEN]);

void tempest_cookie_generator_free(TempestCookieGenerator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TempestCookieGenerator, tempest_cookie_generator_free)

/* fills mac1 and mac2 of an initiation or response about to be sent (mac2 stays zero without
 * a cookie younger than COOKIE_REFRESH_TIME - COOKIE_LATENCY), and remembers mac1 for the cookie
 * reply that may answer it */
void tempest_cookie_generator_add_macs(TempestCookieGenerator *self, guint8 *msg, gsize len,
				       gint64 now);

/* decrypts a cookie reply to our last message; FALSE when it answers nothing we sent or does
 * not open */
gboolean tempest_cookie_generator_consume_reply(TempestCookieGenerator *self,
						const TempestAead *aead,
						const TempestMsgCookieReply *reply, gint64 now);
