/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sys/uio.h>

#include "pegasus-handshake.h"

/* A Pegasus transport session after its handshake: AEAD records carrying frames that multiplex
 * streams with per-stream flow control (docs/protocol.md "Transport sessions (tcp, kcp)").
 *
 * I/O boundary. The session does no I/O and reads no clock: it sits on any reliable, ordered
 * byte stream (a TCP socket, a KCP stream). Its owner moves bytes:
 *   - received bytes go in with pegasus_session_input_space() + pegasus_session_input_commit()
 *     (read straight into the session's buffer) or pegasus_session_feed() (a copy), and are
 *     processed by pegasus_session_process(), which calls the #PegasusSessionCallbacks;
 *   - bytes to send come out of pegasus_session_output() and are acknowledged with
 *     pegasus_session_output_consume() once written; pegasus_session_flush() first seals the
 *     record being filled, so everything queued becomes output.
 * Stream data goes in without a copy: pegasus_session_data_reserve() gives the place in the
 * next record where up to the stream's credit may be written (read() from a socket into it),
 * pegasus_session_data_commit() frames what was written. Received stream data is handed to the
 * stream_data callback, which takes what it can; the rest waits in the stream's buffer
 * (bounded by the window the session granted) for pegasus_session_stream_peek()/_drain().
 *
 * Memory is bounded: buffers are allocated with the session (no allocation per record), each
 * stream buffers at most its window, and a session carries at most max_streams streams.
 *
 * Not thread-safe: one thread owns a session. */

/* a record: 2-byte big-endian length of what follows, then the sealed plaintext and its tag */
#define PEGASUS_RECORD_HEADER_LEN 2
#define PEGASUS_RECORD_TAG_LEN 16
#define PEGASUS_RECORD_PLAIN_MAX (16384 + 64)
#define PEGASUS_RECORD_MAX                                                                         \
	(PEGASUS_RECORD_HEADER_LEN + PEGASUS_RECORD_PLAIN_MAX + PEGASUS_RECORD_TAG_LEN)
/* a frame: type, 4-byte big-endian stream id, then per type */
#define PEGASUS_FRAME_HEADER_LEN 5
#define PEGASUS_DATA_HEADER_LEN (PEGASUS_FRAME_HEADER_LEN + 2)
#define PEGASUS_DATA_MAX 16384
/* every stream starts with this much credit in each direction; receivers grant more */
#define PEGASUS_INITIAL_WINDOW (64 * 1024)
/* records a direction may carry before the session must be replaced (never reached in
 * practice; a bound on the nonce, as WireGuard's REJECT_AFTER_MESSAGES) */
#define PEGASUS_REJECT_AFTER_RECORDS (G_GUINT64_CONSTANT(1) << 60)

typedef enum {
	PEGASUS_FRAME_OPEN = 1,   /* a new stream; no payload */
	PEGASUS_FRAME_DATA = 2,   /* 2-byte length, then the bytes */
	PEGASUS_FRAME_WINDOW = 3, /* 4-byte credit increment */
	PEGASUS_FRAME_FIN = 4,    /* the sender writes no more on this stream */
	PEGASUS_FRAME_RST = 5,    /* 1-byte reason: the stream is gone both ways */
	PEGASUS_FRAME_PING = 6,   /* stream 0, 8 opaque bytes, answered by PONG */
	PEGASUS_FRAME_PONG = 7,
} PegasusFrameType;

typedef enum {
	PEGASUS_RESET_CANCEL = 0,  /* the other end closed or failed */
	PEGASUS_RESET_REFUSED = 1, /* too many streams */
} PegasusResetReason;

typedef enum {
	PEGASUS_SESSION_OK = 0,
	PEGASUS_SESSION_ERROR_RECORD,   /* a record length out of range */
	PEGASUS_SESSION_ERROR_DECRYPT,  /* a record does not authenticate */
	PEGASUS_SESSION_ERROR_FRAME,    /* a malformed frame */
	PEGASUS_SESSION_ERROR_PROTOCOL, /* a frame not allowed here (stream id, state) */
	PEGASUS_SESSION_ERROR_FLOW,     /* more data than the window granted */
	PEGASUS_SESSION_ERROR_EXPIRED,  /* the record counter reached its limit */
	PEGASUS_SESSION_ERROR_OVERFLOW, /* the peer does not read what we must send */
	PEGASUS_SESSION_ERROR_STREAMS,  /* no stream id or slot left */
} PegasusSessionResult;

const gchar *pegasus_session_result_to_string(PegasusSessionResult result);

/* one parsed frame; data points into the record (DATA only) */
typedef struct {
	PegasusFrameType type;
	guint32 stream_id;
	const guint8 *data;
	gsize len;
	guint64 value; /* WINDOW's credit, RST's reason, PING/PONG's opaque */
} PegasusFrame;

typedef gboolean (*PegasusFrameFunc)(const PegasusFrame *frame, gpointer user_data);

/* Splits a record's plaintext into frames, calling func for each until it returns FALSE.
 * PEGASUS_SESSION_ERROR_FRAME for a truncated frame or an unknown type. Pure: the fuzz target
 * reaches it directly. */
PegasusSessionResult pegasus_frames_parse(const guint8 *plain, gsize len, PegasusFrameFunc func,
					  gpointer user_data);

typedef struct _PegasusSession PegasusSession;

/* What the session tells its owner while processing input. stream_user_data is what
 * pegasus_session_stream_set_user_data() set (NULL for a stream the remote just opened). */
typedef struct {
	/* the remote opened stream_id; the owner sets its user data here */
	void (*stream_opened)(PegasusSession *session, guint32 stream_id, gpointer user_data);
	/* bytes of stream_id: returns how many it took; the rest is buffered */
	gsize (*stream_data)(PegasusSession *session, guint32 stream_id, gpointer stream_user_data,
			     const guint8 *data, gsize len, gpointer user_data);
	/* stream_id had no credit and now has some */
	void (*stream_writable)(PegasusSession *session, guint32 stream_id,
				gpointer stream_user_data, gpointer user_data);
	/* the remote will send no more on stream_id, and every byte before was delivered */
	void (*stream_fin)(PegasusSession *session, guint32 stream_id, gpointer stream_user_data,
			   gpointer user_data);
	/* stream_id is gone: reset by the remote (reset TRUE), or both directions finished and
	 * delivered; the session forgets it after this call */
	void (*stream_closed)(PegasusSession *session, guint32 stream_id, gpointer stream_user_data,
			      gboolean reset, gpointer user_data);
	/* the answer to pegasus_session_ping() */
	void (*pong)(PegasusSession *session, guint64 opaque, gpointer user_data);
} PegasusSessionCallbacks;

typedef struct {
	/* bytes each stream may have in flight towards us (its receive buffer's bound) */
	guint32 stream_window;
	/* streams open at once */
	guint max_streams;
	/* unsent output beyond which pegasus_session_data_reserve() refuses (back-pressure) */
	gsize output_soft_limit;
	/* unsent output beyond which the session fails (a peer that does not read) */
	gsize output_hard_limit;
	/* records per direction before PEGASUS_SESSION_ERROR_EXPIRED (tests lower it) */
	guint64 record_limit;
} PegasusSessionConfig;

/* the defaults: a 1 MiB window, 1024 streams, 512 KiB / 8 MiB of output */
void pegasus_session_config_init(PegasusSessionConfig *config);

/* keys from a finished handshake (copied: the caller wipes its own) */
PegasusSession *pegasus_session_new(const PegasusKeys *keys, const PegasusSessionConfig *config,
				    const PegasusSessionCallbacks *callbacks, gpointer user_data);

void pegasus_session_free(PegasusSession *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PegasusSession, pegasus_session_free)

/* the first error the session met (it then does nothing more), or OK */
PegasusSessionResult pegasus_session_get_error(PegasusSession *self);

/* whether a record from the remote has authenticated: a responder's session is only open
 * from then on (a replayed initiation never gets here) */
gboolean pegasus_session_is_confirmed(PegasusSession *self);

/* input: where up to *space received bytes may be written, then how many were */
guint8 *pegasus_session_input_space(PegasusSession *self, gsize *space);
void pegasus_session_input_commit(PegasusSession *self, gsize len);
/* input by copy: how many of len bytes were taken (less when the buffer is full: process
 * and feed the rest) */
gsize pegasus_session_feed(PegasusSession *self, const guint8 *data, gsize len);
/* handles every complete record received; the error, if any, is final */
PegasusSessionResult pegasus_session_process(PegasusSession *self);

/* output: seals the record being filled; then the sealed bytes not yet written */
PegasusSessionResult pegasus_session_flush(PegasusSession *self);
const guint8 *pegasus_session_output(PegasusSession *self, gsize *len);
void pegasus_session_output_consume(PegasusSession *self, gsize len);
/* unsent output, sealed or not */
gsize pegasus_session_output_pending(PegasusSession *self);

/* Opens a stream (OPEN is queued, no round trip): its id in *stream_id, or
 * PEGASUS_SESSION_ERROR_STREAMS when max_streams are open */
PegasusSessionResult pegasus_session_open_stream(PegasusSession *self, gpointer stream_user_data,
						 guint32 *stream_id);
void pegasus_session_stream_set_user_data(PegasusSession *self, guint32 stream_id,
					  gpointer stream_user_data);
/* bytes stream_id may send now (0 for an unknown or finished stream) */
gsize pegasus_session_stream_credit(PegasusSession *self, guint32 stream_id);

/* Where up to *max bytes of stream_id may be written into the next record, or NULL when the
 * stream has no credit, the output is over its soft limit, or the session failed. */
guint8 *pegasus_session_data_reserve(PegasusSession *self, guint32 stream_id, gsize *max);
/* frames len bytes (at most the reserved max) written there; 0 cancels */
void pegasus_session_data_commit(PegasusSession *self, guint32 stream_id, gsize len);
/* The same for up to max_iov whole records at once (one readv() fills them): the slots in
 * iov, their number returned (0 as data_reserve() returns NULL). Nothing else may be queued
 * before pegasus_session_data_commit_many() frames and seals the len bytes written. */
guint pegasus_session_data_reserve_many(PegasusSession *self, guint32 stream_id, struct iovec *iov,
					guint max_iov);
void pegasus_session_data_commit_many(PegasusSession *self, guint32 stream_id,
				      const struct iovec *iov, guint n_iov, gsize len);
/* copies up to len bytes of data into records: how many were taken */
gsize pegasus_session_send(PegasusSession *self, guint32 stream_id, const guint8 *data, gsize len);

/* half-close: the remote's reader gets EOF after the data sent before */
void pegasus_session_stream_fin(PegasusSession *self, guint32 stream_id);
/* aborts stream_id both ways and forgets it (no callback) */
void pegasus_session_stream_reset(PegasusSession *self, guint32 stream_id);

/* received bytes of stream_id that the stream_data callback did not take */
const guint8 *pegasus_session_stream_peek(PegasusSession *self, guint32 stream_id, gsize *len);
/* len of them were delivered: credit goes back to the sender; may call stream_fin and
 * stream_closed */
void pegasus_session_stream_drain(PegasusSession *self, guint32 stream_id, gsize len);

guint pegasus_session_get_n_streams(PegasusSession *self);

/* queues a PING; the remote's PONG comes back through the pong callback */
void pegasus_session_ping(PegasusSession *self, guint64 opaque);
