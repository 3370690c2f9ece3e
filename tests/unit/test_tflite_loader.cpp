// The importer on valid and hostile files: every failure is a clear error
// naming what and where, never a crash.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_schema_generated.h"
#include "runtime/session.h"
#include "test_util.h"
#include "tflite_builder.h"

namespace odin {
namespace {

using test::add_model_spec;
using test::build_tflite;

Result<Graph> import_bytes(const std::vector<uint8_t>& bytes) {
  auto copy = std::make_shared<std::vector<uint8_t>>(bytes);
  return import_tflite(*copy, copy, "test.tflite");
}

void expect_error(const Result<Graph>& r, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(r.status().code(), code) << r.status().to_string();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos)
      << "message: " << r.status().message() << "\nexpected to contain: " << fragment;
}

TEST(TfliteLoader, BuildsAndRunsASmallModel) {
  auto g = import_bytes(build_tflite(add_model_spec()));
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  ASSERT_EQ(g->num_nodes(), 1u);
  EXPECT_EQ(g->node(0).op, OpType::kAdd);
  auto s = Session::create(*g);
  ASSERT_TRUE(s.ok());
  const float x[4] = {10, 20, 30, 40};
  ASSERT_TRUE((*s)->set_input(0, x, sizeof(x)).ok());
  ASSERT_TRUE((*s)->run().ok());
  const float* y = (*s)->output(0).as<float>();
  EXPECT_EQ(y[0], 11);
  EXPECT_EQ(y[3], 44);
}

TEST(TfliteLoader, ConstantsAreNotCopied) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(build_tflite(add_model_spec()));
  auto g = import_tflite(*bytes, bytes, "test.tflite");
  ASSERT_TRUE(g.ok());
  const Value& c = g->value(1);
  ASSERT_TRUE(c.is_constant());
  EXPECT_GE(c.data, bytes->data());
  EXPECT_LT(c.data, bytes->data() + bytes->size());
}

TEST(TfliteLoader, RejectsPerChannelScalesTheProducedShapeLacks) {
  // Fuzz finding: y declared [4,1] with 4 scales along axis 0 (which the
  // declared shape has) but produced as [1,2,2,1]; the writer then wrote a
  // table the importer refused.
  auto spec = add_model_spec();
  spec.tensors[2].shape = {4, 1};
  spec.tensors[2].scales = {1, 2, 3, 4};
  spec.tensors[2].zero_points = {0, 0, 0, 0};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "4 per-channel scales along axis 0, which the shape the op produces, [1,2,2,1]");
}

TEST(TfliteLoader, RejectsOutOfRangeTensorIndex) {
  auto spec = add_model_spec();
  spec.ops[0].inputs = {0, 7};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "operator 0: input tensor index 7 is out of range (3 tensors)");
}

TEST(TfliteLoader, RejectsOutOfRangeBufferIndex) {
  auto spec = add_model_spec();
  spec.tensors[1].buffer = 9;
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "tensor 1 refers to buffer 9 but the model has 2 buffers");
}

TEST(TfliteLoader, RejectsBufferTooSmallForShape) {
  auto spec = add_model_spec();
  spec.buffers[0] = test::bytes_of(std::vector<float>{1, 2});
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "tensor 1 'c': buffer holds 8 bytes but shape [1,2,2,1] of float32 needs 16");
}

TEST(TfliteLoader, RejectsOverflowingShape) {
  auto spec = add_model_spec();
  spec.tensors[0].shape = {1 << 20, 1 << 20, 1 << 20, 1 << 10};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "tensor 0 'x': shape [1048576,1048576,1048576,1024] has too many elements");
}

TEST(TfliteLoader, RejectsNegativeDimension) {
  auto spec = add_model_spec();
  spec.tensors[2].shape = {1, -2, 2, 1};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "tensor 2 'y': negative dimension -2");
}

TEST(TfliteLoader, RejectsOutOfRangeOpcodeIndex) {
  auto spec = add_model_spec();
  spec.ops[0].opcode_index = 5;
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "operator 0: opcode index 5 is out of range (1 operator codes)");
}

TEST(TfliteLoader, NamesUnsupportedBuiltinOp) {
  auto spec = add_model_spec();
  spec.ops[0].builtin = 48;  // TOPK_V2
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kUnsupported,
               "unsupported op TOPK_V2 at node 0");
}

TEST(TfliteLoader, NamesUnsupportedCustomOp) {
  auto spec = add_model_spec();
  spec.ops[0].builtin = 32;
  spec.ops[0].custom_code = "MyCustomOp";
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kUnsupported,
               "unsupported op MyCustomOp at node 0");
}

TEST(TfliteLoader, RejectsOutOfRangeGraphInput) {
  auto spec = add_model_spec();
  spec.inputs = {42};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "subgraph input tensor index 42 is out of range");
}

TEST(TfliteLoader, RejectsDeclaredShapeThatDisagreesWithTheOp) {
  auto spec = add_model_spec();
  spec.tensors[2].shape = {1, 3, 3, 1};
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "node 0 (ADD 'y'): output tensor 2 'y' is declared as [1,3,3,1]");
}

TEST(TfliteLoader, RejectsUseBeforeDefinition) {
  auto spec = add_model_spec();
  spec.inputs = {};  // x is now produced by nobody
  expect_error(import_bytes(build_tflite(spec)), StatusCode::kInvalidModel,
               "input tensor 0 'x' is used before any node produces it");
}

TEST(TfliteLoader, RejectsConvWithZeroStride) {
  test::ModelSpec s;
  s.tensors = {{{1, 4, 4, 1}, 0, 0, "x"}, {{1, 3, 3, 1}, 0, 1, "w"}, {{1, 2, 2, 1}, 0, 0, "y"}};
  s.buffers = {test::bytes_of(std::vector<float>(9, 1.0f))};
  test::OpSpec conv;
  conv.builtin = 3;
  conv.stride = 0;
  conv.inputs = {0, 1};
  conv.outputs = {2};
  s.ops = {conv};
  s.inputs = {0};
  s.outputs = {2};
  auto r = import_bytes(build_tflite(s));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("node 0 (CONV_2D 'y')"), std::string::npos)
      << r.status().message();
}

// TRANSPOSE_CONV x[1,4,4,3] * w[2,3,3,3], SAME, stride 2, to `output_shape`
// (an int32 constant); y is declared as `declared`, else as output_shape.
Result<Graph> import_transpose_conv(std::vector<int32_t> output_shape,
                                    std::vector<int32_t> declared = {}) {
  test::ModelSpec s;
  s.tensors = {{{4}, 2, 1, "output_shape"},
               {{2, 3, 3, 3}, 0, 2, "w"},
               {{1, 4, 4, 3}, 0, 0, "x"},
               {declared.empty() ? output_shape : declared, 0, 0, "y"}};
  s.buffers = {test::bytes_of(output_shape), test::bytes_of(std::vector<float>(54, 0.5f))};
  test::OpSpec tc;
  tc.builtin = 67;
  tc.padding = 0;  // SAME
  tc.stride = 2;
  tc.inputs = {0, 1, 2};
  tc.outputs = {3};
  s.ops = {tc};
  s.inputs = {2};
  s.outputs = {3};
  return import_bytes(build_tflite(s));
}

// An output_shape the input does not map back to (SAME stride 2 takes a
// 6-row output to 3 input rows, not 4) is refused at load with both sizes
// named, before any kernel could index past the input; so is a huge one.
TEST(TfliteLoader, RejectsTransposeConvOutputShapeInconsistentWithTheInput) {
  auto ok = import_transpose_conv({1, 8, 8, 2});
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_TRUE(import_transpose_conv({1, 7, 7, 2}).ok());  // also 4 rows back (ceil(7 / 2))
  expect_error(import_transpose_conv({1, 6, 8, 2}), StatusCode::kInvalidModel,
               "node 0 (TRANSPOSE_CONV 'y')");
  expect_error(import_transpose_conv({1, 8, 6, 2}), StatusCode::kInvalidModel,
               "output_shape width 6 does not match the input width 4");
  expect_error(import_transpose_conv({1, 1 << 20, 1 << 20, 2}, {1, 8, 8, 2}),
               StatusCode::kInvalidModel,
               "output_shape height 1048576 does not match the input height 4");
}

// FlatBuffers' verifier passes an int64 vector whose elements are 4 but not
// 8 bytes aligned, and reading one is undefined behaviour: the importer
// refuses it (found by fuzz_tflite_structured under UBSan).
TEST(TfliteLoader, RejectsMisalignedZeroPoints) {
  auto spec = add_model_spec();
  spec.tensors[1].scales = {0.5f};
  spec.tensors[1].zero_points = {0};
  std::vector<uint8_t> bytes = build_tflite(spec);
  ASSERT_TRUE(import_bytes(bytes).ok());  // aligned as the builder wrote it
  // Point the field at a copy at the end, its length 8-aligned, so the
  // elements sit at 4 mod 8.
  namespace fb = tflite_fb;
  const auto* q =
      fb::GetModel(bytes.data())->subgraphs()->Get(0)->tensors()->Get(1)->quantization();
  ASSERT_NE(q, nullptr);
  const size_t field = static_cast<size_t>(reinterpret_cast<const uint8_t*>(q) - bytes.data()) +
                       reinterpret_cast<const flatbuffers::Table*>(q)->GetOptionalFieldOffset(
                           fb::QuantizationParameters::VT_ZERO_POINT);
  bytes.resize((bytes.size() + 7) / 8 * 8, 0);
  const auto vector_at = static_cast<uint32_t>(bytes.size());
  const uint32_t length = 1, offset = vector_at - static_cast<uint32_t>(field);
  bytes.resize(bytes.size() + 4 + 8, 0);  // the length, then one zero point of 0
  std::memcpy(bytes.data() + vector_at, &length, 4);
  std::memcpy(bytes.data() + field, &offset, 4);
  expect_error(import_bytes(bytes), StatusCode::kInvalidModel,
               "tensor 1 'c': misaligned quantization zero points");
}

TEST(TfliteLoader, RejectsNonModelFiles) {
  expect_error(import_bytes({}), StatusCode::kInvalidModel, "too small to be a TFLite model");
  const std::string text = "this is not a model, just some text";
  expect_error(import_bytes(std::vector<uint8_t>(text.begin(), text.end())),
               StatusCode::kInvalidModel, "no \"TFL3\" file identifier");
  const std::vector<uint8_t> jpeg = test::read_file(test::data_path("data/images/astronaut.jpg"));
  ASSERT_FALSE(jpeg.empty());
  expect_error(import_bytes(jpeg), StatusCode::kInvalidModel, "not a TFLite model");
}

TEST(TfliteLoader, MissingFileNamesThePath) {
  auto r = load_tflite_file("/nonexistent/dir/model.tflite");
  expect_error(r, StatusCode::kNotFound, "/nonexistent/dir/model.tflite: cannot open");
  auto d = load_tflite_file("/tmp");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("/tmp: not a regular file"), std::string::npos);
}

TEST(TfliteLoader, EveryTruncationFailsCleanly) {
  const std::vector<uint8_t> full = build_tflite(add_model_spec());
  for (size_t len = 0; len < full.size(); ++len) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
    auto r = import_bytes(cut);
    EXPECT_FALSE(r.ok()) << "truncated to " << len << " bytes still loaded";
  }
}

TEST(TfliteLoader, TruncatedRealModelFailsCleanly) {
  const std::string path = test::model_path("face_detection_short_range");
  ASSERT_TRUE(test::file_exists(path)) << "fetch models first: python3 tools/fetch_models.py";
  const std::vector<uint8_t> full = test::read_file(path);
  for (size_t len : {size_t{7}, size_t{100}, full.size() / 3, full.size() / 2, full.size() - 1}) {
    auto r = import_bytes(
        std::vector<uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len)));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidModel) << r.status().to_string();
  }
}

// Random bit flips: each mutant either loads (and then runs) or is rejected.
TEST(TfliteLoader, BitFlipsNeverCrash) {
  const std::vector<uint8_t> base = build_tflite(add_model_spec());
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  int loaded = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> m = base;
    for (int k = 0; k < 1 + static_cast<int>(next() % 4); ++k)
      m[next() % m.size()] ^= static_cast<uint8_t>(1u << (next() % 8));
    auto g = import_bytes(m);
    if (!g.ok()) {
      EXPECT_FALSE(g.status().message().empty());
      continue;
    }
    ++loaded;
    auto s = Session::create(*g);
    if (!s.ok()) continue;
    std::vector<uint8_t> zeros(1 << 16);
    bool inputs_ok = true;
    for (size_t in = 0; in < (*s)->num_inputs(); ++in) {
      const Value& v = (*s)->input_info(in);
      const size_t n = static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype);
      if (n > zeros.size() || !(*s)->set_input(in, zeros.data(), n).ok()) inputs_ok = false;
    }
    if (inputs_ok) (void)(*s)->run();
  }
  RecordProperty("mutants_loaded", loaded);
}

TEST(TfliteLoader, AttentionMeshNamesItsCustomOps) {
  const std::string path = test::model_path("face_landmark_with_attention");
  ASSERT_TRUE(test::file_exists(path)) << "fetch models first: python3 tools/fetch_models.py";
  auto r = load_tflite_file(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("unsupported op Landmarks2TransformMatrix at node 192"), std::string::npos) << m;
  EXPECT_NE(m.find("TransformTensorBilinear x3"), std::string::npos) << m;
  EXPECT_NE(m.find("TransformLandmarks x5"), std::string::npos) << m;
}

TEST(Session, RejectsWrongInputSizeAndUnsetInputs) {
  auto g = import_bytes(build_tflite(add_model_spec()));
  ASSERT_TRUE(g.ok());
  auto s = Session::create(*g);
  ASSERT_TRUE(s.ok());
  const Status unset = (*s)->run();
  EXPECT_EQ(unset.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unset.message().find("input 0 'x' was not set"), std::string::npos) << unset.message();
  const float x[3] = {1, 2, 3};
  const Status wrong = (*s)->set_input(0, x, sizeof(x));
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("needs 16 bytes (float32 [1,2,2,1]), got 12"), std::string::npos)
      << wrong.message();
  EXPECT_EQ((*s)->set_input(3, x, sizeof(x)).code(), StatusCode::kOutOfRange);
}

TEST(Session, ResizeInputReplansAndRuns) {
  // x[1,2,2,1] + c[1,2,2,1] cannot take a different x shape: a clean error.
  auto g = import_bytes(build_tflite(add_model_spec()));
  ASSERT_TRUE(g.ok());
  auto s = Session::create(*g);
  ASSERT_TRUE(s.ok());
  const Status bad = (*s)->resize_input(0, Shape({1, 3, 3, 1}));
  EXPECT_FALSE(bad.ok());
  // Broadcast-compatible: [1,1,1,1] + [1,2,2,1] -> [1,2,2,1].
  ASSERT_TRUE((*s)->resize_input(0, Shape({1, 1, 1, 1})).ok());
  const float x = 100;
  ASSERT_TRUE((*s)->set_input(0, &x, sizeof(x)).ok());
  ASSERT_TRUE((*s)->run().ok());
  EXPECT_EQ((*s)->output(0).as<float>()[2], 103);
}

}  // namespace
}  // namespace odin
