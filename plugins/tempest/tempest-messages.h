/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tempest-aead.h"
#include "tempest-crypto.h"

/* The four WireGuard messages (whitepaper §5.4), as packed views over received bytes. Multi-byte
 * integers are little-endian on the wire: read them with the accessors below, never directly.
 * A parse function checks the type, the three reserved zero bytes and the length, and returns a
 * pointer into the caller's buffer; it never copies or allocates. */

typedef enum {
	TEMPEST_MSG_INITIATION = 1,
	TEMPEST_MSG_RESPONSE = 2,
	TEMPEST_MSG_COOKIE_REPLY = 3,
	TEMPEST_MSG_TRANSPORT = 4,
} TempestMsgType;

typedef enum {
	TEMPEST_MSG_OK = 0,
	TEMPEST_MSG_ERROR_TOO_SHORT, /* fewer bytes than the type needs (or than any type) */
	TEMPEST_MSG_ERROR_LENGTH,    /* a fixed-size message of another size */
	TEMPEST_MSG_ERROR_TYPE,      /* the first byte names no message, or another one */
	TEMPEST_MSG_ERROR_RESERVED,  /* bytes 1-3 are not zero */
} TempestMsgError;

#define TEMPEST_MSG_INITIATION_LEN 148
#define TEMPEST_MSG_RESPONSE_LEN 92
#define TEMPEST_MSG_COOKIE_REPLY_LEN 64
#define TEMPEST_MSG_TRANSPORT_HEADER_LEN 16
#define TEMPEST_MSG_TRANSPORT_MIN_LEN (TEMPEST_MSG_TRANSPORT_HEADER_LEN + TEMPEST_AEAD_TAG_LEN)

typedef struct __attribute__((packed)) {
	guint8 type;
	guint8 reserved[3];
	guint8 sender[4];
	guint8 ephemeral[TEMPEST_KEY_LEN];
	guint8 encrypted_static[TEMPEST_KEY_LEN + TEMPEST_AEAD_TAG_LEN];
	guint8 encrypted_timestamp[TEMPEST_TIMESTAMP_LEN + TEMPEST_AEAD_TAG_LEN];
	guint8 mac1[TEMPEST_MAC_LEN];
	guint8 mac2[TEMPEST_MAC_LEN];
} TempestMsgInitiation;

typedef struct __attribute__((packed)) {
	guint8 type;
	guint8 reserved[3];
	guint8 sender[4];
	guint8 receiver[4];
	guint8 ephemeral[TEMPEST_KEY_LEN];
	guint8 encrypted_nothing[TEMPEST_AEAD_TAG_LEN];
	guint8 mac1[TEMPEST_MAC_LEN];
	guint8 mac2[TEMPEST_MAC_LEN];
} TempestMsgResponse;

typedef struct __attribute__((packed)) {
	guint8 type;
	guint8 reserved[3];
	guint8 receiver[4];
	guint8 nonce[TEMPEST_AEAD_XNONCE_LEN];
	guint8 encrypted_cookie[TEMPEST_MAC_LEN + TEMPEST_AEAD_TAG_LEN];
} TempestMsgCookieReply;

typedef struct __attribute__((packed)) {
	guint8 type;
	guint8 reserved[3];
	guint8 receiver[4];
	guint8 counter[8];
	guint8 packet[]; /* the sealed packet: its length, then a 16-byte tag */
} TempestMsgTransport;

G_STATIC_ASSERT(sizeof(TempestMsgInitiation) == TEMPEST_MSG_INITIATION_LEN);
G_STATIC_ASSERT(sizeof(TempestMsgResponse) == TEMPEST_MSG_RESPONSE_LEN);
G_STATIC_ASSERT(sizeof(TempestMsgCookieReply) == TEMPEST_MSG_COOKIE_REPLY_LEN);
G_STATIC_ASSERT(sizeof(TempestMsgTransport) == TEMPEST_MSG_TRANSPORT_HEADER_LEN);

/* the bytes MAC1 covers (everything before it) and MAC2 covers (everything before MAC2) */
#define TEMPEST_MSG_INITIATION_MAC1_OFFSET G_STRUCT_OFFSET(TempestMsgInitiation, mac1)
#define TEMPEST_MSG_INITIATION_MAC2_OFFSET G_STRUCT_OFFSET(TempestMsgInitiation, mac2)
#define TEMPEST_MSG_RESPONSE_MAC1_OFFSET G_STRUCT_OFFSET(TempestMsgResponse, mac1)
#define TEMPEST_MSG_RESPONSE_MAC2_OFFSET G_STRUCT_OFFSET(TempestMsgResponse, mac2)

static inline guint32
tempest_msg_get_u32(const guint8 b[4])
{
	return (guint32)b[0] | (guint32)b[1] << 8 | (guint32)b[2] << 16 | (guint32)b[3] << 24;
}

static inline void
tempest_msg_put_u32(guint8 b[4], guint32 v)
{
	for (guint i = 0; i < 4; i++)
		b[i] = (guint8)(v >> (8 * i));
}

static inline guint64
tempest_msg_get_u64(const guint8 b[8])
{
	return (guint64)tempest_msg_get_u32(b) | (guint64)tempest_msg_get_u32(b + 4) << 32;
}

static inline void
tempest_msg_put_u64(guint8 b[8], guint64 v)
{
	tempest_msg_put_u32(b, (guint32)v);
	tempest_msg_put_u32(b + 4, (guint32)(v >> 32));
}

/* a short name for logs and tests: "too short", "wrong length", ... */
const gchar *tempest_msg_error_to_string(TempestMsgError error);

/* the message type of a datagram, checking only its header and length (the dispatcher's first
 * step); *type is set on success */
TempestMsgError tempest_msg_classify(const guint8 *buf, gsize len, TempestMsgType *type);

TempestMsgError tempest_msg_parse_initiation(const guint8 *buf, gsize len,
					     const TempestMsgInitiation **out);

TempestMsgError tempest_msg_parse_response(const guint8 *buf, gsize len,
					   const TempestMsgResponse **out);

TempestMsgError tempest_msg_parse_cookie_reply(const guint8 *buf, gsize len,
					       const TempestMsgCookieReply **out);

/* a transport message of len >= 32 bytes: *sealed_len is the sealed length (tag included) */
TempestMsgError tempest_msg_parse_transport(const guint8 *buf, gsize len,
					    const TempestMsgTransport **out, gsize *sealed_len);

/* builders: clear the message, set its type and fixed fields (the rest is filled by the
 * handshake, cookie or transport code) */
void tempest_msg_init_initiation(TempestMsgInitiation *msg, guint32 sender);

void tempest_msg_init_response(TempestMsgResponse *msg, guint32 sender, guint32 receiver);

void tempest_msg_init_cookie_reply(TempestMsgCookieReply *msg, guint32 receiver);

void tempest_msg_init_transport(TempestMsgTransport *msg, guint32 receiver, guint64 counter);
