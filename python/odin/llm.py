"""odin.LLM: GGUF and llama2.c language models through the C API."""
import dataclasses
import numbers
import os
from collections.abc import Mapping
from typing import Dict, Iterator, List, Optional, Sequence, Union

from . import _odin
from .errors import InvalidArgument

ROLES = ("system", "user", "assistant")

_INT32 = (-2**31, 2**31 - 1)
_UINT64 = (0, 2**64 - 1)


@dataclasses.dataclass(frozen=True)
class GenerateStats:
    """What a finished generate() or chat() did (the C API's odin_llm_stats,
    and the ids).

    ids: the generated token ids, in order (chat: the reply's, its end of
    turn included when generated). prompt_tokens: the prompt's tokens.
    generated_tokens: len(ids). stop_reason: "max_tokens", "eos" (the
    model's end of sequence; chat: the format's end of turn), "closed" (the
    stream was closed early) or "context_full". prompt_ms, generate_ms: the
    time evaluating the prompt and generating. drafted_tokens,
    accepted_tokens: speculative decoding's guesses checked and kept (both
    0 without speculation).
    """

    ids: List[int]
    prompt_tokens: int
    generated_tokens: int
    stop_reason: str
    prompt_ms: float
    generate_ms: float
    drafted_tokens: int
    accepted_tokens: int


def _stats(d):
    return GenerateStats(**d) if d is not None else None


class Stream(Iterator[str]):
    """The text pieces of a generation as they are generated (whole UTF-8
    characters). close() stops the generation; `stats` is its GenerateStats
    once it has ended (None before, and after a failure)."""

    def __init__(self, generation):
        self._generation = generation

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return next(self._generation)

    def close(self) -> None:
        """Stops generating (at the next token) and waits for it."""
        self._generation.close()

    @property
    def stats(self) -> Optional[GenerateStats]:
        return _stats(self._generation.stats)


def _check_int(fn, name, value, bounds=_INT32):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgument("%s: %s is a %s, not an int" % (fn, name, type(value).__name__))
    if not bounds[0] <= value <= bounds[1]:
        raise InvalidArgument("%s: %s %d outside %d..%d" % (fn, name, value, *bounds))
    return int(value)


def _check_float(fn, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgument("%s: %s is a %s, not a number" % (fn, name, type(value).__name__))
    return float(value)


def _check_bool(fn, name, value):
    if not isinstance(value, (bool, numbers.Integral)):
        raise InvalidArgument("%s: %s is a %s, not a bool" % (fn, name, type(value).__name__))
    return bool(value)


def _generate_args(fn, max_tokens, temperature, top_k, top_p, min_p, repeat_penalty,
                   repeat_last_n, stop_at_eos, seed, ubatch):
    """The C API's generation parameters, type-checked (the C API checks
    their ranges)."""
    return _odin._GenerateArgs(
        max_tokens=_check_int(fn, "max_tokens", max_tokens),
        temperature=_check_float(fn, "temperature", temperature),
        top_k=_check_int(fn, "top_k", top_k),
        top_p=_check_float(fn, "top_p", top_p),
        min_p=_check_float(fn, "min_p", min_p),
        repeat_penalty=_check_float(fn, "repeat_penalty", repeat_penalty),
        repeat_last_n=_check_int(fn, "repeat_last_n", repeat_last_n),
        stop_at_eos=_check_bool(fn, "stop_at_eos", stop_at_eos),
        seed=_check_int(fn, "seed", seed, _UINT64),
        ubatch=_check_int(fn, "ubatch", ubatch))


def _optional_path(fn, name, value):
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidArgument("%s: %s is a %s, not a path" % (fn, name, type(value).__name__))
    return os.fspath(value)


def _backends(fn, value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and all(isinstance(b, str) for b in value):
        return ",".join(value)
    raise InvalidArgument("%s: backends is a %s, not a str such as \"vulkan,cpu\" or "
                          "\"vulkan+cpu\", or a list of names" % (fn, type(value).__name__))


class LLM:
    """A language model (GGUF: llama, qwen2, qwen3; or a llama2.c checkpoint)
    and one context (its KV cache).

    LLM(path, n_ctx=0, n_threads=1, *, n_batch=512, kv_dtype="float16",
        vocab_only=False, draft_path=None, draft_max=4, prompt_lookup=False,
        max_memory=0, backends=None, device_share=-1.0)

    The options are the C API's odin_llm_options (odin.h), with its names
    and defaults:
    n_ctx: the most tokens a generation holds (0: the model's training
    context, at most 4096). n_threads: CPU threads, 0..256 (0: one per
    core; `threads=`, as odin.Session names it, is taken too).
    n_batch: the most tokens one run of the model takes (a longer prompt
    runs in chunks), 1..65536. kv_dtype: the KV cache's element type,
    "float16", "float32" or "q8_0" (about half float16's bytes; the heads'
    size must be a multiple of 32). vocab_only: load only the vocabulary
    (tokenize and detokenize; generate and chat raise FailedPrecondition).

    Speculative decoding (greedy output stays the model's own, sampled
    output keeps its distribution): draft_path: a small draft model sharing
    the model's vocabulary, whose guesses the model checks, up to draft_max
    (1..64) per run; prompt_lookup: guess the tokens that followed the last
    n-gram before (also when the draft does not fit max_memory); max_memory:
    the most bytes speculation may add (draft weights, KV cache,
    activations), 0: no limit; fewer guesses, a smaller draft batch, then
    prompt lookup (if asked) or none to fit. generate()'s GenerateStats
    count the guesses (drafted_tokens, accepted_tokens).

    Where it runs: backends: a preference list ("vulkan,cpu" or
    ["vulkan", "cpu"]: nodes the first declines run on the next), or a split
    "vulkan+cpu" (each step's attention heads and matrix rows divided
    between the GPU and the CPU, run at once); None: the CPU. device_share:
    a split's GPU share of heads and rows, 0..1; below 0 (the default):
    measured when the model loads, which raises odin.Unsupported when the
    GPU is missing (with a share given, the GPU's part then runs on the
    CPU, as in the C API).

    Bad values raise InvalidArgument (a ValueError) naming the option.
    tokenize/detokenize convert text; generate continues a prompt; chat
    replies to a conversation in the model's chat format (as `odin chat`).
    Generations on one LLM run one at a time; use one LLM per thread to run
    them in parallel.
    """

    def __init__(self, path, n_ctx=0, n_threads=1, *, n_batch=512, kv_dtype="float16",
                 vocab_only=False, draft_path=None, draft_max=4, prompt_lookup=False,
                 max_memory=0, backends=None, device_share=-1.0, threads=None):
        fn = "odin.LLM"
        if threads is not None:
            if n_threads != 1:
                raise InvalidArgument("%s: n_threads and threads (the same option) are both "
                                      "given" % fn)
            n_threads = threads
        if not isinstance(kv_dtype, str):
            raise InvalidArgument("%s: kv_dtype is a %s, not a str (\"float16\", \"float32\" "
                                  "or \"q8_0\")" % (fn, type(kv_dtype).__name__))
        self._llm = _odin._LLM(
            os.fspath(path), n_ctx=_check_int(fn, "n_ctx", n_ctx),
            n_threads=_check_int(fn, "n_threads", n_threads),
            n_batch=_check_int(fn, "n_batch", n_batch), kv_dtype=kv_dtype,
            vocab_only=_check_bool(fn, "vocab_only", vocab_only),
            draft_max=_check_int(fn, "draft_max", draft_max),
            prompt_lookup=_check_bool(fn, "prompt_lookup", prompt_lookup),
            draft_path=_optional_path(fn, "draft_path", draft_path),
            max_memory=_check_int(fn, "max_memory", max_memory, _UINT64),
            backends=_backends(fn, backends),
            device_share=_check_float(fn, "device_share", device_share))

    @property
    def n_vocab(self) -> int:
        """The vocabulary size (token ids are 0..n_vocab-1)."""
        return self._llm.n_vocab

    @property
    def n_ctx(self) -> int:
        """The most tokens a context holds (0 when loaded vocab_only)."""
        return self._llm.n_ctx

    @property
    def last_stats(self) -> Optional[GenerateStats]:
        """The GenerateStats of the last generate() or chat() that ended on
        this LLM (None before the first; a failed one leaves it)."""
        return _stats(self._llm.last_stats)

    def tokenize(self, text: str, add_bos: bool = True) -> List[int]:
        """Token ids of `text` (llama.cpp's), BOS first when the vocabulary
        asks for it and add_bos is true."""
        return self._llm.tokenize(text, add_bos)

    def detokenize(self, ids: List[int]) -> str:
        """The text of token ids (control tokens give none)."""
        return self._llm.detokenize(list(ids))

    def generate(self, prompt: Union[str, List[int]], max_tokens: int = 128,
                 temperature: float = 0.0, top_k: int = 40, top_p: float = 0.95,
                 min_p: float = 0.05, repeat_penalty: float = 1.0, seed: int = 0,
                 stream: bool = False, *, repeat_last_n: int = 64, stop_at_eos: bool = True,
                 ubatch: int = 0) -> Union[str, Stream]:
        """Text generated after `prompt` (text, tokenized with BOS, or token ids).

        The parameters are the C API's odin_llm_generate_params, with its
        names and defaults. Each call starts from an empty context.
        temperature 0 is greedy (0..100); else sampling with top_k (0: all),
        top_p ((0, 1], 1: off), min_p (0..1, 0: off) and seed (equal seeds
        repeat a run). repeat_penalty (> 1, up to 100) makes the last
        repeat_last_n tokens (the prompt's included) less likely. Generation
        ends at max_tokens, the model's end-of-sequence token (unless
        stop_at_eos is false) or a full context. ubatch > 0 evaluates the
        prompt in runs of at most that many tokens (the same ids; another
        thread's LLM waits less for the cores); 0: runs of n_batch.
        stream=True returns a Stream: an iterator of text pieces (whole
        UTF-8 characters) as they are generated; closing it early stops the
        generation. The ids, stop reason, times and speculation counts are
        in last_stats (and the Stream's stats) once it ends. Bad values
        raise InvalidArgument naming the parameter.
        """
        args = _generate_args("odin.LLM.generate", max_tokens, temperature, top_k, top_p,
                              min_p, repeat_penalty, repeat_last_n, stop_at_eos, seed, ubatch)
        ids = self.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        pieces = Stream(self._llm.generate(ids, args))
        return pieces if stream else "".join(pieces)

    def chat(self, messages: Sequence[Dict[str, str]], max_tokens: int = 512,
             temperature: float = 0.0, top_k: int = 40, top_p: float = 0.95,
             min_p: float = 0.05, repeat_penalty: float = 1.0, seed: int = 0,
             stream: bool = False,
             chat_template: Optional[str] = None, *, repeat_last_n: int = 64,
             ubatch: int = 0) -> Union[str, Stream]:
        """The assistant's reply to a conversation, as `odin chat` gives it.

        messages: [{"role": "system" | "user" | "assistant", "content": str},
        ...] (as OpenAI's and llama-cpp-python's create_chat_completion).
        They are written in a built-in chat format, the one the model file's
        template (tokenizer.chat_template) names, or chat_template's
        ("chatml", "llama2", "llama3", ...; an unknown name raises
        InvalidArgument listing them), and tokenized with their special
        tokens; the reply ends at the format's end of turn, the model's EOS,
        max_tokens (default 512, as `odin chat`) or a full context, and is
        returned without them. Each call starts from an empty context, and
        speculates as generate() does. Sampling and ubatch as generate();
        stream=True returns a Stream of text pieces; last_stats counts.
        """
        pairs = _message_pairs(messages)
        args = _generate_args("odin.LLM.chat", max_tokens, temperature, top_k, top_p, min_p,
                              repeat_penalty, repeat_last_n, True, seed, ubatch)
        pieces = Stream(self._llm.chat(pairs, chat_template or "", args))
        return pieces if stream else "".join(pieces)


def _message_pairs(messages):
    """[(role, content)] of chat messages; InvalidArgument naming what is wrong."""
    def bad(what):
        raise InvalidArgument("odin.LLM.chat: %s (messages is a list of {'role': ..., "
                              "'content': ...} dicts)" % what)

    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Sequence):
        bad("messages is a %s, not a list" % type(messages).__name__)
    if not messages:
        bad("messages is empty")
    pairs = []
    for i, m in enumerate(messages):
        if not isinstance(m, Mapping):
            bad("messages[%d] is a %s, not a dict" % (i, type(m).__name__))
        for key in ("role", "content"):
            if key not in m:
                bad("messages[%d] has no '%s'" % (i, key))
            if not isinstance(m[key], str):
                bad("messages[%d]['%s'] is a %s, not a str" % (i, key, type(m[key]).__name__))
        if m["role"] not in ROLES:
            bad("messages[%d]['role'] is '%s', not one of %s" % (i, m["role"], ", ".join(ROLES)))
        pairs.append((m["role"], m["content"]))
    return pairs
