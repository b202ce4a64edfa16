/* placeholder: replaced by the scalar primitives */
#include "pyjitx/runtime.h"
int32_t pjx_int_pow(int64_t b, int64_t e, int64_t *o) { (void)b; (void)e; (void)o; return -1; }
int32_t pjx_float_pow(double b, double e, double *o) { (void)b; (void)e; (void)o; return -1; }
int32_t pjx_float_floordiv(double a, double b, double *o) { (void)a; (void)b; (void)o; return -1; }
int32_t pjx_float_mod(double a, double b, double *o) { (void)a; (void)b; (void)o; return -1; }
int32_t pjx_float_to_int(double x, int64_t *o) { (void)x; (void)o; return -1; }
int32_t pjx_float_round(double x, int64_t *o) { (void)x; (void)o; return -1; }
int32_t pjx_float_round_ndigits(double x, int64_t n, double *o) { (void)x; (void)n; (void)o; return -1; }
int32_t pjx_int_round_ndigits(int64_t x, int64_t n, int64_t *o) { (void)x; (void)n; (void)o; return -1; }
