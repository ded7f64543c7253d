/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "pegasus-session.h"

#include <sodium.h>
#include <string.h>

#include "tempest-aead.h"
#include "tempest-crypto.h"

#define PEGASUS_INPUT_CAP (8 * PEGASUS_RECORD_MAX)

typedef struct {
	guint32 id;
	gpointer user_data;
	guint64 send_credit; /* bytes we may still send */
	guint64 recv_limit;  /* the total the remote may send us */
	guint64 recv_total;
	guint64 unacked; /* delivered, not yet granted back */
	guint8 *rx;      /* received, not yet delivered: rx[rx_off .. rx_off + rx_len) */
	gsize rx_off;
	gsize rx_len;
	gsize rx_cap;
	gboolean local_fin;
	gboolean remote_fin;
	gboolean fin_delivered;
} PegasusStream;

struct _PegasusSession {
	PegasusSessionConfig config;
	PegasusSessionCallbacks callbacks;
	gpointer user_data;
	const TempestAead *aead;
	guint8 *keys; /* send key, then receive key: sodium_malloc */
	gboolean is_initiator;
	gboolean confirmed;
	PegasusSessionResult error;
	guint64 send_counter;
	guint64 recv_counter;
	/* output: out[head .. sealed) is ready, [rec_start .. tail) the record being filled */
	guint8 *out;
	gsize out_cap;
	gsize out_head;
	gsize out_sealed;
	gsize out_tail;
	gssize rec_start;
	/* input: in[head .. tail) received, not yet processed */
	guint8 *in;
	gsize in_head;
	gsize in_tail;
	GHashTable *streams; /* id -> PegasusStream */
	guint32 next_local_id;
	guint32 last_remote_id;
};

const gchar *
pegasus_session_result_to_string(PegasusSessionResult result)
{
	static const gchar *const names[] = {
		[PEGASUS_SESSION_OK] = "ok",
		[PEGASUS_SESSION_ERROR_RECORD] = "bad record length",
		[PEGASUS_SESSION_ERROR_DECRYPT] = "record does not authenticate",
		[PEGASUS_SESSION_ERROR_FRAME] = "malformed frame",
		[PEGASUS_SESSION_ERROR_PROTOCOL] = "frame not allowed",
		[PEGASUS_SESSION_ERROR_FLOW] = "stream window exceeded",
		[PEGASUS_SESSION_ERROR_EXPIRED] = "record limit reached",
		[PEGASUS_SESSION_ERROR_OVERFLOW] = "peer does not read",
		[PEGASUS_SESSION_ERROR_STREAMS] = "no stream left",
	};

	if ((guint)result >= G_N_ELEMENTS(names))
		return "unknown";
	return names[result];
}

static guint32
pegasus_be32(const guint8 *p)
{
	return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static void
pegasus_put_be32(guint8 *p, guint32 v)
{
	p[0] = (guint8)(v >> 24);
	p[1] = (guint8)(v >> 16);
	p[2] = (guint8)(v >> 8);
	p[3] = (guint8)v;
}

static guint64
pegasus_be64(const guint8 *p)
{
	return ((guint64)pegasus_be32(p) << 32) | pegasus_be32(p + 4);
}

static void
pegasus_put_be64(guint8 *p, guint64 v)
{
	pegasus_put_be32(p, (guint32)(v >> 32));
	pegasus_put_be32(p + 4, (guint32)v);
}

/* the payload length of each frame type after its 5-byte header; DATA's is variable */
static gssize
pegasus_frame_fixed_len(guint8 type)
{
	switch (type) {
	case PEGASUS_FRAME_OPEN:
	case PEGASUS_FRAME_FIN:
		return 0;
	case PEGASUS_FRAME_WINDOW:
		return 4;
	case PEGASUS_FRAME_RST:
		return 1;
	case PEGASUS_FRAME_PING:
	case PEGASUS_FRAME_PONG:
		return 8;
	case PEGASUS_FRAME_DATA:
		return 2;
	default:
		return -1;
	}
}

static guint64
pegasus_frame_value(guint8 type, const guint8 *p)
{
	switch (type) {
	case PEGASUS_FRAME_WINDOW:
		return pegasus_be32(p);
	case PEGASUS_FRAME_RST:
		return p[0];
	case PEGASUS_FRAME_PING:
	case PEGASUS_FRAME_PONG:
		return pegasus_be64(p);
	default:
		return 0;
	}
}

PegasusSessionResult
pegasus_frames_parse(const guint8 *plain, gsize len, PegasusFrameFunc func, gpointer user_data)
{
	gsize off = 0;

	while (off < len) {
		PegasusFrame frame = {0};
		gssize fixed;

		if (len - off < PEGASUS_FRAME_HEADER_LEN)
			return PEGASUS_SESSION_ERROR_FRAME;
		fixed = pegasus_frame_fixed_len(plain[off]);
		if (fixed < 0 || len - off - PEGASUS_FRAME_HEADER_LEN < (gsize)fixed)
			return PEGASUS_SESSION_ERROR_FRAME;
		frame.type = plain[off];
		frame.stream_id = pegasus_be32(plain + off + 1);
		off += PEGASUS_FRAME_HEADER_LEN;
		if (frame.type == PEGASUS_FRAME_DATA) {
			frame.len = ((gsize)plain[off] << 8) | plain[off + 1];
			off += 2;
			if (frame.len == 0 || len - off < frame.len)
				return PEGASUS_SESSION_ERROR_FRAME;
			frame.data = plain + off;
			off += frame.len;
		} else {
			frame.value = pegasus_frame_value(frame.type, plain + off);
			off += (gsize)fixed;
		}
		if (!func(&frame, user_data))
			return PEGASUS_SESSION_OK;
	}
	return PEGASUS_SESSION_OK;
}

void
pegasus_session_config_init(PegasusSessionConfig *config)
{
	config->stream_window = 1024 * 1024;
	config->max_streams = 1024;
	config->output_soft_limit = 512 * 1024;
	config->output_hard_limit = 8 * 1024 * 1024;
	config->record_limit = PEGASUS_REJECT_AFTER_RECORDS;
}

/* the fastest AEAD backend that passes its self-test, timed once per process */
static const TempestAead *
pegasus_session_aead(void)
{
	static const TempestAead *aead;
	static gsize done;

	if (g_once_init_enter(&done)) {
		aead = tempest_aead_select("auto", NULL);
		if (aead == NULL)
			aead = tempest_aead_sodium();
		g_once_init_leave(&done, 1);
	}
	return aead;
}

static void
pegasus_stream_free(gpointer data)
{
	PegasusStream *stream = data;

	g_free(stream->rx);
	g_free(stream);
}

PegasusSession *
pegasus_session_new(const PegasusKeys *keys, const PegasusSessionConfig *config,
		    const PegasusSessionCallbacks *callbacks, gpointer user_data)
{
	PegasusSession *self = g_new0(PegasusSession, 1);

	tempest_crypto_init();
	self->config = *config;
	self->config.stream_window = MAX(self->config.stream_window, PEGASUS_INITIAL_WINDOW);
	self->callbacks = *callbacks;
	self->user_data = user_data;
	self->aead = pegasus_session_aead();
	self->keys = tempest_secure_alloc(2 * PEGASUS_KEY_LEN);
	memcpy(self->keys, keys->send_key, PEGASUS_KEY_LEN);
	memcpy(self->keys + PEGASUS_KEY_LEN, keys->recv_key, PEGASUS_KEY_LEN);
	self->is_initiator = keys->is_initiator;
	self->out_cap = self->config.output_soft_limit + 2 * PEGASUS_RECORD_MAX;
	self->out = g_malloc(self->out_cap);
	self->rec_start = -1;
	self->in = g_malloc(PEGASUS_INPUT_CAP);
	self->streams = g_hash_table_new_full(NULL, NULL, NULL, pegasus_stream_free);
	self->next_local_id = self->is_initiator ? 1 : 2;
	return self;
}

void
pegasus_session_free(PegasusSession *self)
{
	if (self == NULL)
		return;
	g_hash_table_destroy(self->streams);
	tempest_secure_free(self->keys);
	g_free(self->out);
	g_free(self->in);
	g_free(self);
}

PegasusSessionResult
pegasus_session_get_error(PegasusSession *self)
{
	return self->error;
}

gboolean
pegasus_session_is_confirmed(PegasusSession *self)
{
	return self->confirmed;
}

guint
pegasus_session_get_n_streams(PegasusSession *self)
{
	return g_hash_table_size(self->streams);
}

static PegasusSessionResult
pegasus_session_fail(PegasusSession *self, PegasusSessionResult error)
{
	if (self->error == PEGASUS_SESSION_OK)
		self->error = error;
	return self->error;
}

static PegasusStream *
pegasus_session_lookup(PegasusSession *self, guint32 stream_id)
{
	return g_hash_table_lookup(self->streams, GUINT_TO_POINTER(stream_id));
}

/* ---- output ---- */

static void
pegasus_session_seal(PegasusSession *self)
{
	gsize plain_len;
	guint8 *header;

	if (self->rec_start < 0)
		return;
	header = self->out + self->rec_start;
	plain_len = self->out_tail - (gsize)self->rec_start - PEGASUS_RECORD_HEADER_LEN;
	self->rec_start = -1;
	if (plain_len == 0) {
		self->out_tail = (gsize)(header - self->out);
		return;
	}
	if (self->send_counter >= self->config.record_limit) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_EXPIRED);
		self->out_tail = (gsize)(header - self->out);
		return;
	}
	header[0] = (guint8)((plain_len + PEGASUS_RECORD_TAG_LEN) >> 8);
	header[1] = (guint8)(plain_len + PEGASUS_RECORD_TAG_LEN);
	self->aead->seal(header + PEGASUS_RECORD_HEADER_LEN, header + PEGASUS_RECORD_HEADER_LEN,
			 plain_len, header, PEGASUS_RECORD_HEADER_LEN, self->send_counter++,
			 self->keys);
	self->out_tail += PEGASUS_RECORD_TAG_LEN;
	self->out_sealed = self->out_tail;
}

/* room for a whole record at the tail: compacts, and for control frames grows up to the
 * hard limit (data waits instead) */
static gboolean
pegasus_session_out_room(PegasusSession *self, gboolean is_data)
{
	gsize pending;

	if (self->out_head == self->out_tail)
		self->out_head = self->out_sealed = self->out_tail = 0;
	pending = self->out_tail - self->out_head;
	if (is_data && pending >= self->config.output_soft_limit)
		return FALSE;
	if (self->out_tail + PEGASUS_RECORD_MAX <= self->out_cap)
		return TRUE;
	if (self->out_head > 0) {
		memmove(self->out, self->out + self->out_head, pending);
		self->out_sealed -= self->out_head;
		self->out_tail = pending;
		self->out_head = 0;
	}
	if (self->out_tail + PEGASUS_RECORD_MAX <= self->out_cap)
		return TRUE;
	if (is_data)
		return FALSE;
	if (pending > self->config.output_hard_limit) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_OVERFLOW);
		return FALSE;
	}
	self->out_cap *= 2;
	self->out = g_realloc(self->out, self->out_cap);
	return TRUE;
}

/* a record with room for need more plaintext bytes, started if needed */
static gboolean
pegasus_session_record(PegasusSession *self, gsize need, gboolean is_data)
{
	if (self->error != PEGASUS_SESSION_OK)
		return FALSE;
	if (self->rec_start >= 0) {
		gsize used = self->out_tail - (gsize)self->rec_start - PEGASUS_RECORD_HEADER_LEN;
		if (used + need <= PEGASUS_RECORD_PLAIN_MAX)
			return TRUE;
		pegasus_session_seal(self);
	}
	if (!pegasus_session_out_room(self, is_data))
		return FALSE;
	self->rec_start = (gssize)self->out_tail;
	self->out_tail += PEGASUS_RECORD_HEADER_LEN;
	return TRUE;
}

static void
pegasus_session_control(PegasusSession *self, PegasusFrameType type, guint32 stream_id,
			guint64 value)
{
	gssize fixed = pegasus_frame_fixed_len(type);
	guint8 *p;

	if (!pegasus_session_record(self, PEGASUS_FRAME_HEADER_LEN + (gsize)fixed, FALSE))
		return;
	p = self->out + self->out_tail;
	p[0] = (guint8)type;
	pegasus_put_be32(p + 1, stream_id);
	if (type == PEGASUS_FRAME_WINDOW)
		pegasus_put_be32(p + 5, (guint32)value);
	else if (type == PEGASUS_FRAME_RST)
		p[5] = (guint8)value;
	else if (type == PEGASUS_FRAME_PING || type == PEGASUS_FRAME_PONG)
		pegasus_put_be64(p + 5, value);
	self->out_tail += PEGASUS_FRAME_HEADER_LEN + (gsize)fixed;
}

PegasusSessionResult
pegasus_session_flush(PegasusSession *self)
{
	pegasus_session_seal(self);
	return self->error;
}

const guint8 *
pegasus_session_output(PegasusSession *self, gsize *len)
{
	*len = self->out_sealed - self->out_head;
	return self->out + self->out_head;
}

void
pegasus_session_output_consume(PegasusSession *self, gsize len)
{
	g_return_if_fail(len <= self->out_sealed - self->out_head);
	self->out_head += len;
	if (self->out_head == self->out_tail)
		self->out_head = self->out_sealed = self->out_tail = 0;
}

gsize
pegasus_session_output_pending(PegasusSession *self)
{
	return self->out_tail - self->out_head;
}

void
pegasus_session_ping(PegasusSession *self, guint64 opaque)
{
	pegasus_session_control(self, PEGASUS_FRAME_PING, 0, opaque);
}

/* ---- streams ---- */

static PegasusStream *
pegasus_session_add_stream(PegasusSession *self, guint32 stream_id, gpointer user_data)
{
	PegasusStream *stream = g_new0(PegasusStream, 1);

	stream->id = stream_id;
	stream->user_data = user_data;
	stream->send_credit = PEGASUS_INITIAL_WINDOW;
	stream->recv_limit = self->config.stream_window;
	g_hash_table_insert(self->streams, GUINT_TO_POINTER(stream_id), stream);
	/* the window beyond the initial one is granted at once, in the same record as OPEN */
	if (self->config.stream_window > PEGASUS_INITIAL_WINDOW)
		pegasus_session_control(self, PEGASUS_FRAME_WINDOW, stream_id,
					self->config.stream_window - PEGASUS_INITIAL_WINDOW);
	return stream;
}

PegasusSessionResult
pegasus_session_open_stream(PegasusSession *self, gpointer stream_user_data, guint32 *stream_id)
{
	guint32 id = self->next_local_id;

	if (self->error != PEGASUS_SESSION_OK)
		return self->error;
	if (g_hash_table_size(self->streams) >= self->config.max_streams || id > G_MAXUINT32 - 2)
		return PEGASUS_SESSION_ERROR_STREAMS;
	self->next_local_id += 2;
	pegasus_session_control(self, PEGASUS_FRAME_OPEN, id, 0);
	pegasus_session_add_stream(self, id, stream_user_data);
	*stream_id = id;
	return self->error;
}

void
pegasus_session_stream_set_user_data(PegasusSession *self, guint32 stream_id,
				     gpointer stream_user_data)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream != NULL)
		stream->user_data = stream_user_data;
}

gsize
pegasus_session_stream_credit(PegasusSession *self, guint32 stream_id)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream == NULL || stream->local_fin)
		return 0;
	return (gsize)stream->send_credit;
}

guint8 *
pegasus_session_data_reserve(PegasusSession *self, guint32 stream_id, gsize *max)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);
	gsize room;

	*max = 0;
	if (stream == NULL || stream->local_fin || stream->send_credit == 0)
		return NULL;
	/* a DATA frame gets a record of its own rather than a sliver of one */
	if (self->rec_start >= 0) {
		gsize used = self->out_tail - (gsize)self->rec_start - PEGASUS_RECORD_HEADER_LEN;
		if (PEGASUS_RECORD_PLAIN_MAX - used <
		    PEGASUS_DATA_HEADER_LEN + MIN(stream->send_credit, 4096))
			pegasus_session_seal(self);
	}
	if (!pegasus_session_record(self, PEGASUS_DATA_HEADER_LEN + 1, TRUE))
		return NULL;
	room = PEGASUS_RECORD_PLAIN_MAX - PEGASUS_DATA_HEADER_LEN -
	       (self->out_tail - (gsize)self->rec_start - PEGASUS_RECORD_HEADER_LEN);
	*max = MIN(MIN(room, PEGASUS_DATA_MAX), stream->send_credit);
	return self->out + self->out_tail + PEGASUS_DATA_HEADER_LEN;
}

void
pegasus_session_data_commit(PegasusSession *self, guint32 stream_id, gsize len)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);
	guint8 *p = self->out + self->out_tail;

	if (len == 0 || stream == NULL)
		return;
	g_return_if_fail(self->rec_start >= 0 && len <= stream->send_credit &&
			 len <= PEGASUS_DATA_MAX);
	p[0] = PEGASUS_FRAME_DATA;
	pegasus_put_be32(p + 1, stream_id);
	p[5] = (guint8)(len >> 8);
	p[6] = (guint8)len;
	self->out_tail += PEGASUS_DATA_HEADER_LEN + len;
	stream->send_credit -= len;
}

/* a whole DATA record's place: header, frame header, up to PEGASUS_DATA_MAX bytes, tag */
#define PEGASUS_DATA_RECORD_STRIDE                                                                 \
	(PEGASUS_RECORD_HEADER_LEN + PEGASUS_DATA_HEADER_LEN + PEGASUS_DATA_MAX +                  \
	 PEGASUS_RECORD_TAG_LEN)

guint
pegasus_session_data_reserve_many(PegasusSession *self, guint32 stream_id, struct iovec *iov,
				  guint max_iov)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);
	guint64 credit;
	guint n = 0;
	gsize base;

	if (stream == NULL || stream->local_fin || stream->send_credit == 0 ||
	    self->error != PEGASUS_SESSION_OK)
		return 0;
	pegasus_session_seal(self);
	if (!pegasus_session_out_room(self, TRUE))
		return 0;
	credit = stream->send_credit;
	base = self->out_tail;
	while (n < max_iov && credit > 0 && base + PEGASUS_DATA_RECORD_STRIDE <= self->out_cap) {
		gsize len = (gsize)MIN(credit, PEGASUS_DATA_MAX);

		iov[n].iov_base =
			self->out + base + PEGASUS_RECORD_HEADER_LEN + PEGASUS_DATA_HEADER_LEN;
		iov[n].iov_len = len;
		credit -= len;
		base += PEGASUS_DATA_RECORD_STRIDE;
		n++;
	}
	return n;
}

void
pegasus_session_data_commit_many(PegasusSession *self, guint32 stream_id, const struct iovec *iov,
				 guint n_iov, gsize len)
{
	for (guint i = 0; i < n_iov && len > 0; i++) {
		gsize chunk = MIN(len, iov[i].iov_len);

		/* each slot becomes a record where it lies: open it there, frame, seal */
		self->rec_start = (gssize)self->out_tail;
		self->out_tail += PEGASUS_RECORD_HEADER_LEN;
		g_assert((guint8 *)iov[i].iov_base ==
			 self->out + self->out_tail + PEGASUS_DATA_HEADER_LEN);
		pegasus_session_data_commit(self, stream_id, chunk);
		pegasus_session_seal(self);
		len -= chunk;
	}
}

gsize
pegasus_session_send(PegasusSession *self, guint32 stream_id, const guint8 *data, gsize len)
{
	gsize done = 0;

	while (done < len) {
		gsize max;
		guint8 *p = pegasus_session_data_reserve(self, stream_id, &max);

		if (p == NULL)
			break;
		max = MIN(max, len - done);
		memcpy(p, data + done, max);
		pegasus_session_data_commit(self, stream_id, max);
		done += max;
	}
	return done;
}

/* forgets a stream; closed is called (after it left the table) when the remote ended it */
static void
pegasus_session_remove(PegasusSession *self, guint32 stream_id, gboolean notify, gboolean reset)
{
	PegasusStream *stream = NULL;

	if (!g_hash_table_steal_extended(self->streams, GUINT_TO_POINTER(stream_id), NULL,
					 (gpointer *)&stream))
		return;
	if (notify && self->callbacks.stream_closed != NULL)
		self->callbacks.stream_closed(self, stream_id, stream->user_data, reset,
					      self->user_data);
	pegasus_stream_free(stream);
}

static void
pegasus_session_maybe_close(PegasusSession *self, guint32 stream_id)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream != NULL && stream->local_fin && stream->fin_delivered)
		pegasus_session_remove(self, stream_id, TRUE, FALSE);
}

void
pegasus_session_stream_fin(PegasusSession *self, guint32 stream_id)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream == NULL || stream->local_fin)
		return;
	stream->local_fin = TRUE;
	pegasus_session_control(self, PEGASUS_FRAME_FIN, stream_id, 0);
	pegasus_session_maybe_close(self, stream_id);
}

void
pegasus_session_stream_reset(PegasusSession *self, guint32 stream_id)
{
	if (pegasus_session_lookup(self, stream_id) == NULL)
		return;
	pegasus_session_control(self, PEGASUS_FRAME_RST, stream_id, PEGASUS_RESET_CANCEL);
	pegasus_session_remove(self, stream_id, FALSE, TRUE);
}

/* ---- input ---- */

/* len bytes of the stream reached its reader: grant them back once a quarter of the window
 * has been, so that WINDOW frames stay rare */
static void
pegasus_session_consumed(PegasusSession *self, PegasusStream *stream, gsize len)
{
	stream->unacked += len;
	if (stream->remote_fin || stream->unacked < self->config.stream_window / 4)
		return;
	pegasus_session_control(self, PEGASUS_FRAME_WINDOW, stream->id, stream->unacked);
	stream->recv_limit += stream->unacked;
	stream->unacked = 0;
}

/* the remote's FIN reaches the owner only after every byte sent before it */
static void
pegasus_session_maybe_deliver_fin(PegasusSession *self, guint32 stream_id)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream == NULL || !stream->remote_fin || stream->fin_delivered || stream->rx_len > 0)
		return;
	stream->fin_delivered = TRUE;
	if (self->callbacks.stream_fin != NULL)
		self->callbacks.stream_fin(self, stream_id, stream->user_data, self->user_data);
	pegasus_session_maybe_close(self, stream_id);
}

const guint8 *
pegasus_session_stream_peek(PegasusSession *self, guint32 stream_id, gsize *len)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	/* a stream that never buffered anything has no buffer yet: no pointer arithmetic on it */
	if (stream == NULL || stream->rx == NULL) {
		*len = 0;
		return NULL;
	}
	*len = stream->rx_len;
	return stream->rx + stream->rx_off;
}

void
pegasus_session_stream_drain(PegasusSession *self, guint32 stream_id, gsize len)
{
	PegasusStream *stream = pegasus_session_lookup(self, stream_id);

	if (stream == NULL)
		return;
	g_return_if_fail(len <= stream->rx_len);
	stream->rx_off += len;
	stream->rx_len -= len;
	if (stream->rx_len == 0)
		stream->rx_off = 0;
	pegasus_session_consumed(self, stream, len);
	pegasus_session_maybe_deliver_fin(self, stream_id);
}

static void
pegasus_stream_buffer(PegasusStream *stream, const guint8 *data, gsize len)
{
	if (stream->rx_off + stream->rx_len + len > stream->rx_cap && stream->rx_off > 0) {
		memmove(stream->rx, stream->rx + stream->rx_off, stream->rx_len);
		stream->rx_off = 0;
	}
	if (stream->rx_len + len > stream->rx_cap) {
		stream->rx_cap = MAX(stream->rx_len + len, MAX(stream->rx_cap * 2, 16384));
		stream->rx = g_realloc(stream->rx, stream->rx_cap);
	}
	memcpy(stream->rx + stream->rx_off + stream->rx_len, data, len);
	stream->rx_len += len;
}

static gboolean
pegasus_session_is_remote_id(PegasusSession *self, guint32 stream_id)
{
	/* the session's initiator opens odd ids, its responder even ones */
	return stream_id != 0 && (stream_id & 1) == (self->is_initiator ? 0u : 1u);
}

static gboolean
pegasus_session_on_open(PegasusSession *self, guint32 stream_id)
{
	if (!pegasus_session_is_remote_id(self, stream_id) || stream_id <= self->last_remote_id) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_PROTOCOL);
		return FALSE;
	}
	self->last_remote_id = stream_id;
	if (g_hash_table_size(self->streams) >= self->config.max_streams) {
		pegasus_session_control(self, PEGASUS_FRAME_RST, stream_id, PEGASUS_RESET_REFUSED);
		return TRUE;
	}
	pegasus_session_add_stream(self, stream_id, NULL);
	if (self->callbacks.stream_opened != NULL)
		self->callbacks.stream_opened(self, stream_id, self->user_data);
	return TRUE;
}

/* a frame for a stream not in the table: one already gone is fine (its frames were in
 * flight), one never opened is not */
static gboolean
pegasus_session_unknown_ok(PegasusSession *self, guint32 stream_id)
{
	gboolean ok = stream_id != 0 && (pegasus_session_is_remote_id(self, stream_id)
						 ? stream_id <= self->last_remote_id
						 : stream_id < self->next_local_id);
	if (!ok)
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_PROTOCOL);
	return ok;
}

static gboolean
pegasus_session_on_data(PegasusSession *self, PegasusStream *stream, const PegasusFrame *frame)
{
	gsize taken = 0;
	guint32 id = stream->id;

	if (stream->remote_fin) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_PROTOCOL);
		return FALSE;
	}
	if (stream->recv_total + frame->len > stream->recv_limit) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_FLOW);
		return FALSE;
	}
	stream->recv_total += frame->len;
	if (stream->rx_len == 0 && self->callbacks.stream_data != NULL) {
		taken = self->callbacks.stream_data(self, id, stream->user_data, frame->data,
						    frame->len, self->user_data);
		taken = MIN(taken, frame->len);
		/* the callback may have reset the stream */
		stream = pegasus_session_lookup(self, id);
		if (stream == NULL)
			return TRUE;
		pegasus_session_consumed(self, stream, taken);
	}
	if (taken < frame->len)
		pegasus_stream_buffer(stream, frame->data + taken, frame->len - taken);
	return TRUE;
}

static gboolean
pegasus_session_on_window(PegasusSession *self, PegasusStream *stream, guint64 credit)
{
	gboolean was_blocked = stream->send_credit == 0;

	stream->send_credit += credit;
	if (stream->send_credit > G_MAXUINT32) {
		pegasus_session_fail(self, PEGASUS_SESSION_ERROR_FLOW);
		return FALSE;
	}
	if (was_blocked && credit > 0 && !stream->local_fin &&
	    self->callbacks.stream_writable != NULL)
		self->callbacks.stream_writable(self, stream->id, stream->user_data,
						self->user_data);
	return TRUE;
}

static gboolean
pegasus_session_on_stream_frame(PegasusSession *self, const PegasusFrame *frame)
{
	PegasusStream *stream = pegasus_session_lookup(self, frame->stream_id);

	if (stream == NULL)
		return pegasus_session_unknown_ok(self, frame->stream_id);
	switch (frame->type) {
	case PEGASUS_FRAME_DATA:
		return pegasus_session_on_data(self, stream, frame);
	case PEGASUS_FRAME_WINDOW:
		return pegasus_session_on_window(self, stream, frame->value);
	case PEGASUS_FRAME_FIN:
		if (stream->remote_fin) {
			pegasus_session_fail(self, PEGASUS_SESSION_ERROR_PROTOCOL);
			return FALSE;
		}
		stream->remote_fin = TRUE;
		pegasus_session_maybe_deliver_fin(self, frame->stream_id);
		return TRUE;
	default: /* RST */
		pegasus_session_remove(self, frame->stream_id, TRUE, TRUE);
		return TRUE;
	}
}

static gboolean
pegasus_session_on_frame(const PegasusFrame *frame, gpointer user_data)
{
	PegasusSession *self = user_data;

	if (self->error != PEGASUS_SESSION_OK)
		return FALSE;
	switch (frame->type) {
	case PEGASUS_FRAME_OPEN:
		return pegasus_session_on_open(self, frame->stream_id);
	case PEGASUS_FRAME_PING:
		pegasus_session_control(self, PEGASUS_FRAME_PONG, 0, frame->value);
		return TRUE;
	case PEGASUS_FRAME_PONG:
		if (self->callbacks.pong != NULL)
			self->callbacks.pong(self, frame->value, self->user_data);
		return TRUE;
	default:
		return pegasus_session_on_stream_frame(self, frame);
	}
}

guint8 *
pegasus_session_input_space(PegasusSession *self, gsize *space)
{
	if (self->in_head > 0 && self->in_head == self->in_tail)
		self->in_head = self->in_tail = 0;
	*space = PEGASUS_INPUT_CAP - self->in_tail;
	return self->in + self->in_tail;
}

void
pegasus_session_input_commit(PegasusSession *self, gsize len)
{
	g_return_if_fail(len <= PEGASUS_INPUT_CAP - self->in_tail);
	self->in_tail += len;
}

gsize
pegasus_session_feed(PegasusSession *self, const guint8 *data, gsize len)
{
	gsize space;
	guint8 *p = pegasus_session_input_space(self, &space);

	space = MIN(space, len);
	memcpy(p, data, space);
	pegasus_session_input_commit(self, space);
	return space;
}

/* one whole record at in + in_head: opened in place, its frames handled */
static PegasusSessionResult
pegasus_session_record_in(PegasusSession *self, guint8 *record, gsize sealed_len)
{
	guint8 *body = record + PEGASUS_RECORD_HEADER_LEN;
	PegasusSessionResult result;

	if (self->recv_counter >= self->config.record_limit)
		return pegasus_session_fail(self, PEGASUS_SESSION_ERROR_EXPIRED);
	if (!self->aead->open(body, body, sealed_len, record, PEGASUS_RECORD_HEADER_LEN,
			      self->recv_counter, self->keys + PEGASUS_KEY_LEN))
		return pegasus_session_fail(self, PEGASUS_SESSION_ERROR_DECRYPT);
	self->recv_counter++;
	self->confirmed = TRUE;
	result = pegasus_frames_parse(body, sealed_len - PEGASUS_RECORD_TAG_LEN,
				      pegasus_session_on_frame, self);
	if (result != PEGASUS_SESSION_OK)
		pegasus_session_fail(self, result);
	return self->error;
}

PegasusSessionResult
pegasus_session_process(PegasusSession *self)
{
	while (self->error == PEGASUS_SESSION_OK && self->in_tail - self->in_head >= 2) {
		guint8 *record = self->in + self->in_head;
		gsize sealed_len = ((gsize)record[0] << 8) | record[1];

		if (sealed_len <= PEGASUS_RECORD_TAG_LEN ||
		    sealed_len > PEGASUS_RECORD_PLAIN_MAX + PEGASUS_RECORD_TAG_LEN)
			return pegasus_session_fail(self, PEGASUS_SESSION_ERROR_RECORD);
		if (self->in_tail - self->in_head < PEGASUS_RECORD_HEADER_LEN + sealed_len)
			break;
		self->in_head += PEGASUS_RECORD_HEADER_LEN + sealed_len;
		pegasus_session_record_in(self, record, sealed_len);
	}
	/* a partial record moves to the front, so the buffer always has room for a whole one */
	if (self->in_head == self->in_tail) {
		self->in_head = self->in_tail = 0;
	} else if (self->in_head > 0 && PEGASUS_INPUT_CAP - self->in_head < PEGASUS_RECORD_MAX) {
		memmove(self->in, self->in + self->in_head, self->in_tail - self->in_head);
		self->in_tail -= self->in_head;
		self->in_head = 0;
	}
	return self->error;
}
