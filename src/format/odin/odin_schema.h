// The mappings between odin's in-memory enums and the .odin schema's fixed
// values, shared by the reader and the writer (one table each).
#pragma once

#include <optional>

#include "core/attrs.h"
#include "core/dtype.h"
#include "format/odin/odin_model_generated.h"

namespace odin::odin_schema {

namespace fb = model_fb;

// nullopt for a value the other side does not define: an enum value added
// to odin without a row here (writing), a hostile or newer file (reading).
std::optional<fb::DataType> to_fb(DType dtype);
std::optional<DType> from_fb(fb::DataType dtype);

std::optional<fb::Activation> to_fb(Activation act);
std::optional<Activation> from_fb(fb::Activation act);

}  // namespace odin::odin_schema
