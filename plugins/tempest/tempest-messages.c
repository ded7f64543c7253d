/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-messages.h"

#include <string.h>

const gchar *
tempest_msg_error_to_string(TempestMsgError error)
{
	switch (error) {
	case TEMPEST_MSG_OK:
		return "ok";
	case TEMPEST_MSG_ERROR_TOO_SHORT:
		return "too short";
	case TEMPEST_MSG_ERROR_LENGTH:
		return "wrong length";
	case TEMPEST_MSG_ERROR_TYPE:
		return "wrong type";
	case TEMPEST_MSG_ERROR_RESERVED:
		return "reserved bytes not zero";
	default:
		return "unknown";
	}
}

TempestMsgError
tempest_msg_classify(const guint8 *buf, gsize len, TempestMsgType *type)
{
	gsize want;

	/* the shortest message is an empty transport message (a keepalive) */
	if (buf == NULL || len < TEMPEST_MSG_TRANSPORT_MIN_LEN)
		return TEMPEST_MSG_ERROR_TOO_SHORT;
	switch (buf[0]) {
	case TEMPEST_MSG_INITIATION:
		want = TEMPEST_MSG_INITIATION_LEN;
		break;
	case TEMPEST_MSG_RESPONSE:
		want = TEMPEST_MSG_RESPONSE_LEN;
		break;
	case TEMPEST_MSG_COOKIE_REPLY:
		want = TEMPEST_MSG_COOKIE_REPLY_LEN;
		break;
	case TEMPEST_MSG_TRANSPORT:
		want = 0;
		break;
	default:
		return TEMPEST_MSG_ERROR_TYPE;
	}
	if (buf[1] != 0 || buf[2] != 0 || buf[3] != 0)
		return TEMPEST_MSG_ERROR_RESERVED;
	if (want != 0 && len != want)
		return len < want ? TEMPEST_MSG_ERROR_TOO_SHORT : TEMPEST_MSG_ERROR_LENGTH;
	*type = buf[0];
	return TEMPEST_MSG_OK;
}

/* a parser given another type says so, whatever that type's length rules would say */
static TempestMsgError
tempest_msg_expect(const guint8 *buf, gsize len, TempestMsgType type)
{
	TempestMsgType found = 0;

	if (buf == NULL || len < TEMPEST_MSG_TRANSPORT_MIN_LEN)
		return TEMPEST_MSG_ERROR_TOO_SHORT;
	if (buf[0] != type)
		return TEMPEST_MSG_ERROR_TYPE;
	return tempest_msg_classify(buf, len, &found);
}

TempestMsgError
tempest_msg_parse_initiation(const guint8 *buf, gsize len, const TempestMsgInitiation **out)
{
	TempestMsgError error = tempest_msg_expect(buf, len, TEMPEST_MSG_INITIATION);

	*out = error == TEMPEST_MSG_OK ? (const TempestMsgInitiation *)buf : NULL;
	return error;
}

TempestMsgError
tempest_msg_parse_response(const guint8 *buf, gsize len, const TempestMsgResponse **out)
{
	TempestMsgError error = tempest_msg_expect(buf, len, TEMPEST_MSG_RESPONSE);

	*out = error == TEMPEST_MSG_OK ? (const TempestMsgResponse *)buf : NULL;
	return error;
}

TempestMsgError
tempest_msg_parse_cookie_reply(const guint8 *buf, gsize len, const TempestMsgCookieReply **out)
{
	TempestMsgError error = tempest_msg_expect(buf, len, TEMPEST_MSG_COOKIE_REPLY);

	*out = error == TEMPEST_MSG_OK ? (const TempestMsgCookieReply *)buf : NULL;
	return error;
}

TempestMsgError
tempest_msg_parse_transport(const guint8 *buf, gsize len, const TempestMsgTransport **out,
			    gsize *sealed_len)
{
	TempestMsgError error = tempest_msg_expect(buf, len, TEMPEST_MSG_TRANSPORT);

	*out = error == TEMPEST_MSG_OK ? (const TempestMsgTransport *)buf : NULL;
	*sealed_len = error == TEMPEST_MSG_OK ? len - TEMPEST_MSG_TRANSPORT_HEADER_LEN : 0;
	return error;
}

void
tempest_msg_init_initiation(TempestMsgInitiation *msg, guint32 sender)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = TEMPEST_MSG_INITIATION;
	tempest_msg_put_u32(msg->sender, sender);
}

void
tempest_msg_init_response(TempestMsgResponse *msg, guint32 sender, guint32 receiver)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = TEMPEST_MSG_RESPONSE;
	tempest_msg_put_u32(msg->sender, sender);
	tempest_msg_put_u32(msg->receiver, receiver);
}

void
tempest_msg_init_cookie_reply(TempestMsgCookieReply *msg, guint32 receiver)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = TEMPEST_MSG_COOKIE_REPLY;
	tempest_msg_put_u32(msg->receiver, receiver);
}

void
tempest_msg_init_transport(TempestMsgTransport *msg, guint32 receiver, guint64 counter)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = TEMPEST_MSG_TRANSPORT;
	tempest_msg_put_u32(msg->receiver, receiver);
	tempest_msg_put_u64(msg->counter, counter);
}
