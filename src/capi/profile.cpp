// Per-node profile of a session's last run.
#include "capi/capi_internal.h"

using odin::capi::check_index;
using odin::capi::guard;

extern "C" {

ODIN_API odin_status odin_session_profile_count(const odin_session* session, int32_t* out_count) {
  constexpr const char* fn = "odin_session_profile_count";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, session);
    ODIN_CAPI_NOT_NULL(fn, out_count);
    const bool have = session->profile && session->has_run && !session->broken;
    *out_count = have ? static_cast<int32_t>(session->session->node_times_ms().size()) : 0;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_profile_entry(const odin_session* session, int32_t index,
                                                odin_profile_entry* out_entry) {
  constexpr const char* fn = "odin_session_profile_entry";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, session);
    ODIN_CAPI_NOT_NULL(fn, out_entry);
    int32_t n = 0;
    if (odin_status st = odin_session_profile_count(session, &n)) return st;
    if (odin_status st = check_index(fn, index, static_cast<size_t>(n), "profile entry")) return st;
    const auto i = static_cast<size_t>(index);
    odin_profile_entry e{};
    e.node_index = index;
    e.op = session->node_ops[i].c_str();
    e.name = session->node_names[i].c_str();
    e.backend = session->node_backend[i];
    e.time_ms = session->session->node_times_ms()[i];
    *out_entry = e;
    return ODIN_OK;
  });
}

}  // extern "C"
