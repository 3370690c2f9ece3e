#include "vk_test_util.h"

#include <cstring>

#include "ops/op_def.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {

ValueId GraphMaker::input(const std::string& name, Shape shape, DType dtype) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = std::move(shape);
  const ValueId id = g_.add_value(std::move(v));
  g_.inputs().push_back(id);
  return id;
}

ValueId GraphMaker::constant_f32(const std::string& name, Shape shape,
                                 const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  Value v;
  v.name = name;
  v.dtype = DType::kF32;
  v.shape = std::move(shape);
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  return g_.add_value(std::move(v));
}

ValueId GraphMaker::constant_f16(const std::string& name, Shape shape,
                                 const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t h = fp32_to_fp16(values[i]);
    std::memcpy(bytes.data() + 2 * i, &h, 2);
  }
  Value v;
  v.name = name;
  v.dtype = DType::kF16;
  v.shape = std::move(shape);
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  return g_.add_value(std::move(v));
}

ValueId GraphMaker::constant_i32(const std::string& name, Shape shape,
                                 const std::vector<int32_t>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  Value v;
  v.name = name;
  v.dtype = DType::kI32;
  v.shape = std::move(shape);
  v.data_bytes = bytes.size();
  v.data = g_.own_bytes(std::move(bytes));
  return g_.add_value(std::move(v));
}

ValueId GraphMaker::node(OpType op, std::vector<ValueId> inputs, OpAttrs attrs, DType out_dtype) {
  Value out;
  out.name = str_cat(op_type_name(op), "_", g_.num_nodes());
  out.dtype = out_dtype;
  const ValueId o = g_.add_value(std::move(out));
  Node n;
  n.op = op;
  n.attrs = std::move(attrs);
  n.inputs = std::move(inputs);
  n.outputs = {o};
  n.name = g_.value(o).name;
  g_.add_node(std::move(n));
  return o;
}

Graph GraphMaker::finish(std::vector<ValueId> outputs) {
  g_.outputs() = std::move(outputs);
  const Status s = infer_graph(g_);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return g_;
}

RunResult run_graph(const Graph& graph, std::vector<std::string> backends, bool fp16,
                    bool optimize) {
  RunResult r;
  SessionOptions options;
  options.backends = std::move(backends);
  options.allow_reduced_precision = fp16;
  options.optimize = optimize;
  auto session = Session::create(graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return r;
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const Value& v = s.input_info(i);
    const auto n = static_cast<size_t>(v.shape.num_elements());
    if (v.dtype == DType::kF32) {
      const std::vector<float> x = splitmix_values(n, 7 + i, -2.0f, 2.0f);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    } else {
      const std::vector<int32_t> x(n, 0);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    }
  }
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    r.outputs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  for (size_t n = 0; n < s.graph().num_nodes(); ++n) {
    r.node_backend.emplace_back(s.node_backend(n));
    r.node_fallback.push_back(s.node_fallback(n));
  }
  r.segments = s.schedule().segments.size();
  r.stats = s.run_stats();
  return r;
}

}  // namespace odin::test
