// The CPU time other programs use beside this one: /proc/stat read by hand-made lines, and a real busy neighbour.
#include "nnlab/core/resource_usage.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace nnlab {
namespace {

TEST(CpuTimes, BusySecondsCountUserNiceSystemIrqSoftirqButNotIdleIowaitOrSteal) {
    // user 100, nice 20, system 30, idle 5000, iowait 40, irq 5, softirq 5, steal 900 ticks at 100 per second.
    const auto busy = machine_busy_seconds("cpu  100 20 30 5000 40 5 5 900 0 0", 100.0);
    ASSERT_TRUE(busy.has_value());
    EXPECT_DOUBLE_EQ(*busy, 1.6);
    EXPECT_FALSE(machine_busy_seconds("cpu0 1 2 3 4 5 6 7", 100.0).has_value());  // one CPU's line, not the sum
    EXPECT_FALSE(machine_busy_seconds("cpu 1 2", 100.0).has_value());
    EXPECT_FALSE(machine_busy_seconds("", 100.0).has_value());
}

TEST(CpuTimes, OthersAreTheMachinesBusyTimeLessThisProcesssPerSecond) {
    const auto start = std::chrono::steady_clock::now();
    const CpuTimes before{.machine_busy_seconds = 10.0, .process_seconds = 3.0, .at = start};
    const CpuTimes after{.machine_busy_seconds = 13.0, .process_seconds = 4.0, .at = start + std::chrono::seconds(2)};
    EXPECT_DOUBLE_EQ(cores_used_by_others(before, after), 1.0);  // 3 busy seconds, 1 ours, over 2 s
    EXPECT_DOUBLE_EQ(cores_used_by_others(before, before), 0.0);
    // This process counted more than the machine (different clocks): none, not negative.
    const CpuTimes odd{.machine_busy_seconds = 10.5, .process_seconds = 5.0, .at = start + std::chrono::seconds(1)};
    EXPECT_DOUBLE_EQ(cores_used_by_others(before, odd), 0.0);
}

TEST(CpuTimes, ABusyChildProcessIsSeenAsAnotherProgramComputing) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        volatile uint64_t spins = 0;
        while (true) spins = spins + 1;  // a busy program: a volatile store each turn
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::optional<CpuTimes> before = cpu_times();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::optional<CpuTimes> after = cpu_times();
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    ASSERT_TRUE(before && after);
    // The child computes on a whole core when it gets one; on a shared 2-core machine at least half of one.
    EXPECT_GT(cores_used_by_others(*before, *after), 0.4);
}

}  // namespace
}  // namespace nnlab
