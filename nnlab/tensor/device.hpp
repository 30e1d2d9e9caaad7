// Device — where a tensor's values live and which backend's kernels run on them (kernels/backend.hpp).
#pragma once

namespace nnlab {

// One value per backend: adding a GPU is a value here and its kernels in kernels/<device>/.
enum class Device { cpu };

inline const char* device_name(Device device) {
    switch (device) {
        case Device::cpu:
            break;
    }
    return "cpu";
}

}  // namespace nnlab
