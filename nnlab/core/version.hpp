// nnlab's version, as CMake's project() declares it ("0.1.0"); written into every model file.
#pragma once

namespace nnlab {

const char* version();

}  // namespace nnlab
