/*
 * Copyright 2026 The Arctic Authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tempest-uapi-server.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <net/if.h>
#include <poll.h>
#include <sodium.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct {
	gint fd;   /* -1: free slot */
	gchar *in; /* may hold keys: grown by copy and wipe, never realloc'd */
	gsize in_len;
	gsize in_size;
	gchar *out; /* the answer being written; may hold keys */
	gsize out_len;
	gsize out_pos;
	gint64 deadline; /* monotonic, µs */
} TempestUapiClient;

struct _TempestUapiServer {
	TempestUapiServerConfig config;
	gchar *path;
	dev_t dev;
	ino_t ino;
	gint listen_fd;
	gint wake_fd;
	GThread *thread;
	TempestUapiClient *clients;
};

static gboolean
tempest_uapi_server_set_errno(GError **error, gint err, const gchar *what, const gchar *path)
{
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "%s %s: %s", what, path,
		    g_strerror(err));
	return FALSE;
}

/**
 * tempest_uapi_server_check_ifname:
 *
 * Returns: whether @ifname can name an interface and a file: 1 to 15 bytes of letters, digits
 * and "_=+.-", not "." or ".."
 */
gboolean
tempest_uapi_server_check_ifname(const gchar *ifname)
{
	gsize len = strlen(ifname);

	if (len == 0 || len >= IFNAMSIZ || g_str_equal(ifname, ".") || g_str_equal(ifname, ".."))
		return FALSE;
	for (const gchar *p = ifname; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr("_=+.-", *p) == NULL)
			return FALSE;
	return TRUE;
}

/* the directory: ours (our uid), a real directory, not writable by others */
static gboolean
tempest_uapi_server_prepare_dir(const gchar *dir, GError **error)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return tempest_uapi_server_set_errno(error, errno, "cannot create", dir);
	if (lstat(dir, &st) != 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot inspect", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0022) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			    "%s is not a directory of ours that only we can write", dir);
		return FALSE;
	}
	return TRUE;
}

/* a socket left by a process that is gone is removed; anything else stays and is refused */
static gboolean
tempest_uapi_server_clear_stale(const struct sockaddr_un *addr, GError **error)
{
	struct stat st;
	gint fd;
	gint err;

	if (lstat(addr->sun_path, &st) != 0)
		return errno == ENOENT || tempest_uapi_server_set_errno(
						  error, errno, "cannot inspect", addr->sun_path);
	if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "%s exists and is not a socket of ours", addr->sun_path);
		return FALSE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot probe", addr->sun_path);
	err = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ? 0 : errno;
	close(fd);
	if (err == 0)
		return tempest_uapi_server_set_errno(error, EADDRINUSE, "another process serves",
						     addr->sun_path);
	if (err != ECONNREFUSED)
		return tempest_uapi_server_set_errno(error, err, "cannot probe", addr->sun_path);
	if (unlink(addr->sun_path) != 0 && errno != ENOENT)
		return tempest_uapi_server_set_errno(error, errno, "cannot remove", addr->sun_path);
	return TRUE;
}

/*
 * umask is the only way to create the socket file without a moment in which others may
 * connect; it is process-wide, so files other threads create in these few microseconds are
 * created 0600 too, which errs on the safe side.
 */
static gboolean
tempest_uapi_server_bind(TempestUapiServer *self, const struct sockaddr_un *addr, GError **error)
{
	struct stat st;
	mode_t old_mask;
	gint ret;

	self->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (self->listen_fd < 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot create socket",
						     self->path);
	old_mask = umask(0177);
	ret = bind(self->listen_fd, (const struct sockaddr *)addr, sizeof(*addr));
	umask(old_mask);
	if (ret != 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot bind", self->path);
	if (lstat(self->path, &st) != 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot inspect", self->path);
	self->dev = st.st_dev;
	self->ino = st.st_ino;
	if (listen(self->listen_fd, 16) != 0)
		return tempest_uapi_server_set_errno(error, errno, "cannot listen on", self->path);
	return TRUE;
}

static void
tempest_uapi_client_wipe_in(TempestUapiClient *client)
{
	if (client->in != NULL)
		sodium_memzero(client->in, client->in_size);
	g_clear_pointer(&client->in, g_free);
	client->in_len = client->in_size = 0;
}

static void
tempest_uapi_client_close(TempestUapiClient *client)
{
	if (client->fd < 0)
		return;
	close(client->fd);
	client->fd = -1;
	tempest_uapi_client_wipe_in(client);
	g_clear_pointer(&client->out, tempest_uapi_text_free);
	client->out_len = client->out_pos = 0;
}

/* room for @more bytes; a bigger buffer replaces the old one, which is wiped first */
static gboolean
tempest_uapi_client_reserve(TempestUapiClient *client, gsize more, gsize max)
{
	gsize want = client->in_len + more;
	gsize size = MAX(client->in_size, 4096);
	gchar *bigger;

	if (want <= client->in_size)
		return TRUE;
	if (want > max)
		return FALSE;
	while (size < want)
		size *= 2;
	size = MIN(size, max);
	bigger = g_malloc0(size);
	if (client->in_len > 0)
		memcpy(bigger, client->in, client->in_len);
	if (client->in != NULL)
		sodium_memzero(client->in, client->in_size);
	g_free(client->in);
	client->in = bigger;
	client->in_size = size;
	return TRUE;
}

static void
tempest_uapi_client_consume(TempestUapiClient *client, gsize len)
{
	memmove(client->in, client->in + len, client->in_len - len);
	sodium_memzero(client->in + client->in_len - len, len);
	client->in_len -= len;
}

static gboolean
tempest_uapi_has_op(const gchar *data, gsize len)
{
	return len >= 6 && (memcmp(data, "get=1\n", 6) == 0 || memcmp(data, "set=1\n", 6) == 0);
}

static gchar *
tempest_uapi_server_answer(TempestUapiServer *self, TempestUapiOp op,
			   const TempestUapiChange *change)
{
	gint err = 0;

	if (op == TEMPEST_UAPI_OP_GET) {
		g_autoptr(TempestUapiSnapshot) snapshot = tempest_uapi_snapshot_new();
		self->config.get(snapshot, self->config.user_data);
		return tempest_uapi_snapshot_serialize(snapshot, NULL);
	}
	if (self->config.read_only)
		return tempest_uapi_errno_reply(EPERM);
	self->config.set(change, &err, self->config.user_data);
	return tempest_uapi_errno_reply(err);
}

/* one complete request at the start of the client's input; FALSE: close the connection */
static gboolean
tempest_uapi_server_handle(TempestUapiServer *self, TempestUapiClient *client, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TempestUapiChange) change = NULL;
	TempestUapiOp op;

	/* as wireguard-go: an unknown operation ends the connection without an answer */
	if (!tempest_uapi_has_op(client->in, len))
		return FALSE;
	if (tempest_uapi_parse_request(client->in, len, &op, &change, &error)) {
		client->out = tempest_uapi_server_answer(self, op, change);
	} else {
		g_debug("wg configuration request refused: %s", error->message);
		client->out = tempest_uapi_errno_reply(tempest_uapi_error_to_errno(error));
	}
	client->out_len = strlen(client->out);
	client->out_pos = 0;
	tempest_uapi_client_consume(client, len);
	return TRUE;
}

/* answers the requests the input holds, one at a time: the next waits for this answer */
static gboolean
tempest_uapi_server_process(TempestUapiServer *self, TempestUapiClient *client)
{
	while (client->out == NULL) {
		gsize len = tempest_uapi_request_length(client->in, client->in_len);
		if (len == 0)
			return client->in_len < 6 ||
			       tempest_uapi_has_op(client->in, client->in_len);
		if (!tempest_uapi_server_handle(self, client, len))
			return FALSE;
	}
	return TRUE;
}

static gboolean
tempest_uapi_server_read(TempestUapiServer *self, TempestUapiClient *client)
{
	gssize got;

	if (!tempest_uapi_client_reserve(client, 4096, self->config.max_request)) {
		/* best effort: the client learns why before the connection ends */
		g_autofree gchar *reply = tempest_uapi_errno_reply(E2BIG);
		G_GNUC_UNUSED gssize sent = send(client->fd, reply, strlen(reply), MSG_NOSIGNAL);
		return FALSE;
	}
	got = recv(client->fd, client->in + client->in_len, client->in_size - client->in_len, 0);
	if (got < 0)
		return errno == EAGAIN || errno == EINTR;
	if (got == 0)
		return FALSE;
	client->in_len += (gsize)got;
	return tempest_uapi_server_process(self, client);
}

static gboolean
tempest_uapi_server_write(TempestUapiServer *self, TempestUapiClient *client)
{
	gssize sent = send(client->fd, client->out + client->out_pos,
			   client->out_len - client->out_pos, MSG_NOSIGNAL);

	if (sent < 0)
		return errno == EAGAIN || errno == EINTR;
	client->out_pos += (gsize)sent;
	if (client->out_pos < client->out_len)
		return TRUE;
	g_clear_pointer(&client->out, tempest_uapi_text_free);
	return tempest_uapi_server_process(self, client);
}

/* only our own user (or root) may configure the interface, whatever the file mode says */
static gboolean
tempest_uapi_server_peer_allowed(gint fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return FALSE;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void
tempest_uapi_server_accept(TempestUapiServer *self)
{
	gint fd;

	while ((fd = accept4(self->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		TempestUapiClient *slot = NULL;
		for (guint i = 0; i < self->config.max_clients && slot == NULL; i++)
			if (self->clients[i].fd < 0)
				slot = &self->clients[i];
		if (slot == NULL || !tempest_uapi_server_peer_allowed(fd)) {
			close(fd);
			continue;
		}
		slot->fd = fd;
		slot->deadline =
			g_get_monotonic_time() + self->config.timeout_ms * G_TIME_SPAN_MILLISECOND;
	}
}

/* poll timeout: until the earliest client deadline */
static gint
tempest_uapi_server_poll_timeout(TempestUapiServer *self, struct pollfd *fds, guint *map,
				 nfds_t *n_fds)
{
	gint64 now = g_get_monotonic_time();
	gint64 first = G_MAXINT64;

	*n_fds = 2;
	for (guint i = 0; i < self->config.max_clients; i++) {
		TempestUapiClient *client = &self->clients[i];
		if (client->fd < 0)
			continue;
		fds[*n_fds] =
			(struct pollfd){client->fd, client->out != NULL ? POLLOUT : POLLIN, 0};
		map[(*n_fds)++] = i;
		first = MIN(first, client->deadline);
	}
	if (first == G_MAXINT64)
		return -1;
	return (gint)CLAMP((first - now) / 1000 + 1, 0, G_MAXINT);
}

static gpointer
tempest_uapi_server_thread(gpointer data)
{
	TempestUapiServer *self = data;
	g_autofree struct pollfd *fds = g_new0(struct pollfd, self->config.max_clients + 2);
	g_autofree guint *map = g_new0(guint, self->config.max_clients + 2);

	fds[0] = (struct pollfd){self->wake_fd, POLLIN, 0};
	fds[1] = (struct pollfd){self->listen_fd, POLLIN, 0};
	for (;;) {
		nfds_t n_fds;
		gint timeout = tempest_uapi_server_poll_timeout(self, fds, map, &n_fds);
		gint ready = poll(fds, n_fds, timeout);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || fds[0].revents != 0)
			break;
		if (fds[1].revents != 0)
			tempest_uapi_server_accept(self);
		for (nfds_t i = 2; i < n_fds; i++) {
			TempestUapiClient *client = &self->clients[map[i]];
			gboolean keep = TRUE;
			if (fds[i].revents == 0)
				continue;
			if (client->out != NULL)
				keep = (fds[i].revents & POLLOUT) != 0 &&
				       tempest_uapi_server_write(self, client);
			else
				keep = tempest_uapi_server_read(self, client);
			client->deadline = g_get_monotonic_time() +
					   self->config.timeout_ms * G_TIME_SPAN_MILLISECOND;
			if (!keep)
				tempest_uapi_client_close(client);
		}
		for (guint i = 0; i < self->config.max_clients; i++)
			if (self->clients[i].fd >= 0 &&
			    self->clients[i].deadline <= g_get_monotonic_time())
				tempest_uapi_client_close(&self->clients[i]);
	}
	return NULL;
}

static void
tempest_uapi_server_free(TempestUapiServer *self)
{
	struct stat st;

	if (self->listen_fd >= 0) {
		close(self->listen_fd);
		/* remove the socket only if it is still the one we made */
		if (lstat(self->path, &st) == 0 && st.st_dev == self->dev && st.st_ino == self->ino)
			unlink(self->path);
	}
	if (self->wake_fd >= 0)
		close(self->wake_fd);
	for (guint i = 0; self->clients != NULL && i < self->config.max_clients; i++)
		tempest_uapi_client_close(&self->clients[i]);
	g_free(self->clients);
	g_free(self->path);
	g_free(self);
}

/**
 * tempest_uapi_server_start:
 * @socket_dir: (nullable): where the socket goes; %NULL: TEMPEST_UAPI_SERVER_DIR
 * @ifname: the interface; the socket is "@ifname.sock"
 * @config: callbacks (get always, set unless read-only) and limits; copied
 *
 * Creates the directory (0755) if needed, refuses one that is not ours or a path that is not
 * our socket, replaces a stale socket, refuses one another process serves
 * (G_IO_ERROR_ADDRESS_IN_USE), and serves on a new thread.
 *
 * Returns: (transfer full): the server; stop it with tempest_uapi_server_stop()
 */
TempestUapiServer *
tempest_uapi_server_start(const gchar *socket_dir, const gchar *ifname,
			  const TempestUapiServerConfig *config, GError **error)
{
	TempestUapiServer *self;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	const gchar *dir = socket_dir != NULL ? socket_dir : TEMPEST_UAPI_SERVER_DIR;

	g_return_val_if_fail(config->get != NULL, NULL);
	g_return_val_if_fail(config->set != NULL || config->read_only, NULL);
	if (!tempest_uapi_server_check_ifname(ifname)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "invalid interface name %s", ifname);
		return NULL;
	}
	self = g_new0(TempestUapiServer, 1);
	self->config = *config;
	if (self->config.max_clients == 0)
		self->config.max_clients = TEMPEST_UAPI_SERVER_MAX_CLIENTS;
	if (self->config.timeout_ms == 0)
		self->config.timeout_ms = TEMPEST_UAPI_SERVER_TIMEOUT_MS;
	if (self->config.max_request == 0)
		self->config.max_request = TEMPEST_UAPI_MAX_REQUEST;
	self->listen_fd = self->wake_fd = -1;
	self->path = g_strdup_printf("%s/%s.sock", dir, ifname);
	self->clients = g_new0(TempestUapiClient, self->config.max_clients);
	for (guint i = 0; i < self->config.max_clients; i++)
		self->clients[i].fd = -1;
	if (strlen(self->path) >= sizeof(addr.sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG, "%s is too long",
			    self->path);
		tempest_uapi_server_free(self);
		return NULL;
	}
	g_strlcpy(addr.sun_path, self->path, sizeof(addr.sun_path));
	if (!tempest_uapi_server_prepare_dir(dir, error) ||
	    !tempest_uapi_server_clear_stale(&addr, error) ||
	    !tempest_uapi_server_bind(self, &addr, error)) {
		tempest_uapi_server_free(self);
		return NULL;
	}
	self->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (self->wake_fd < 0) {
		tempest_uapi_server_set_errno(error, errno, "cannot create eventfd for",
					      self->path);
		tempest_uapi_server_free(self);
		return NULL;
	}
	self->thread = g_thread_new("tempest-uapi", tempest_uapi_server_thread, self);
	return self;
}

/**
 * tempest_uapi_server_get_path:
 *
 * Returns: the socket's path
 */
const gchar *
tempest_uapi_server_get_path(const TempestUapiServer *self)
{
	return self->path;
}

/**
 * tempest_uapi_server_stop:
 *
 * Ends the thread (after the callback under way, if any), closes every connection and removes
 * the socket if it is still ours.
 */
void
tempest_uapi_server_stop(TempestUapiServer *self)
{
	guint64 one = 1;

	if (self == NULL)
		return;
	if (write(self->wake_fd, &one, sizeof(one)) != sizeof(one))
		g_warning("cannot wake the wg configuration thread: %s", g_strerror(errno));
	g_thread_join(self->thread);
	tempest_uapi_server_free(self);
}
