// Owning handles for cairo objects and the stream callback that collects a PNG or SVG into a string:
// shared by the figures the report module draws (internal to nnlab/report, included only by .cpp files).
#pragma once

#include <cairo.h>

#include <memory>
#include <string>

namespace nnlab::cairo {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

// A cairo_write_func_t appending to the std::string `closure` points to.
inline cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace nnlab::cairo
