// Status and Result<T>: how every fallible odin function reports failure.
// No exceptions cross module boundaries; messages say what failed and where.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <variant>

namespace odin {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // caller passed something wrong (shape, size, dtype)
  kNotFound,         // file or name does not exist
  kInvalidModel,     // model file is corrupt, hostile or inconsistent
  kUnsupported,      // valid, but odin cannot run it (op, dtype, attribute)
  kOutOfRange,       // an index or size outside its allowed range
  kIo,               // reading or writing a file failed
  kInternal,         // a bug in odin
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code>: <message>", for logs and the CLI.
  std::string to_string() const;
  // Returns a copy whose message is "<context>: <message>".
  Status with_context(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Concatenates anything streamable; used to build error messages.
template <typename... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

template <typename... Args>
Status make_error(StatusCode code, const Args&... args) {
  return Status(code, str_cat(args...));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "Result built from OK");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace odin

#define ODIN_CONCAT_INNER(a, b) a##b
#define ODIN_CONCAT(a, b) ODIN_CONCAT_INNER(a, b)

#define ODIN_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::odin::Status odin_status_ = (expr);        \
    if (!odin_status_.ok()) return odin_status_; \
  } while (0)

#define ODIN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define ODIN_ASSIGN_OR_RETURN(lhs, expr) \
  ODIN_ASSIGN_OR_RETURN_IMPL(ODIN_CONCAT(odin_result_, __LINE__), lhs, expr)
