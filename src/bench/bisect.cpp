#include "bench/bisect.h"

#include <algorithm>
#include <cmath>

#include "bench/output_difference.h"
#include "bench/reference_run.h"
#include "runtime/session.h"

namespace odin {
namespace {

// Every float32 tensor the nodes produce, as graph outputs (so the backend
// keeps them observable; nothing fuses across them).
std::vector<ValueId> observed_values(const Graph& g) {
  std::vector<ValueId> ids;
  for (size_t n = 0; n < g.num_nodes(); ++n)
    for (ValueId id : g.node(static_cast<NodeId>(n)).outputs)
      if (g.value(id).dtype == DType::kF32 && !g.value(id).is_constant()) ids.push_back(id);
  return ids;
}

Result<std::unique_ptr<Session>> run_on(const Graph& g, const std::string& backend,
                                        const std::vector<ConstTensorView>& inputs) {
  SessionOptions options;
  options.backends = {backend, "cpu"};
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::create(g, options));
  for (size_t i = 0; i < inputs.size(); ++i)
    ODIN_RETURN_IF_ERROR(
        s->set_input(i, inputs[i].data, inputs[i].num_elements() * dtype_size(inputs[i].dtype)));
  ODIN_RETURN_IF_ERROR(s->run());
  return s;
}

// Which backend ran the node that produces `id` in the session's graph.
std::string producer_backend(const Session& s, ValueId id) {
  const Graph& g = s.graph();
  for (size_t n = 0; n < g.num_nodes(); ++n)
    for (ValueId out : g.node(static_cast<NodeId>(n)).outputs)
      if (out == id) return std::string(s.node_backend(n));
  return "?";
}

}  // namespace

Result<BisectReport> bisect_model(const Graph& graph, const BisectOptions& options) {
  ODIN_ASSIGN_OR_RETURN(const Tensors reference, reference_run(graph, options.inputs));
  Graph observed = graph;
  observed.outputs() = observed_values(graph);
  std::vector<ConstTensorView> inputs;
  for (ValueId id : graph.inputs()) inputs.push_back(tensor_of(graph, id, reference));
  ODIN_ASSIGN_OR_RETURN(const std::unique_ptr<Session> s,
                        run_on(observed, options.backend, inputs));
  BisectReport r;
  for (size_t o = 0; o < observed.outputs().size(); ++o) {
    const ValueId id = observed.outputs()[o];
    const std::vector<uint8_t>& want_bytes = reference.at(id);
    const auto* want = reinterpret_cast<const float*>(want_bytes.data());
    const ConstTensorView got = s->output(o);
    const size_t n = want_bytes.size() / sizeof(float);
    const OutputDifference d = output_difference(want, got.as<float>(), n);
    ++r.nodes;
    if (d.rel_range <= options.tolerance) continue;
    r.found = true;
    for (size_t k = 0; k < graph.num_nodes() && r.node < 0; ++k) {
      const Node& node = graph.node(static_cast<NodeId>(k));
      if (std::find(node.outputs.begin(), node.outputs.end(), id) != node.outputs.end()) {
        r.node = static_cast<NodeId>(k);
        r.op = std::string(op_type_name(node.op));
        r.name = node.name;
      }
    }
    r.ran_on = producer_backend(*s, id);
    r.rel_range = d.rel_range;
    r.max_abs = d.max_abs;
    r.worst = d.worst;
    const size_t lo = d.worst >= 2 ? d.worst - 2 : 0, hi = std::min(n, d.worst + 3);
    r.want.assign(want + lo, want + hi);
    r.got.assign(got.as<float>() + lo, got.as<float>() + hi);
    // Alone, from the reference's inputs.
    const Node& node = graph.node(r.node);
    const Graph one = one_op_graph(graph, node);
    std::vector<ConstTensorView> one_inputs;
    std::vector<ValueId> seen;  // one_op_graph makes one input of a value read twice
    for (ValueId in : node.inputs)
      if (in != kNoValue && !graph.value(in).is_constant() &&
          std::find(seen.begin(), seen.end(), in) == seen.end()) {
        seen.push_back(in);
        one_inputs.push_back(tensor_of(graph, in, reference));
      }
    ODIN_ASSIGN_OR_RETURN(const std::unique_ptr<Session> alone,
                          run_on(one, options.backend, one_inputs));
    const size_t slot = static_cast<size_t>(
        std::find(node.outputs.begin(), node.outputs.end(), id) - node.outputs.begin());
    r.alone_rel_range = output_difference(want, alone->output(slot).as<float>(), n).rel_range;
    r.wrong_alone = r.alone_rel_range > options.tolerance;
    break;
  }
  return r;
}

}  // namespace odin
