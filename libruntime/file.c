/* The system calls behind open()'s file objects (file.h).  Kept to moving
 * bytes (and buffering the ones written): modes, encodings, newline
 * translation and CPython's exception classes live in pyjitx/fileio.py,
 * written in the compiled subset. */
#define _GNU_SOURCE /* O_CLOEXEC under -std=c11 */
#include "internal.h"
#include "pyjitx/file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

/* ---- handles: a descriptor and its write buffer ---------------------------
 * Writes collect in the buffer (as CPython's BufferedWriter, 8 KiB) and go
 * out when it fills, on flush(), before a read, on close(), when the handle
 * is freed (a file object dropped unclosed), and at exit for handles still
 * alive then: the open handles are kept in a list for that. */
#define BUFFER_SIZE 8192

typedef struct pjx_file {
    /* threads running compiled code without the GIL may share a file
     * object: each operation on the buffer holds this (as CPython's
     * buffered objects hold theirs) */
    pthread_mutex_t lock;
    int fd;                      /* -1 once closed */
    char *data;                  /* pending writes */
    size_t len;
    struct pjx_file *prev, *next; /* the open handles (exit_flush) */
} pjx_file;

static pthread_mutex_t open_files_lock = PTHREAD_MUTEX_INITIALIZER;
static pjx_file *open_files;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static pjx_file *file_of(const pjx_bytes *handle) {
    pjx_file *f;
    memcpy(&f, handle->data, sizeof f);
    return f;
}

static int32_t os_error(int err) {
    pjx_err_format(PJX_EXC_OS, "[Errno %d] %s", err, strerror(err));
    return -1;
}

static int write_all(int fd, const char *p, size_t left) {
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

/* Writes out the pending bytes: 0, or the errno (the bytes are dropped,
 * as CPython drops what it could not write at close). */
static int flush_file(pjx_file *f) {
    if (f->fd < 0 || f->len == 0) return 0;
    int err = write_all(f->fd, f->data, f->len);
    f->len = 0;
    return err;
}

static void exit_flush(void) {
    pthread_mutex_lock(&open_files_lock);
    for (pjx_file *f = open_files; f != NULL; f = f->next) {
        pthread_mutex_lock(&f->lock);
        flush_file(f);
        pthread_mutex_unlock(&f->lock);
    }
    pthread_mutex_unlock(&open_files_lock);
}

static void register_exit_flush(void) { atexit(exit_flush); }

static void unlink_file(pjx_file *f) {
    pthread_mutex_lock(&open_files_lock);
    if (f->prev) f->prev->next = f->next;
    else if (open_files == f) open_files = f->next;
    if (f->next) f->next->prev = f->prev;
    f->prev = f->next = NULL;
    pthread_mutex_unlock(&open_files_lock);
}

pjx_bytes *pjx_fd_handle(int64_t fd) {
    pthread_once(&exit_once, register_exit_flush);
    pjx_file *f = calloc(1, sizeof *f);
    char *data = f ? malloc(BUFFER_SIZE) : NULL;
    pjx_bytes *handle = data ? pjx_bytes_from_data((const char *)&f, (int64_t)sizeof f) : NULL;
    if (handle == NULL) {
        free(data);
        free(f);
        close((int)fd); /* (nothing would ever close it) */
        if (pjx_err_kind() == PJX_OK) pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    f->fd = (int)fd;
    f->data = data;
    pthread_mutex_lock(&open_files_lock);
    f->next = open_files;
    if (open_files) open_files->prev = f;
    open_files = f;
    pthread_mutex_unlock(&open_files_lock);
    handle->ob.flags |= PJX_BYTES_FILE_HANDLE;
    return handle;
}

void pjx_fd_handle_dealloc(pjx_bytes *handle) {
    pjx_file *f = file_of(handle);
    unlink_file(f);
    if (f->fd >= 0) {
        flush_file(f); /* (a file never closed: nobody to report an error to) */
        close(f->fd);
    }
    pthread_mutex_destroy(&f->lock);
    free(f->data);
    free(f);
}

int32_t pjx_fd_write(pjx_bytes *handle, pjx_bytes *data) {
    pjx_file *f = file_of(handle);
    size_t size = (size_t)data->size;
    int err = 0;
    pthread_mutex_lock(&f->lock);
    if (f->len + size > BUFFER_SIZE) err = flush_file(f);
    if (!err && size >= BUFFER_SIZE) { /* (a big write goes out as it is) */
        err = write_all(f->fd, data->data, size);
    } else if (!err) {
        memcpy(f->data + f->len, data->data, size);
        f->len += size;
    }
    pthread_mutex_unlock(&f->lock);
    return err ? os_error(err) : 0;
}

int32_t pjx_fd_flush(pjx_bytes *handle) {
    pjx_file *f = file_of(handle);
    pthread_mutex_lock(&f->lock);
    int err = flush_file(f);
    pthread_mutex_unlock(&f->lock);
    return err ? os_error(err) : 0;
}

pjx_bytes *pjx_fd_read(pjx_bytes *handle, int64_t size) {
    pjx_file *f = file_of(handle);
    pthread_mutex_lock(&f->lock);
    int fd = f->fd;
    int err = flush_file(f); /* (a '+' file reads after what it wrote) */
    pthread_mutex_unlock(&f->lock);
    if (err) {
        os_error(err);
        return NULL;
    }
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
            err = errno;
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
    pjx_file *f = file_of(handle);
    pthread_mutex_lock(&f->lock);
    int fd = f->fd;
    if (fd < 0) {
        pthread_mutex_unlock(&f->lock);
        return 0;
    }
    int err = flush_file(f);
    f->fd = -1;
    pthread_mutex_unlock(&f->lock);
    unlink_file(f);
    /* closed even when the flush failed, whose error is then raised (as
     * CPython); EINTR: Linux has closed the descriptor already */
    if (close(fd) < 0 && errno != EINTR && !err) err = errno;
    return err ? os_error(err) : 0;
}

pjx_str *pjx_fd_strerror(int64_t err) {
    const char *text = strerror((int)err);
    return pjx_str_from_utf8(text, (int64_t)strlen(text));
}
