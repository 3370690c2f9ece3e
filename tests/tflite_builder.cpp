#include "tflite_builder.h"

#include "format/tflite/tflite_schema_generated.h"

namespace odin::test {

namespace fb = tflite_fb;

std::vector<uint8_t> build_tflite(const ModelSpec& spec) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  buffers.push_back(fb::CreateBuffer(b));
  for (const auto& data : spec.buffers) {
    b.ForceVectorAlignment(data.size(), 1, 16);
    buffers.push_back(fb::CreateBuffer(b, b.CreateVector(data)));
  }
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (const TensorSpec& t : spec.tensors) {
    flatbuffers::Offset<fb::QuantizationParameters> quant;
    if (!t.scales.empty() || !t.zero_points.empty())
      quant = fb::CreateQuantizationParameters(b, 0, 0, b.CreateVector(t.scales),
                                               b.CreateVector(t.zero_points));
    tensors.push_back(fb::CreateTensor(b, b.CreateVector(t.shape),
                                       static_cast<fb::TensorType>(t.type), t.buffer,
                                       b.CreateString(t.name), quant));
  }
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes;
  std::vector<flatbuffers::Offset<fb::Operator>> ops;
  for (const OpSpec& op : spec.ops) {
    const auto code_index = static_cast<uint32_t>(codes.size());
    codes.push_back(fb::CreateOperatorCode(
        b, static_cast<int8_t>(op.builtin < 127 ? op.builtin : 127),
        op.custom_code.empty() ? 0 : b.CreateString(op.custom_code), 1, op.builtin));
    fb::BuiltinOptions type = fb::BuiltinOptions::NONE;
    flatbuffers::Offset<void> options;
    if (op.builtin == 3) {
      type = fb::BuiltinOptions::Conv2DOptions;
      options =
          fb::CreateConv2DOptions(b, static_cast<fb::Padding>(op.padding), op.stride, op.stride)
              .Union();
    } else if (op.builtin == 0) {
      type = fb::BuiltinOptions::AddOptions;
      options = fb::CreateAddOptions(b).Union();
    } else if (op.builtin == 67) {
      type = fb::BuiltinOptions::TransposeConvOptions;
      options = fb::CreateTransposeConvOptions(b, static_cast<fb::Padding>(op.padding), op.stride,
                                               op.stride)
                    .Union();
    }
    ops.push_back(
        fb::CreateOperator(b, op.opcode_index == UINT32_MAX ? code_index : op.opcode_index,
                           b.CreateVector(op.inputs), b.CreateVector(op.outputs), type, options));
  }
  auto subgraph =
      fb::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(spec.inputs),
                         b.CreateVector(spec.outputs), b.CreateVector(ops), b.CreateString("main"));
  std::vector<flatbuffers::Offset<fb::SubGraph>> subgraphs{subgraph};
  auto model = fb::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs),
                               b.CreateString("odin test model"), b.CreateVector(buffers));
  fb::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

ModelSpec add_model_spec() {
  ModelSpec s;
  s.tensors = {{{1, 2, 2, 1}, 0, 0, "x"}, {{1, 2, 2, 1}, 0, 1, "c"}, {{1, 2, 2, 1}, 0, 0, "y"}};
  s.buffers = {bytes_of(std::vector<float>{1, 2, 3, 4})};
  OpSpec add;
  add.builtin = 0;
  add.inputs = {0, 1};
  add.outputs = {2};
  s.ops = {add};
  s.inputs = {0};
  s.outputs = {2};
  return s;
}

}  // namespace odin::test
