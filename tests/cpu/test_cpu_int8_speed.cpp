// Speed of the int8 kernels (not correctness tests: DISABLED_, run with
// --gtest_also_run_disabled_tests): single conv / depthwise nodes on
// MediaPipe-like shapes and the int8 MediaPipe golden models, against the
// int8 reference kernels and the float32 optimized kernels. One thread is
// timed in CPU time (robust on a shared machine), two in wall time.
// ODIN_INT8_PROFILE=1 also prints the models' time per op type and the
// int8 nodes left to the reference kernels.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "format/tflite/tflite_importer.h"
#include "int8_test_util.h"
#include "runtime/session.h"

namespace odin {
namespace {

using test::add_node;
using test::add_quantized;
using test::per_tensor;
using test::random_bias;
using test::Rng;
using test::weight_quant;

// Seconds of a fast one of `runs` calls of fn: this thread's CPU time
// (`cpu_time`: single-threaded runs, robust on a shared machine) or wall time.
double fast_seconds(int runs, bool cpu_time, const std::function<void()>& fn) {
  const auto now = [cpu_time] {
    timespec ts;
    clock_gettime(cpu_time ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const double t0 = now();
    fn();
    t.push_back(now() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 10];  // a low decile: the machine is shared
}

// One conv node of each dtype on MediaPipe-like shapes: the optimized int8
// kernel against the int8 reference and the optimized float32 kernel.
// Not a correctness test: run with --gtest_also_run_disabled_tests.
TEST(CpuInt8, DISABLED_Speed) {
  struct Case {
    const char* name;
    int64_t h, w, in_c, out_c, k, stride;
    bool depthwise;
  };
  const Case cases[] = {
      {"1x1 conv 64x64x32 -> 64", 64, 64, 32, 64, 1, 1, false},
      {"3x3 s2 conv 128x128x3 -> 24", 128, 128, 3, 24, 3, 2, false},
      {"3x3 s1 conv 32x32x32 -> 32", 32, 32, 32, 32, 3, 1, false},
      {"3x3 s1 depthwise 64x64x64", 64, 64, 64, 64, 3, 1, true},
      {"3x3 s2 depthwise 64x64x64", 64, 64, 64, 64, 3, 2, true},
      {"5x5 s1 depthwise 32x32x96", 32, 32, 96, 96, 5, 1, true},
  };
  Rng rng(1);
  for (const Case& c : cases) {
    const SpatialPadding p = compute_spatial_padding(Padding::kSame, c.h, c.k, c.stride, 1);
    const Shape fshape =
        c.depthwise ? Shape{1, c.k, c.k, c.out_c} : Shape{c.out_c, c.k, c.k, c.in_c};
    const Shape xs{1, c.h, c.w, c.in_c}, ys{1, p.out, p.out, c.out_c};
    auto add = [&](Graph& g, const std::vector<ValueId>& ins, ValueId y) {
      if (c.depthwise) {
        DepthwiseConv2DAttrs a;
        a.padding = Padding::kSame;
        a.stride_h = a.stride_w = static_cast<int32_t>(c.stride);
        a.activation = Activation::kRelu6;
        add_node(g, OpType::kDepthwiseConv2D, a, ins, {y});
      } else {
        Conv2DAttrs a;
        a.padding = Padding::kSame;
        a.stride_h = a.stride_w = static_cast<int32_t>(c.stride);
        a.activation = Activation::kRelu6;
        add_node(g, OpType::kConv2D, a, ins, {y});
      }
    };
    Graph gq, gf;
    const ValueId xq = add_quantized(gq, xs, DType::kI8, per_tensor(0.05f, 3), rng, false);
    const ValueId wq =
        add_quantized(gq, fshape, DType::kI8,
                      weight_quant(DType::kI8, c.out_c, c.depthwise ? 3 : 0, true, rng), rng, true);
    const ValueId bq = random_bias(gq, c.out_c, 9, rng);
    add(gq, {xq, wq, bq}, add_quantized(gq, ys, DType::kI8, per_tensor(0.05f, -5), rng, false));
    const ValueId xf = test::add_value(gf, xs);
    add(gf,
        {xf, test::add_random_const(gf, fshape, 3), test::add_random_const(gf, Shape{c.out_c}, 4)},
        test::add_value(gf, ys));
    std::vector<uint8_t> x8(static_cast<size_t>(xs.num_elements()), 7),
        y8(static_cast<size_t>(ys.num_elements()));
    std::vector<float> x32(x8.size(), 0.5f), y32(y8.size());
    const Node& nq = gq.nodes().back();
    std::vector<ConstTensorView> ref_in = {{DType::kI8, xs, x8.data()}};
    for (size_t i = 1; i < nq.inputs.size(); ++i)
      ref_in.push_back({gq.value(nq.inputs[i]).dtype, gq.value(nq.inputs[i]).shape,
                        gq.value(nq.inputs[i]).data});
    std::vector<TensorView> ref_out = {{DType::kI8, ys, y8.data()}};
    const double ref = fast_seconds(3, true, [&] { (void)run_reference(gq, nq, ref_in, ref_out); });
    for (int threads : {1, 2}) {
      ThreadPool pool(threads);
      std::unique_ptr<CpuOp> oq = make_cpu_op(CpuOpContext{gq, threads}, nq);
      std::unique_ptr<CpuOp> of = make_cpu_op(CpuOpContext{gf, threads}, gf.nodes().back());
      ASSERT_TRUE(oq && of);
      const std::vector<ConstTensorView> iq = {{DType::kI8, xs, x8.data()}};
      const std::vector<TensorView> wq8 = {{DType::kI8, ys, y8.data()}};
      const std::vector<ConstTensorView> iff = {{DType::kF32, xs, x32.data()}};
      const std::vector<TensorView> wf = {{DType::kF32, ys, y32.data()}};
      const double t8 = fast_seconds(101, threads == 1, [&] { oq->run(iq, wq8, pool); });
      const double t32 = fast_seconds(101, threads == 1, [&] { of->run(iff, wf, pool); });
      std::printf(
          "%-30s %s threads=%d  int8 %8.1f us  fp32 %8.1f us  int8 ref(1t) %9.1f us  "
          "fp32/int8 %.2fx  ref/int8 %.1fx\n",
          c.name, cpu::int8_target_name(), threads, t8 * 1e6, t32 * 1e6, ref * 1e6, t32 / t8,
          ref / t8);
    }
  }
}

// Whole models: the int8 MediaPipe golden models (tests/models/golden_int8)
// on the optimized kernels, against the same int8 model on the reference
// kernels and the float32 model on the optimized kernels.
// ODIN_INT8_MODEL_DIR=DIR: all seven MediaPipe models, DIR/<name>_int8.tflite
// (as odin quantize writes them), beside the zoo's float32 files.
TEST(CpuInt8, DISABLED_ModelSpeed) {
  const char* dir = std::getenv("ODIN_INT8_MODEL_DIR");
  std::vector<std::string> names = {"face_detection_short_range", "face_landmark"};
  if (dir)
    names = {"face_detection_short_range", "face_detection_full_range", "face_landmark",
             "hand_landmark_lite",         "hand_landmark_full",        "palm_detection_lite",
             "palm_detection_full"};
  for (const std::string& name : names) {
    auto f32 = load_tflite_file(test::model_path(name));
    auto i8 =
        load_tflite_file(dir ? str_cat(dir, "/", name, "_int8.tflite")
                             : test::data_path("models/golden_int8/" + name + "_int8.tflite"));
    ASSERT_TRUE(f32.ok() && i8.ok()) << name;
    auto time = [&](const Graph& g, int threads, bool optimize, int runs) {
      SessionOptions o;
      o.backends = {"cpu"};
      o.num_threads = threads;
      o.optimize = optimize;
      o.profile = std::getenv("ODIN_INT8_PROFILE") != nullptr;
      auto s = Session::create(g, o);
      EXPECT_TRUE(s.ok()) << s.status().to_string();
      if (!s.ok()) return 0.0;
      for (size_t i = 0; i < (*s)->num_inputs(); ++i) {
        const Value& v = (*s)->input_info(i);
        std::vector<uint8_t> bytes(tensor_bytes(v.dtype, v.shape), 0);
        for (size_t j = 0; j < bytes.size(); ++j) bytes[j] = static_cast<uint8_t>(j * 7 % 61);
        if (v.dtype == DType::kF32)
          for (size_t j = 0; j + 4 <= bytes.size(); j += 4) {
            const float x = static_cast<float>(j % 97) / 97.0f;
            std::memcpy(&bytes[j], &x, 4);
          }
        EXPECT_TRUE((*s)->set_input(i, bytes.data(), bytes.size()).ok());
      }
      const double t = fast_seconds(runs, threads == 1, [&] { EXPECT_TRUE((*s)->run().ok()); });
      if (std::getenv("ODIN_INT8_PROFILE") && threads == 1) {  // time per op type
        std::map<std::string, double> by_op;
        const Graph& sg = (*s)->graph();
        for (size_t i = 0; i < sg.nodes().size() && i < (*s)->node_times_ms().size(); ++i)
          by_op[str_cat(op_type_name(sg.nodes()[i].op), " ",
                        dtype_name(sg.value(sg.nodes()[i].outputs[0]).dtype))] +=
              (*s)->node_times_ms()[i];
        for (const auto& [op, ms] : by_op) std::printf("    %-32s %8.3f ms\n", op.c_str(), ms);
        for (const Node& n : sg.nodes())
          if (is_affine_dtype(sg.value(n.outputs[0]).dtype) && !make_cpu_op(CpuOpContext{sg, 1}, n))
            std::printf(
                "    reference: %s\n",
                str_cat(op_type_name(n.op), " ", dtype_name(sg.value(n.outputs[0]).dtype)).c_str());
      }
      return t;
    };
    const double ref = time(*i8, 1, false, 3);
    for (int threads : {1, 2}) {
      const double t8 = time(*i8, threads, true, 41), t32 = time(*f32, threads, true, 41);
      std::printf(
          "%-28s threads=%d  int8 %8.1f us  fp32 %8.1f us  int8 ref(1t) %9.1f us  "
          "fp32/int8 %.2fx  ref/int8 %.1fx\n",
          name.c_str(), threads, t8 * 1e6, t32 * 1e6, ref * 1e6, t32 / t8, ref / t8);
    }
  }
}

}  // namespace
}  // namespace odin
