/* The system calls behind open()'s file objects (file.h).  Kept to moving
 * bytes: modes, encodings, newline translation and CPython's exception
 * classes live in pyjitx/fileio.py, written in the compiled subset. */
#define _GNU_SOURCE /* O_CLOEXEC under -std=c11 */
#include "internal.h"
#include "pyjitx/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int32_t pjx_fd_open(pjx_str *path, int64_t mode, int64_t *out) {
    if (memchr(path->data, '\0', (size_t)path->nbytes) != NULL) {
        pjx_err_set(PJX_EXC_VALUE, "embedded null byte");
        return -1;
    }
    int plus = (mode & PJX_FILE_PLUS) != 0;
    int flags = O_CLOEXEC;
    switch (mode & 3) {
    case PJX_FILE_READ: flags |= plus ? O_RDWR : O_RDONLY; break;
    case PJX_FILE_WRITE: flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
    case PJX_FILE_APPEND: flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
    default: flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL; break;
    }
    int fd;
    do {
        fd = open(path->data, flags, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        *out = -(int64_t)errno;
        return 0;
    }
    /* open(2) opens a directory read-only; CPython's FileIO refuses it */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        *out = -(int64_t)EISDIR;
        return 0;
    }
    /* as CPython's FileIO: an appending file starts at its end (what a
     * read in 'a+' sees), not at 0 where open(2) leaves it */
    if ((mode & 3) == PJX_FILE_APPEND) lseek(fd, 0, SEEK_END);
    *out = fd;
    return 0;
}

static int handle_fd(const pjx_bytes *handle) {
    int64_t fd;
    memcpy(&fd, handle->data, sizeof fd);
    return (int)fd;
}

pjx_bytes *pjx_fd_handle(int64_t fd) {
    pjx_bytes *handle = pjx_bytes_from_data((const char *)&fd, (int64_t)sizeof fd);
    if (handle == NULL) {
        close((int)fd); /* (nothing would ever close it) */
        return NULL;
    }
    handle->ob.flags |= PJX_BYTES_FILE_HANDLE;
    return handle;
}

void pjx_fd_handle_dealloc(pjx_bytes *handle) {
    int fd = handle_fd(handle);
    if (fd >= 0) close(fd); /* (a file never closed: nobody to report an error to) */
}

static int32_t os_error(int err) {
    pjx_err_format(PJX_EXC_OS, "[Errno %d] %s", err, strerror(err));
    return -1;
}

int32_t pjx_fd_write(pjx_bytes *handle, pjx_bytes *data) {
    int fd = handle_fd(handle);
    const char *p = data->data;
    int64_t left = data->size;
    while (left > 0) {
        ssize_t n = write(fd, p, (size_t)left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return os_error(errno);
        }
        p += n;
        left -= n;
    }
    return 0;
}

pjx_bytes *pjx_fd_read(pjx_bytes *handle, int64_t size) {
    int fd = handle_fd(handle);
    size_t cap = size >= 0 ? (size_t)size : 65536, len = 0;
    char *buf = malloc(cap ? cap : 1);
    if (buf == NULL) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    for (;;) {
        if (size >= 0 && len == (size_t)size) break;
        if (len == cap) { /* (only when reading all) */
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                pjx_err_set(PJX_EXC_MEMORY, NULL);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            free(buf);
            os_error(err);
            return NULL;
        }
        if (n == 0) break;
        len += (size_t)n;
    }
    pjx_bytes *result = pjx_bytes_from_data(buf, (int64_t)len);
    free(buf);
    return result;
}

int32_t pjx_fd_close(pjx_bytes *handle) {
    int fd = handle_fd(handle);
    if (fd < 0) return 0;
    int64_t closed = -1;
    memcpy(handle->data, &closed, sizeof closed);
    /* (EINTR: Linux has closed the descriptor already; never retried) */
    if (close(fd) < 0 && errno != EINTR) return os_error(errno);
    return 0;
}

pjx_str *pjx_fd_strerror(int64_t err) {
    const char *text = strerror((int)err);
    return pjx_str_from_utf8(text, (int64_t)strlen(text));
}
