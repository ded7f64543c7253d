/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <linux/virtio_net.h>
#include <string.h>

/* TUN offloads: the TUN device is opened with IFF_VNET_HDR and TSO, so the kernel hands the TX
 * thread TCP super-packets of up to 64 KiB with their checksums left to us, in one read instead
 * of forty. They are cut here into MTU-sized segments (what the kernel's GSO would have done):
 * headers copied, lengths, IDs, sequence numbers and flags adjusted, checksums computed. */

#define TEMPEST_VNET_F_NEEDS_CSUM VIRTIO_NET_HDR_F_NEEDS_CSUM

/* adds the big-endian 16-bit words of data (a trailing byte as the high half of a word) to
 * sum. Summed 8 bytes at a time in host order with end-around carries (RFC 1071: the
 * ones'-complement sum does not care about word size or byte order until folded): the
 * byte-at-a-time version was 30 % of the TX thread's instructions under callgrind. */
static guint32
tempest_csum_add(guint32 sum, const guint8 *data, gsize len)
{
	guint64 acc = 0;
	guint16 folded;
	gsize i = 0;

	for (; i + 8 <= len; i += 8) {
		guint64 w;
		memcpy(&w, data + i, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	for (; i + 2 <= len; i += 2) {
		guint16 w;
		memcpy(&w, data + i, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	if (i < len) {
		guint8 last[2] = {data[i], 0};
		guint16 w;
		memcpy(&w, last, sizeof(w));
		acc += w;
		acc += acc < w;
	}
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	folded = GUINT16_FROM_BE((guint16)acc);
	return sum + folded;
}

static guint16
tempest_csum_fold(guint32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (guint16)~sum;
}

static void
tempest_put_be16(guint8 *p, guint16 v)
{
	p[0] = (guint8)(v >> 8);
	p[1] = (guint8)v;
}

static guint32
tempest_get_be32(const guint8 *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static void
tempest_put_be32(guint8 *p, guint32 v)
{
	tempest_put_be16(p, (guint16)(v >> 16));
	tempest_put_be16(p + 2, (guint16)v);
}

/* the pseudo-header sum of an IPv4 or IPv6 packet for a transport segment of l4_len bytes */
static guint32
tempest_pseudo_sum(const guint8 *ip, gboolean v6, guint8 proto, gsize l4_len)
{
	guint32 sum = 0;

	if (v6)
		sum = tempest_csum_add(sum, ip + 8, 32);
	else
		sum = tempest_csum_add(sum, ip + 12, 8);
	return sum + proto + (guint32)l4_len;
}

/* a non-GSO packet whose checksum the kernel left to us (NEEDS_CSUM): computed in place */
static gboolean
tempest_finish_csum(guint8 *pkt, gsize len, const struct virtio_net_hdr *h)
{
	gsize start = h->csum_start;
	gsize at = start + h->csum_offset;

	if (!(h->flags & TEMPEST_VNET_F_NEEDS_CSUM))
		return TRUE;
	if (at + 2 > len || start >= len)
		return FALSE;
	/* the field holds the pseudo-header sum already: the sum over it covers everything */
	tempest_put_be16(pkt + at,
			 tempest_csum_fold(tempest_csum_add(0, pkt + start, len - start)));
	return TRUE;
}

/* one TCP segment of a super-packet into out: headers (hdr bytes), then payload */
static gsize
tempest_tso_segment(const guint8 *pkt, gsize ip_len, gsize hdr, const guint8 *payload, gsize n,
		    guint32 seq_offset, guint index, gboolean last, guint8 *out)
{
	gboolean v6 = (pkt[0] >> 4) == 6;
	guint8 *tcp = out + ip_len;
	guint32 sum;

	memcpy(out, pkt, hdr);
	memcpy(out + hdr, payload, n);
	if (v6) {
		tempest_put_be16(out + 4, (guint16)(hdr - 40 + n));
	} else {
		tempest_put_be16(out + 2, (guint16)(hdr + n));
		tempest_put_be16(out + 4, (guint16)(((guint)pkt[4] << 8 | pkt[5]) + index));
		out[10] = out[11] = 0;
		tempest_put_be16(out + 10, tempest_csum_fold(tempest_csum_add(0, out, ip_len)));
	}
	tempest_put_be32(tcp + 4, tempest_get_be32(tcp + 4) + seq_offset);
	if (index > 0)
		tcp[13] &= (guint8)~0x80; /* CWR only on the first */
	if (!last)
		tcp[13] &= (guint8)~0x09; /* FIN and PSH only on the last */
	tcp[16] = tcp[17] = 0;
	sum = tempest_pseudo_sum(out, v6, 6, hdr - ip_len + n);
	tempest_put_be16(tcp + 16, tempest_csum_fold(tempest_csum_add(sum, tcp, hdr - ip_len + n)));
	return hdr + n;
}

/* the IP header's length and the TCP header's end, or FALSE when it is no plain TCP packet */
static gboolean
tempest_tso_headers(const guint8 *pkt, gsize len, gsize *ip_len, gsize *hdr)
{
	if (len >= 20 && (pkt[0] >> 4) == 4 && pkt[9] == 6)
		*ip_len = (gsize)(pkt[0] & 0x0f) * 4;
	else if (len >= 40 && (pkt[0] >> 4) == 6 && pkt[6] == 6)
		*ip_len = 40; /* extension headers: not offloaded by the kernel for us */
	else
		return FALSE;
	if (*ip_len < 20 || *ip_len + 20 > len)
		return FALSE;
	*hdr = *ip_len + (gsize)(pkt[*ip_len + 12] >> 4) * 4;
	return *hdr <= len && *hdr >= *ip_len + 20;
}

guint
tempest_dev_offload_count(const guint8 *frame, gsize len)
{
	const struct virtio_net_hdr *h = (const struct virtio_net_hdr *)frame;
	const guint8 *pkt = frame + sizeof(*h);
	gsize ip_len = 0, hdr = 0;

	if (len < sizeof(*h) || (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_NONE)
		return 1;
	if (h->gso_size == 0 || !tempest_tso_headers(pkt, len - sizeof(*h), &ip_len, &hdr))
		return 0;
	return (guint)((len - sizeof(*h) - hdr + h->gso_size - 1) / h->gso_size);
}

guint
tempest_dev_offload_split(guint8 *frame, gsize len, guint8 *const *outs, gsize *out_lens, guint max)
{
	const struct virtio_net_hdr *h = (const struct virtio_net_hdr *)frame;
	guint8 *pkt = frame + sizeof(*h);
	gsize pkt_len = len - sizeof(*h);
	gsize ip_len = 0, hdr = 0, done = 0;
	guint n = 0;

	if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_NONE) {
		if (max < 1 || pkt_len > TEMPEST_DEV_BUF_LEN - 64 ||
		    !tempest_finish_csum(pkt, pkt_len, h))
			return 0;
		memcpy(outs[0], pkt, pkt_len);
		out_lens[0] = pkt_len;
		return 1;
	}
	if (!tempest_tso_headers(pkt, pkt_len, &ip_len, &hdr) || h->gso_size == 0 ||
	    hdr + h->gso_size > TEMPEST_DEV_BUF_LEN - 64)
		return 0;
	while (done < pkt_len - hdr && n < max) {
		gsize chunk = MIN(h->gso_size, pkt_len - hdr - done);
		gboolean last = done + chunk == pkt_len - hdr;
		out_lens[n] = tempest_tso_segment(pkt, ip_len, hdr, pkt + hdr + done, chunk,
						  (guint32)done, n, last, outs[n]);
		done += chunk;
		n++;
	}
	return n;
}
