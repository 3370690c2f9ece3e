"""odin.LLM: GGUF and llama2.c language models through the C API."""
from typing import Iterator, List, Union

from . import _odin


class LLM:
    """A language model (GGUF: llama, qwen2, qwen3; or a llama2.c checkpoint)
    and one context (its KV cache).

    LLM(path, n_ctx=0, threads=1)

    n_ctx: the most tokens a generation holds (0: the model's training
    context, at most 4096). threads: CPU threads.
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
