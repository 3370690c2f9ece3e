// Mixed precision (src/quantize: budget, knapsack, mixed_graph,
// mixed_precision): the knapsack against brute force, budget strings, and
// a small graph planned end to end, written as .tflite and run back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_writer.h"
#include "graph_builder.h"
#include "quantize/budget.h"
#include "quantize/calibration.h"
#include "quantize/graph_timing.h"
#include "quantize/knapsack.h"
#include "quantize/mixed_precision.h"
#include "runtime/session.h"

namespace odin {
namespace {

// The least error within `budget` over every combination (inf: none fits).
double brute_force(const std::vector<ChoiceItem>& items, double budget) {
  double best = INFINITY;
  std::vector<size_t> pick(items.size(), 0);
  while (true) {
    double cost = 0, error = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      cost += items[i].cost[pick[i]];
      error += items[i].error[pick[i]];
    }
    if (cost <= budget + 1e-9) best = std::min(best, error);
    size_t i = 0;
    while (i < items.size() && ++pick[i] == items[i].cost.size()) pick[i++] = 0;
    if (i == items.size()) return best;
  }
}

std::vector<ChoiceItem> random_items(std::mt19937& rng, bool whole_costs) {
  std::uniform_int_distribution<int> options(1, 3), cost(0, 20);
  std::uniform_real_distribution<double> real_cost(0, 20), error(0, 1);
  std::vector<ChoiceItem> items(6);
  for (ChoiceItem& it : items)
    for (int o = options(rng); o > 0; --o) {
      it.cost.push_back(whole_costs ? cost(rng) : real_cost(rng));
      it.error.push_back(error(rng));
    }
  return items;
}

double total(const std::vector<ChoiceItem>& items, const KnapsackSolution& s, bool error) {
  double t = 0;
  for (size_t i = 0; i < items.size(); ++i)
    t += error ? items[i].error[s.choice[i]] : items[i].cost[s.choice[i]];
  return t;
}

TEST(Knapsack, WholeCostsGiveTheBruteForceOptimum) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const auto items = random_items(rng, true);
    for (double budget = 0; budget <= 120; budget += 7) {
      const double best = brute_force(items, budget);
      auto s = solve_knapsack(items, budget);
      if (std::isinf(best)) {
        EXPECT_EQ(s.status().code(), StatusCode::kOutOfRange);
        continue;
      }
      ASSERT_TRUE(s.ok()) << s.status().message();
      EXPECT_LE(s->cost, budget);
      EXPECT_DOUBLE_EQ(s->cost, total(items, *s, false));
      EXPECT_NEAR(s->error, total(items, *s, true), 1e-12);
      EXPECT_NEAR(s->error, best, 1e-12) << "trial " << trial << " budget " << budget;
    }
  }
}

TEST(Knapsack, RealCostsFitAndLoseAtMostTheRounding) {
  std::mt19937 rng(12);
  constexpr size_t kSteps = 64;  // coarse, so the rounding shows
  for (int trial = 0; trial < 200; ++trial) {
    const auto items = random_items(rng, false);
    double base = 0;
    for (const ChoiceItem& it : items) base += *std::min_element(it.cost.begin(), it.cost.end());
    for (double slack = 0; slack <= 80; slack += 9.5) {
      const double budget = base + slack;
      auto s = solve_knapsack(items, budget, kSteps);
      ASSERT_TRUE(s.ok()) << s.status().message();
      EXPECT_LE(s->cost, budget + 1e-9);
      EXPECT_GE(s->error, brute_force(items, budget) - 1e-12);
      // No worse than the optimum with items x unit less slack.
      const double bound = budget - static_cast<double>(items.size()) * slack / kSteps;
      EXPECT_LE(s->error, brute_force(items, bound) + 1e-12);
    }
  }
}

TEST(Knapsack, ErrorFallsAsTheBudgetGrows) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 50; ++trial) {
    const auto items = random_items(rng, false);
    double last = INFINITY;
    for (double budget = 0; budget <= 130; budget += 2.5) {
      auto s = solve_knapsack(items, budget, 1024);
      if (!s.ok()) continue;
      EXPECT_LE(s->error, last + 1e-12);
      last = s->error;
    }
  }
}

TEST(Knapsack, RefusesBadItemsAndTooSmallBudgets) {
  std::vector<ChoiceItem> items = {{{5, 9}, {1, 0}}, {{2}, {0}}};
  EXPECT_EQ(solve_knapsack(items, 6.5).status().code(), StatusCode::kOutOfRange);
  auto s = solve_knapsack(items, 7);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->choice, (std::vector<size_t>{0, 0}));
  // On equal error the cheaper option.
  items[0].error = {0, 0};
  s = solve_knapsack(items, 100);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->choice[0], 0u);
  items[1].error.clear();
  EXPECT_EQ(solve_knapsack(items, 100).status().code(), StatusCode::kInvalidArgument);
}

TEST(Budget, ParsesSizesAndLatencies) {
  struct Case {
    const char* text;
    Budget::Kind kind;
    double value;
  };
  for (const Case& c :
       {Case{"700KiB", Budget::Kind::kBytes, 700 * 1024.0},
        Case{"1.2MB", Budget::Kind::kBytes, 1.2e6}, Case{"800000", Budget::Kind::kBytes, 800000},
        Case{"800000B", Budget::Kind::kBytes, 800000}, Case{" 64 kb", Budget::Kind::kBytes, 64000},
        Case{"2MiB", Budget::Kind::kBytes, 2 * 1048576.0},
        Case{"3.5ms", Budget::Kind::kLatencyMs, 3.5},
        Case{"900us", Budget::Kind::kLatencyMs, 0.9}}) {
    auto b = parse_budget(c.text);
    ASSERT_TRUE(b.ok()) << c.text << ": " << b.status().message();
    EXPECT_EQ(b->kind, c.kind) << c.text;
    EXPECT_DOUBLE_EQ(b->value, c.value) << c.text;
  }
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& c :
       {Bad{"", "no number"}, Bad{"KiB", "no number"}, Bad{"-5KB", "no number"},
        Bad{"0", "more than zero"}, Bad{"0.0ms", "more than zero"}, Bad{"1.5", "whole"},
        Bad{"12GB", "unknown unit 'GB'"}, Bad{"1e6", "unknown unit"}, Bad{"1.2.3MB", "no number"},
        Bad{"3.5 parsecs", "unknown unit"}}) {
    auto b = parse_budget(c.text);
    ASSERT_FALSE(b.ok()) << c.text;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(b.status().message().find(c.says), std::string::npos)
        << c.text << ": " << b.status().message();
  }
  EXPECT_EQ(budget_str({Budget::Kind::kBytes, 1024 * 745.1}), "745.1 KiB");
  EXPECT_EQ(budget_str({Budget::Kind::kLatencyMs, 3.5}), "3.50 ms");
}

// input [1,8,8,4] -> CONV 3x3 (16 ch; each filter has an outlier on input
// channel 3, which the samples hold at 0: it coarsens the int8 grid of
// weights that matter, the sensitive layer) -> CONV 3x3 (8 ch, plain
// weights) -> ADD -> RESHAPE -> FC (10).
struct SmallModel {
  Graph prepared;
  std::vector<std::optional<ValueRange>> ranges;
  std::vector<Sample> samples;
  NodeId sensitive = 0, plain = 0;
};

SmallModel small_model() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 8, 8, 4}));
  std::vector<float> w1 = test::splitmix_values(16 * 3 * 3 * 4, 1, -1, 1);
  for (size_t o = 0; o < 16; ++o) w1[o * 36 + 3] = 60.0f;  // each filter's outlier
  const ValueId c1 =
      m.node(OpType::kConv2D,
             {x, m.constant_f32("w1", Shape({16, 3, 3, 4}), w1),
              m.constant_f32("b1", Shape({16}), test::splitmix_values(16, 2, -1, 1))},
             Conv2DAttrs{Padding::kSame, 1, 1, 1, 1, Activation::kNone, {}});
  const ValueId c2 =
      m.node(OpType::kConv2D,
             {c1, m.constant_f32("w2", Shape({8, 3, 3, 16}), test::splitmix_values(1152, 3, -1, 1)),
              m.constant_f32("b2", Shape({8}), test::splitmix_values(8, 4, -1, 1))},
             Conv2DAttrs{Padding::kSame, 1, 1, 1, 1, Activation::kNone, {}});
  const ValueId sum = m.node(OpType::kAdd, {c2, c2}, BinaryAttrs{});
  const ValueId flat =
      m.node(OpType::kReshape, {sum, m.constant_i32("s", Shape({2}), {1, 512})}, ReshapeAttrs{});
  const ValueId fc = m.node(
      OpType::kFullyConnected,
      {flat, m.constant_f32("w3", Shape({10, 512}), test::splitmix_values(5120, 5, -0.1f, 0.1f)),
       m.constant_f32("b3", Shape({10}), test::splitmix_values(10, 6, -1, 1))},
      FullyConnectedAttrs{});
  SmallModel s;
  s.prepared = m.finish({fc});
  EXPECT_TRUE(prepare_for_quantization(s.prepared).ok());
  s.sensitive = 0;
  s.plain = 1;
  auto cal = Calibrator::create(s.prepared);
  EXPECT_TRUE(cal.ok()) << cal.status().message();
  for (uint64_t seed = 10; seed < 14; ++seed) {
    std::vector<float> x = test::splitmix_values(256, seed, -1, 1);
    for (size_t i = 3; i < x.size(); i += 4) x[i] = 0;  // channel 3
    s.samples.push_back({x});
    EXPECT_TRUE(cal->add_sample(s.samples.back()).ok());
  }
  auto r = cal->ranges(RangeMethod::kMinMax);
  EXPECT_TRUE(r.ok()) << r.status().message();
  s.ranges = std::move(r).value();
  return s;
}

// The output error against the small model's float graph, on the CPU.
Result<OutputErrorMeter> float_meter(const SmallModel& s) {
  SessionOptions options;
  options.backends = {"cpu"};
  return OutputErrorMeter::create(s.prepared, s.samples, options);
}

MixedOptions small_options() {
  MixedOptions o;
  o.timing_runs = 2;
  o.session.backends = {"cpu"};
  o.file_bytes = [](const Graph& g) -> Result<size_t> {
    ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, write_tflite(g, "test"));
    return bytes.size();
  };
  return o;
}

TEST(MixedPrecision, CandidatesAndSensitivities) {
  const SmallModel s = small_model();
  auto planner = MixedPlanner::create(s.prepared, s.ranges, s.samples, small_options());
  ASSERT_TRUE(planner.ok()) << planner.status().message();
  // Both convolutions and the FC take W4A8, int8, fp16, fp32; the ADD and
  // the RESHAPE int8 or fp32.
  ASSERT_EQ(planner->layers().size(), s.prepared.num_nodes());
  for (const MixedLayer& l : planner->layers()) {
    const OpType op = s.prepared.node(l.node).op;
    const bool weighted = op == OpType::kConv2D || op == OpType::kFullyConnected;
    const std::vector<Precision> expected =
        weighted
            ? std::vector{Precision::kW4A8, Precision::kInt8, Precision::kFp16, Precision::kFp32}
            : std::vector{Precision::kInt8, Precision::kFp32};
    EXPECT_EQ(l.precisions, expected) << s.prepared.describe_node(l.node);
    EXPECT_EQ(l.error.back(), 0.0);
    if (weighted) {
      for (size_t o = 1; o < 4; ++o)  // W4A8 < int8 < fp16 < fp32
        EXPECT_LT(l.bytes[o - 1], l.bytes[o]) << s.prepared.describe_node(l.node);
      EXPECT_LT(l.error[1], l.error[0]);  // int8 closer than W4A8
      EXPECT_LT(l.error[2], l.error[1]);  // fp16 closer than int8
      // 4-bit weights: half int8's weight bytes (the bias and tables stay).
      const Value& w = s.prepared.value(s.prepared.node(l.node).inputs[1]);
      EXPECT_EQ(l.bytes[1] - l.bytes[0], static_cast<double>(w.shape.num_elements() / 2));
      // The same kernels run: the same time.
      EXPECT_EQ(l.latency_ms[0], l.latency_ms[1]);
    }
  }
  const auto& layers = planner->layers();
  for (size_t o : {0, 1}) EXPECT_GT(layers[s.sensitive].error[o], 10 * layers[s.plain].error[o]);
}

TEST(MixedPrecision, BudgetsPickTheCheapestOrTheSafest) {
  const SmallModel s = small_model();
  auto planner = MixedPlanner::create(s.prepared, s.ranges, s.samples, small_options());
  ASSERT_TRUE(planner.ok()) << planner.status().message();
  const Budget::Kind bytes = Budget::Kind::kBytes;
  // Tight: the least bytes, every weighted layer W4A8.
  auto tight = planner->solve({bytes, planner->min_cost(bytes)});
  ASSERT_TRUE(tight.ok()) << tight.status().message();
  for (NodeId n : {s.sensitive, s.plain, NodeId{4}})
    EXPECT_EQ((*tight)[static_cast<size_t>(n)], Precision::kW4A8) << n;
  // A little more: room for one layer's fp16 weights; the sensitive
  // convolution gets it, the plain one stays on int8 activations.
  const MixedLayer& sens = planner->layers()[s.sensitive];
  auto some = planner->solve({bytes, planner->min_cost(bytes) + sens.bytes[2] - sens.bytes[0]});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ((*some)[s.sensitive], Precision::kFp16);
  EXPECT_TRUE(runs_int8((*some)[s.plain]));
  // Loose: nothing lowered where lowering costs error.
  auto loose = planner->solve({bytes, planner->max_cost(bytes)});
  ASSERT_TRUE(loose.ok());
  for (const MixedLayer& l : planner->layers()) {
    const Precision p = (*loose)[static_cast<size_t>(l.node)];
    EXPECT_FALSE(runs_int8(p)) << s.prepared.describe_node(l.node);
  }
  // Below the least: a clear refusal.
  auto none = planner->solve({bytes, planner->min_cost(bytes) * 0.5});
  EXPECT_EQ(none.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(none.status().message().find("below the smallest"), std::string::npos);
  // The curve: error falls, size grows, and the file fits its budget at the
  // tight end (where the fixed cost is measured).
  auto curve = planner->curve(bytes, 5);
  ASSERT_TRUE(curve.ok()) << curve.status().message();
  ASSERT_EQ(curve->size(), 5u);
  EXPECT_LE(curve->front().bytes, planner->min_cost(bytes) + 1e-6);
  for (size_t i = 1; i < curve->size(); ++i)
    EXPECT_LE((*curve)[i].proxy_error, (*curve)[i - 1].proxy_error + 1e-15);
  EXPECT_GT(curve->front().layers_at[0], curve->back().layers_at[0]);
  bool met = false;
  auto chosen = planner->choose({bytes, planner->min_cost(bytes) + 100}, &met);
  ASSERT_TRUE(chosen.ok()) << chosen.status().message();
  EXPECT_TRUE(met);
  EXPECT_LE(chosen->bytes, planner->min_cost(bytes) + 100);
}

TEST(MixedPrecision, WrittenModelImportsAndRuns) {
  const SmallModel s = small_model();
  // The sensitive layer fp16, the rest int8 where they can be.
  std::vector<Precision> per_node(s.prepared.num_nodes(), Precision::kInt8);
  per_node[s.sensitive] = Precision::kFp16;
  auto mixed = build_mixed_graph(s.prepared, s.ranges, per_node, true);
  ASSERT_TRUE(mixed.ok()) << mixed.status().message();
  auto bytes = write_tflite(*mixed, "test");
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes).value());
  auto back = import_tflite(*storage, storage, "mixed");
  ASSERT_TRUE(back.ok()) << back.status().message();
  // Its weights as written: fp16 behind a DEQUANTIZE for the first
  // convolution, int8 for the second and the FC.
  size_t f16 = 0, i8 = 0;
  for (const Node& n : back->nodes()) {
    if (n.op != OpType::kConv2D && n.op != OpType::kFullyConnected) continue;
    const ValueId w = n.inputs[1];
    const Value& wv = back->value(w);
    if (wv.dtype == DType::kI8) ++i8;
    for (const Node& p : back->nodes())
      if (p.outputs[0] == w && p.op == OpType::kDequantize &&
          back->value(p.inputs[0]).dtype == DType::kF16)
        ++f16;
  }
  EXPECT_EQ(f16, 1u);
  EXPECT_EQ(i8, 2u);
  // It runs, close to the float graph.
  auto meter = float_meter(s);
  ASSERT_TRUE(meter.ok()) << meter.status().message();
  auto err = meter->error(*back);
  ASSERT_TRUE(err.ok()) << err.status().message();
  EXPECT_LT(*err, 0.01);
  EXPECT_GE(*err, 0.0);
  // All fp32 is the float graph itself.
  std::fill(per_node.begin(), per_node.end(), Precision::kFp32);
  auto float_graph = build_mixed_graph(s.prepared, s.ranges, per_node, true);
  ASSERT_TRUE(float_graph.ok());
  auto zero = meter->error(*float_graph);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0.0);
}

TEST(MixedPrecision, FourBitWeightsAreWrittenAsInt4) {
  const SmallModel s = small_model();
  std::vector<Precision> per_node(s.prepared.num_nodes(), Precision::kInt8);
  per_node[s.plain] = Precision::kW4A8;
  auto mixed = build_mixed_graph(s.prepared, s.ranges, per_node, true);
  ASSERT_TRUE(mixed.ok()) << mixed.status().message();
  auto bytes = write_tflite(*mixed, "test");
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  // The 4-bit weights take half the bytes in the file.
  per_node[s.plain] = Precision::kInt8;
  auto int8 = build_mixed_graph(s.prepared, s.ranges, per_node, true);
  ASSERT_TRUE(int8.ok());
  auto int8_bytes = write_tflite(*int8, "test");
  ASSERT_TRUE(int8_bytes.ok());
  // w2 is 8x3x3x16: 576 bytes fewer, give or take the buffers' 16-byte alignment.
  EXPECT_NEAR(static_cast<double>(int8_bytes->size() - bytes->size()), 576.0, 48.0);
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes).value());
  auto back = import_tflite(*storage, storage, "w4a8");
  ASSERT_TRUE(back.ok()) << back.status().message();
  size_t four_bit = 0;
  for (const Node& n : back->nodes()) {
    if (n.op != OpType::kConv2D) continue;
    const Value& w = back->value(n.inputs[1]);
    ASSERT_EQ(w.dtype, DType::kI8);
    if (w.quant->bits != 4) continue;
    ++four_bit;
    const auto* q = reinterpret_cast<const int8_t*>(w.data);
    const auto [lo, hi] = std::minmax_element(q, q + w.data_bytes);
    EXPECT_GE(*lo, -7);  // symmetric: [-7, 7]
    EXPECT_EQ(*hi, 7);   // each channel's largest weight on the grid's end
  }
  EXPECT_EQ(four_bit, 1u);
  // It runs; 4-bit weights cost accuracy, but not much on plain weights.
  auto meter = float_meter(s);
  ASSERT_TRUE(meter.ok()) << meter.status().message();
  auto err = meter->error(*back);
  ASSERT_TRUE(err.ok()) << err.status().message();
  EXPECT_GT(*err, 0.0);
  EXPECT_LT(*err, 0.1);
}

// input [1,8,8,16] -> CONV 3x3 -> CONV 3x3 -> ADD of both convolutions'
// outputs. A float session fuses the ADD into the second convolution
// (passes/fuse_add.cpp), which then writes the ADD's output: its time is
// still the convolution's, else a latency budget would count float
// convolutions as free.
TEST(MixedPrecision, FusedConvolutionKeepsItsTime) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 8, 8, 16}));
  auto conv = [&](ValueId in, uint64_t seed) {
    const ValueId w = m.constant_f32(str_cat("w", seed), Shape({16, 3, 3, 16}),
                                     test::splitmix_values(16 * 3 * 3 * 16, seed, -1, 1));
    const ValueId b =
        m.constant_f32(str_cat("b", seed), Shape({16}), test::splitmix_values(16, seed + 1, -1, 1));
    return m.node(OpType::kConv2D, {in, w, b},
                  Conv2DAttrs{Padding::kSame, 1, 1, 1, 1, Activation::kNone, {}});
  };
  const ValueId c1 = conv(x, 1);
  const ValueId c2 = conv(c1, 3);
  const ValueId sum = m.node(OpType::kAdd, {c2, c1}, BinaryAttrs{});
  Graph prepared = m.finish({sum});
  ASSERT_TRUE(prepare_for_quantization(prepared).ok());
  ASSERT_EQ(prepared.num_nodes(), 3u);
  ASSERT_EQ(prepared.node(1).op, OpType::kConv2D);
  ASSERT_EQ(prepared.node(2).op, OpType::kAdd);

  SessionOptions options;
  options.backends = {"cpu"};
  auto session = Session::create(prepared, options);
  ASSERT_TRUE(session.ok()) << session.status().message();
  const Graph& fused = (*session)->graph();
  ASSERT_EQ(fused.num_nodes(), 2u) << "the ADD is fused into the second convolution";
  ASSERT_EQ(fused.node(1).outputs[0], sum);
  EXPECT_EQ(source_nodes(prepared, fused), (std::vector<int>{0, 1}));

  const Sample sample = {test::splitmix_values(8 * 8 * 16, 7, -1, 1)};
  auto t = time_graph(prepared, prepared, sample, options, 2);
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->node_ms.size(), 3u);
  EXPECT_GT(t->node_ms[0], 0.0);
  EXPECT_GT(t->node_ms[1], 0.0) << "the fused convolution's time went elsewhere";
  EXPECT_EQ(t->node_ms[2], 0.0) << "the ADD no longer runs apart";
  EXPECT_EQ(t->conversion_ms, 0.0);
}

}  // namespace
}  // namespace odin
