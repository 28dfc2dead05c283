#ifndef MESHSCOPE_CZLIB_SHIM_H
#define MESHSCOPE_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2/inflateInit2 are macros (they pass the zlib version and struct size), which
// do not import into Swift; these wrappers call them for the gzip container.
static inline int meshscope_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

// 15 + 32: detect gzip or zlib headers automatically.
static inline int meshscope_inflate_init_auto(z_streamp s) {
    return inflateInit2(s, 15 + 32);
}
#endif
