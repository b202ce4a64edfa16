/* pyjitx runtime: the time module's clocks for compiled code
 * (libruntime/stdtime.c).  time.perf_counter() is time.monotonic(), as in
 * CPython on Linux. */
#ifndef PYJITX_STDTIME_H
#define PYJITX_STDTIME_H

#include "pyjitx/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

PJX_EXPORT double pjx_time_time(void);
PJX_EXPORT int64_t pjx_time_time_ns(void);
PJX_EXPORT double pjx_time_monotonic(void);
PJX_EXPORT int64_t pjx_time_monotonic_ns(void);
PJX_EXPORT double pjx_time_process_time(void);
PJX_EXPORT int64_t pjx_time_process_time_ns(void);
PJX_EXPORT double pjx_time_thread_time(void);
PJX_EXPORT int64_t pjx_time_thread_time_ns(void);
/* time.sleep(secs): ValueError for a negative or NaN length */
PJX_EXPORT int32_t pjx_time_sleep(double secs);

#ifdef __cplusplus
}
#endif
#endif
