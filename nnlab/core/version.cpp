// nnlab's version, from the build (CMakeLists.txt: project(nnlab VERSION …)).
#include "nnlab/core/version.hpp"

namespace nnlab {

const char* version() {
    return NNLAB_VERSION;
}

}  // namespace nnlab
