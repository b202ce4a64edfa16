/* The time module's clocks for compiled code (stdtime.h),
 * read as CPython reads them on Linux: time() from CLOCK_REALTIME,
 * monotonic() and perf_counter() from CLOCK_MONOTONIC, process_time() and
 * thread_time() from the CPU-time clocks, each as a count of nanoseconds
 * converted to seconds the way _PyTime_AsSecondsDouble does. */
#define _GNU_SOURCE /* clock_gettime, clock_nanosleep */
#include "internal.h"
#include "pyjitx/stdtime.h"

#include <errno.h>
#include <math.h>
#include <time.h>

static int64_t nanoseconds(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double seconds(int64_t ns) {
    /* volatile, as CPython's, so that no compiler rounds differently */
    volatile double d;
    if (ns % 1000000000 == 0) {
        d = (double)(ns / 1000000000);
    } else {
        d = (double)ns;
        d /= 1e9;
    }
    return d;
}

double pjx_time_time(void) { return seconds(nanoseconds(CLOCK_REALTIME)); }
int64_t pjx_time_time_ns(void) { return nanoseconds(CLOCK_REALTIME); }
double pjx_time_monotonic(void) { return seconds(nanoseconds(CLOCK_MONOTONIC)); }
int64_t pjx_time_monotonic_ns(void) { return nanoseconds(CLOCK_MONOTONIC); }
double pjx_time_process_time(void) { return seconds(nanoseconds(CLOCK_PROCESS_CPUTIME_ID)); }
int64_t pjx_time_process_time_ns(void) { return nanoseconds(CLOCK_PROCESS_CPUTIME_ID); }
double pjx_time_thread_time(void) { return seconds(nanoseconds(CLOCK_THREAD_CPUTIME_ID)); }
int64_t pjx_time_thread_time_ns(void) { return nanoseconds(CLOCK_THREAD_CPUTIME_ID); }

int32_t pjx_time_sleep(double secs) {
    if (isnan(secs)) {
        pjx_err_set(PJX_EXC_VALUE, "Invalid value NaN (not a number)");
        return -1;
    }
    if (secs < 0) {
        pjx_err_set(PJX_EXC_VALUE, "sleep length must be non-negative");
        return -1;
    }
    if (secs >= 9223372036.0) {
        pjx_err_set(PJX_EXC_OVERFLOW, "timestamp too large to convert to C _PyTime_t");
        return -1;
    }
    /* until an absolute deadline, so that a signal does not cut it short */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    int64_t ns = (int64_t)ceil(secs * 1e9);
    deadline.tv_sec += ns / 1000000000;
    deadline.tv_nsec += ns % 1000000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR) {
    }
    return 0;
}
