/* pyjitx runtime: the system calls behind open()'s file objects in compiled
 * code (libruntime/file.c).  The file objects themselves are written in the
 * compiled subset (pyjitx/fileio.py: modes, text encoding, newline
 * translation, CPython's errors); these only move bytes.
 *
 * pjx_fd_open reports a failure of open(2) as -errno in *out, not as an
 * exception, so that the subset raises the class CPython raises
 * (FileNotFoundError, FileExistsError, ...) with its message.
 *
 * An open descriptor is then held by a handle: a bytes object flagged
 * PJX_BYTES_FILE_HANDLE whose 8 bytes point at the descriptor and its
 * write buffer (8 KiB, as CPython's).  Freeing the handle writes out what
 * is pending and closes a descriptor still open -- a file object dropped
 * without close() loses nothing and gives its descriptor back, as in
 * CPython; at exit, the handles still alive are flushed.  (A bytes object,
 * so that the subset's class holds it as a field of a type the compiler
 * knows; it stays a valid bytes object wherever it goes.) */
#ifndef PYJITX_FILE_H
#define PYJITX_FILE_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* open()'s mode as bits: PJX_FILE_READ/WRITE/APPEND/CREATE (x) and PLUS */
enum { PJX_FILE_READ = 0, PJX_FILE_WRITE = 1, PJX_FILE_APPEND = 2, PJX_FILE_CREATE = 3,
       PJX_FILE_PLUS = 4 };

/* *out: the descriptor, or -errno (-EISDIR for a directory opened to
 * read).  ValueError("embedded null byte") for a path with a NUL. */
PJX_EXPORT int32_t pjx_fd_open(pjx_str *path, int64_t mode, int64_t *out);
/* the handle that owns descriptor fd */
PJX_EXPORT pjx_bytes *pjx_fd_handle(int64_t fd);
/* data into the buffer (written out when it fills); OSError on failure */
PJX_EXPORT int32_t pjx_fd_write(pjx_bytes *handle, pjx_bytes *data);
/* writes out the buffer */
PJX_EXPORT int32_t pjx_fd_flush(pjx_bytes *handle);
/* up to size bytes (all that is left when size < 0), after writing out
 * the buffer; b"" at the end */
PJX_EXPORT pjx_bytes *pjx_fd_read(pjx_bytes *handle, int64_t size);
/* writes out the buffer and closes the descriptor (once: a closed handle
 * is left alone); the flush's error is raised after closing */
PJX_EXPORT int32_t pjx_fd_close(pjx_bytes *handle);
/* strerror(err) as a str ("No such file or directory") */
PJX_EXPORT pjx_str *pjx_fd_strerror(int64_t err);

#ifdef __cplusplus
}
#endif
#endif
