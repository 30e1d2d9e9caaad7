// Writes the seed corpora of tests/fuzz/corpus/ (small valid inputs of every reader, made by nnlab and the libraries
// it reads with), so that they can be remade: fuzz_seed_writer <corpus folder>. The experiment seeds are examples/.
// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t declared before it
#include <jpeglib.h>
// clang-format on
#include <png.h>
#include <zlib.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "tests/support/archive_writer.hpp"
#include "tests/support/npy_writer.hpp"

namespace fs = std::filesystem;
using nnlab::Sequential;
using json = nlohmann::json;

namespace {

void write(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

// Pixel (y, x, c) = 40 c + 5 y + 3 x: smooth, so JPEG keeps it small.
std::vector<uint8_t> gradient(int height, int width, int channels) {
    std::vector<uint8_t> pixels;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c) pixels.push_back(static_cast<uint8_t>(40 * c + 5 * y + 3 * x));
    return pixels;
}

void write_models(const fs::path& folder) {
    fs::create_directories(folder);
    Sequential mlp("mlp");
    mlp.add(nnlab::Input{{4}});
    mlp.add(nnlab::make_layer({{"type", "Dense"}, {"units", 3}, {"activation", "relu"}}));
    mlp.add(nnlab::make_layer({{"type", "Dense"}, {"units", 2}, {"activation", "softmax"}}));
    mlp.compile(nnlab::make_optimizer({{"type", "sgd"}}), nnlab::make_loss("categorical_crossentropy"), {.seed = 3});
    nnlab::save_model(mlp, folder / "mlp.safetensors", {.class_names = {"yes", "no"}});

    // Convolutions, normalisation, pooling and a residual block, with featurewise standardisation stored.
    Sequential cnn("cnn");
    cnn.add(nnlab::Input{{4, 4, 1}});
    cnn.add(nnlab::make_layer({{"type", "Conv2D"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "same"}}));
    cnn.add(nnlab::make_layer({{"type", "BatchNormalization"}}));
    cnn.add(nnlab::make_layer({{"type", "Residual"},
                               {"layers", {{{"type", "DepthwiseConv2D"}, {"kernel_size", 1}}}},
                               {"activation", "relu"}}));
    cnn.add(nnlab::make_layer({{"type", "MaxPooling2D"}, {"pool_size", 2}}));
    cnn.add(nnlab::make_layer({{"type", "Flatten"}}));
    cnn.add(nnlab::make_layer({{"type", "Dense"}, {"units", 2}, {"activation", "softmax"}}));
    cnn.compile(nnlab::make_optimizer({{"type", "adam"}}), nnlab::make_loss("categorical_crossentropy"), {.seed = 5});
    nnlab::Dataset train;
    train.image_shape = nnlab::Shape{4, 4, 1};
    train.class_names = {"a", "b"};
    train.images = gradient(8, 4, 1);  // two images
    train.labels = {0, 1};
    nnlab::Augmenter augmenter(
        nnlab::AugmentConfig{
            .horizontal_flip = true, .featurewise_center = true, .featurewise_std_normalization = true},
        train.image_shape);
    augmenter.fit(train);
    nnlab::save_model(cnn, folder / "cnn.safetensors", nnlab::training_metadata(train, "synthetic", 2, &augmenter));
}

// One description per layer type, every key written out, as TOML tables.
void write_layers(const fs::path& folder) {
    for (const std::string& type : nnlab::layer_registry().types()) {
        json description = {{"type", type}};
        if (type == "Dense") description["units"] = 3;
        if (type == "Conv2D") description.update({{"filters", 2}, {"kernel_size", 3}});
        if (type == "DepthwiseConv2D") description["kernel_size"] = 3;
        if (type == "Dropout") description["rate"] = 0.5;
        if (type == "Activation") description["activation"] = "relu";
        if (type == "Rescaling") description["scale"] = 0.5;
        if (type == "Reshape") description["target_shape"] = {64, 3};
        if (type == "Residual") description["layers"] = {{{"type", "Conv2D"}, {"filters", 3}, {"kernel_size", 1}}};
        try {
            const json full = nnlab::layer_description(*nnlab::make_layer(description));
            write(folder / (type + ".toml"), nnlab::config::to_toml(full));
        } catch (const nnlab::Error& e) {
            std::cerr << "seed_writer: no seed for layer " << type << ": " << e.what() << "\n";
        }
    }
}

void write_png(const fs::path& path, int channels, uint32_t format) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = 5;
    png.height = 3;
    png.format = format;
    const std::vector<uint8_t> pixels = gradient(3, 5, channels * (format & PNG_FORMAT_FLAG_LINEAR ? 2 : 1));
    if (!png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0, nullptr))
        throw std::runtime_error(png.message);
}

void write_jpeg(const fs::path& path, int channels, bool progressive, bool arithmetic, int restart_rows) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) throw std::runtime_error("cannot write " + path.string());
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = 9;
    info.image_height = 17;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 75, TRUE);
    if (progressive) jpeg_simple_progression(&info);
    info.arith_code = arithmetic ? TRUE : FALSE;
    info.restart_in_rows = restart_rows;
    jpeg_start_compress(&info, TRUE);
    const std::vector<uint8_t> pixels = gradient(17, 9, channels);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t*>(pixels.data()) + info.next_scanline * 9 * channels;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::fclose(file);
}

void write_images(const fs::path& folder) {
    fs::create_directories(folder);
    write_png(folder / "rgb.png", 3, PNG_FORMAT_RGB);
    write_png(folder / "grey.png", 1, PNG_FORMAT_GRAY);
    write_png(folder / "rgba.png", 4, PNG_FORMAT_RGBA);
    write_png(folder / "grey16.png", 1, PNG_FORMAT_LINEAR_Y);
    write_jpeg(folder / "baseline.jpg", 3, false, false, 0);
    write_jpeg(folder / "grey.jpg", 1, false, false, 0);
    write_jpeg(folder / "progressive.jpg", 3, true, false, 0);
    write_jpeg(folder / "arithmetic.jpg", 3, false, true, 0);
    write_jpeg(folder / "restarts.jpg", 3, false, false, 1);
}

std::string big_endian(uint32_t value) {
    std::string bytes;
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((value >> shift) & 0xFF);
    return bytes;
}

std::string gzip(const std::string& bytes) {
    z_stream stream{};
    deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // + 16: a gzip header
    std::string out(deflateBound(&stream, bytes.size()), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

void write_idx(const fs::path& folder) {
    const std::vector<uint8_t> pixels = gradient(3 * 4, 5, 1);  // three 4×5 images
    const std::string images =
        big_endian(0x803) + big_endian(3) + big_endian(4) + big_endian(5) + std::string(pixels.begin(), pixels.end());
    write(folder / "images-idx3-ubyte", images);
    write(folder / "images-idx3-ubyte.gz", gzip(images));
    write(folder / "labels-idx1-ubyte", big_endian(0x801) + big_endian(3) + std::string("\x01\x00\x09", 3));
}

// One record per batch file: CIFAR-10's label byte (CIFAR-100's coarse and fine ones), then three 32×32 planes.
std::string records(const std::string& labels) {
    const std::vector<uint8_t> planes = gradient(32 * 3, 32, 1);
    return labels + std::string(planes.begin(), planes.end());
}

std::string names(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "class" + std::to_string(i) + "\n";
    return text;
}

void write_cifar(const fs::path& folder) {
    std::map<std::string, std::string> cifar10 = {{"batches.meta.txt", names(10)}, {"test_batch.bin", records("\x03")}};
    for (int i = 1; i <= 5; ++i) cifar10["data_batch_" + std::to_string(i) + ".bin"] = records(std::string(1, char(i)));
    nnlab::testing::write_tar_gz(folder / "cifar-10-binary.tar.gz", "cifar-10-batches-bin", cifar10);
    nnlab::testing::write_tar_gz(folder / "cifar-100-binary.tar.gz", "cifar-100-binary",
                                 {{"train.bin", records("\x02\x07")},
                                  {"test.bin", records("\x13\x63")},
                                  {"fine_label_names.txt", names(100)},
                                  {"coarse_label_names.txt", names(20)}});
}

}  // namespace

// .npy files of several dtypes and orders, and .npz files (stored and deflated) holding x_train and y_train.
void write_numpy(const fs::path& folder) {
    using nnlab::testing::npy_bytes;
    using nnlab::testing::raw_bytes;
    const std::string x = npy_bytes("<f4", {2, 3}, raw_bytes(std::vector<float>{0.5f, 1, 2, 3, 4, 5}));
    const std::string y = npy_bytes("|u1", {2, 1}, std::string("\x00\x01", 2));
    write(folder / "float32.npy", x);
    write(folder / "labels.npy", y);
    write(folder / "big_endian_fortran.npy",
          npy_bytes(">i2", {2, 2}, std::string("\x00\x01\x00\x03\x00\x02\x00\x04", 8), true));
    write(folder / "one_hot.npy", npy_bytes("<f8", {2, 2}, raw_bytes(std::vector<double>{1, 0, 0, 1})));
    write(folder / "images.npy", npy_bytes("|u1", {2, 2, 2}, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
    nnlab::testing::write_zip(folder / "stored.npz", {{"x_train.npy", x}, {"y_train.npy", y}}, false);
    nnlab::testing::write_zip(folder / "deflated.npz", {{"x_train.npy", x}, {"y_train.npy", y}}, true);
}

void write_csv(const fs::path& folder) {
    write(folder / "header.csv", "width,height,label\n1.5,2,0\n3,4e1,1\n-5,6,1\n7,8,0\n");
    write(folder / "quoted.csv", "\"a, b\",\"c\"\"\",y\r\n1,2,0\r\n\r\n3,4,1\r\n");
    write(folder / "numbers.csv", "0.1,0.2,2\n0.3,0.4,0\n0.5,0.6,1\n0.7,0.8,2\n");
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_seed_writer <corpus folder>\n";
        return 2;
    }
    const fs::path corpus = argv[1];
    write_models(corpus / "model_file");
    write_layers(corpus / "layer_toml");
    write_images(corpus / "image_decode");
    write_idx(corpus / "idx");
    write_cifar(corpus / "cifar_archive");
    write_numpy(corpus / "numpy");
    write_csv(corpus / "csv");
    return 0;
}
