/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-device-private.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

/* The device's system plumbing: the TUN device and the UAPI socket server (its own thread,
 * one client at a time, as the wg tool talks to it). */

static gboolean
tempest_dev_set_error_errno(GError **error, const gchar *what, const gchar *name)
{
	gint saved = errno;

	g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_SYSTEM, "%s %s: %s", what,
		    name, g_strerror(saved));
	return FALSE;
}

/* MTU and IFF_UP by ioctl on a throwaway socket: no netlink needed for two flags */
static gboolean
tempest_dev_tun_configure(const gchar *ifname, guint mtu, GError **error)
{
	struct ifreq ifr = {0};
	gint sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (sock < 0)
		return tempest_dev_set_error_errno(error, "cannot configure", ifname);
	g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
	ifr.ifr_mtu = (gint)mtu;
	ok = ioctl(sock, SIOCSIFMTU, &ifr) == 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0;
	if (ok) {
		ifr.ifr_flags |= IFF_UP;
		ok = ioctl(sock, SIOCSIFFLAGS, &ifr) == 0;
	}
	if (!ok)
		tempest_dev_set_error_errno(error, "cannot configure", ifname);
	close(sock);
	return ok;
}

gint
tempest_dev_tun_create(const gchar *ifname, guint mtu, GError **error)
{
	struct ifreq ifr = {.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR};
	gint fd;

	if (strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ) {
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
			    "invalid interface name “%s”", ifname);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		tempest_dev_set_error_errno(error, "cannot open", "/dev/net/tun");
		return -1;
	}
	g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		tempest_dev_set_error_errno(error, "cannot create TUN device", ifname);
		close(fd);
		return -1;
	}
	/* TSO: the kernel hands over TCP super-packets, cut by the TX thread (fewer reads); a
	 * kernel without it gives plain packets behind the same header */
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) < 0)
		(void)ioctl(fd, TUNSETOFFLOAD, 0);
	if (!tempest_dev_tun_configure(ifr.ifr_name, mtu, error)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct _TempestDevUapiServer {
	TempestDevice *device;
	gchar *path;
	gboolean read_only;
	gint listen_fd;
	gint stop_pipe[2];
	GThread *thread;
};

static gchar *
tempest_dev_uapi_answer(TempestDevUapiServer *self, const gchar *req, gsize len, gsize *out_len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUapiChange) change = NULL;
	TempestUapiOp op = TEMPEST_UAPI_OP_GET;
	gchar *reply;

	if (!tempest_uapi_parse_request(req, len, &op, &change, &error)) {
		g_debug("UAPI request refused: %s", error->message);
		reply = tempest_uapi_errno_reply(tempest_uapi_error_to_errno(error));
	} else if (op == TEMPEST_UAPI_OP_GET) {
		g_autoptr(TempestUapiSnapshot) snapshot = tempest_device_snapshot(self->device);
		return tempest_uapi_snapshot_serialize(snapshot, out_len);
	} else if (self->read_only) {
		reply = tempest_uapi_errno_reply(EPERM);
	} else {
		reply = tempest_uapi_errno_reply(tempest_device_apply(self->device, change));
	}
	*out_len = strlen(reply);
	return reply;
}

static gboolean
tempest_dev_write_all(gint fd, const gchar *data, gsize len)
{
	while (len > 0) {
		gssize w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return FALSE;
		data += w;
		len -= (gsize)w;
	}
	return TRUE;
}

/* one connection: requests until the client closes (or sends something unusable) */
static void
tempest_dev_uapi_serve(TempestDevUapiServer *self, gint fd)
{
	g_autoptr(GByteArray) in = g_byte_array_new();
	guint8 chunk[4096];

	for (;;) {
		gsize req_len;
		gssize r = read(fd, chunk, sizeof(chunk));
		if (r <= 0)
			break;
		g_byte_array_append(in, chunk, (guint)r);
		while ((req_len = tempest_uapi_request_length((gchar *)in->data, in->len)) > 0) {
			gsize out_len = 0;
			gchar *out =
				tempest_dev_uapi_answer(self, (gchar *)in->data, req_len, &out_len);
			gboolean ok = tempest_dev_write_all(fd, out, out_len);
			tempest_uapi_text_free(out);
			sodium_memzero(in->data, req_len);
			g_byte_array_remove_range(in, 0, (guint)req_len);
			if (!ok)
				return;
		}
		if (in->len > TEMPEST_UAPI_MAX_REQUEST)
			break;
	}
	sodium_memzero(in->data, in->len);
}

static gpointer
tempest_dev_uapi_thread(gpointer data)
{
	TempestDevUapiServer *self = data;
	struct pollfd pfds[2] = {
		{.fd = self->listen_fd, .events = POLLIN},
		{.fd = self->stop_pipe[0], .events = POLLIN},
	};

	while (poll(pfds, 2, -1) >= 0 || errno == EINTR) {
		gint fd;
		if (pfds[1].revents != 0)
			break;
		if (!(pfds[0].revents & POLLIN))
			continue;
		fd = accept4(self->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		tempest_dev_uapi_serve(self, fd);
		close(fd);
	}
	return NULL;
}

static gint
tempest_dev_uapi_listen(const gchar *path, GError **error)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	g_autofree gchar *dir = g_path_get_dirname(path);
	gint fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		g_set_error(error, TEMPEST_DEVICE_ERROR, TEMPEST_DEVICE_ERROR_INVALID,
			    "socket path too long: %s", path);
		return -1;
	}
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	(void)g_mkdir_with_parents(dir, 0755);
	(void)unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 8) < 0) {
		tempest_dev_set_error_errno(error, "cannot listen on", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

TempestDevUapiServer *
tempest_dev_uapi_server_start(TempestDevice *device, const gchar *path, gboolean read_only,
			      GError **error)
{
	TempestDevUapiServer *self;
	gint fd = tempest_dev_uapi_listen(path, error);

	if (fd < 0)
		return NULL;
	self = g_new0(TempestDevUapiServer, 1);
	self->device = device;
	self->path = g_strdup(path);
	self->read_only = read_only;
	self->listen_fd = fd;
	if (pipe2(self->stop_pipe, O_CLOEXEC) < 0)
		g_error("cannot make a pipe: %s", g_strerror(errno));
	self->thread = g_thread_new("tempest-uapi", tempest_dev_uapi_thread, self);
	return self;
}

void
tempest_dev_uapi_server_stop(TempestDevUapiServer *self)
{
	if (self == NULL)
		return;
	(void)!write(self->stop_pipe[1], "x", 1);
	g_thread_join(self->thread);
	close(self->listen_fd);
	close(self->stop_pipe[0]);
	close(self->stop_pipe[1]);
	(void)unlink(self->path);
	g_free(self->path);
	g_free(self);
}
