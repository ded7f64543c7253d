/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* The AEAD behind Tempest's packets: ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce, four
 * zero bytes then the 64-bit counter in little-endian, and XChaCha20-Poly1305 for cookie replies.
 * A backend is a const table of functions: thread-safe, no allocation per call, and dst may
 * equal src (the packet path encrypts in its own buffers); any other overlap is undefined. */

#define TEMPEST_AEAD_TAG_LEN 16
#define TEMPEST_AEAD_XNONCE_LEN 24

typedef struct {
	const gchar *name;
	/* seal len bytes of src into dst (len + TAG_LEN bytes) */
	void (*seal)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
		     guint64 counter, const guint8 key[32]);
	/* open len bytes (tag included) of src into dst (len - TAG_LEN bytes); FALSE when the
	 * tag does not verify or len < TAG_LEN, and then dst holds nothing usable */
	gboolean (*open)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			 guint64 counter, const guint8 key[32]);
	/* the same with a whole 96-bit nonce: for known-answer tests, not the packet path */
	void (*seal_nonce)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			   gsize ad_len, const guint8 nonce[12], const guint8 key[32]);
	gboolean (*open_nonce)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad,
			       gsize ad_len, const guint8 nonce[12], const guint8 key[32]);
	void (*xseal)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
		      const guint8 nonce[TEMPEST_AEAD_XNONCE_LEN], const guint8 key[32]);
	gboolean (*xopen)(guint8 *dst, const guint8 *src, gsize len, const guint8 *ad, gsize ad_len,
			  const guint8 nonce[TEMPEST_AEAD_XNONCE_LEN], const guint8 key[32]);
} TempestAead;

#define TEMPEST_AEAD_ERROR tempest_aead_error_quark()
GQuark tempest_aead_error_quark(void);

typedef enum {
	TEMPEST_AEAD_ERROR_UNKNOWN,     /* no backend of that name */
	TEMPEST_AEAD_ERROR_UNAVAILABLE, /* known, not built in */
	TEMPEST_AEAD_ERROR_SELF_TEST,   /* built in, gives wrong answers */
} TempestAeadError;

/* libsodium's: always there, and what the handshake uses */
const TempestAead *tempest_aead_sodium(void);

/* OpenSSL libcrypto's, or NULL when built without it (TEMPEST_HAVE_OPENSSL) */
const TempestAead *tempest_aead_openssl(void);

/* runs RFC 8439 §2.8.2 and draft-irtf-cfrg-xchacha A.3.1 through a backend, sealing and
 * opening, in place and not */
gboolean tempest_aead_self_test(const TempestAead *aead);

/* this thread's CPU time in microseconds (CLOCK_THREAD_CPUTIME_ID) */
gint64 tempest_aead_cpu_time(void);

/* nanoseconds of CPU per seal of a 1420-byte packet, measured for about budget_us of CPU */
gdouble tempest_aead_measure(const TempestAead *aead, gint64 budget_us);

/* "sodium", "openssl", or "auto": every built-in backend that passes its self-test is timed
 * for about 20 ms at 1420 bytes and the fastest is returned. Thread-safe. */
const TempestAead *tempest_aead_select(const gchar *name, GError **error);
