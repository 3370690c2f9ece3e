"""odin.LLM: GGUF and llama2.c language models through the C API."""
from collections.abc import Mapping
from typing import Dict, Iterator, List, Optional, Sequence, Union

from . import _odin
from .errors import InvalidArgument

ROLES = ("system", "user", "assistant")


class LLM:
    """A language model (GGUF: llama, qwen2, qwen3; or a llama2.c checkpoint)
    and one context (its KV cache).

    LLM(path, n_ctx=0, threads=1)

    n_ctx: the most tokens a generation holds (0: the model's training
    context, at most 4096). threads: CPU threads.
    tokenize/detokenize convert text; generate continues a prompt; chat
    replies to a conversation in the model's chat format (as `odin chat`).
    Generations on one LLM run one at a time; use one LLM per thread to run
    them in parallel.
    """

    def __init__(self, path, n_ctx=0, threads=1):
        import os
        self._llm = _odin._LLM(os.fspath(path), n_ctx, threads)

    @property
    def n_vocab(self) -> int:
        """The vocabulary size (token ids are 0..n_vocab-1)."""
        return self._llm.n_vocab

    @property
    def n_ctx(self) -> int:
        """The most tokens a context holds."""
        return self._llm.n_ctx

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
                 stream: bool = False) -> Union[str, Iterator[str]]:
        """Text generated after `prompt` (text, tokenized with BOS, or token ids).

        Each call starts from an empty context. temperature 0 is greedy; else
        sampling with top_k, top_p, min_p and seed (equal seeds repeat a run).
        Generation ends at max_tokens, the model's end-of-sequence token or a
        full context. stream=True returns an iterator of text pieces (whole
        UTF-8 characters) as they are generated; closing it early stops the
        generation.
        """
        ids = self.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        pieces = self._llm.generate(ids, max_tokens, temperature, top_k, top_p, min_p,
                                    repeat_penalty, seed)
        return pieces if stream else "".join(pieces)

    def chat(self, messages: Sequence[Dict[str, str]], max_tokens: int = 512,
             temperature: float = 0.0, top_k: int = 40, top_p: float = 0.95,
             min_p: float = 0.05, repeat_penalty: float = 1.0, seed: int = 0,
             stream: bool = False,
             chat_template: Optional[str] = None) -> Union[str, Iterator[str]]:
        """The assistant's reply to a conversation, as `odin chat` gives it.

        messages: [{"role": "system" | "user" | "assistant", "content": str},
        ...] (as OpenAI's and llama-cpp-python's create_chat_completion).
        They are written in a built-in chat format, the one the model file's
        template (tokenizer.chat_template) names, or chat_template's
        ("chatml", "llama2", "llama3", ...; an unknown name raises
        InvalidArgument listing them), and tokenized with their special
        tokens; the reply ends at the format's end of turn, the model's EOS,
        max_tokens or a full context, and is returned without them. Each
        call starts from an empty context. Sampling as generate();
        stream=True returns an iterator of text pieces.
        """
        pairs = _message_pairs(messages)
        pieces = self._llm.chat(pairs, chat_template or "", max_tokens, temperature, top_k,
                                top_p, min_p, repeat_penalty, seed)
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
