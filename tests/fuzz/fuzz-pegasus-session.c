/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc-fuzz.h"
#include "pegasus-session.h"
#include "tempest-aead.h"

/* A transport session's received bytes (docs/protocol.md, "Transport sessions (tcp, kcp)"):
 * record headers, records and the frames inside them, with fixed keys (A sends with 11..,
 * B receives with it). The first byte picks how the rest reaches B's session:
 *   0: as wire bytes, fed in pieces (record lengths, partial records, forgeries);
 *   1: as record plaintexts, each a 2-byte length and that many bytes, sealed with A's key
 *      and counters 0, 1, ..., so that the frame parser and the streams see every input.
 * B's reader takes all, half or none of each delivery by turns and drains what waits.
 *
 * Properties: the session never holds more streams than its limit, never buffers more for a
 * stream than its window, and once failed stays failed; pegasus_frames_parse() of the same
 * bytes agrees with itself.
 *
 * ARC_FUZZ_PEGASUS_SEEDS=<dir> writes the seeds of corpus/pegasus-session/. */

#define PEGASUS_FUZZ_WINDOW (128 * 1024)
#define PEGASUS_FUZZ_STREAMS 8

static PegasusKeys pegasus_fuzz_keys_a;
static PegasusKeys pegasus_fuzz_keys_b;
static guint pegasus_fuzz_turn;

static void G_GNUC_NORETURN
pegasus_fuzz_fail(const gchar *what)
{
	fprintf(stderr, "fuzz-pegasus-session: %s\n", what);
	abort();
}

static gsize
pegasus_fuzz_data(PegasusSession *session, guint32 id, gpointer sud, const guint8 *data, gsize len,
		  gpointer user_data)
{
	switch (pegasus_fuzz_turn++ % 3) {
	case 0:
		return len;
	case 1:
		return len / 2;
	default:
		return 0;
	}
}

static const PegasusSessionCallbacks pegasus_fuzz_callbacks = {
	.stream_data = pegasus_fuzz_data,
};

static PegasusSession *
pegasus_fuzz_session(const PegasusKeys *keys)
{
	PegasusSessionConfig config;

	pegasus_session_config_init(&config);
	config.stream_window = PEGASUS_FUZZ_WINDOW;
	config.max_streams = PEGASUS_FUZZ_STREAMS;
	config.output_hard_limit = 1024 * 1024;
	return pegasus_session_new(keys, &config, &pegasus_fuzz_callbacks, NULL);
}

static gboolean
pegasus_fuzz_count(const PegasusFrame *frame, gpointer user_data)
{
	(*(guint *)user_data)++;
	return TRUE;
}

static void
pegasus_fuzz_check(PegasusSession *b)
{
	gsize out_len;

	if (pegasus_session_get_n_streams(b) > PEGASUS_FUZZ_STREAMS)
		pegasus_fuzz_fail("more streams than allowed");
	for (guint32 id = 1; id < 64; id++) {
		gsize len;
		pegasus_session_stream_peek(b, id, &len);
		if (len > PEGASUS_FUZZ_WINDOW)
			pegasus_fuzz_fail("more buffered than the window");
		if (len > 0 && id % 2 == 0)
			pegasus_session_stream_drain(b, id, len / 2 + 1);
	}
	pegasus_session_flush(b);
	pegasus_session_output(b, &out_len);
	pegasus_session_output_consume(b, out_len);
}

static void
pegasus_fuzz_wire(PegasusSession *b, const guint8 *data, gsize size)
{
	gsize off = 0;

	/* in pieces of varying size, as TCP delivers them */
	while (off < size) {
		gsize piece = MIN(size - off, 1 + (off * 7919) % 4096);
		PegasusSessionResult before = pegasus_session_get_error(b);
		gsize taken = pegasus_session_feed(b, data + off, piece);

		/* a failed session stops taking input */
		if (taken == 0)
			break;
		off += taken;
		pegasus_session_process(b);
		if (before != PEGASUS_SESSION_OK && pegasus_session_get_error(b) != before)
			pegasus_fuzz_fail("a failed session changed its error");
		pegasus_fuzz_check(b);
	}
}

static void
pegasus_fuzz_plain(PegasusSession *b, const guint8 *data, gsize size)
{
	static guint8 record[PEGASUS_RECORD_MAX];
	guint64 counter = 0;
	gsize off = 0;

	while (size - off >= 2) {
		gsize len = MIN(((gsize)data[off] << 8) | data[off + 1], size - off - 2);
		guint n1 = 0, n2 = 0;
		PegasusSessionResult r1, r2;

		off += 2;
		len = MIN(len, PEGASUS_RECORD_PLAIN_MAX);
		r1 = pegasus_frames_parse(data + off, len, pegasus_fuzz_count, &n1);
		r2 = pegasus_frames_parse(data + off, len, pegasus_fuzz_count, &n2);
		if (r1 != r2 || n1 != n2)
			pegasus_fuzz_fail("the frame parser disagrees with itself");
		record[0] = (guint8)((len + 16) >> 8);
		record[1] = (guint8)(len + 16);
		tempest_aead_sodium()->seal(record + 2, data + off, len, record, 2, counter++,
					    pegasus_fuzz_keys_a.send_key);
		pegasus_fuzz_wire(b, record, len + 18);
		off += len;
	}
}

static void
pegasus_fuzz_write_seed(const gchar *dir, const gchar *name, guint8 mode, const guint8 *bytes,
			gsize len)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autofree guint8 *buf = g_malloc(len + 1);

	buf[0] = mode;
	memcpy(buf + 1, bytes, len);
	if (!g_file_set_contents(path, (const gchar *)buf, (gssize)len + 1, NULL))
		pegasus_fuzz_fail("cannot write a seed");
}

/* what A's own session sends: two streams, data, half-close, reset, a ping */
static void
pegasus_fuzz_seeds(const gchar *dir)
{
	static const guint8 frames[] = {
		0, 28, /* OPEN 1, WINDOW 1 +4096, DATA 1 "hi", FIN 1 */
		1, 0,  0, 0, 1, 3,  0, 0, 0, 1, 0, 0, 16, 0, 2, 0, 0, 0, 1, 0, 2, 'h', 'i', 4,
		0, 0,  0, 1, 0, 24, /* OPEN 3, RST 3 (cancel), PING 42 */
		1, 0,  0, 0, 3, 5,  0, 0, 0, 3, 0, 6, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0,   0,   42,
	};
	g_autoptr(PegasusSession) a = pegasus_fuzz_session(&pegasus_fuzz_keys_a);
	g_autofree guint8 *payload = g_malloc0(40000);
	guint32 s1, s3;
	const guint8 *out;
	gsize len;

	pegasus_session_open_stream(a, NULL, &s1);
	pegasus_session_open_stream(a, NULL, &s3);
	pegasus_session_send(a, s1, payload, 40000);
	pegasus_session_stream_fin(a, s1);
	pegasus_session_stream_reset(a, s3);
	pegasus_session_ping(a, 42);
	pegasus_session_flush(a);
	out = pegasus_session_output(a, &len);
	pegasus_fuzz_write_seed(dir, "wire-streams", 0, out, len);
	pegasus_fuzz_write_seed(dir, "wire-truncated", 0, out, 100);
	pegasus_fuzz_write_seed(dir, "plain-frames", 1, frames, sizeof(frames));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const gchar *seeds = g_getenv("ARC_FUZZ_PEGASUS_SEEDS");

	memset(pegasus_fuzz_keys_a.send_key, 0x11, PEGASUS_KEY_LEN);
	memset(pegasus_fuzz_keys_a.recv_key, 0x22, PEGASUS_KEY_LEN);
	pegasus_fuzz_keys_a.is_initiator = TRUE;
	memset(pegasus_fuzz_keys_b.send_key, 0x22, PEGASUS_KEY_LEN);
	memset(pegasus_fuzz_keys_b.recv_key, 0x11, PEGASUS_KEY_LEN);
	if (seeds != NULL)
		pegasus_fuzz_seeds(seeds);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(PegasusSession) b = NULL;

	if (size < 1 || data[0] > 1)
		return 0;
	b = pegasus_fuzz_session(&pegasus_fuzz_keys_b);
	pegasus_fuzz_turn = 0;
	if (data[0] == 0)
		pegasus_fuzz_wire(b, data + 1, size - 1);
	else
		pegasus_fuzz_plain(b, data + 1, size - 1);
	return 0;
}
