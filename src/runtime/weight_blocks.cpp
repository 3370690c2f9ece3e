#include "runtime/weight_blocks.h"

#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

namespace odin {

WeightSpill::~WeightSpill() {
  if (fd_ >= 0) close(fd_);  // the mappings keep the file
}

Status WeightSpill::move(Graph& g, ValueId id) {
  Value& v = g.value(id);
  if (!v.is_constant() || !v.owner || !v.data || v.data_bytes == 0) return Status();
  if (fd_ < 0) {
    std::error_code ec;
    std::string path = (std::filesystem::temp_directory_path(ec) / "odin-weights-XXXXXX").string();
    fd_ = mkstemp(path.data());
    if (fd_ < 0)
      return make_error(StatusCode::kInternal,
                        "cannot create a scratch file for block-wise weights (", path, ")");
    std::remove(path.c_str());  // the descriptor and the mappings keep the bytes
  }
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t at = end_;
  for (size_t done = 0; done < v.data_bytes;) {
    const ssize_t n =
        pwrite(fd_, v.data + done, v.data_bytes - done, static_cast<off_t>(at + done));
    if (n <= 0)
      return make_error(StatusCode::kInternal, "cannot write ", g.describe_value(id),
                        " to the scratch file for block-wise weights: ", std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  void* p = mmap(nullptr, v.data_bytes, PROT_READ, MAP_PRIVATE, fd_, static_cast<off_t>(at));
  if (p == MAP_FAILED)
    return make_error(StatusCode::kInternal, "cannot map ", g.describe_value(id),
                      " from the scratch file for block-wise weights: ", std::strerror(errno));
  end_ = at + (v.data_bytes + page - 1) / page * page;  // mappings start on pages
  const size_t len = v.data_bytes;
  std::shared_ptr<const void> mapping(p,
                                      [len](const void* q) { munmap(const_cast<void*>(q), len); });
  v.data = static_cast<const uint8_t*>(p);
  v.owner.reset();
  g.mark_reloadable({v.data, len});
  g.retain_storage(std::move(mapping));
  bytes_ += len;
  return Status();
}

Status WeightSpill::folded(Graph& g, const Node& n) {
  for (ValueId v : n.outputs) ODIN_RETURN_IF_ERROR(move(g, v));
  for (ValueId v : n.inputs)
    if (v != kNoValue && g.value(v).is_constant()) g.drop_constant_pages(v);
  return_freed_memory();  // the folded values' heap copies
  return Status();
}

Result<size_t> spill_owned_constants(Graph& g, WeightSpill& spill) {
  const size_t before = spill.bytes();
  std::set<ValueId> read;
  for (const Node& n : g.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue) read.insert(v);
  for (ValueId v : read) ODIN_RETURN_IF_ERROR(spill.move(g, v));
  return_freed_memory();  // the constants' heap copies
  return spill.bytes() - before;
}

void return_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

size_t node_constant_bytes(const Graph& g, const Node& n) {
  size_t bytes = 0;
  std::set<ValueId> seen;
  for (ValueId v : n.inputs)
    if (v != kNoValue && g.value(v).is_constant() && seen.insert(v).second)
      bytes += g.value(v).data_bytes;
  return bytes;
}

std::vector<Segment> split_by_weight_bytes(const Graph& g, const std::vector<Segment>& segments,
                                           size_t budget, std::vector<std::string>* notes) {
  std::vector<Segment> blocks;
  for (const Segment& seg : segments) {
    size_t held = 0;
    for (size_t i = 0; i < seg.nodes.size(); ++i) {
      const NodeId id = seg.nodes[i];
      const size_t bytes = node_constant_bytes(g, g.node(id));
      if (bytes > budget && notes)
        notes->push_back(str_cat(g.describe_node(id), " reads ", bytes,
                                 " bytes of weights, over the weight budget of ", budget,
                                 " bytes: it is loaded alone"));
      if (i == 0 || held + bytes > budget) {
        blocks.push_back({seg.backend, {}});
        held = 0;
      }
      blocks.back().nodes.push_back(id);
      held += bytes;
    }
  }
  return blocks;
}

}  // namespace odin
