/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <sodium.h>
#include <string.h>

#include "pegasus-session.h"
#include "tempest-aead.h"

/* Two sessions wired back to back in memory: records, frames, streams, flow control. */

typedef struct {
	GByteArray *rx[64]; /* what each stream received, by id */
	gboolean fin[64];
	gboolean closed[64];
	gboolean reset[64];
	gboolean writable[64];
	gboolean stall[64]; /* stream_data takes nothing */
	guint opened;
	guint64 pong;
} Side;

typedef struct {
	PegasusKeys ka, kb;
	PegasusSession *a, *b;
	Side sa, sb;
} Pair;

static void
side_opened(PegasusSession *session, guint32 id, gpointer user_data)
{
	Side *side = user_data;

	side->opened++;
	pegasus_session_stream_set_user_data(session, id, side);
}

static gsize
side_data(PegasusSession *session, guint32 id, gpointer stream_user_data, const guint8 *data,
	  gsize len, gpointer user_data)
{
	Side *side = user_data;

	g_assert_cmpuint(id, <, 64);
	if (side->stall[id])
		return 0;
	if (side->rx[id] == NULL)
		side->rx[id] = g_byte_array_new();
	g_byte_array_append(side->rx[id], data, (guint)len);
	return len;
}

static void
side_writable(PegasusSession *session, guint32 id, gpointer sud, gpointer user_data)
{
	((Side *)user_data)->writable[id] = TRUE;
}

static void
side_fin(PegasusSession *session, guint32 id, gpointer sud, gpointer user_data)
{
	((Side *)user_data)->fin[id] = TRUE;
}

static void
side_closed(PegasusSession *session, guint32 id, gpointer sud, gboolean reset, gpointer user_data)
{
	Side *side = user_data;

	side->closed[id] = TRUE;
	side->reset[id] = reset;
}

static void
side_pong(PegasusSession *session, guint64 opaque, gpointer user_data)
{
	((Side *)user_data)->pong = opaque;
}

static const PegasusSessionCallbacks side_callbacks = {
	.stream_opened = side_opened,
	.stream_data = side_data,
	.stream_writable = side_writable,
	.stream_fin = side_fin,
	.stream_closed = side_closed,
	.pong = side_pong,
};

static void
pair_init(Pair *p, const PegasusSessionConfig *ca, const PegasusSessionConfig *cb)
{
	PegasusSessionConfig def;

	memset(p, 0, sizeof(*p));
	pegasus_session_config_init(&def);
	randombytes_buf(p->ka.send_key, 32);
	randombytes_buf(p->ka.recv_key, 32);
	p->ka.is_initiator = TRUE;
	memcpy(p->kb.send_key, p->ka.recv_key, 32);
	memcpy(p->kb.recv_key, p->ka.send_key, 32);
	p->a = pegasus_session_new(&p->ka, ca ? ca : &def, &side_callbacks, &p->sa);
	p->b = pegasus_session_new(&p->kb, cb ? cb : &def, &side_callbacks, &p->sb);
}

static void
pair_clear(Pair *p)
{
	pegasus_session_free(p->a);
	pegasus_session_free(p->b);
	for (guint i = 0; i < 64; i++) {
		if (p->sa.rx[i] != NULL)
			g_byte_array_unref(p->sa.rx[i]);
		if (p->sb.rx[i] != NULL)
			g_byte_array_unref(p->sb.rx[i]);
	}
}

/* moves from's output into to; TRUE when anything moved */
static gboolean
move(PegasusSession *from, PegasusSession *to)
{
	gsize len, taken;
	const guint8 *out;

	pegasus_session_flush(from);
	out = pegasus_session_output(from, &len);
	if (len == 0)
		return FALSE;
	taken = pegasus_session_feed(to, out, len);
	pegasus_session_output_consume(from, taken);
	pegasus_session_process(to);
	return TRUE;
}

static void
pump(Pair *p)
{
	for (guint i = 0; i < 100000; i++) {
		gboolean ab = move(p->a, p->b);
		gboolean ba = move(p->b, p->a);

		if (!ab && !ba)
			return;
	}
	g_assert_not_reached();
}

static void
fill(guint8 *buf, gsize len, guint seed)
{
	for (gsize i = 0; i < len; i++)
		buf[i] = (guint8)(i * 31 + seed + (i >> 9));
}

static void
test_roundtrip(void)
{
	Pair p;
	guint32 id;
	g_autofree guint8 *data = g_malloc(300000);

	pair_init(&p, NULL, NULL);
	fill(data, 300000, 7);
	g_assert_cmpint(pegasus_session_open_stream(p.a, &p.sa, &id), ==, PEGASUS_SESSION_OK);
	g_assert_cmpuint(id, ==, 1);
	for (gsize done = 0; done < 300000;) {
		done += pegasus_session_send(p.a, id, data + done, 300000 - done);
		pump(&p);
	}
	g_assert_cmpuint(p.sb.opened, ==, 1);
	g_assert_true(pegasus_session_is_confirmed(p.b));
	g_assert_cmpuint(p.sb.rx[1]->len, ==, 300000);
	g_assert_cmpmem(p.sb.rx[1]->data, 300000, data, 300000);
	/* and back: the responder's side of the same stream */
	g_assert_cmpuint(pegasus_session_send(p.b, id, (const guint8 *)"pong", 4), ==, 4);
	pump(&p);
	g_assert_cmpmem(p.sa.rx[1]->data, p.sa.rx[1]->len, "pong", 4);
	/* the responder's own streams are even */
	g_assert_cmpint(pegasus_session_open_stream(p.b, &p.sb, &id), ==, PEGASUS_SESSION_OK);
	g_assert_cmpuint(id, ==, 2);
	pair_clear(&p);
}

static void
test_tampered_record(void)
{
	Pair p;
	guint32 id;
	gsize len;
	guint8 copy[256];
	const guint8 *out;

	pair_init(&p, NULL, NULL);
	pegasus_session_open_stream(p.a, &p.sa, &id);
	pegasus_session_send(p.a, id, (const guint8 *)"hello", 5);
	pegasus_session_flush(p.a);
	out = pegasus_session_output(p.a, &len);
	g_assert_cmpuint(len, <=, sizeof(copy));
	memcpy(copy, out, len);
	copy[len - 3] ^= 1;
	pegasus_session_feed(p.b, copy, len);
	g_assert_cmpint(pegasus_session_process(p.b), ==, PEGASUS_SESSION_ERROR_DECRYPT);
	g_assert_cmpuint(p.sb.opened, ==, 0);
	g_assert_false(pegasus_session_is_confirmed(p.b));
	/* the error is final: the genuine record no longer goes in */
	pegasus_session_feed(p.b, out, len);
	g_assert_cmpint(pegasus_session_process(p.b), ==, PEGASUS_SESSION_ERROR_DECRYPT);
	g_assert_cmpuint(p.sb.opened, ==, 0);
	pair_clear(&p);
}

static void
test_record_length(void)
{
	Pair p;
	const guint8 too_long[2] = {0xff, 0xff};
	const guint8 too_short[2] = {0x00, 0x10};

	pair_init(&p, NULL, NULL);
	pegasus_session_feed(p.b, too_long, 2);
	g_assert_cmpint(pegasus_session_process(p.b), ==, PEGASUS_SESSION_ERROR_RECORD);
	pair_clear(&p);
	pair_init(&p, NULL, NULL);
	pegasus_session_feed(p.b, too_short, 2);
	g_assert_cmpint(pegasus_session_process(p.b), ==, PEGASUS_SESSION_ERROR_RECORD);
	pair_clear(&p);
}

/* a record sealed by hand with a's send key at counter: for frames the API never writes */
static void
inject(Pair *p, guint64 counter, const guint8 *plain, gsize len)
{
	guint8 rec[256];

	g_assert_cmpuint(len + 18, <=, sizeof(rec));
	rec[0] = (guint8)((len + 16) >> 8);
	rec[1] = (guint8)(len + 16);
	tempest_aead_sodium()->seal(rec + 2, plain, len, rec, 2, counter, p->ka.send_key);
	pegasus_session_feed(p->b, rec, len + 18);
	pegasus_session_process(p->b);
}

static void
test_frame_errors(void)
{
	/* DATA on stream 1 before any OPEN; OPEN of an id of the wrong parity; a truncated frame;
	 * an unknown type; a FIN twice */
	const guint8 data_first[] = {2, 0, 0, 0, 1, 0, 1, 'x'};
	const guint8 wrong_parity[] = {1, 0, 0, 0, 2};
	const guint8 truncated[] = {3, 0, 0, 0, 1, 0, 0};
	const guint8 unknown[] = {9, 0, 0, 0, 1};
	const guint8 two_fins[] = {1, 0, 0, 0, 1, 4, 0, 0, 0, 1, 4, 0, 0, 0, 1};
	const guint8 empty_data[] = {1, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0, 0};
	struct {
		const guint8 *plain;
		gsize len;
		PegasusSessionResult want;
	} cases[] = {
		{data_first, sizeof(data_first), PEGASUS_SESSION_ERROR_PROTOCOL},
		{wrong_parity, sizeof(wrong_parity), PEGASUS_SESSION_ERROR_PROTOCOL},
		{truncated, sizeof(truncated), PEGASUS_SESSION_ERROR_FRAME},
		{unknown, sizeof(unknown), PEGASUS_SESSION_ERROR_FRAME},
		{two_fins, sizeof(two_fins), PEGASUS_SESSION_ERROR_PROTOCOL},
		{empty_data, sizeof(empty_data), PEGASUS_SESSION_ERROR_FRAME},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		Pair p;

		pair_init(&p, NULL, NULL);
		inject(&p, 0, cases[i].plain, cases[i].len);
		g_assert_cmpint(pegasus_session_get_error(p.b), ==, cases[i].want);
		pair_clear(&p);
	}
}

/* more data than the window: the session fails rather than buffer without bound */
static void
test_flow_violation(void)
{
	PegasusSessionConfig cb;
	Pair p;
	guint8 frame[7 + 200];

	pegasus_session_config_init(&cb);
	cb.stream_window = PEGASUS_INITIAL_WINDOW;
	pair_init(&p, NULL, &cb);
	p.sb.stall[1] = TRUE;
	memset(frame, 0, sizeof(frame));
	frame[0] = 1;
	frame[4] = 1;
	inject(&p, 0, frame, 5);
	frame[0] = 2;
	frame[4] = 1;
	frame[5] = 0;
	frame[6] = 200;
	for (guint64 i = 0; i < PEGASUS_INITIAL_WINDOW / 200; i++)
		inject(&p, i + 1, frame, sizeof(frame));
	g_assert_cmpint(pegasus_session_get_error(p.b), ==, PEGASUS_SESSION_OK);
	inject(&p, PEGASUS_INITIAL_WINDOW / 200 + 1, frame, sizeof(frame));
	g_assert_cmpint(pegasus_session_get_error(p.b), ==, PEGASUS_SESSION_ERROR_FLOW);
	pair_clear(&p);
}

static void
test_stream_limit(void)
{
	PegasusSessionConfig ca, cb;
	Pair p;
	guint32 id1, id2, id3;

	pegasus_session_config_init(&ca);
	pegasus_session_config_init(&cb);
	ca.max_streams = 2;
	cb.max_streams = 1;
	pair_init(&p, &ca, &cb);
	g_assert_cmpint(pegasus_session_open_stream(p.a, NULL, &id1), ==, PEGASUS_SESSION_OK);
	g_assert_cmpint(pegasus_session_open_stream(p.a, NULL, &id2), ==, PEGASUS_SESSION_OK);
	g_assert_cmpint(pegasus_session_open_stream(p.a, NULL, &id3), ==,
			PEGASUS_SESSION_ERROR_STREAMS);
	pump(&p);
	/* b takes one and refuses the other, which a then forgets */
	g_assert_cmpuint(p.sb.opened, ==, 1);
	g_assert_true(p.sa.closed[id2]);
	g_assert_true(p.sa.reset[id2]);
	g_assert_cmpuint(pegasus_session_get_n_streams(p.a), ==, 1);
	g_assert_cmpint(pegasus_session_get_error(p.a), ==, PEGASUS_SESSION_OK);
	g_assert_cmpint(pegasus_session_get_error(p.b), ==, PEGASUS_SESSION_OK);
	pair_clear(&p);
}

/* stream 1's reader stalls: 1 stops at its window, stream 3 keeps flowing, and 1 resumes
 * when its reader drains */
static void
test_stalled_stream(void)
{
	Pair p;
	guint32 s1, s3;
	gsize sent1 = 0, sent3 = 0, len;
	g_autofree guint8 *data = g_malloc(16384);
	PegasusSessionConfig cb;

	pegasus_session_config_init(&cb);
	cb.stream_window = 256 * 1024;
	pair_init(&p, NULL, &cb);
	fill(data, 16384, 3);
	pegasus_session_open_stream(p.a, &p.sa, &s1);
	pegasus_session_open_stream(p.a, &p.sa, &s3);
	p.sb.stall[s1] = TRUE;
	for (guint round = 0; round < 400; round++) {
		sent1 += pegasus_session_send(p.a, s1, data, 16384);
		sent3 += pegasus_session_send(p.a, s3, data, 16384);
		pump(&p);
	}
	g_assert_cmpuint(sent1, ==, cb.stream_window);
	g_assert_cmpuint(pegasus_session_stream_credit(p.a, s1), ==, 0);
	g_assert_cmpuint(sent3, ==, 400 * 16384);
	g_assert_cmpuint(p.sb.rx[s3]->len, ==, sent3);
	g_assert_null(p.sb.rx[s1]);
	pegasus_session_stream_peek(p.b, s1, &len);
	g_assert_cmpuint(len, ==, cb.stream_window);
	/* the reader wakes up: credit returns to the writer */
	pegasus_session_stream_drain(p.b, s1, len);
	pump(&p);
	g_assert_true(p.sa.writable[s1]);
	g_assert_cmpuint(pegasus_session_stream_credit(p.a, s1), ==, cb.stream_window);
	g_assert_cmpint(pegasus_session_get_error(p.a), ==, PEGASUS_SESSION_OK);
	g_assert_cmpint(pegasus_session_get_error(p.b), ==, PEGASUS_SESSION_OK);
	pair_clear(&p);
}

static void
test_half_close(void)
{
	Pair p;
	guint32 id;

	pair_init(&p, NULL, NULL);
	pegasus_session_open_stream(p.a, &p.sa, &id);
	pegasus_session_send(p.a, id, (const guint8 *)"request", 7);
	pegasus_session_stream_fin(p.a, id);
	g_assert_cmpuint(pegasus_session_stream_credit(p.a, id), ==, 0);
	pump(&p);
	g_assert_true(p.sb.fin[id]);
	g_assert_cmpmem(p.sb.rx[id]->data, p.sb.rx[id]->len, "request", 7);
	/* the other direction still works */
	g_assert_false(p.sa.fin[id]);
	g_assert_cmpuint(pegasus_session_send(p.b, id, (const guint8 *)"reply", 5), ==, 5);
	pegasus_session_stream_fin(p.b, id);
	pump(&p);
	g_assert_cmpmem(p.sa.rx[id]->data, p.sa.rx[id]->len, "reply", 5);
	g_assert_true(p.sa.fin[id]);
	g_assert_true(p.sa.closed[id]);
	g_assert_false(p.sa.reset[id]);
	g_assert_true(p.sb.closed[id]);
	g_assert_cmpuint(pegasus_session_get_n_streams(p.a), ==, 0);
	g_assert_cmpuint(pegasus_session_get_n_streams(p.b), ==, 0);
	pair_clear(&p);
}

/* a FIN behind buffered data reaches the reader only after that data */
static void
test_fin_after_buffered(void)
{
	Pair p;
	guint32 id;
	gsize len;

	pair_init(&p, NULL, NULL);
	p.sb.stall[1] = TRUE;
	pegasus_session_open_stream(p.a, &p.sa, &id);
	pegasus_session_send(p.a, id, (const guint8 *)"abc", 3);
	pegasus_session_stream_fin(p.a, id);
	pump(&p);
	g_assert_false(p.sb.fin[id]);
	pegasus_session_stream_peek(p.b, id, &len);
	g_assert_cmpuint(len, ==, 3);
	pegasus_session_stream_drain(p.b, id, 3);
	g_assert_true(p.sb.fin[id]);
	pair_clear(&p);
}

static void
test_reset(void)
{
	Pair p;
	guint32 id, other;

	pair_init(&p, NULL, NULL);
	pegasus_session_open_stream(p.a, &p.sa, &id);
	pegasus_session_open_stream(p.a, &p.sa, &other);
	pegasus_session_send(p.a, id, (const guint8 *)"x", 1);
	pump(&p);
	pegasus_session_stream_reset(p.a, id);
	g_assert_cmpuint(pegasus_session_get_n_streams(p.a), ==, 1);
	/* data the remote sent before it saw the reset is dropped, not an error */
	pegasus_session_send(p.b, id, (const guint8 *)"late", 4);
	pump(&p);
	g_assert_true(p.sb.closed[id]);
	g_assert_true(p.sb.reset[id]);
	g_assert_null(p.sa.rx[id]);
	g_assert_cmpint(pegasus_session_get_error(p.a), ==, PEGASUS_SESSION_OK);
	/* the other stream is untouched */
	pegasus_session_send(p.a, other, (const guint8 *)"y", 1);
	pump(&p);
	g_assert_cmpuint(p.sb.rx[other]->len, ==, 1);
	pair_clear(&p);
}

static void
test_record_limit(void)
{
	PegasusSessionConfig ca;
	Pair p;
	guint32 id;

	pegasus_session_config_init(&ca);
	ca.record_limit = 3;
	pair_init(&p, &ca, NULL);
	pegasus_session_open_stream(p.a, &p.sa, &id);
	for (guint i = 0; i < 3; i++) {
		pegasus_session_send(p.a, id, (const guint8 *)"r", 1);
		g_assert_cmpint(pegasus_session_flush(p.a), ==, PEGASUS_SESSION_OK);
	}
	pegasus_session_send(p.a, id, (const guint8 *)"r", 1);
	g_assert_cmpint(pegasus_session_flush(p.a), ==, PEGASUS_SESSION_ERROR_EXPIRED);
	pump(&p);
	g_assert_cmpuint(p.sb.rx[id]->len, ==, 3);
	pair_clear(&p);
}

static void
test_ping(void)
{
	Pair p;

	pair_init(&p, NULL, NULL);
	pegasus_session_ping(p.a, 0x1122334455667788);
	pump(&p);
	g_assert_cmpuint(p.sa.pong, ==, 0x1122334455667788);
	pair_clear(&p);
}

/* the output stops growing when the peer does not read: data waits, it is not queued */
static void
test_backpressure(void)
{
	Pair p;
	guint32 ids[8];
	g_autofree guint8 *data = g_malloc(65536);

	pair_init(&p, NULL, NULL);
	for (guint i = 0; i < 8; i++) {
		pegasus_session_open_stream(p.a, &p.sa, &ids[i]);
		pegasus_session_send(p.a, ids[i], data, 65536);
	}
	pegasus_session_flush(p.a);
	g_assert_cmpuint(pegasus_session_output_pending(p.a), <=, 512 * 1024 + PEGASUS_RECORD_MAX);
	g_assert_cmpuint(pegasus_session_output_pending(p.a), >=, 512 * 1024);
	pair_clear(&p);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	g_test_add_func("/pegasus/session/roundtrip", test_roundtrip);
	g_test_add_func("/pegasus/session/tampered-record", test_tampered_record);
	g_test_add_func("/pegasus/session/record-length", test_record_length);
	g_test_add_func("/pegasus/session/frame-errors", test_frame_errors);
	g_test_add_func("/pegasus/session/flow-violation", test_flow_violation);
	g_test_add_func("/pegasus/session/stream-limit", test_stream_limit);
	g_test_add_func("/pegasus/session/stalled-stream", test_stalled_stream);
	g_test_add_func("/pegasus/session/half-close", test_half_close);
	g_test_add_func("/pegasus/session/fin-after-buffered", test_fin_after_buffered);
	g_test_add_func("/pegasus/session/reset", test_reset);
	g_test_add_func("/pegasus/session/record-limit", test_record_limit);
	g_test_add_func("/pegasus/session/ping", test_ping);
	g_test_add_func("/pegasus/session/backpressure", test_backpressure);
	return g_test_run();
}
