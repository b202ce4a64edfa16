/* print(): compiled code writes text through a replaceable writer.  A C++
 * host gets stdout; the Python bridge installs a writer that goes through
 * sys.stdout, so output interleaves correctly with Python's own prints. */
#include "internal.h"

#include <stdio.h>

static pjx_write_fn stdout_writer;

void pjx_set_stdout_writer(pjx_write_fn writer) { stdout_writer = writer; }

int32_t pjx_print(pjx_str *text) {
    if (stdout_writer != NULL) return stdout_writer(text->data, text->nbytes);
    if (fwrite(text->data, 1, (size_t)text->nbytes, stdout) != (size_t)text->nbytes) {
        pjx_err_set(PJX_EXC_OS, "print(): write to stdout failed");
        return -1;
    }
    fflush(stdout);
    return 0;
}
