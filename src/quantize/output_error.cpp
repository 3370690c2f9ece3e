#include "quantize/output_error.h"

namespace odin {

Status run_sample(Session& session, const Sample& sample) {
  if (sample.size() != session.num_inputs())
    return make_error(StatusCode::kInvalidArgument, "a sample of ", sample.size(),
                      " inputs for a graph of ", session.num_inputs());
  for (size_t i = 0; i < sample.size(); ++i)
    ODIN_RETURN_IF_ERROR(session.set_input(i, sample[i].data(), sample[i].size() * sizeof(float)));
  return session.run();
}

Result<OutputErrorMeter> OutputErrorMeter::create(const Graph& reference,
                                                  std::vector<Sample> samples,
                                                  const SessionOptions& options) {
  if (samples.empty())
    return make_error(StatusCode::kInvalidArgument, "the error meter needs at least one sample");
  OutputErrorMeter m;
  m.samples_ = std::move(samples);
  m.options_ = options;
  ODIN_ASSIGN_OR_RETURN(auto s, Session::create(reference, options));
  m.reference_.resize(s->num_outputs());
  for (const Sample& x : m.samples_) {
    ODIN_RETURN_IF_ERROR(run_sample(*s, x));
    for (size_t o = 0; o < s->num_outputs(); ++o) {
      const ConstTensorView t = s->output(o);
      if (t.dtype != DType::kF32)
        return make_error(StatusCode::kUnsupported, "output ", o, " is not float32");
      m.reference_[o].insert(m.reference_[o].end(), t.as<float>(),
                             t.as<float>() + t.num_elements());
    }
  }
  for (const std::vector<float>& ys : m.reference_) {
    double sum = 0, sum_sq = 0;
    for (float y : ys) sum += y, sum_sq += static_cast<double>(y) * y;
    const double n = static_cast<double>(std::max<size_t>(ys.size(), 1));
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    m.scale_.push_back(var > 1e-12 * (sum_sq / n) ? var : sum_sq > 0 ? sum_sq / n : 1.0);
  }
  return m;
}

Result<double> OutputErrorMeter::error(const Graph& candidate) const {
  ODIN_ASSIGN_OR_RETURN(auto s, Session::create(candidate, options_));
  if (s->num_outputs() != reference_.size())
    return make_error(StatusCode::kInvalidArgument, "the candidate has ", s->num_outputs(),
                      " outputs; the reference ", reference_.size());
  std::vector<double> sum_sq(reference_.size(), 0.0);
  std::vector<size_t> at(reference_.size(), 0);
  for (const Sample& x : samples_) {
    ODIN_RETURN_IF_ERROR(run_sample(*s, x));
    for (size_t o = 0; o < reference_.size(); ++o) {
      const ConstTensorView t = s->output(o);
      const auto n = static_cast<size_t>(t.num_elements());
      if (t.dtype != DType::kF32 || at[o] + n > reference_[o].size())
        return make_error(StatusCode::kInvalidArgument, "the candidate's output ", o,
                          " differs from the reference's in type or size");
      for (size_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(t.as<float>()[i]) - reference_[o][at[o] + i];
        sum_sq[o] += d * d;
      }
      at[o] += n;
    }
  }
  double total = 0;
  for (size_t o = 0; o < reference_.size(); ++o)
    total += sum_sq[o] / static_cast<double>(std::max<size_t>(at[o], 1)) / scale_[o];
  return total;
}

}  // namespace odin
