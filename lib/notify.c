// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Notification ports: CreateClusterNotifyPort[V2], RegisterClusterNotify[V2],
 * RegisterClusterResourceTypeNotifyV2, GetClusterNotify[V2],
 * GetNotifyEventHandle and CloseClusterNotifyPort.
 *
 * A port is one open file of /dev/clusnotify. Every registration becomes one
 * kernel filter carrying the caller's key and, as its token, the value of
 * the handle it was made with, so closing that handle can post HANDLE_CLOSE
 * to exactly the ports that registered it.
 *
 * GetClusterNotify[V2] takes exactly one record per call and never keeps
 * one back, so the port's descriptor is readable exactly while events
 * wait, for epoll users. A port normally has a mapped ring (ring.c): the
 * record is read in place and consumed only once delivered, with no system
 * call. Without one (an older module, CLUSAPI_RING=0, or a ring refused),
 * the caller's capacities go down with the GET ioctl (in UTF-16 units) and
 * the kernel decides. Either way a record that does not fit stays at the
 * head and the call answers ERROR_MORE_DATA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "record.h"
#include "utf16.h"

static void cn_port_release(struct cn_hobj *h)
{
	struct cn_port_h *p = caa_container_of(h, struct cn_port_h, h);

	/* The last reference: no reader is inside the ring any more. */
	cn_ring_free(p->ring);
	close(p->fd);
	free(p);
}

static struct cn_port_h *cn_port_get(HCHANGE h)
{
	struct cn_hobj *obj = cn_handle_get(h, CN_H_PORT);

	return obj ? caa_container_of(obj, struct cn_port_h, h) : NULL;
}

/* A new port of @version, as an HCHANGE (NULL with the last error set). */
static struct cn_port_h *cn_port_new(int version, int *err)
{
	struct cn_port_h *p = calloc(1, sizeof(*p));

	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	p->fd = cn_kapi_port_open();
	/*
	 * A ring whose setup worked but whose mapping failed leaves a port
	 * that neither GET nor read() can empty: start again without one.
	 */
	if (p->fd >= 0 && cn_ring_attach(p->fd, &p->ring)) {
		close(p->fd);
		p->fd = cn_kapi_port_open();
	}
	if (p->fd < 0) {
		*err = p->fd;
		free(p);
		return NULL;
	}
	p->version = version;
	*err = cn_handle_new(&p->h, CN_H_PORT, cn_port_release);
	if (*err) {
		cn_ring_free(p->ring);
		close(p->fd);
		free(p);
		return NULL;
	}
	return p;
}

/*
 * One kernel filter. @hobject is the handle the registration was made with:
 * a cluster (the whole cluster) or an object (that object, or that registry
 * key and, with SUBTREE, the keys below). Its value is the filter's token.
 */
static int cn_add_filter(struct cn_port_h *p, HANDLE hobject, int version,
			 uint32_t v2_type, uint64_t mask, DWORD_PTR key)
{
	struct clusnotify_filter f = {
		.version = version,
		.mask = mask,
		.key = key,
		.token = (uintptr_t)hobject,
	};
	struct cn_hobj *obj = cn_handle_get(hobject, 0);
	int ret;

	if (!obj || obj->type == CN_H_PORT) {
		cn_hobj_put(obj);
		return -EBADF;
	}
	if (version == CLUSNOTIFY_FILTER_V2)
		f.object_type = v2_type;
	if (obj->type == CN_H_CLUSTER) {
		f.cluster_id = caa_container_of(obj, struct cn_cluster_h, h)
				       ->cluster_id;
	} else {
		struct cn_object_h *o = caa_container_of(obj,
							 struct cn_object_h, h);

		f.cluster_id = o->cluster->cluster_id;
		/* Non-zero even for the registry root, whose id is "". */
		f.object = (uintptr_t)o->id;
		f.object_len = strlen(o->id);
		if (version == CLUSNOTIFY_FILTER_V1)
			f.object_type_v1 = o->objtype;
	}
	/*
	 * Wholly before the handle's close (whose REMOVE_FILTERS then takes
	 * the filter out with its HANDLE_CLOSE) or not at all.
	 */
	if (cn_hobj_use_begin(obj)) {
		ret = cn_kapi_ioctl(p->fd, CLUSNOTIFY_IOC_ADD_FILTER, &f);
		cn_hobj_use_end(obj);
	} else {
		ret = -EBADF;
	}
	cn_hobj_put(obj);
	return ret;
}

/* What an ADD_FILTER failure means to a Win32 caller. */
static DWORD cn_filter_error(int err)
{
	return err == -EBADF ? ERROR_INVALID_HANDLE :
			       cn_win32_error(err, CN_CTX_GENERIC);
}

/*
 * Create a port (hChange INVALID_HANDLE_VALUE) or add to one. A new port
 * may be "not associated with a cluster" (hCluster INVALID_HANDLE_VALUE);
 * adding needs a cluster. The port keeps the version it was created with:
 * V1 filters only on a V1 port.
 */
static HCHANGE cn_create_port(HCHANGE hChange, HCLUSTER hCluster, int version,
			      const NOTIFY_FILTER_AND_TYPE *filters,
			      DWORD count, DWORD v1_filter, DWORD_PTR key)
{
	struct cn_port_h *p;
	bool fresh = hChange == INVALID_HANDLE_VALUE;
	DWORD i;
	int ret;

	if (hCluster == INVALID_HANDLE_VALUE) {
		if (!fresh) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
		count = 0;
		v1_filter = 0;
	} else {
		struct cn_hobj *c = cn_handle_get(hCluster, CN_H_CLUSTER);

		if (!c) {
			SetLastError(ERROR_INVALID_HANDLE);
			return NULL;
		}
		cn_hobj_put(c);
	}
	if (version == CLUSNOTIFY_FILTER_V2 && count && !filters) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (fresh) {
		p = cn_port_new(version, &ret);
		if (!p) {
			cn_set_error(ret, CN_CTX_CLUSTER);
			return NULL;
		}
		cn_hobj_get(&p->h);
	} else {
		p = cn_port_get(hChange);
		if (!p) {
			SetLastError(ERROR_INVALID_HANDLE);
			return NULL;
		}
		if (p->version != version) {
			cn_hobj_put(&p->h);
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
	}
	ret = 0;
	if (version == CLUSNOTIFY_FILTER_V1 && hCluster != INVALID_HANDLE_VALUE)
		ret = cn_add_filter(p, hCluster, version, 0, v1_filter, key);
	for (i = 0; !ret && version == CLUSNOTIFY_FILTER_V2 && i < count; i++)
		ret = cn_add_filter(p, hCluster, version,
				    filters[i].dwObjectType,
				    (uint64_t)filters[i].FilterFlags, key);
	if (ret) {
		SetLastError(cn_filter_error(ret));
		if (fresh)
			cn_hobj_put(cn_handle_close(cn_handle_value(&p->h),
						    CN_H_PORT));
		cn_hobj_put(&p->h);
		return NULL;
	}
	cn_hobj_put(&p->h);
	return (HCHANGE)cn_handle_value(&p->h);
}

CN_EXPORT HCHANGE WINAPI CreateClusterNotifyPort(HCHANGE hChange,
						 HCLUSTER hCluster,
						 DWORD dwFilter,
						 DWORD_PTR dwNotifyKey)
{
	return cn_create_port(hChange, hCluster, CLUSNOTIFY_FILTER_V1, NULL, 0,
			      dwFilter, dwNotifyKey);
}

CN_EXPORT HCHANGE WINAPI CreateClusterNotifyPortV2(HCHANGE hChange,
						   HCLUSTER hCluster,
						   NOTIFY_FILTER_AND_TYPE *Filters,
						   DWORD dwFilterCount,
						   DWORD_PTR dwNotifyKey)
{
	return cn_create_port(hChange, hCluster, CLUSNOTIFY_FILTER_V2, Filters,
			      dwFilterCount, 0, dwNotifyKey);
}

static DWORD cn_register(HCHANGE hChange, int version, uint32_t v2_type,
			 uint64_t mask, HANDLE hObject, DWORD_PTR key)
{
	struct cn_port_h *p = cn_port_get(hChange);
	int ret;

	if (!p)
		return ERROR_INVALID_HANDLE;
	if (p->version != version)
		ret = -EINVAL;
	else
		ret = cn_add_filter(p, hObject, version, v2_type, mask, key);
	cn_hobj_put(&p->h);
	return ret ? cn_filter_error(ret) : ERROR_SUCCESS;
}

CN_EXPORT DWORD WINAPI RegisterClusterNotify(HCHANGE hChange,
					     DWORD dwFilterType,
					     HANDLE hObject,
					     DWORD_PTR dwNotifyKey)
{
	return cn_register(hChange, CLUSNOTIFY_FILTER_V1, 0, dwFilterType,
			   hObject, dwNotifyKey);
}

CN_EXPORT DWORD WINAPI RegisterClusterNotifyV2(HCHANGE hChange,
					       NOTIFY_FILTER_AND_TYPE Filter,
					       HANDLE hObject,
					       DWORD_PTR dwNotifyKey)
{
	return cn_register(hChange, CLUSNOTIFY_FILTER_V2, Filter.dwObjectType,
			   (uint64_t)Filter.FilterFlags, hObject, dwNotifyKey);
}

/*
 * A filter on one resource type, named as the directory knows it. Its token
 * is the cluster handle's: closing the cluster removes it.
 */
CN_EXPORT DWORD WINAPI RegisterClusterResourceTypeNotifyV2(HCHANGE hChange,
							   HCLUSTER hCluster,
							   LONGLONG Flags,
							   LPCWSTR resTypeName,
							   DWORD_PTR dwNotifyKey)
{
	struct cn_port_h *p = cn_port_get(hChange);
	struct cn_cluster_h *c = cn_cluster_get(hCluster);
	struct clusnotify_object *o = NULL;
	struct clusnotify_filter f = {
		.version = CLUSNOTIFY_FILTER_V2,
		.object_type = CLUSNOTIFY_OBJ_RESOURCE_TYPE,
		.mask = (uint64_t)Flags,
		.key = dwNotifyKey,
		.token = (uintptr_t)hCluster,
	};
	char *name = NULL;
	size_t len;
	DWORD code;
	int ret;

	if (!p || !c) {
		code = ERROR_INVALID_HANDLE;
		goto out;
	}
	if (p->version != CLUSNOTIFY_FILTER_V2 || !resTypeName) {
		code = ERROR_INVALID_PARAMETER;
		goto out;
	}
	ret = cn_utf16_to_utf8(CN_CU16(resTypeName), &name, &len);
	if (!ret)
		ret = cn_kapi_object_lookup(c->cluster_id,
					    CLUSNOTIFY_OBJ_RESOURCE_TYPE, 0,
					    name, len, &o);
	if (!ret) {
		f.cluster_id = c->cluster_id;
		f.object = (uintptr_t)cn_kapi_object_str(o, CN_STR_ID);
		f.object_len = o->id_len;
		/* As in cn_add_filter: before the cluster's close or not. */
		if (cn_hobj_use_begin(&c->h)) {
			ret = cn_kapi_ioctl(p->fd, CLUSNOTIFY_IOC_ADD_FILTER,
					    &f);
			cn_hobj_use_end(&c->h);
		} else {
			ret = -EBADF;
		}
	}
	code = cn_win32_error(ret, CN_CTX_RESOURCE_TYPE);
out:
	free(o);
	free(name);
	if (c)
		cn_hobj_put(&c->h);
	if (p)
		cn_hobj_put(&p->h);
	return code;
}

/* What one GetClusterNotify[V2] call wants, and where it goes. */
struct cn_want {
	DWORD_PTR *key;
	NOTIFY_FILTER_AND_TYPE *fat;	/* V2 */
	LPDWORD filter_type;		/* V1 */
	BYTE *buf;
	LPDWORD buf_size;
	LPWSTR str[4];			/* id, parent, name, type */
	LPDWORD cch[4];
	bool v2;
};

#define CN_STACK_REC 4096

/* A record's four strings, in cn_want's order, and their UTF-8 bytes. */
static void cn_rec_strings(const struct cn_record_view *v, const char *s[4],
			   uint32_t len8[4])
{
	s[0] = v->id;
	s[1] = v->parent;
	s[2] = v->name;
	s[3] = v->type;
	len8[0] = v->hdr->id_len;
	len8[1] = v->hdr->parent_len;
	len8[2] = v->hdr->name_len;
	len8[3] = v->hdr->type_len;
}

/* Fill what the caller wants from a decoded record checked to fit. */
static DWORD cn_deliver_view(const struct cn_record_view *vp,
			     struct cn_want *w)
{
	const struct cn_record_view v = *vp;
	const char *s[4];
	uint32_t len8[4];
	int i;

	cn_rec_strings(&v, s, len8);
	for (i = 0; i < 4; i++) {
		ssize_t n;

		if (!w->cch[i])
			continue;
		/*
		 * Room for a unit per byte is room whatever the string
		 * holds: then one pass, else measure before writing.
		 */
		if ((uint64_t)len8[i] + 1 <= *w->cch[i])
			n = cn_utf8_to_utf16_room(s[i], len8[i],
						  CN_U16(w->str[i]));
		else
			n = cn_utf8_to_utf16(s[i], len8[i], CN_U16(w->str[i]),
					     *w->cch[i]);
		if (n < 0)
			return cn_win32_error(n, CN_CTX_GENERIC);
		*w->cch[i] = n;
	}
	if (w->key)
		*w->key = (DWORD_PTR)v.hdr->key;
	if (w->filter_type)
		*w->filter_type = v.hdr->v1_change;
	if (w->fat) {
		w->fat->dwObjectType = v.hdr->object_type;
		w->fat->FilterFlags = (LONGLONG)v.hdr->v2_flag;
	}
	if (w->buf_size) {
		if (v.hdr->payload_len && w->buf)
			memcpy(w->buf, v.payload, v.hdr->payload_len);
		*w->buf_size = v.hdr->payload_len;
	}
	return ERROR_SUCCESS;
}

/*
 * The same from a GET's buffer. The record came from our own kernel, but
 * is decoded defensively anyway.
 */
static DWORD cn_deliver(const void *rec, size_t len, struct cn_want *w)
{
	struct cn_record_view v;

	if (cn_record_decode(rec, len, &v))
		return ERROR_INVALID_DATA;
	return cn_deliver_view(&v, w);
}

/*
 * Does the record fit what the caller gave? The ring's side of what GET
 * with CLUSNOTIFY_GET_F_LIMITS decides in the kernel, with the same
 * answers: a wanted string without room even for its NUL, or longer in
 * UTF-16 units than its buffer holds without the NUL, or a payload larger
 * than the buffer, is ERROR_MORE_DATA, and then every size output says
 * what the record needs, as cn_get reports it. A string is measured only
 * when its bytes alone do not settle it (a unit never takes less than a
 * byte). A string that is not UTF-8 gets the error cn_deliver_view would
 * give it (ERROR_NO_UNICODE_TRANSLATION).
 */
static DWORD cn_ring_fits(const struct cn_record_view *v, struct cn_want *w)
{
	const char *s[4];
	uint32_t len8[4];
	bool more = false;
	ssize_t n;
	int i;

	cn_rec_strings(v, s, len8);
	for (i = 0; i < 4 && !more; i++) {
		if (!w->cch[i])
			continue;
		if (!w->str[i] || !*w->cch[i]) {
			more = true;
			break;
		}
		if ((uint64_t)len8[i] + 1 <= *w->cch[i])
			continue;
		n = cn_utf16_len_of_utf8(s[i], len8[i]);
		if (n < 0)
			return cn_win32_error(n, CN_CTX_GENERIC);
		if ((uint64_t)n + 1 > *w->cch[i])
			more = true;
	}
	if (w->buf_size &&
	    v->hdr->payload_len > (w->buf ? *w->buf_size : 0))
		more = true;
	if (!more)
		return ERROR_SUCCESS;
	for (i = 0; i < 4; i++) {
		if (!w->cch[i])
			continue;
		n = cn_utf16_len_of_utf8(s[i], len8[i]);
		if (n < 0)
			return cn_win32_error(n, CN_CTX_GENERIC);
		*w->cch[i] = n + (w->v2 ? 1 : 0);
	}
	if (w->buf_size)
		*w->buf_size = v->hdr->payload_len;
	return ERROR_MORE_DATA;
}

/*
 * GetClusterNotify[V2] on a ring port: the record is looked at in place,
 * under the ring's lock, and consumed only if it was delivered (or is
 * garbage that no retry could deliver): ERROR_MORE_DATA leaves it at the
 * head, as the kernel does for GET.
 */
static DWORD cn_get_ring(struct cn_port_h *p, DWORD ms, struct cn_want *w)
{
	struct cn_record_view v;
	DWORD code;
	int ret;

	ret = cn_ring_wait(p->ring, p->fd, ms, &v);
	if (ret == -ESHUTDOWN)
		return ERROR_INVALID_HANDLE;
	if (ret == -EPROTO)
		return ERROR_INVALID_DATA;
	if (ret)
		return cn_win32_error(ret, CN_CTX_PORT);
	code = cn_ring_fits(&v, w);
	if (code == ERROR_SUCCESS)
		code = cn_deliver_view(&v, w);
	if (code != ERROR_MORE_DATA)
		cn_ring_take(p->ring, &v);
	cn_ring_unlock(p->ring);
	return code;
}

/*
 * The capacity the kernel may fill for a wanted string: what the caller's
 * buffer holds without its NUL. A string not wanted has no limit.
 */
static uint32_t cn_cap(LPWSTR buf, LPDWORD cch)
{
	if (!cch)
		return UINT32_MAX;
	if (!buf || !*cch)
		return 0;
	return *cch - 1;
}

/*
 * GetClusterNotify[V2] by GET ioctl, on a port without a ring. Its own
 * function so that the ring's path does not pay for its stack buffer.
 */
static DWORD cn_get_ioctl(struct cn_port_h *p, DWORD ms, struct cn_want *w)
{
	struct clusnotify_get g = { 0 };
	char stack[CN_STACK_REC] __attribute__((aligned(8)));
	void *buf = stack;
	bool zero_cap = false;
	DWORD code;
	int i, ret;

	g.timeout_ms = ms;
	for (;;) {
		uint32_t caps[4];

		for (i = 0; i < 4; i++) {
			caps[i] = cn_cap(w->str[i], w->cch[i]);
			/* No room even for the NUL: only sizes can be asked. */
			if (w->cch[i] && (!w->str[i] || !*w->cch[i]))
				zero_cap = true;
		}
		g.buf = (uintptr_t)buf;
		g.buf_size = zero_cap ? 0 : (buf == stack ? CN_STACK_REC :
							    g.buf_size);
		g.flags = CLUSNOTIFY_GET_F_LIMITS;
		g.max_payload = w->buf_size ? (w->buf ? *w->buf_size : 0) :
					      UINT32_MAX;
		g.max_id = caps[0];
		g.max_parent = caps[1];
		g.max_name = caps[2];
		g.max_type = caps[3];
		ret = cn_kapi_ioctl(p->fd, CLUSNOTIFY_IOC_GET, &g);
		if (ret == -EINTR)
			continue;	/* timeout_ms holds what is left */
		if (ret != -EMSGSIZE)
			break;
		if (!zero_cap && g.max_payload <= (w->buf_size ?
				(w->buf ? *w->buf_size : 0) : UINT32_MAX) &&
		    g.max_id <= caps[0] && g.max_parent <= caps[1] &&
		    g.max_name <= caps[2] && g.max_type <= caps[3]) {
			/* Only our own buffer was short: a bigger one. */
			if (buf != stack)
				free(buf);
			buf = malloc(g.buf_size);
			if (!buf) {
				buf = stack;
				ret = -ENOMEM;
				break;
			}
			continue;
		}
		/*
		 * The caller's buffers are short: the record stays queued and
		 * every size output says what it needs. V1 reports the length
		 * without the NUL, as documented; V2 with it, so that a caller
		 * allocating exactly what was returned (os-win does) fits.
		 */
		{
			uint32_t need[4] = { g.max_id, g.max_parent, g.max_name,
					     g.max_type };

			for (i = 0; i < 4; i++)
				if (w->cch[i])
					*w->cch[i] = need[i] + (w->v2 ? 1 : 0);
			if (w->buf_size)
				*w->buf_size = g.max_payload;
		}
		code = ERROR_MORE_DATA;
		goto out;
	}
	if (ret)
		code = ret == -ESHUTDOWN ? ERROR_INVALID_HANDLE :
					   cn_win32_error(ret, CN_CTX_PORT);
	else
		code = cn_deliver(buf, g.buf_size, w);
out:
	if (buf != stack)
		free(buf);
	return code;
}

static DWORD cn_get(HCHANGE hChange, DWORD ms, struct cn_want *w)
{
	struct cn_port_h *p = cn_port_get(hChange);
	DWORD code;

	if (!p)
		return ERROR_INVALID_HANDLE;
	if (p->ring)
		code = cn_get_ring(p, ms, w);
	else
		code = cn_get_ioctl(p, ms, w);
	cn_hobj_put(&p->h);
	return code;
}

CN_EXPORT DWORD WINAPI GetClusterNotify(HCHANGE hChange,
					DWORD_PTR *lpdwNotifyKey,
					LPDWORD lpdwFilterType,
					LPWSTR lpszName, LPDWORD lpcchName,
					DWORD dwMilliseconds)
{
	struct cn_want w = {
		.key = lpdwNotifyKey,
		.filter_type = lpdwFilterType,
		.str = { NULL, NULL, lpszName, NULL },
		.cch = { NULL, NULL, lpcchName, NULL },
	};

	if (!lpcchName)
		return ERROR_INVALID_PARAMETER;
	return cn_get(hChange, dwMilliseconds, &w);
}

CN_EXPORT DWORD WINAPI GetClusterNotifyV2(HCHANGE hChange,
					  DWORD_PTR *lpdwNotifyKey,
					  PNOTIFY_FILTER_AND_TYPE pFilterAndType,
					  BYTE *buffer, LPDWORD lpbBufferSize,
					  LPWSTR lpszObjectId,
					  LPDWORD lpcchObjectId,
					  LPWSTR lpszParentId,
					  LPDWORD lpcchParentId,
					  LPWSTR lpszName, LPDWORD lpcchName,
					  LPWSTR lpszType, LPDWORD lpcchType,
					  DWORD dwMilliseconds)
{
	struct cn_want w = {
		.key = lpdwNotifyKey,
		.fat = pFilterAndType,
		.buf = buffer,
		.buf_size = lpbBufferSize,
		.str = { lpszObjectId, lpszParentId, lpszName, lpszType },
		.cch = { lpcchObjectId, lpcchParentId, lpcchName, lpcchType },
		.v2 = true,
	};

	return cn_get(hChange, dwMilliseconds, &w);
}

/*
 * The event handle of a port is its file descriptor, as a HANDLE: epoll it
 * for EPOLLIN (records wait) and EPOLLHUP (port closed). It stays the
 * port's: valid until CloseClusterNotifyPort, never to be closed by the
 * caller.
 */
CN_EXPORT DWORD WINAPI GetNotifyEventHandle(HCHANGE hChange,
					    LPHANDLE lphTargetEvent)
{
	struct cn_port_h *p = cn_port_get(hChange);

	if (!p)
		return ERROR_INVALID_HANDLE;
	if (lphTargetEvent)
		*lphTargetEvent = (HANDLE)(intptr_t)p->fd;
	cn_hobj_put(&p->h);
	return lphTargetEvent ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;
}

/*
 * Close a port, also while another thread waits on it: the handle stops
 * resolving, the kernel shuts the port down (the waiter wakes and fails
 * with ERROR_INVALID_HANDLE, queued records are flushed), and the
 * descriptor closes when the last call on it has returned. Always TRUE.
 */
CN_EXPORT BOOL WINAPI CloseClusterNotifyPort(HCHANGE hChange)
{
	struct cn_hobj *obj = cn_handle_close(hChange, CN_H_PORT);
	struct cn_port_h *p;

	if (!obj) {
		SetLastError(ERROR_INVALID_HANDLE);
		return TRUE;
	}
	p = caa_container_of(obj, struct cn_port_h, h);
	cn_kapi_ioctl(p->fd, CLUSNOTIFY_IOC_SHUTDOWN, NULL);
	cn_hobj_put(obj);
	return TRUE;
}
