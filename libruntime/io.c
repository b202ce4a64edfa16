/* print(): compiled code writes text to a stream (1: stdout, 2: stderr)
 * through a replaceable writer.  A C++ host gets C stdio's stdout and
 * stderr; the Python bridge installs a writer that goes through sys.stdout
 * and sys.stderr, so that output interleaves correctly with what Python's
 * own print() has buffered, and follows their redirection
 * (contextlib.redirect_stdout, pytest's capture, notebooks). */
#include "internal.h"

#include <stdio.h>

static pjx_write_fn stdout_writer;
static pjx_stream_write_fn stream_writer;

void pjx_set_stdout_writer(pjx_write_fn writer) { stdout_writer = writer; }

void pjx_set_stream_writer(pjx_stream_write_fn writer) { stream_writer = writer; }

int32_t pjx_write_stream(int32_t stream, const char *data, int64_t size, int64_t flush) {
    if (stream_writer != NULL) return stream_writer(stream, data, size, (int32_t)(flush != 0));
    if (stream == 1 && stdout_writer != NULL) return stdout_writer(data, size);
    FILE *file = stream == 2 ? stderr : stdout;
    if (size > 0 && fwrite(data, 1, (size_t)size, file) != (size_t)size) {
        pjx_err_set(PJX_EXC_OS, stream == 2 ? "print(): write to stderr failed"
                                            : "print(): write to stdout failed");
        return -1;
    }
    /* a host reads the output as it comes: stdout is flushed like stderr */
    fflush(file);
    return 0;
}

int32_t pjx_print_to(int32_t stream, pjx_str *text, int64_t flush) {
    return pjx_write_stream(stream, text->data, text->nbytes, flush);
}

int32_t pjx_flush_stream(int32_t stream) { return pjx_write_stream(stream, "", 0, 1); }

int32_t pjx_print(pjx_str *text) { return pjx_print_to(1, text, 0); }
