// llama.cpp's greedy generation on a file (greedy_gen's text output: the
// prompt ids, the generated ids and each step's top-5 [id:logit]), and the
// check that odin's generation agrees with it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "llm/llm_context.h"

namespace odin::test {

struct GreedyGolden {
  std::vector<int32_t> prompt;
  std::vector<int32_t> ids;
  std::vector<std::vector<std::pair<int32_t, float>>> top;  // per step
};

inline std::vector<int32_t> parse_ids(const std::string& s) {
  std::istringstream in(s);
  std::vector<int32_t> ids;
  for (int32_t id; in >> id;) ids.push_back(id);
  return ids;
}

inline GreedyGolden read_greedy_golden(const std::string& path) {
  GreedyGolden g;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "missing golden file " << path;
  for (std::string line; std::getline(in, line);) {
    auto after = [&](const std::string& key) { return line.substr(key.size()); };
    if (line.rfind("prompt_ids:", 0) == 0) g.prompt = parse_ids(after("prompt_ids:"));
    if (line.rfind("generated_ids:", 0) == 0) g.ids = parse_ids(after("generated_ids:"));
    if (line.rfind("top5[", 0) == 0) {
      std::istringstream fields(line.substr(line.find(':') + 1));
      std::vector<std::pair<int32_t, float>> top;
      for (std::string f; fields >> f;) {
        const size_t colon = f.find(':');
        top.push_back({std::stoi(f.substr(0, colon)), std::stof(f.substr(colon + 1))});
      }
      g.top.push_back(top);
    }
  }
  return g;
}

inline void expect_matches_golden_impl(LlmContext& ctx, const GreedyGolden& golden, size_t steps,
                                       size_t* compared);

// The criterion: the same greedy ids, except after a step where
// llama.cpp's top two logits are within 0.1 (a near tie either engine may
// break either way); llama.cpp's top-5 logits within 2 % of the step's
// logit range. Each step is fed llama.cpp's token. Returns the steps
// compared (`steps` unless a check failed).
inline size_t expect_matches_golden(LlmContext& ctx, const GreedyGolden& golden, size_t steps) {
  size_t compared = 0;
  expect_matches_golden_impl(ctx, golden, steps, &compared);
  return compared;
}

inline void expect_matches_golden_impl(LlmContext& ctx, const GreedyGolden& golden, size_t steps,
                                       size_t* compared) {
  ASSERT_GE(golden.ids.size(), steps);
  ASSERT_GE(golden.top.size(), steps);
  auto logits = ctx.eval(golden.prompt);
  ASSERT_TRUE(logits.ok()) << logits.status().message();
  for (size_t step = 0; step < steps; ++step) {
    const std::span<const float> l = *logits;
    const auto [lo, hi] = std::minmax_element(l.begin(), l.end());
    const float range = *hi - *lo;
    for (const auto& [id, want] : golden.top[step])
      EXPECT_NEAR(l[static_cast<size_t>(id)], want, 0.02f * range)
          << "step " << step << " token " << id;
    *compared = step + 1;
    const int32_t got = argmax(l);
    const auto& ref = golden.top[step];
    const bool near_tie = ref.size() >= 2 && ref[0].second - ref[1].second < 0.1f;
    // At a near tie either pick is right; the next step is fed llama.cpp's
    // pick (teacher forcing), so both engines continue from one prefix.
    if (!near_tie) {
      ASSERT_EQ(got, golden.ids[step]) << "greedy id differs at step " << step;
    }
    const int32_t next[] = {golden.ids[step]};
    logits = ctx.eval(next);
    ASSERT_TRUE(logits.ok()) << logits.status().message();
  }
}

}  // namespace odin::test
