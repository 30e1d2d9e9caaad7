// The message of the nnlab::Error a call throws, for tests that check what a user is told.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab::testing {

// Fails the test when `call` throws nothing; anything other than nnlab::Error propagates and fails it too.
template <typename F>
std::string any_error_message(F call) {
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected nnlab::Error";
    return {};
}

// As any_error_message, and also fails the test when the error is not marked as bad input, since those are
// the errors the command reports as the user's to fix.
template <typename F>
std::string error_message(F call) {
    try {
        call();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_input) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected nnlab::Error";
    return {};
}

}  // namespace nnlab::testing
