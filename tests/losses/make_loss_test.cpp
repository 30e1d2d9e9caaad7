// Tests for make_loss (Keras: losses.get): the identifiers Keras accepts and the unknown-name error.
#include "nnlab/losses/loss.hpp"

#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

TEST(MakeLoss, BuildsEveryKerasIdentifier) {
    EXPECT_EQ(make_loss("categorical_crossentropy")->name(), "categorical_crossentropy");
    EXPECT_EQ(make_loss("mean_squared_error")->name(), "mean_squared_error");
    EXPECT_EQ(make_loss("hinge")->name(), "hinge");
    EXPECT_EQ(make_loss("categorical_hinge")->name(), "categorical_hinge");
}

TEST(MakeLoss, AcceptsMseAsAnAliasOfMeanSquaredError) {
    EXPECT_EQ(make_loss("mse")->name(), "mean_squared_error");
    EXPECT_EQ(make_loss("MSE")->name(), "mean_squared_error");
}

TEST(MakeLoss, AcceptsKerasClassNames) {
    EXPECT_EQ(make_loss("CategoricalCrossentropy")->name(), "categorical_crossentropy");
    EXPECT_EQ(make_loss("MeanSquaredError")->name(), "mean_squared_error");
    EXPECT_EQ(make_loss("Hinge")->name(), "hinge");
    EXPECT_EQ(make_loss("CategoricalHinge")->name(), "categorical_hinge");
}

TEST(MakeLoss, OnlyCategoricalCrossentropiesFuseWithSoftmax) {
    EXPECT_TRUE(make_loss("categorical_crossentropy")->fuses_with_softmax());
    EXPECT_FALSE(make_loss("mse")->fuses_with_softmax());
    EXPECT_FALSE(make_loss("hinge")->fuses_with_softmax());
    EXPECT_FALSE(make_loss("categorical_hinge")->fuses_with_softmax());
    EXPECT_FALSE(make_loss("binary_crossentropy")->fuses_with_softmax());
    EXPECT_TRUE(make_loss("sparse_categorical_crossentropy")->fuses_with_softmax());
}

TEST(MakeLoss, UnknownNameThrowsKeyErrorListingTheKnownLosses) {
    try {
        make_loss("kl_divergence");
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "loss");
        EXPECT_EQ(e.kind(), ErrorKind::bad_input);
        EXPECT_STREQ(e.what(),
                     "loss: unknown loss 'kl_divergence'; expected one of categorical_crossentropy, "
                     "binary_crossentropy, sparse_categorical_crossentropy, mean_squared_error, hinge, "
                     "categorical_hinge");
    }
}

TEST(MakeLoss, NamesAreCaseSensitiveAsInKeras) {
    // Keras looks identifiers up in a dict: "Mse" and "HINGE" are neither a function nor a class name.
    EXPECT_THROW(make_loss("Mse"), KeyError);
    EXPECT_THROW(make_loss("HINGE"), KeyError);
    EXPECT_THROW(make_loss(""), KeyError);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

TEST(MakeLoss, SettingsAreDescribedAndReadBack) {
    const config::Description d = {{"type", "categorical_crossentropy"}, {"label_smoothing", 0.2}};
    const auto loss = loss_from(config::Reader(d, "loss"));
    EXPECT_EQ(loss_description(*loss), d);
    EXPECT_EQ(loss_description(*make_loss("mse")), config::Description({{"type", "mean_squared_error"}}));
    try {
        const config::Description bad = {{"type", "hinge"}, {"label_smoothing", 0.1}};
        loss_from(config::Reader(bad, "train.loss"));
        FAIL() << "accepted";
    } catch (const KeyError& e) {
        EXPECT_STREQ(e.what(), "train.loss.label_smoothing: unknown key for loss hinge; expected one of type");
    }
}

}  // namespace
}  // namespace nnlab
