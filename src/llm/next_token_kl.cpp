#include "llm/next_token_kl.h"

#include <algorithm>
#include <cmath>

#include "llm/sampler.h"

namespace odin {
namespace {

// log(sum(exp(x))), shifted by the largest for range.
double log_sum_exp(std::span<const float> x) {
  const double top = *std::max_element(x.begin(), x.end());
  double s = 0.0;
  for (float v : x) s += std::exp(v - top);
  return top + std::log(s);
}

}  // namespace

double softmax_kl(std::span<const float> base, std::span<const float> model) {
  if (base.empty() || base.size() != model.size()) return 0.0;
  const double zp = log_sum_exp(base), zq = log_sum_exp(model);
  double kl = 0.0;
  for (size_t i = 0; i < base.size(); ++i) {
    const double lp = base[i] - zp, lq = model[i] - zq;
    kl += std::exp(lp) * (lp - lq);
  }
  return std::max(kl, 0.0);  // rounding may leave a tiny negative sum
}

Result<NextTokenKl> next_token_kl(LlmContext& base, LlmContext& model,
                                  std::span<const int32_t> prompt, int64_t positions) {
  if (prompt.empty() || positions <= 0)
    return make_error(StatusCode::kInvalidArgument, "next_token_kl: empty prompt or no positions");
  if (base.position() != 0 || model.position() != 0)
    return make_error(StatusCode::kInvalidArgument, "next_token_kl: the contexts must be empty");
  NextTokenKl r;
  r.tokens.assign(prompt.begin(), prompt.end() - 1);
  // The prompt but its last token first; then one token at a time.
  if (!r.tokens.empty()) {
    ODIN_RETURN_IF_ERROR(base.eval(r.tokens).status());
    ODIN_RETURN_IF_ERROR(model.eval(r.tokens).status());
  }
  int32_t next = prompt.back();
  std::vector<float> p;
  int64_t agree = 0;
  for (int64_t i = 0; i < positions; ++i) {
    r.tokens.push_back(next);
    const std::span<const int32_t> one(&r.tokens.back(), 1);
    ODIN_ASSIGN_OR_RETURN(std::span<const float> pl, base.eval(one));
    p.assign(pl.begin(), pl.end());  // valid until base's next eval only
    ODIN_ASSIGN_OR_RETURN(std::span<const float> ql, model.eval(one));
    if (ql.size() != p.size())
      return make_error(StatusCode::kInvalidArgument, "next_token_kl: vocabularies differ (",
                        p.size(), " and ", ql.size(), " logits)");
    r.kl.push_back(softmax_kl(p, ql));
    const int32_t best = argmax(p);
    agree += best == argmax(ql);
    next = best;
  }
  for (double v : r.kl) {
    r.mean += v / static_cast<double>(positions);
    r.max = std::max(r.max, v);
  }
  r.top1_agreement = static_cast<double>(agree) / static_cast<double>(positions);
  return r;
}

}  // namespace odin
