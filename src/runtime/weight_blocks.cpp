#include "runtime/weight_blocks.h"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/mapped_file.h"

namespace odin {

Result<size_t> spill_owned_constants(Graph& g) {
  std::vector<ValueId> spilled;
  std::set<ValueId> read;
  for (const Node& n : g.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue) read.insert(v);
  for (ValueId v : read)
    if (g.value(v).is_constant() && g.value(v).owner && g.value(v).data_bytes > 0)
      spilled.push_back(v);
  if (spilled.empty()) return size_t{0};
  std::error_code ec;
  std::string path = (std::filesystem::temp_directory_path(ec) / "odin-weights-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0)
    return make_error(StatusCode::kInternal,
                      "cannot create a scratch file for block-wise weights (", path, ")");
  FILE* f = fdopen(fd, "wb");
  std::vector<size_t> offsets;
  size_t at = 0;
  bool ok = f != nullptr;
  for (ValueId v : spilled) {
    const size_t start = (at + 63) / 64 * 64;  // kernels' vector loads
    static const char kZeros[64] = {};
    ok = ok && std::fwrite(kZeros, 1, start - at, f) == start - at;
    ok = ok && std::fwrite(g.value(v).data, 1, g.value(v).data_bytes, f) == g.value(v).data_bytes;
    offsets.push_back(start);
    at = start + g.value(v).data_bytes;
  }
  ok = f && std::fclose(f) == 0 && ok;
  if (!f) close(fd);
  auto map =
      ok ? MappedFile::open(path)
         : Result<std::shared_ptr<MappedFile>>(make_error(StatusCode::kInternal, "short write"));
  std::remove(path.c_str());  // the mapping keeps the bytes
  if (!map.ok())
    return make_error(StatusCode::kInternal, "cannot write the scratch file ", path,
                      " for block-wise weights: ", map.status().message());
  const std::shared_ptr<MappedFile> file = std::move(map).value();
  for (size_t i = 0; i < spilled.size(); ++i) {
    Value& v = g.value(spilled[i]);
    v.data = file->bytes().data() + offsets[i];
    v.owner.reset();
  }
  g.mark_reloadable(file->bytes());
  g.retain_storage(file);
  return_freed_memory();  // the constants' heap copies
  return at;
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
