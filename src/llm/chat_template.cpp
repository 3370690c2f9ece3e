#include "llm/chat_template.h"

#include <algorithm>

namespace odin {
namespace {

using Messages = std::span<const ChatMessage>;

// Spaces at both ends removed, as the families whose Jinja applies `trim`
// (or .strip()) to the content.
std::string trim(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool is_system(const ChatMessage& m) {
  return m.role == "system";
}
bool is_assistant(const ChatMessage& m) {
  return m.role == "assistant";
}

// <|im_start|>role\ncontent<|im_end|>\n
std::string chatml(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages)
    out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
  if (add_assistant) out += "<|im_start|>assistant\n";
  return out;
}

// Llama 2 chat: [INST] user [/INST]answer</s>, the system prompt inside the
// first [INST] (in <<SYS>> markers, or bare for templates without them).
// The variants: later turns open with <s> (BOS as text), content trimmed.
struct Llama2Style {
  bool sys_markers, bos_in_history, strip;
};
std::string llama2_format(Messages messages, Llama2Style style) {
  std::string out = "[INST] ";
  bool in_turn = true;  // the first [INST] is already written
  for (const ChatMessage& m : messages) {
    const std::string content = style.strip ? trim(m.content) : m.content;
    if (!in_turn) {
      out += style.bos_in_history ? "<s>[INST] " : "[INST] ";
      in_turn = true;
    }
    if (is_system(m)) {
      out += style.sys_markers ? "<<SYS>>\n" + content + "\n<</SYS>>\n\n" : content + "\n";
    } else if (is_assistant(m)) {
      out += content + "</s>";
      in_turn = false;
    } else {
      out += content + " [/INST]";
    }
  }
  return out;
}
std::string llama2(Messages m, bool) {
  return llama2_format(m, {false, false, false});
}
std::string llama2_sys(Messages m, bool) {
  return llama2_format(m, {true, false, false});
}
std::string llama2_sys_bos(Messages m, bool) {
  return llama2_format(m, {true, true, false});
}
std::string llama2_sys_strip(Messages m, bool) {
  return llama2_format(m, {true, false, true});
}

// Mistral v1/v3/v3-tekken (Mistral's cookbook, "chat_templates.md"): the
// system prompt opens the [INST] of the turn it precedes; the three differ
// in the spaces around [INST] / [/INST] and whether the answer is trimmed.
struct MistralStyle {
  const char* lead;   // before [INST] and [/INST]
  const char* trail;  // after [INST] and before the answer
  bool trim_answer;
};
std::string mistral_format(Messages messages, MistralStyle style) {
  std::string out;
  bool in_turn = false;
  for (const ChatMessage& m : messages) {
    if (!in_turn) {
      out += std::string(style.lead) + "[INST]" + style.trail;
      in_turn = true;
    }
    if (is_system(m)) {
      out += m.content + "\n\n";
    } else if (is_assistant(m)) {
      out += style.trail + (style.trim_answer ? trim(m.content) : m.content) + "</s>";
      in_turn = false;
    } else {
      out += m.content + style.lead + "[/INST]";
    }
  }
  return out;
}
std::string mistral_v1(Messages m, bool) {
  return mistral_format(m, {" ", " ", false});
}
std::string mistral_v3(Messages m, bool) {
  return mistral_format(m, {"", " ", true});
}
std::string mistral_v3_tekken(Messages m, bool) {
  return mistral_format(m, {"", "", false});
}

// Mistral v7: [SYSTEM_PROMPT] s[/SYSTEM_PROMPT][INST] u[/INST] a</s>
// (tekken: no space after the markers).
std::string mistral_v7_format(Messages messages, const char* space) {
  std::string out;
  for (const ChatMessage& m : messages) {
    if (is_system(m))
      out += std::string("[SYSTEM_PROMPT]") + space + m.content + "[/SYSTEM_PROMPT]";
    else if (is_assistant(m))
      out += space + m.content + "</s>";
    else
      out += std::string("[INST]") + space + m.content + "[/INST]";
  }
  return out;
}
std::string mistral_v7(Messages m, bool) {
  return mistral_v7_format(m, " ");
}
std::string mistral_v7_tekken(Messages m, bool) {
  return mistral_v7_format(m, "");
}

// <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>
std::string llama3(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages)
    out +=
        "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + trim(m.content) + "<|eot_id|>";
  if (add_assistant) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

// <|header_start|>role<|header_end|>\n\ncontent<|eot|>
std::string llama4(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages)
    out += "<|header_start|>" + m.role + "<|header_end|>\n\n" + trim(m.content) + "<|eot|>";
  if (add_assistant) out += "<|header_start|>assistant<|header_end|>\n\n";
  return out;
}

// <|role|>\ncontent<end>, with the assistant's opening <|assistant|>\n:
// Phi-3 ends a turn with <|end|>\n, Zephyr (StableLM) with <|endoftext|>\n,
// Falcon 3 with a newline.
std::string role_tag_format(Messages messages, bool add_assistant, const char* end) {
  std::string out;
  for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n" + m.content + end;
  if (add_assistant) out += "<|assistant|>\n";
  return out;
}
std::string phi3(Messages m, bool a) {
  return role_tag_format(m, a, "<|end|>\n");
}
std::string zephyr(Messages m, bool a) {
  return role_tag_format(m, a, "<|endoftext|>\n");
}
std::string falcon3(Messages m, bool a) {
  return role_tag_format(m, a, "\n");
}

// <|im_start|>role<|im_sep|>content<|im_end|>
std::string phi4(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages)
    out += "<|im_start|>" + m.role + "<|im_sep|>" + m.content + "<|im_end|>";
  if (add_assistant) out += "<|im_start|>assistant<|im_sep|>";
  return out;
}

// <start_of_turn>user\ncontent<end_of_turn>\n, the assistant is "model";
// Gemma has no system turn, so the system prompt opens the next user turn.
std::string gemma(Messages messages, bool add_assistant) {
  std::string out, system;
  for (const ChatMessage& m : messages) {
    if (is_system(m)) {
      system += trim(m.content);
      continue;
    }
    const bool model = is_assistant(m);
    out += std::string("<start_of_turn>") + (model ? "model" : "user") + "\n";
    if (!model && !system.empty()) {
      out += system + "\n\n";
      system.clear();
    }
    out += trim(m.content) + "<end_of_turn>\n";
  }
  if (add_assistant) out += "<start_of_turn>model\n";
  return out;
}

// Vicuna 1.1: system\n\nUSER: u\nASSISTANT: a</s>\n (the Orca variant
// marks the system prompt "SYSTEM: ").
std::string vicuna_format(Messages messages, bool add_assistant, bool orca) {
  std::string out;
  for (const ChatMessage& m : messages) {
    if (is_system(m))
      out += orca ? "SYSTEM: " + m.content + "\n" : m.content + "\n\n";
    else if (is_assistant(m))
      out += "ASSISTANT: " + m.content + "</s>\n";
    else
      out += "USER: " + m.content + "\n";
  }
  if (add_assistant) out += "ASSISTANT:";
  return out;
}
std::string vicuna(Messages m, bool a) {
  return vicuna_format(m, a, false);
}
std::string vicuna_orca(Messages m, bool a) {
  return vicuna_format(m, a, true);
}

// DeepSeek V3 / R1: system\n\n<｜User｜>u<｜Assistant｜>a<｜end▁of▁sentence｜>
constexpr const char* kDsUser = "<\xEF\xBD\x9CUser\xEF\xBD\x9C>";
constexpr const char* kDsAssistant =
    "<\xEF\xBD\x9C"
    "Assistant\xEF\xBD\x9C>";
constexpr const char* kDsEnd =
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
std::string deepseek3(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages) {
    if (is_system(m))
      out += m.content + "\n\n";
    else if (is_assistant(m))
      out += kDsAssistant + m.content + kDsEnd;
    else
      out += kDsUser + m.content;
  }
  if (add_assistant) out += kDsAssistant;
  return out;
}

// Command R: <|START_OF_TURN_TOKEN|><|USER_TOKEN|>u<|END_OF_TURN_TOKEN|>
std::string command_r(Messages messages, bool add_assistant) {
  std::string out;
  for (const ChatMessage& m : messages) {
    const char* role = is_system(m)      ? "<|SYSTEM_TOKEN|>"
                       : is_assistant(m) ? "<|CHATBOT_TOKEN|>"
                                         : "<|USER_TOKEN|>";
    out +=
        std::string("<|START_OF_TURN_TOKEN|>") + role + trim(m.content) + "<|END_OF_TURN_TOKEN|>";
  }
  if (add_assistant) out += "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>";
  return out;
}

const std::vector<ChatTemplate>& templates() {
  static const std::vector<ChatTemplate> all = {
      {"chatml", "Qwen, Yi, SmolLM, many fine-tunes", chatml, {"<|im_end|>"}},
      {"llama2", "Llama 2 chat without <<SYS>>", llama2, {"</s>"}},
      {"llama2-sys", "Llama 2 chat", llama2_sys, {"</s>"}},
      {"llama2-sys-bos", "Llama 2 chat, <s> between turns", llama2_sys_bos, {"</s>"}},
      {"llama2-sys-strip", "Llama 2 chat, trimmed content", llama2_sys_strip, {"</s>"}},
      {"mistral-v1", "Mistral 7B v0.1", mistral_v1, {"</s>"}},
      {"mistral-v3", "Mistral 7B v0.3, Mixtral", mistral_v3, {"</s>"}},
      {"mistral-v3-tekken", "Mistral NeMo", mistral_v3_tekken, {"</s>"}},
      {"mistral-v7", "Mistral Large 2411", mistral_v7, {"</s>"}},
      {"mistral-v7-tekken", "Mistral Small 3", mistral_v7_tekken, {"</s>"}},
      {"llama3", "Llama 3.x", llama3, {"<|eot_id|>"}},
      {"llama4", "Llama 4", llama4, {"<|eot|>"}},
      {"phi3", "Phi-3, Phi-3.5", phi3, {"<|end|>"}},
      {"phi4", "Phi-4", phi4, {"<|im_end|>"}},
      {"falcon3", "Falcon 3", falcon3, {"<|endoftext|>"}},
      {"zephyr", "StableLM Zephyr", zephyr, {"<|endoftext|>"}},
      {"gemma", "Gemma 1-3", gemma, {"<end_of_turn>"}},
      {"vicuna", "Vicuna 1.1", vicuna, {"</s>"}},
      {"vicuna-orca", "Orca-Vicuna", vicuna_orca, {"</s>"}},
      {"deepseek3", "DeepSeek V3, R1", deepseek3, {kDsEnd}},
      {"command-r", "Command R", command_r, {"<|END_OF_TURN_TOKEN|>"}},
  };
  return all;
}

// A family and the markers its template holds, all of them. The first rule
// that matches wins, so a family whose markers another's include comes
// before it (phi4 before chatml, falcon3 before glmedge). Families without a
// built-in format are here too: they must not fall through to a later,
// wrong one.
struct DetectRule {
  std::string_view family;
  std::vector<std::string_view> markers;
};

constexpr std::string_view kInst = "[INST]";
const std::vector<DetectRule>& detect_rules() {
  static const std::vector<DetectRule> rules = {
      {"phi4", {"<|im_start|>", "<|im_sep|>"}},
      {"smolvlm", {"<|im_start|>", "<end_of_utterance>"}},
      {"chatml", {"<|im_start|>"}},
      {"mistral-v7", {kInst, "[SYSTEM_PROMPT]"}},
      {"mistral-v1", {kInst, "' [INST] ' + system_message"}},
      {"mistral-v1", {kInst, "[AVAILABLE_TOOLS]", " [INST]"}},
      {"mistral-v3-tekken", {kInst, "[AVAILABLE_TOOLS]", "\"[INST]\""}},
      {"mistral-v3", {kInst, "[AVAILABLE_TOOLS]"}},
      {"llama2-sys-strip", {kInst, "content.strip()"}},
      {"llama2-sys-bos", {kInst, "bos_token + '[INST]"}},
      {"llama2-sys", {kInst, "<<SYS>>"}},
      {"llama2", {kInst}},
      {"phi3", {"<|assistant|>", "<|end|>"}},
      {"chatglm4", {"[gMASK]<sop>"}},
      {"falcon3", {"<|assistant|>", "<|user|>", "</s>"}},
      {"glmedge", {"<|assistant|>", "<|user|>"}},
      {"glmedge", {"<|{{ item['role'] }}|>", "<|begin_of_image|>"}},
      {"zephyr", {"<|user|>", "<|endoftext|>"}},
      {"monarch", {"bos_token + message['role']"}},
      {"gemma", {"<start_of_turn>"}},
      {"orion", {"'\\n\\nAssistant: ' + eos_token"}},
      {"openchat", {"GPT4 Correct "}},
      {"vicuna-orca", {"USER: ", "ASSISTANT: ", "SYSTEM: "}},
      {"vicuna", {"USER: ", "ASSISTANT: "}},
      {"deepseek", {"### Instruction:", "<|EOT|>"}},
      {"command-r", {"<|START_OF_TURN_TOKEN|>", "<|USER_TOKEN|>"}},
      {"llama3", {"<|start_header_id|>", "<|end_header_id|>"}},
      {"chatglm3", {"[gMASK]sop"}},
      {"minicpm", {"<\xE7\x94\xA8\xE6\x88\xB7>"}},  // <用户>
      {"deepseek2", {"'Assistant: ' + message['content'] + eos_token"}},
      {"deepseek3",
       {"<\xEF\xBD\x9C"
        "Assistant\xEF\xBD\x9C>",
        "<\xEF\xBD\x9CUser\xEF\xBD\x9C>", kDsEnd}},
      {"exaone", {"[|system|]", "[|assistant|]", "[|endofturn|]"}},
      {"granite", {"<|start_of_role|>"}},
      {"llama4", {"<|header_start|>", "<|header_end|>"}},
  };
  return rules;
}

}  // namespace

std::span<const ChatTemplate> builtin_chat_templates() {
  return templates();
}

std::string builtin_chat_template_names() {
  std::string names;
  for (const ChatTemplate& t : templates()) {
    if (!names.empty()) names += ", ";
    names += t.name;
  }
  return names;
}

const ChatTemplate* find_chat_template(std::string_view name) {
  for (const ChatTemplate& t : templates())
    if (name == t.name) return &t;
  return nullptr;
}

std::string_view detect_chat_template_family(std::string_view jinja) {
  if (const ChatTemplate* t = find_chat_template(jinja)) return t->name;
  for (const DetectRule& rule : detect_rules()) {
    const bool all = std::all_of(rule.markers.begin(), rule.markers.end(), [&](std::string_view m) {
      return jinja.find(m) != std::string_view::npos;
    });
    if (all) return rule.family;
  }
  return {};
}

const ChatTemplate* detect_chat_template(std::string_view jinja) {
  const std::string_view family = detect_chat_template_family(jinja);
  return family.empty() ? nullptr : find_chat_template(family);
}

std::string format_chat(const ChatTemplate& tmpl, std::span<const ChatMessage> messages,
                        bool add_assistant_prefix) {
  return tmpl.format(messages, add_assistant_prefix);
}

ChatStops chat_stops(const ChatTemplate& tmpl, const Vocab& vocab) {
  ChatStops stops;
  if (vocab.eos != kNoToken) stops.ids.push_back(vocab.eos);
  for (std::string_view text : tmpl.end_of_turn) {
    const int32_t id = vocab.find(text);
    if (id == kNoToken)
      stops.texts.emplace_back(text);
    else if (std::find(stops.ids.begin(), stops.ids.end(), id) == stops.ids.end())
      stops.ids.push_back(id);
  }
  return stops;
}

std::string ChatReplyText::add(std::string_view piece) {
  if (ended_) return {};
  text_ += piece;
  size_t cut = std::string::npos;
  for (const std::string& s : stops_)
    if (!s.empty()) cut = std::min(cut, text_.find(s));
  if (cut != std::string::npos) {
    text_.resize(cut);
    ended_ = true;
    return finish();
  }
  // Hold back the longest end of the text that begins a stop text.
  size_t hold = 0;
  for (const std::string& s : stops_)
    for (size_t k = std::min(s.empty() ? 0 : s.size() - 1, text_.size()); k > hold; --k)
      if (text_.compare(text_.size() - k, k, s, 0, k) == 0) {
        hold = k;
        break;
      }
  return take(text_.size() - hold);
}

std::string ChatReplyText::take(size_t end) {
  if (end <= shown_) return {};
  std::string out = text_.substr(shown_, end - shown_);
  shown_ = end;
  return out;
}

}  // namespace odin
