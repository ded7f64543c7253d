/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Forward error correction of the kcp transport (docs/protocol.md "KCP transport"): every
 * datagram of the ARQ travels as a data shard; after k of them (a group) the encoder sends m
 * parity shards, Reed-Solomon over GF(2^8) with a Cauchy matrix, from which the decoder
 * rebuilds up to m lost data shards of the group out of any k shards received. Data shards are
 * delivered as they arrive; only the lost ones wait for the parity. Pure code, no allocation
 * after _new().
 */

#define ARC_KCP_FEC_HEADER_SIZE 8                               /* type, index, k, m, group */
#define ARC_KCP_FEC_DATA_OVERHEAD (ARC_KCP_FEC_HEADER_SIZE + 2) /* plus a data shard's length */
#define ARC_KCP_FEC_MAX_K 32
#define ARC_KCP_FEC_MAX_M 32

enum {
	ARC_KCP_FEC_TYPE_DATA = 0xf1,
	ARC_KCP_FEC_TYPE_PARITY = 0xf2,
};

typedef enum {
	ARC_KCP_FEC_INPUT_OK,
	ARC_KCP_FEC_INPUT_SHORT, /* shorter than its header or its length field says */
	ARC_KCP_FEC_INPUT_BAD,   /* unknown type, index or shape out of range, oversized */
	ARC_KCP_FEC_INPUT_STALE, /* a parity shard of a group already forgotten or complete */
} ArcKcpFecInputResult;

/* where datagrams go (encoder) or where payloads are delivered (decoder) */
typedef void (*ArcKcpFecFunc)(const guint8 *data, gsize len, gpointer user_data);

typedef struct _ArcKcpFecEncoder ArcKcpFecEncoder;
typedef struct _ArcKcpFecDecoder ArcKcpFecDecoder;

ArcKcpFecEncoder *arc_kcp_fec_encoder_new(guint k, guint m, gsize max_payload);
void arc_kcp_fec_encoder_free(ArcKcpFecEncoder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcKcpFecEncoder, arc_kcp_fec_encoder_free)
gboolean arc_kcp_fec_encoder_push(ArcKcpFecEncoder *self, const guint8 *payload, gsize len,
				  ArcKcpFecFunc output, gpointer user_data);
void arc_kcp_fec_encoder_flush(ArcKcpFecEncoder *self, ArcKcpFecFunc output, gpointer user_data);
guint arc_kcp_fec_encoder_pending(const ArcKcpFecEncoder *self);

ArcKcpFecDecoder *arc_kcp_fec_decoder_new(guint max_k, guint max_m, gsize max_payload);
void arc_kcp_fec_decoder_free(ArcKcpFecDecoder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ArcKcpFecDecoder, arc_kcp_fec_decoder_free)
ArcKcpFecInputResult arc_kcp_fec_decoder_input(ArcKcpFecDecoder *self, const guint8 *data,
					       gsize len, ArcKcpFecFunc deliver,
					       gpointer user_data);
guint64 arc_kcp_fec_decoder_recovered(const ArcKcpFecDecoder *self);

G_END_DECLS
