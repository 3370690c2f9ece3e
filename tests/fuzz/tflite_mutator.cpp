#include "tflite_mutator.h"

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "format/flatbuffer_alignment.h"
// The fuzz build's copy of the schema header, generated with --gen-object-api.
#include "tflite_schema_object_api/tflite_schema_generated.h"

namespace odin::fuzz {
namespace {

namespace fb = odin::tflite_fb;
using Rng = std::mt19937;

size_t below(Rng& rng, size_t n) {
  return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}
bool coin(Rng& rng) {
  return below(rng, 2) == 0;
}

// Sizes and indices that sit on the edges odin must check.
int32_t interesting_int(Rng& rng) {
  static constexpr int32_t kValues[] = {0,
                                        1,
                                        2,
                                        3,
                                        4,
                                        7,
                                        8,
                                        16,
                                        255,
                                        256,
                                        65535,
                                        1 << 20,
                                        -1,
                                        -2,
                                        std::numeric_limits<int32_t>::max(),
                                        std::numeric_limits<int32_t>::min()};
  if (coin(rng)) return kValues[below(rng, std::size(kValues))];
  return static_cast<int32_t>(below(rng, 33)) - 1;
}

float interesting_float(Rng& rng) {
  static constexpr float kValues[] = {0.0f,
                                      1.0f,
                                      -1.0f,
                                      1e-30f,
                                      1e30f,
                                      0.5f,
                                      1.0f / 255,
                                      std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::quiet_NaN(),
                                      std::numeric_limits<float>::denorm_min()};
  return kValues[below(rng, std::size(kValues))];
}

// An index into a table of n entries, or just outside it.
int32_t near_index(Rng& rng, size_t n) {
  return static_cast<int32_t>(below(rng, n + 2)) - 1;
}

void mutate_int_vector(Rng& rng, std::vector<int32_t>& v, size_t index_range) {
  const auto value = [&] {
    return index_range > 0 ? near_index(rng, index_range) : interesting_int(rng);
  };
  switch (below(rng, 4)) {
    case 0:
      if (!v.empty()) v[below(rng, v.size())] = value();
      break;
    case 1:
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(below(rng, v.size() + 1)), value());
      break;
    case 2:
      if (!v.empty()) v.erase(v.begin() + static_cast<std::ptrdiff_t>(below(rng, v.size())));
      break;
    default:
      if (v.size() > 1) std::swap(v[below(rng, v.size())], v[below(rng, v.size())]);
      break;
  }
}

void mutate_quantization(Rng& rng, fb::TensorT& t) {
  if (!t.quantization || below(rng, 8) == 0)
    t.quantization = std::make_unique<fb::QuantizationParametersT>();
  auto& q = *t.quantization;
  switch (below(rng, 4)) {
    case 0:
      q.scale.resize(below(rng, 5), 1.0f);
      if (!q.scale.empty()) q.scale[below(rng, q.scale.size())] = interesting_float(rng);
      break;
    case 1:
      q.zero_point.resize(below(rng, 5), 0);
      if (!q.zero_point.empty())
        q.zero_point[below(rng, q.zero_point.size())] = interesting_int(rng);
      break;
    case 2:
      q.quantized_dimension = near_index(rng, t.shape.size());
      break;
    default:
      q.min.assign(below(rng, 3), interesting_float(rng));
      q.max.assign(q.min.size(), interesting_float(rng));
      break;
  }
}

fb::SparseIndexVectorUnion random_index_vector(Rng& rng) {
  fb::SparseIndexVectorUnion u;
  const size_t n = below(rng, 6);
  switch (below(rng, 3)) {
    case 0: {
      auto* v = new fb::Int32VectorT;
      for (size_t i = 0; i < n; ++i) v->values.push_back(interesting_int(rng));
      u.type = fb::SparseIndexVector::Int32Vector;
      u.value = v;
      break;
    }
    case 1: {
      auto* v = new fb::Uint16VectorT;
      for (size_t i = 0; i < n; ++i)
        v->values.push_back(static_cast<uint16_t>(interesting_int(rng)));
      u.type = fb::SparseIndexVector::Uint16Vector;
      u.value = v;
      break;
    }
    default: {
      auto* v = new fb::Uint8VectorT;
      for (size_t i = 0; i < n; ++i)
        v->values.push_back(static_cast<uint8_t>(interesting_int(rng)));
      u.type = fb::SparseIndexVector::Uint8Vector;
      u.value = v;
      break;
    }
  }
  return u;
}

void mutate_sparsity(Rng& rng, fb::TensorT& t) {
  if (!t.sparsity || below(rng, 4) == 0) {
    t.sparsity = std::make_unique<fb::SparsityParametersT>();
    for (size_t i = 0; i < t.shape.size(); ++i) t.sparsity->traversal_order.push_back(int32_t(i));
    for (size_t i = 0; i < t.shape.size(); ++i) {
      auto dim = std::make_unique<fb::DimensionMetadataT>();
      dim->format = fb::DimensionType::DENSE;
      dim->dense_size = t.shape[i];
      t.sparsity->dim_metadata.push_back(std::move(dim));
    }
  }
  auto& s = *t.sparsity;
  switch (below(rng, 4)) {
    case 0:
      mutate_int_vector(rng, s.traversal_order, t.shape.size() + 1);
      break;
    case 1:
      mutate_int_vector(rng, s.block_map, t.shape.size());
      break;
    default: {
      if (s.dim_metadata.empty()) break;
      auto& dim = *s.dim_metadata[below(rng, s.dim_metadata.size())];
      if (coin(rng)) {
        dim.format = coin(rng) ? fb::DimensionType::SPARSE_CSR : fb::DimensionType::DENSE;
        dim.dense_size = interesting_int(rng);
      } else {
        dim.array_segments = random_index_vector(rng);
        dim.array_indices = random_index_vector(rng);
      }
      break;
    }
  }
}

void mutate_tensor(Rng& rng, fb::SubGraphT& graph, size_t num_buffers) {
  if (graph.tensors.empty()) return;
  fb::TensorT& t = *graph.tensors[below(rng, graph.tensors.size())];
  switch (below(rng, 7)) {
    case 0:
    case 1:
      mutate_int_vector(rng, t.shape, 0);
      break;
    case 2:
      t.type = static_cast<fb::TensorType>(near_index(rng, 18));
      break;
    case 3:
      t.buffer = static_cast<uint32_t>(near_index(rng, num_buffers));
      break;
    case 4:
      mutate_quantization(rng, t);
      break;
    case 5:
      mutate_sparsity(rng, t);
      break;
    default:  // another tensor's shape: plausible but wrong
      t.shape = graph.tensors[below(rng, graph.tensors.size())]->shape;
      break;
  }
}

void mutate_options(Rng& rng, fb::BuiltinOptionsUnion& options) {
  const auto act = [&] { return static_cast<fb::ActivationFunctionType>(near_index(rng, 6)); };
  const auto pad = [&] { return static_cast<fb::Padding>(near_index(rng, 2)); };
  if (auto* o = options.AsConv2DOptions()) {
    o->padding = pad();
    o->stride_w = interesting_int(rng);
    o->dilation_h_factor = interesting_int(rng);
    o->fused_activation_function = act();
  } else if (auto* d = options.AsDepthwiseConv2DOptions()) {
    d->stride_h = interesting_int(rng);
    d->depth_multiplier = interesting_int(rng);
    d->dilation_w_factor = interesting_int(rng);
    d->padding = pad();
  } else if (auto* p = options.AsPool2DOptions()) {
    p->filter_width = interesting_int(rng);
    p->filter_height = interesting_int(rng);
    p->stride_w = interesting_int(rng);
    p->padding = pad();
  } else if (auto* c = options.AsConcatenationOptions()) {
    c->axis = interesting_int(rng);
  } else if (auto* r = options.AsReshapeOptions()) {
    mutate_int_vector(rng, r->new_shape, 0);
  } else if (auto* s = options.AsSoftmaxOptions()) {
    s->beta = interesting_float(rng);
  } else if (auto* g = options.AsGatherOptions()) {
    g->axis = interesting_int(rng);
    g->batch_dims = interesting_int(rng);
  } else if (auto* ss = options.AsStridedSliceOptions()) {
    ss->begin_mask = interesting_int(rng);
    ss->shrink_axis_mask = interesting_int(rng);
    ss->new_axis_mask = interesting_int(rng);
  } else if (auto* sd = options.AsSpaceToDepthOptions()) {
    sd->block_size = interesting_int(rng);
  } else if (auto* ds = options.AsDepthToSpaceOptions()) {
    ds->block_size = interesting_int(rng);
  } else if (auto* sq = options.AsSqueezeOptions()) {
    mutate_int_vector(rng, sq->squeeze_dims, 0);
  } else if (auto* tc = options.AsTransposeConvOptions()) {
    tc->stride_h = interesting_int(rng);
    tc->padding = pad();
  } else if (auto* fc = options.AsFullyConnectedOptions()) {
    fc->keep_num_dims = !fc->keep_num_dims;
    fc->weights_format = static_cast<uint8_t>(below(rng, 3));
  } else {
    options.Reset();  // options missing where an op expects them
  }
}

void mutate_operator(Rng& rng, fb::SubGraphT& graph, size_t num_codes) {
  if (graph.operators.empty()) return;
  fb::OperatorT& op = *graph.operators[below(rng, graph.operators.size())];
  switch (below(rng, 5)) {
    case 0:
      op.opcode_index = static_cast<uint32_t>(near_index(rng, num_codes));
      break;
    case 1:
      mutate_int_vector(rng, op.inputs, graph.tensors.size());
      break;
    case 2:
      mutate_int_vector(rng, op.outputs, graph.tensors.size());
      break;
    default:
      mutate_options(rng, op.builtin_options);
      break;
  }
}

void mutate_graph_structure(Rng& rng, fb::SubGraphT& graph) {
  auto& ops = graph.operators;
  switch (below(rng, 4)) {
    case 0:
      mutate_int_vector(rng, graph.inputs, graph.tensors.size());
      break;
    case 1:
      mutate_int_vector(rng, graph.outputs, graph.tensors.size());
      break;
    case 2:  // use before definition, or an op feeding itself
      if (ops.size() > 1) std::swap(ops[below(rng, ops.size())], ops[below(rng, ops.size())]);
      break;
    default:
      if (!ops.empty())
        ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(below(rng, ops.size())));
      break;
  }
}

void mutate_model(Rng& rng, fb::ModelT& model) {
  const size_t what = below(rng, 10);
  if (what == 0 && !model.operator_codes.empty()) {
    auto& code = *model.operator_codes[below(rng, model.operator_codes.size())];
    code.builtin_code = static_cast<int32_t>(below(rng, 210));
    code.deprecated_builtin_code = static_cast<int8_t>(std::min<int32_t>(code.builtin_code, 127));
    return;
  }
  if (what == 1 && !model.buffers.empty()) {
    auto& buffer = *model.buffers[below(rng, model.buffers.size())];
    if (coin(rng)) {
      buffer.data.resize(below(rng, buffer.data.size() + 64));
    } else {
      buffer.offset = static_cast<uint64_t>(interesting_int(rng));
      buffer.size = static_cast<uint64_t>(interesting_int(rng));
    }
    return;
  }
  if (model.subgraphs.empty()) return;
  fb::SubGraphT& graph = *model.subgraphs[below(rng, model.subgraphs.size())];
  if (what < 5) return mutate_tensor(rng, graph, model.buffers.size());
  if (what < 8) return mutate_operator(rng, graph, model.operator_codes.size());
  mutate_graph_structure(rng, graph);
}

// The object API keeps a union's type when its table is missing (a byte-level
// mutation can do that) but cannot pack it: such unions are dropped.
template <typename Union>
void drop_if_empty(Union& u) {
  if (!u.value) u.Reset();
}

void drop_empty_unions(fb::ModelT& model) {
  for (auto& graph : model.subgraphs) {
    for (auto& op : graph->operators) drop_if_empty(op->builtin_options);
    for (auto& t : graph->tensors) {
      if (t->quantization) drop_if_empty(t->quantization->details);
      if (!t->sparsity) continue;
      for (auto& dim : t->sparsity->dim_metadata) {
        drop_if_empty(dim->array_segments);
        drop_if_empty(dim->array_indices);
      }
    }
  }
}

// UnPack reads every zero point; the verifier lets a misaligned [long]
// through (see format/flatbuffer_alignment.h), so such inputs are left to
// libFuzzer's byte mutations, which the importer refuses.
bool zero_points_aligned(const fb::Model& model) {
  if (!model.subgraphs()) return true;
  for (const auto* graph : *model.subgraphs()) {
    if (!graph || !graph->tensors()) continue;
    for (const auto* t : *graph->tensors())
      if (t && t->quantization() && !elements_aligned(t->quantization()->zero_point()))
        return false;
  }
  return true;
}

}  // namespace

size_t mutate_tflite(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  flatbuffers::Verifier verifier(data, size);
  if (!fb::ModelBufferHasIdentifier(data) || !fb::VerifyModelBuffer(verifier)) return 0;
  if (!zero_points_aligned(*fb::GetModel(data))) return 0;
  std::unique_ptr<fb::ModelT> model(fb::GetModel(data)->UnPack());
  Rng rng(seed);
  drop_empty_unions(*model);
  for (size_t n = 1 + below(rng, 3); n > 0; --n) mutate_model(rng, *model);
  flatbuffers::FlatBufferBuilder builder;
  fb::FinishModelBuffer(builder, fb::Model::Pack(builder, model.get()));
  if (builder.GetSize() > max_size) return 0;
  std::memcpy(data, builder.GetBufferPointer(), builder.GetSize());
  return builder.GetSize();
}

}  // namespace odin::fuzz
