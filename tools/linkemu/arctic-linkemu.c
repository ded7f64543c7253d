/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * arctic-linkemu: a WAN link between two TUN devices, for tests and benchmarks (not installed).
 * The kernel here has no netem, so this forwards every packet read from one device to the
 * other after a one-way delay (with optional jitter), random or bursty loss and a rate limit
 * with a bounded drop-tail queue. One thread, epoll + an absolute timerfd; each direction is a
 * FIFO ring of fixed buffers filled by read() in place, so the steady state allocates nothing.
 *
 * Packets never overtake each other: a packet's release time is at least its predecessor's,
 * which keeps each ring sorted by release time (the head is always the next to go) and is also
 * what a real link does (jitter there comes from queues, which do not reorder).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/if_tun.h>
#include <math.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define ARC_LINKEMU_SLOT 2048 /* bytes per buffer: the TUN MTU must stay below it */
#define ARC_LINKEMU_BATCH                                                                          \
	64 /* reads per device per wakeup, so one side cannot starve the other                     \
	    */

typedef struct {
	guint64 release_ns; /* when it leaves the link */
	guint64 tx_done_ns; /* when its last bit has left the rate limiter */
	guint16 len;
} ArcLinkemuSlot;

typedef struct {
	gdouble delay_ms;
	gdouble jitter_ms;
	gdouble loss;       /* long-run loss probability */
	gdouble loss_burst; /* mean burst length in packets (Gilbert); <= 1: independent losses */
	gdouble rate_mbit;  /* 0: unlimited */
	gdouble queue_ms;   /* drop-tail limit of the rate limiter's queue */
	guint queue_pkts;   /* the same in packets (0: no packet limit) */
} ArcLinkemuParams;

typedef struct {
	const gchar *name; /* "a->b" */
	gint in_fd;
	gint out_fd;
	ArcLinkemuParams p;
	guint64 rng;
	gboolean bad_state; /* Gilbert: in a loss burst */
	/* the ring: [head, tail) hold packets, [qhead, tail) those still in the rate limiter */
	ArcLinkemuSlot *slots;
	guint8 *data;
	guint n_slots;
	guint64 head, qhead, tail;
	guint64 link_free_ns;
	guint64 last_release_ns;
	/* counters */
	guint64 rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	guint64 drop_loss, drop_queue, drop_ring, write_errors;
} ArcLinkemuDir;

static guint64
arc_linkemu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (guint64)ts.tv_sec * G_GUINT64_CONSTANT(1000000000) + (guint64)ts.tv_nsec;
}

/* splitmix64: seeded, reproducible, and good enough for loss decisions */
static gdouble
arc_linkemu_random(ArcLinkemuDir *d)
{
	guint64 z = (d->rng += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
	z ^= z >> 31;
	return (gdouble)(z >> 11) / (gdouble)(G_GUINT64_CONSTANT(1) << 53);
}

/* Independent losses, or the two-state Gilbert model: a burst starts with probability
 * loss / (burst * (1 - loss)) and ends with 1 / burst, so the long-run rate is still @loss */
static gboolean
arc_linkemu_lose(ArcLinkemuDir *d)
{
	gdouble p = d->p.loss, b = d->p.loss_burst;

	if (p <= 0)
		return FALSE;
	if (b <= 1 || p >= 1)
		return arc_linkemu_random(d) < p;
	if (d->bad_state)
		d->bad_state = arc_linkemu_random(d) >= 1.0 / b;
	else
		d->bad_state = arc_linkemu_random(d) < p / (b * (1 - p));
	return d->bad_state;
}

/* Rate limiter and delay for a packet of @len bytes arriving at @now: fills in its times, or
 * returns FALSE when the queue is full (drop-tail) */
static gboolean
arc_linkemu_schedule(ArcLinkemuDir *d, ArcLinkemuSlot *s, guint len, guint64 now)
{
	guint64 start = MAX(now, d->link_free_ns), tx_done = start;
	gdouble delay_ms = d->p.delay_ms;

	while (d->qhead < d->tail && d->slots[d->qhead % d->n_slots].tx_done_ns <= now)
		d->qhead++;
	if (d->p.rate_mbit > 0) {
		tx_done = start + (guint64)(len * 8 * 1000.0 / d->p.rate_mbit);
		if (start > now && (gdouble)(tx_done - now) > d->p.queue_ms * 1e6)
			return FALSE;
		if (d->p.queue_pkts > 0 && d->tail - d->qhead >= d->p.queue_pkts)
			return FALSE;
		d->link_free_ns = tx_done;
	}
	if (d->p.jitter_ms > 0)
		delay_ms += (2 * arc_linkemu_random(d) - 1) * d->p.jitter_ms;
	s->tx_done_ns = tx_done;
	s->release_ns = MAX(tx_done + (guint64)(MAX(delay_ms, 0) * 1e6), d->last_release_ns);
	s->len = (guint16)len;
	d->last_release_ns = s->release_ns;
	return TRUE;
}

/* reads up to a batch of packets from @d's input into its ring; returns FALSE on a fatal error */
static gboolean
arc_linkemu_read(ArcLinkemuDir *d)
{
	for (guint i = 0; i < ARC_LINKEMU_BATCH; i++) {
		ArcLinkemuSlot *s = &d->slots[d->tail % d->n_slots];
		guint8 *buf = d->data + (d->tail % d->n_slots) * (gsize)ARC_LINKEMU_SLOT;
		gboolean full = d->tail - d->head >= d->n_slots;
		guint8 scratch[ARC_LINKEMU_SLOT];
		ssize_t n = read(d->in_fd, full ? scratch : buf, ARC_LINKEMU_SLOT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return TRUE;
		if (n < 0) {
			g_printerr("arctic-linkemu: read %s: %s\n", d->name, g_strerror(errno));
			return FALSE;
		}
		d->rx_pkts++;
		d->rx_bytes += (guint64)n;
		if (full)
			d->drop_ring++;
		else if (arc_linkemu_lose(d))
			d->drop_loss++;
		else if (!arc_linkemu_schedule(d, s, (guint)n, arc_linkemu_now()))
			d->drop_queue++;
		else
			d->tail++;
	}
	return TRUE;
}

/* writes every packet whose time has come */
static void
arc_linkemu_release(ArcLinkemuDir *d, guint64 now)
{
	while (d->head < d->tail) {
		ArcLinkemuSlot *s = &d->slots[d->head % d->n_slots];
		guint8 *buf = d->data + (d->head % d->n_slots) * (gsize)ARC_LINKEMU_SLOT;

		if (s->release_ns > now)
			break;
		if (write(d->out_fd, buf, s->len) == (ssize_t)s->len) {
			d->tx_pkts++;
			d->tx_bytes += s->len;
		} else {
			d->write_errors++;
		}
		d->head++;
	}
	if (d->qhead < d->head)
		d->qhead = d->head;
}

static void
arc_linkemu_print(const ArcLinkemuDir *dirs)
{
	for (guint i = 0; i < 2; i++) {
		const ArcLinkemuDir *d = &dirs[i];

		g_print("%s: rx %" G_GUINT64_FORMAT " pkts %" G_GUINT64_FORMAT
			" bytes, tx %" G_GUINT64_FORMAT " pkts %" G_GUINT64_FORMAT
			" bytes, dropped: loss %" G_GUINT64_FORMAT " queue %" G_GUINT64_FORMAT
			" ring %" G_GUINT64_FORMAT ", write errors %" G_GUINT64_FORMAT
			", in flight %" G_GUINT64_FORMAT "\n",
			d->name, d->rx_pkts, d->rx_bytes, d->tx_pkts, d->tx_bytes, d->drop_loss,
			d->drop_queue, d->drop_ring, d->write_errors, d->tail - d->head);
	}
	fflush(stdout);
}

/* attaches to (or creates) the TUN device @name, non-blocking */
static gint
arc_linkemu_tun_open(const gchar *name)
{
	struct ifreq ifr = {0};
	gint fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		g_printerr("arctic-linkemu: /dev/net/tun: %s\n", g_strerror(errno));
		return -1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	g_strlcpy(ifr.ifr_name, name, IFNAMSIZ);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		g_printerr("arctic-linkemu: TUN device %s: %s\n", name, g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* "X" sets both directions, "X,Y" a->b and b->a */
static gboolean
arc_linkemu_parse_pair(const gchar *text, gdouble out[2])
{
	g_auto(GStrv) parts = NULL;
	guint n;

	if (text == NULL)
		return TRUE;
	parts = g_strsplit(text, ",", -1);
	n = g_strv_length(parts);
	if (n < 1 || n > 2)
		return FALSE;
	for (guint i = 0; i < n; i++) {
		gchar *end = NULL;

		out[i] = g_ascii_strtod(parts[i], &end);
		if (end == parts[i] || *end != '\0' || !isfinite(out[i]) || out[i] < 0)
			return FALSE;
	}
	if (n == 1)
		out[1] = out[0];
	return TRUE;
}

typedef struct {
	gchar *tun_a, *tun_b;
	gchar *delay, *jitter, *loss, *burst, *rate, *queue_ms, *queue_pkts;
	gint64 seed;
	gint ring;
	gboolean realtime;
} ArcLinkemuOptions;

static gboolean
arc_linkemu_parse(ArcLinkemuOptions *o, int *argc, char ***argv, ArcLinkemuParams params[2])
{
	const GOptionEntry entries[] = {
		{"tun-a", 0, 0, G_OPTION_ARG_STRING, &o->tun_a, "First TUN device", "NAME"},
		{"tun-b", 0, 0, G_OPTION_ARG_STRING, &o->tun_b, "Second TUN device", "NAME"},
		{"delay-ms", 0, 0, G_OPTION_ARG_STRING, &o->delay, "One-way delay", "MS[,MS]"},
		{"jitter-ms", 0, 0, G_OPTION_ARG_STRING, &o->jitter, "Uniform jitter (+/-)",
		 "MS[,MS]"},
		{"loss", 0, 0, G_OPTION_ARG_STRING, &o->loss, "Loss probability", "P[,P]"},
		{"loss-burst", 0, 0, G_OPTION_ARG_STRING, &o->burst,
		 "Mean loss burst length (Gilbert model)", "N[,N]"},
		{"rate-mbit", 0, 0, G_OPTION_ARG_STRING, &o->rate, "Rate limit (0: none)",
		 "MBIT[,MBIT]"},
		{"queue-ms", 0, 0, G_OPTION_ARG_STRING, &o->queue_ms,
		 "Queue limit of the rate limiter (default 50)", "MS[,MS]"},
		{"queue-packets", 0, 0, G_OPTION_ARG_STRING, &o->queue_pkts,
		 "Queue limit in packets (default none)", "N[,N]"},
		{"realtime", 0, 0, G_OPTION_ARG_NONE, &o->realtime,
		 "Run as SCHED_FIFO, so the delay holds on a loaded machine", NULL},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Random seed (default 1)", "N"},
		{"ring", 0, 0, G_OPTION_ARG_INT, &o->ring,
		 "Packets in flight per direction (default 16384)", "N"},
		{NULL},
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("- emulate a WAN link between two TUN devices");
	g_autoptr(GError) error = NULL;
	gdouble v[7][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {50, 50}, {0, 0}};
	const gchar *texts[7];

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		g_printerr("arctic-linkemu: %s\n", error->message);
		return FALSE;
	}
	if (o->tun_a == NULL || o->tun_b == NULL || o->ring < 16) {
		g_printerr("arctic-linkemu: --tun-a and --tun-b are required, --ring >= 16\n");
		return FALSE;
	}
	texts[0] = o->delay, texts[1] = o->jitter, texts[2] = o->loss, texts[3] = o->burst;
	texts[4] = o->rate, texts[5] = o->queue_ms, texts[6] = o->queue_pkts;
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		if (!arc_linkemu_parse_pair(texts[i], v[i]) ||
		    (i == 2 && MAX(v[i][0], v[i][1]) > 1)) {
			g_printerr("arctic-linkemu: bad value '%s'\n", texts[i]);
			return FALSE;
		}
	}
	for (guint d = 0; d < 2; d++) {
		params[d] = (ArcLinkemuParams){v[0][d], v[1][d], v[2][d],       v[3][d],
					       v[4][d], v[5][d], (guint)v[6][d]};
	}
	return TRUE;
}

static gboolean
arc_linkemu_dir_init(ArcLinkemuDir *d, const gchar *name, gint in_fd, gint out_fd,
		     const ArcLinkemuParams *p, guint64 seed, guint ring)
{
	d->name = name;
	d->in_fd = in_fd;
	d->out_fd = out_fd;
	d->p = *p;
	d->rng = seed;
	d->n_slots = ring;
	d->slots = g_try_new0(ArcLinkemuSlot, ring);
	d->data = g_try_malloc((gsize)ring * ARC_LINKEMU_SLOT);
	return d->slots != NULL && d->data != NULL;
}

/* arms @tfd for the earliest head of the two rings (disarms when both are empty) */
static void
arc_linkemu_arm(gint tfd, const ArcLinkemuDir *dirs, guint64 *armed)
{
	guint64 next = G_MAXUINT64;
	struct itimerspec its = {0};

	for (guint i = 0; i < 2; i++) {
		if (dirs[i].head < dirs[i].tail)
			next = MIN(next, dirs[i].slots[dirs[i].head % dirs[i].n_slots].release_ns);
	}
	if (next == *armed)
		return;
	*armed = next;
	if (next != G_MAXUINT64) {
		its.it_value.tv_sec = (time_t)(next / 1000000000);
		its.it_value.tv_nsec = (long)(next % 1000000000);
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* handles the signals queued on @sfd; returns FALSE when it is time to stop */
static gboolean
arc_linkemu_signals(gint sfd, const ArcLinkemuDir *dirs)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo != SIGUSR1)
			return FALSE;
		arc_linkemu_print(dirs);
	}
	return TRUE;
}

static gint
arc_linkemu_run(ArcLinkemuDir *dirs, gint epfd, gint tfd, gint sfd)
{
	guint64 armed = 0;

	for (;;) {
		struct epoll_event evs[4];
		gint n = epoll_wait(epfd, evs, G_N_ELEMENTS(evs), -1);
		guint64 now;

		if (n < 0 && errno != EINTR)
			return 1;
		for (gint i = 0; i < n; i++) {
			guint64 expirations;

			if (evs[i].data.fd == sfd && !arc_linkemu_signals(sfd, dirs))
				return 0;
			/* fired: the same deadline must be armed again if it is still the next */
			if (evs[i].data.fd == tfd) {
				armed = 0;
				(void)!read(tfd, &expirations, sizeof expirations);
			}
			for (guint k = 0; k < 2; k++) {
				if (evs[i].data.fd == dirs[k].in_fd && !arc_linkemu_read(&dirs[k]))
					return 1;
			}
		}
		now = arc_linkemu_now();
		arc_linkemu_release(&dirs[0], now);
		arc_linkemu_release(&dirs[1], now);
		arc_linkemu_arm(tfd, dirs, &armed);
	}
}

int
main(int argc, char **argv)
{
	ArcLinkemuOptions o = {.seed = 1, .ring = 16384};
	ArcLinkemuParams params[2];
	ArcLinkemuDir dirs[2] = {{0}};
	sigset_t mask;
	gint fa, fb, epfd, tfd, sfd, rc;
	gint fds[4];

	if (!arc_linkemu_parse(&o, &argc, &argv, params))
		return 2;
	fa = arc_linkemu_tun_open(o.tun_a);
	fb = arc_linkemu_tun_open(o.tun_b);
	if (fa < 0 || fb < 0)
		return 1;
	if (!arc_linkemu_dir_init(&dirs[0], "a->b", fa, fb, &params[0], (guint64)o.seed,
				  (guint)o.ring) ||
	    !arc_linkemu_dir_init(&dirs[1], "b->a", fb, fa, &params[1], (guint64)o.seed * 7919 + 1,
				  (guint)o.ring)) {
		g_printerr("arctic-linkemu: out of memory for %d packets\n", o.ring);
		return 1;
	}
	/* timerfd deadlines are otherwise rounded up by the default 50 us of slack */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (o.realtime) {
		/* the loop sleeps in epoll_wait, so a real-time priority costs others nothing idle
		 */
		struct sched_param sp = {.sched_priority = 10};

		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			g_printerr("arctic-linkemu: SCHED_FIFO: %s\n", g_strerror(errno));
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	fds[0] = fa, fds[1] = fb, fds[2] = tfd, fds[3] = sfd;
	for (guint i = 0; i < G_N_ELEMENTS(fds); i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};

		if (fds[i] < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
			g_printerr("arctic-linkemu: epoll: %s\n", g_strerror(errno));
			return 1;
		}
	}
	g_print("arctic-linkemu: %s <-> %s ready\n", o.tun_a, o.tun_b);
	fflush(stdout);
	rc = arc_linkemu_run(dirs, epfd, tfd, sfd);
	arc_linkemu_print(dirs);
	return rc;
}
