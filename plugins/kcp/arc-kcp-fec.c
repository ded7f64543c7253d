/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reed-Solomon erasure coding over GF(2^8) (polynomial 0x11d) with a systematic Cauchy
 * matrix: parity shard j of a group of k data shards is sum_i C[j][i] * d_i with
 * C[j][i] = 1 / ((k + j) ^ i). Every square submatrix of a Cauchy matrix is invertible, so any
 * k of the k + m shards rebuild the group: the decoder subtracts the data shards it has from
 * the parity shards it has and solves the small system of the missing ones.
 *
 * Shards of a group differ in length: each data shard is its 2-byte length and payload, zero
 * padded to the longest of the group (L), and the parity shards are L bytes long; a data shard
 * travels unpadded.
 */
#include "arc-kcp-fec.h"

#include <string.h>

/* groups the decoder keeps: how far (in groups) a shard may arrive out of order and still help */
#define ARC_KCP_FEC_GROUPS 16
#define ARC_KCP_FEC_SLOTS (ARC_KCP_FEC_MAX_K + ARC_KCP_FEC_MAX_M)

static guint8 arc_kcp_gf_mul_table[256][256];
static guint8 arc_kcp_gf_inv_table[256];

static void
arc_kcp_gf_init(void)
{
	static gsize once = 0;
	guint8 exp[512], log[256] = {0};
	guint x = 1;

	if (!g_once_init_enter(&once))
		return;
	for (guint i = 0; i < 255; i++) {
		exp[i] = exp[i + 255] = (guint8)x;
		log[x] = (guint8)i;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
	for (guint a = 1; a < 256; a++) {
		for (guint b = 1; b < 256; b++)
			arc_kcp_gf_mul_table[a][b] = exp[log[a] + log[b]];
		arc_kcp_gf_inv_table[a] = exp[255 - log[a]];
	}
	g_once_init_leave(&once, 1);
}

static inline guint8
arc_kcp_gf_mul(guint8 a, guint8 b)
{
	return arc_kcp_gf_mul_table[a][b];
}

static inline guint8
arc_kcp_cauchy(guint k, guint j, guint i)
{
	return arc_kcp_gf_inv_table[(guint8)((k + j) ^ i)];
}

/* dst ^= c * src over n bytes */
static void
arc_kcp_gf_addmul(guint8 *dst, const guint8 *src, guint8 c, gsize n)
{
	const guint8 *row = arc_kcp_gf_mul_table[c];

	if (c == 0)
		return;
	for (gsize i = 0; i < n; i++)
		dst[i] ^= row[src[i]];
}

/* inverts the n x n matrix @a (row-major, MAX_M columns) in place into @inv; FALSE if singular */
static gboolean
arc_kcp_gf_invert(guint8 a[][ARC_KCP_FEC_MAX_M], guint8 inv[][ARC_KCP_FEC_MAX_M], guint n)
{
	for (guint r = 0; r < n; r++) {
		memset(inv[r], 0, sizeof inv[r]);
		inv[r][r] = 1;
	}
	for (guint c = 0; c < n; c++) {
		guint p = c;
		guint8 f;

		while (p < n && a[p][c] == 0)
			p++;
		if (p == n)
			return FALSE;
		for (guint i = 0; i < n; i++) {
			guint8 t = a[c][i];

			a[c][i] = a[p][i], a[p][i] = t;
			t = inv[c][i], inv[c][i] = inv[p][i], inv[p][i] = t;
		}
		f = arc_kcp_gf_inv_table[a[c][c]];
		for (guint i = 0; i < n; i++) {
			a[c][i] = arc_kcp_gf_mul(a[c][i], f);
			inv[c][i] = arc_kcp_gf_mul(inv[c][i], f);
		}
		for (guint r = 0; r < n; r++) {
			guint8 g = a[r][c];

			if (r == c || g == 0)
				continue;
			for (guint i = 0; i < n; i++) {
				a[r][i] ^= arc_kcp_gf_mul(a[c][i], g);
				inv[r][i] ^= arc_kcp_gf_mul(inv[c][i], g);
			}
		}
	}
	return TRUE;
}

static void
arc_kcp_fec_put_header(guint8 *p, guint8 type, guint8 index, guint8 k, guint8 m, guint32 group)
{
	p[0] = type;
	p[1] = index;
	p[2] = k;
	p[3] = m;
	p[4] = (guint8)(group >> 24);
	p[5] = (guint8)(group >> 16);
	p[6] = (guint8)(group >> 8);
	p[7] = (guint8)group;
}

/* ---- encoder ---- */

struct _ArcKcpFecEncoder {
	guint k, m;
	gsize shard_size; /* 2 + max_payload */
	guint32 group;
	guint count;    /* data shards in the open group */
	gsize longest;  /* L of the open group */
	guint8 *shards; /* k data shards: length and payload */
	gsize shard_len[ARC_KCP_FEC_MAX_K];
	guint8 *out; /* header + one shard */
};

/**
 * arc_kcp_fec_encoder_new:
 * @k: data shards per group (1..32)
 * @m: parity shards per group (0..32; 0 sends the data shards alone)
 * @max_payload: the largest datagram pushed
 */
ArcKcpFecEncoder *
arc_kcp_fec_encoder_new(guint k, guint m, gsize max_payload)
{
	ArcKcpFecEncoder *self = g_new0(ArcKcpFecEncoder, 1);

	arc_kcp_gf_init();
	self->k = CLAMP(k, 1, ARC_KCP_FEC_MAX_K);
	self->m = MIN(m, ARC_KCP_FEC_MAX_M);
	self->shard_size = 2 + MIN(max_payload, G_MAXUINT16);
	self->shards = g_malloc0(self->k * self->shard_size);
	self->out = g_malloc(ARC_KCP_FEC_HEADER_SIZE + self->shard_size);
	return self;
}

void
arc_kcp_fec_encoder_free(ArcKcpFecEncoder *self)
{
	if (self == NULL)
		return;
	g_free(self->shards);
	g_free(self->out);
	g_free(self);
}

guint
arc_kcp_fec_encoder_pending(const ArcKcpFecEncoder *self)
{
	return self->count;
}

/**
 * arc_kcp_fec_encoder_push:
 *
 * Sends @payload as the next data shard through @output, and the group's parity shards after
 * it when the group is full. FALSE (nothing sent) if @payload is larger than max_payload.
 */
gboolean
arc_kcp_fec_encoder_push(ArcKcpFecEncoder *self, const guint8 *payload, gsize len,
			 ArcKcpFecFunc output, gpointer user_data)
{
	guint8 *shard = self->shards + self->count * self->shard_size;

	if (len + 2 > self->shard_size)
		return FALSE;
	shard[0] = (guint8)(len >> 8);
	shard[1] = (guint8)len;
	memcpy(shard + 2, payload, len);
	self->shard_len[self->count] = len + 2;
	self->longest = MAX(self->longest, len + 2);
	arc_kcp_fec_put_header(self->out, ARC_KCP_FEC_TYPE_DATA, (guint8)self->count, 0, 0,
			       self->group);
	memcpy(self->out + ARC_KCP_FEC_HEADER_SIZE, shard, len + 2);
	output(self->out, ARC_KCP_FEC_HEADER_SIZE + len + 2, user_data);
	self->count++;
	if (self->count == self->k)
		arc_kcp_fec_encoder_flush(self, output, user_data);
	return TRUE;
}

/**
 * arc_kcp_fec_encoder_flush:
 *
 * Closes the open group (if any) with its parity shards, telling the receiver how many data
 * shards it really had: the caller flushes when the sender goes idle, so that the last
 * datagrams before a pause are protected too.
 */
void
arc_kcp_fec_encoder_flush(ArcKcpFecEncoder *self, ArcKcpFecFunc output, gpointer user_data)
{
	guint8 *parity = self->out + ARC_KCP_FEC_HEADER_SIZE;

	if (self->count == 0)
		return;
	for (guint j = 0; j < self->m; j++) {
		memset(parity, 0, self->longest);
		for (guint i = 0; i < self->count; i++) {
			arc_kcp_gf_addmul(parity, self->shards + i * self->shard_size,
					  arc_kcp_cauchy(self->count, j, i), self->shard_len[i]);
		}
		arc_kcp_fec_put_header(self->out, ARC_KCP_FEC_TYPE_PARITY, (guint8)j,
				       (guint8)self->count, (guint8)self->m, self->group);
		output(self->out, ARC_KCP_FEC_HEADER_SIZE + self->longest, user_data);
	}
	self->group++;
	self->count = 0;
	self->longest = 0;
}

/* ---- decoder ---- */

typedef struct {
	guint32 group;
	gboolean used;
	gboolean done; /* every data shard delivered or rebuilt */
	guint8 k, m;   /* from a parity shard; 0: none seen */
	guint64 data_present, parity_present;
	gsize parity_len;
	gsize len[ARC_KCP_FEC_SLOTS]; /* data: 2 + payload; parity: L */
	guint8 *shards;               /* data i at slot i, parity j at max_k + j */
} ArcKcpFecGroup;

struct _ArcKcpFecDecoder {
	guint max_k, max_m;
	gsize shard_size;
	ArcKcpFecGroup groups[ARC_KCP_FEC_GROUPS];
	guint8 *shards;
	guint64 recovered;
};

/**
 * arc_kcp_fec_decoder_new:
 * @max_k: @max_m: the largest group shape accepted (shards of larger ones are passed on
 *   without recovery, or dropped for parity): what the memory is sized for
 * @max_payload: the largest data payload
 */
ArcKcpFecDecoder *
arc_kcp_fec_decoder_new(guint max_k, guint max_m, gsize max_payload)
{
	ArcKcpFecDecoder *self = g_new0(ArcKcpFecDecoder, 1);
	guint slots;

	arc_kcp_gf_init();
	self->max_k = CLAMP(max_k, 1, ARC_KCP_FEC_MAX_K);
	self->max_m = CLAMP(max_m, 1, ARC_KCP_FEC_MAX_M);
	self->shard_size = 2 + MIN(max_payload, G_MAXUINT16);
	slots = self->max_k + self->max_m;
	self->shards = g_malloc0(ARC_KCP_FEC_GROUPS * slots * self->shard_size);
	for (guint g = 0; g < ARC_KCP_FEC_GROUPS; g++)
		self->groups[g].shards = self->shards + g * slots * self->shard_size;
	return self;
}

void
arc_kcp_fec_decoder_free(ArcKcpFecDecoder *self)
{
	if (self == NULL)
		return;
	g_free(self->shards);
	g_free(self);
}

/* data shards rebuilt so far */
guint64
arc_kcp_fec_decoder_recovered(const ArcKcpFecDecoder *self)
{
	return self->recovered;
}

static guint8 *
arc_kcp_fec_slot(const ArcKcpFecDecoder *self, ArcKcpFecGroup *g, guint slot)
{
	return g->shards + slot * self->shard_size;
}

/* the group @group belongs to, started afresh if it is newer than the one in its slot; NULL
 * if it is older (forgotten) */
static ArcKcpFecGroup *
arc_kcp_fec_group(ArcKcpFecDecoder *self, guint32 group)
{
	ArcKcpFecGroup *g = &self->groups[group % ARC_KCP_FEC_GROUPS];
	guint8 *shards = g->shards;

	if (g->used && g->group == group)
		return g;
	if (g->used && (gint32)(group - g->group) < 0)
		return NULL;
	memset(g, 0, sizeof *g);
	g->shards = shards;
	g->used = TRUE;
	g->group = group;
	return g;
}

static gboolean
arc_kcp_fec_deliver(ArcKcpFecDecoder *self, ArcKcpFecGroup *g, guint i, ArcKcpFecFunc deliver,
		    gpointer user_data)
{
	const guint8 *shard = arc_kcp_fec_slot(self, g, i);
	gsize len = ((gsize)shard[0] << 8) | shard[1];

	if (len + 2 > g->len[i])
		return FALSE;
	deliver(shard + 2, len, user_data);
	return TRUE;
}

/* rebuilds the missing data shards of @g (which has at least k shards) */
static void
arc_kcp_fec_recover(ArcKcpFecDecoder *self, ArcKcpFecGroup *g, ArcKcpFecFunc deliver,
		    gpointer user_data)
{
	guint8 a[ARC_KCP_FEC_MAX_M][ARC_KCP_FEC_MAX_M], inv[ARC_KCP_FEC_MAX_M][ARC_KCP_FEC_MAX_M];
	guint missing[ARC_KCP_FEC_MAX_M], rows[ARC_KCP_FEC_MAX_M], n = 0, r = 0;

	for (guint i = 0; i < g->k; i++) {
		if (!(g->data_present & (G_GUINT64_CONSTANT(1) << i)))
			missing[n++] = i;
	}
	for (guint j = 0; j < g->m && r < n; j++) {
		if (g->parity_present & (G_GUINT64_CONSTANT(1) << j))
			rows[r++] = j;
	}
	/* each used parity shard minus the data shards present: sum over the missing ones only */
	for (guint q = 0; q < n; q++) {
		guint8 *s = arc_kcp_fec_slot(self, g, self->max_k + rows[q]);

		for (guint i = 0; i < g->k; i++) {
			if (g->data_present & (G_GUINT64_CONSTANT(1) << i))
				arc_kcp_gf_addmul(s, arc_kcp_fec_slot(self, g, i),
						  arc_kcp_cauchy(g->k, rows[q], i), g->len[i]);
		}
		for (guint c = 0; c < n; c++)
			a[q][c] = arc_kcp_cauchy(g->k, rows[q], missing[c]);
	}
	g->done = TRUE;
	if (!arc_kcp_gf_invert(a, inv, n))
		return;
	for (guint c = 0; c < n; c++) {
		guint8 *d = arc_kcp_fec_slot(self, g, missing[c]);

		memset(d, 0, g->parity_len);
		for (guint q = 0; q < n; q++) {
			arc_kcp_gf_addmul(d, arc_kcp_fec_slot(self, g, self->max_k + rows[q]),
					  inv[c][q], g->parity_len);
		}
		g->len[missing[c]] = g->parity_len;
		if (arc_kcp_fec_deliver(self, g, missing[c], deliver, user_data))
			self->recovered++;
	}
}

static void
arc_kcp_fec_try_recover(ArcKcpFecDecoder *self, ArcKcpFecGroup *g, ArcKcpFecFunc deliver,
			gpointer user_data)
{
	guint have = 0;

	if (g->done || g->k == 0)
		return;
	for (guint i = 0; i < g->k; i++)
		have += (g->data_present >> i) & 1;
	if (have == g->k) {
		g->done = TRUE;
		return;
	}
	for (guint j = 0; j < g->m; j++)
		have += (g->parity_present >> j) & 1;
	if (have >= g->k)
		arc_kcp_fec_recover(self, g, deliver, user_data);
}

static ArcKcpFecInputResult
arc_kcp_fec_input_data(ArcKcpFecDecoder *self, ArcKcpFecGroup *g, guint index, const guint8 *shard,
		       gsize len, ArcKcpFecFunc deliver, gpointer user_data)
{
	gsize payload;

	if (len < 2)
		return ARC_KCP_FEC_INPUT_SHORT;
	payload = ((gsize)shard[0] << 8) | shard[1];
	if (payload + 2 != len)
		return payload + 2 > len ? ARC_KCP_FEC_INPUT_SHORT : ARC_KCP_FEC_INPUT_BAD;
	if (g != NULL && (g->data_present & (G_GUINT64_CONSTANT(1) << index)))
		return ARC_KCP_FEC_INPUT_OK; /* a duplicate */
	deliver(shard + 2, payload, user_data);
	if (g == NULL || g->done || index >= self->max_k ||
	    (g->k != 0 && (index >= g->k || len > g->parity_len)))
		return ARC_KCP_FEC_INPUT_OK;
	memcpy(arc_kcp_fec_slot(self, g, index), shard, len);
	g->len[index] = len;
	g->data_present |= G_GUINT64_CONSTANT(1) << index;
	arc_kcp_fec_try_recover(self, g, deliver, user_data);
	return ARC_KCP_FEC_INPUT_OK;
}

static ArcKcpFecInputResult
arc_kcp_fec_input_parity(ArcKcpFecDecoder *self, ArcKcpFecGroup *g, const guint8 *hdr,
			 const guint8 *shard, gsize len, ArcKcpFecFunc deliver, gpointer user_data)
{
	guint index = hdr[1], k = hdr[2], m = hdr[3];

	if (k == 0 || k > ARC_KCP_FEC_MAX_K || m == 0 || m > ARC_KCP_FEC_MAX_M || index >= m ||
	    len < 2)
		return ARC_KCP_FEC_INPUT_BAD;
	if (k > self->max_k || m > self->max_m)
		return ARC_KCP_FEC_INPUT_STALE; /* a shape beyond what this decoder keeps */
	if (g == NULL || g->done)
		return ARC_KCP_FEC_INPUT_STALE;
	if (g->k == 0) {
		/* the first parity shard fixes the shape; data shards beyond it do not count */
		for (guint i = 0; i < self->max_k; i++) {
			if (i >= k || g->len[i] > len)
				g->data_present &= ~(G_GUINT64_CONSTANT(1) << i);
		}
		g->k = (guint8)k, g->m = (guint8)m, g->parity_len = len;
	} else if (g->k != k || g->m != m || g->parity_len != len) {
		return ARC_KCP_FEC_INPUT_BAD;
	}
	if (g->parity_present & (G_GUINT64_CONSTANT(1) << index))
		return ARC_KCP_FEC_INPUT_OK;
	memcpy(arc_kcp_fec_slot(self, g, self->max_k + index), shard, len);
	g->len[self->max_k + index] = len;
	g->parity_present |= G_GUINT64_CONSTANT(1) << index;
	arc_kcp_fec_try_recover(self, g, deliver, user_data);
	return ARC_KCP_FEC_INPUT_OK;
}

/**
 * arc_kcp_fec_decoder_input:
 * @data: one received datagram (any bytes)
 * @deliver: gets each data payload: at once for a data shard, after recovery for a lost one
 *
 * A payload may be delivered twice (a duplicated datagram after its group was forgotten): the
 * ARQ above drops duplicates anyway.
 */
ArcKcpFecInputResult
arc_kcp_fec_decoder_input(ArcKcpFecDecoder *self, const guint8 *data, gsize len,
			  ArcKcpFecFunc deliver, gpointer user_data)
{
	guint32 group;
	const guint8 *body = data + ARC_KCP_FEC_HEADER_SIZE;
	gsize body_len = len - ARC_KCP_FEC_HEADER_SIZE;

	if (len < ARC_KCP_FEC_HEADER_SIZE)
		return ARC_KCP_FEC_INPUT_SHORT;
	if (body_len > self->shard_size)
		return ARC_KCP_FEC_INPUT_BAD;
	group = ((guint32)data[4] << 24) | ((guint32)data[5] << 16) | ((guint32)data[6] << 8) |
		data[7];
	if (data[0] == ARC_KCP_FEC_TYPE_DATA) {
		if (data[1] >= ARC_KCP_FEC_MAX_K || data[2] != 0 || data[3] != 0)
			return ARC_KCP_FEC_INPUT_BAD;
		return arc_kcp_fec_input_data(self, arc_kcp_fec_group(self, group), data[1], body,
					      body_len, deliver, user_data);
	}
	if (data[0] == ARC_KCP_FEC_TYPE_PARITY)
		return arc_kcp_fec_input_parity(self, arc_kcp_fec_group(self, group), data, body,
						body_len, deliver, user_data);
	return ARC_KCP_FEC_INPUT_BAD;
}
