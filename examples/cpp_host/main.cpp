// A C++ inference host for the pipelines that examples/text2ids.py and
// examples/multimodal.py save with `--save DIR`: loads DIR/text2ids and
// DIR/multimodal with pyjitx::Session, feeds them the inputs listed in
// DIR/<name>.inputs.json and prints each result as Python prints it
// (DIR/<name>.expected.txt holds the lines Python printed).  No Python is
// involved: the pipelines' compiled ops come from their lib<name>.so, the
// TorchScript model runs through libtorch.
//
//     cpp_host DIR
#include <pyjitx/pyjitx.hpp>
#ifdef PYJITX_HOST_WITH_TORCH
#include <pyjitx/torch.hpp> // registers the libtorch runner of "torch" nodes
#endif

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

using pyjitx::Value;
using pyjitx::json::Json;

static std::string read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// text2ids: a str in, a List[int] out.
static void run_text2ids(const std::string &dir) {
    auto sess = pyjitx::Session::load(dir + "/text2ids");
    Json texts = pyjitx::json::parse(read_file(dir + "/text2ids.inputs.json"));
    for (const Json &text : texts.items()) {
        Value input = Value::str(text.as_string());
        Value ids = sess.run({{"texts", input}});
        std::cout << "text2ids " << input << " -> " << ids << "\n";
    }
}

// multimodal: a str and a uint8 HWC image in (as a C++ server would have
// it after decoding a JPEG), class probabilities (a float32 NDArray) out.
static void run_multimodal(const std::string &dir) {
    auto sess = pyjitx::Session::load(dir + "/multimodal");
    Json inputs = pyjitx::json::parse(read_file(dir + "/multimodal.inputs.json"));
    for (const Json &item : inputs.items()) {
        std::vector<int64_t> shape;
        for (const Json &n : item.find("shape")->items()) shape.push_back(n.as_int());
        Value image = Value::zeros(PJX_DT_UINT8, shape);
        std::string pixels = read_file(dir + "/" + item.find("image")->as_string());
        if ((int64_t)pixels.size() != shape[0] * shape[1] * shape[2])
            throw std::runtime_error("image size does not match its shape");
        std::memcpy(image.data(), pixels.data(), pixels.size());
        Value text = Value::str(item.find("text")->as_string());
        Value probs = sess.run({{"text", text}, {"image", image}});
        // As Python prints probs.tolist(): each float32 as a Python float.
        const float *p = static_cast<const float *>(probs.data());
        std::cout << "multimodal " << text << " -> [";
        for (int64_t i = 0; i < probs.shape()[0]; i++)
            std::cout << (i ? ", " : "") << Value((double)p[i]);
        std::cout << "]\n";
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: cpp_host DIR (a directory written by the examples' --save DIR)\n";
        return 2;
    }
    int failures = 0;
    for (auto run : {run_text2ids, run_multimodal}) {
        try {
            run(argv[1]);
        } catch (const pyjitx::Error &e) { // type() is the Python exception's name
            std::cout << e.what() << "\n";
            failures++;
        }
    }
    return failures == 0 ? 0 : 1;
}
