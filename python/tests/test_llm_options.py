"""odin.LLM takes every option of the C API's odin_llm_options and
odin_llm_generate_params (odin.h), by its names and with its defaults, and
reports odin_llm_stats (speculation included) as GenerateStats."""
import inspect

import numpy as np
import pytest

import odin

PROMPT = "Once upon a time there was a little girl"


@pytest.fixture(scope="module")
def stories(test_llm):
    return test_llm("stories260K-f32")


@pytest.fixture(scope="module")
def stories_draft(test_llm):
    """stories260K's first 2 of 5 layers: a draft sharing its vocabulary."""
    return test_llm("stories260K-f32", first_layers=2)


@pytest.fixture(scope="module")
def greedy_ids(stories):
    """The greedy ids after PROMPT on the CPU, without speculation."""
    llm = odin.LLM(stories)
    llm.generate(PROMPT, max_tokens=24)
    stats = llm.last_stats
    assert stats.generated_tokens == len(stats.ids) == 24 and stats.stop_reason == "max_tokens"
    assert stats.prompt_tokens == len(llm.tokenize(PROMPT))
    assert stats.drafted_tokens == stats.accepted_tokens == 0
    return stats.ids


def defaults(function, skip=()):
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty and name not in skip}


def test_defaults_are_the_c_apis():
    options, params = odin._odin._llm_defaults()
    assert defaults(odin.LLM.__init__, skip=("threads",)) == options
    # float parameters are C floats: compare at their precision.
    as_c = {k: np.float32(v) if isinstance(v, float) else v for k, v in params.items()}
    generate = defaults(odin.LLM.generate, skip=("stream",))
    assert {k: np.float32(v) if isinstance(v, float) else v for k, v in generate.items()} == as_c
    # chat: the same but max_tokens (512, as `odin chat`) and stop_at_eos (it
    # always stops at the end of turn and EOS).
    chat = defaults(odin.LLM.chat, skip=("stream", "chat_template", "max_tokens"))
    want = {k: v for k, v in as_c.items() if k not in ("max_tokens", "stop_at_eos")}
    assert {k: np.float32(v) if isinstance(v, float) else v for k, v in chat.items()} == want


def test_ubatch_and_n_batch_keep_the_greedy_ids(stories, greedy_ids):
    llm = odin.LLM(stories)
    for ubatch in (1, 3):
        llm.generate(PROMPT, max_tokens=24, ubatch=ubatch)
        assert llm.last_stats.ids == greedy_ids, ubatch
    small = odin.LLM(stories, n_batch=4, kv_dtype="float32", n_threads=2)
    small.generate(PROMPT, max_tokens=24)
    assert small.last_stats.ids == greedy_ids


def test_draft_model_keeps_the_greedy_ids(stories, stories_draft, greedy_ids):
    llm = odin.LLM(stories, draft_path=stories_draft)
    text = llm.generate(PROMPT, max_tokens=24)
    stats = llm.last_stats
    assert stats.ids == greedy_ids and text == llm.detokenize(greedy_ids)
    assert stats.drafted_tokens > 0 and 0 <= stats.accepted_tokens <= stats.drafted_tokens
    # Streamed: the Stream's stats once it ends.
    stream = llm.generate(PROMPT, max_tokens=24, stream=True)
    assert stream.stats is None
    assert "".join(stream) == text
    assert stream.stats.ids == greedy_ids and stream.stats.drafted_tokens > 0
    # draft_max bounds the guesses per run of the model.
    one = odin.LLM(stories, draft_path=stories_draft, draft_max=1)
    one.generate(PROMPT, max_tokens=24)
    assert one.last_stats.ids == greedy_ids
    assert 0 < one.last_stats.drafted_tokens <= 24 < stats.drafted_tokens


def test_prompt_lookup_and_max_memory(stories, stories_draft, greedy_ids):
    lookup = odin.LLM(stories, prompt_lookup=True)
    lookup.generate(PROMPT, max_tokens=24)
    assert lookup.last_stats.ids == greedy_ids and lookup.last_stats.drafted_tokens > 0
    # A draft that fits no byte budget is not used.
    tight = odin.LLM(stories, draft_path=stories_draft, max_memory=1)
    tight.generate(PROMPT, max_tokens=24)
    assert tight.last_stats.ids == greedy_ids and tight.last_stats.drafted_tokens == 0


def test_chat_speculates_with_the_draft(test_llm):
    qwen2 = test_llm("qwen2-q8_0")
    user = [{"role": "user", "content": "Hello there"}]
    plain = odin.LLM(qwen2)
    want = plain.chat(user, max_tokens=16)
    assert plain.last_stats.drafted_tokens == 0
    drafted = odin.LLM(qwen2, draft_path=test_llm("qwen2-q8_0", first_layers=1))
    assert drafted.chat(user, max_tokens=16) == want
    assert drafted.last_stats.ids == plain.last_stats.ids
    assert drafted.last_stats.drafted_tokens > 0


def test_vulkan_cpu_split_keeps_the_greedy_ids(stories, greedy_ids):
    # The share measured at load needs the device: odin.Unsupported without.
    try:
        measured = odin.LLM(stories, backends="vulkan+cpu")
    except odin.Unsupported as e:
        if "vulkan" not in str(e):
            raise
        pytest.skip("no device: %s" % e)
    measured.generate(PROMPT, max_tokens=24)
    assert measured.last_stats.ids == greedy_ids
    # Half the heads and rows on each backend.
    llm = odin.LLM(stories, backends="vulkan+cpu", device_share=0.5)
    llm.generate(PROMPT, max_tokens=24)
    assert llm.last_stats.ids == greedy_ids
    # A preference list, as a str or a list.
    for backends in ("vulkan,cpu", ["vulkan", "cpu"]):
        listed = odin.LLM(stories, backends=backends)
        listed.generate(PROMPT, max_tokens=24)
        assert listed.last_stats.ids == greedy_ids, backends


def test_stats_of_a_closed_stream(test_llm):
    # A model slow enough (about 0.7 ms a token here) that 200 tokens take
    # far longer than closing the stream after its first piece.
    llm = odin.LLM(test_llm("llama-q8_0"))
    assert llm.last_stats is None
    llm.generate(PROMPT, max_tokens=200, stop_at_eos=False)
    full = llm.last_stats
    assert full.stop_reason == "max_tokens" and len(full.ids) == 200
    stream = llm.generate(PROMPT, max_tokens=200, stop_at_eos=False, stream=True)
    next(stream)
    stream.close()
    stats = llm.last_stats
    assert stats == stream.stats and stats.stop_reason == "closed"
    assert 1 <= len(stats.ids) < 200 and stats.ids == full.ids[:len(stats.ids)]


def test_context_full(stories, greedy_ids):
    # Room for the prompt and 10 more: 11 generated (the last is never
    # evaluated). (stop_at_eos: these test models never pick EOS.)
    n_ctx = len(odin.LLM(stories, vocab_only=True).tokenize(PROMPT)) + 10
    llm = odin.LLM(stories, n_ctx=n_ctx)
    assert llm.n_ctx == n_ctx
    llm.generate(PROMPT, max_tokens=100, stop_at_eos=False)
    stats = llm.last_stats
    assert stats.stop_reason == "context_full" and stats.ids == greedy_ids[:11]


def test_vocab_only(stories):
    llm = odin.LLM(stories, vocab_only=True)
    assert llm.tokenize(PROMPT) == odin.LLM(stories).tokenize(PROMPT) and llm.n_ctx == 0
    with pytest.raises(odin.FailedPrecondition, match="vocab_only"):
        llm.generate(PROMPT)


@pytest.mark.parametrize("options, named", [
    ({"backends": "vulkan+cpu", "device_share": 1.5}, "device_share"),
    ({"backends": "nonsense"}, "backends"),
    ({"backends": 5}, "backends"),
    ({"draft_max": 0}, "draft_max"),
    ({"draft_max": 65}, "draft_max"),
    ({"n_batch": 0}, "n_batch"),
    ({"n_ctx": -1}, "n_ctx"),
    ({"n_threads": 257}, "n_threads"),
    ({"n_threads": 2, "threads": 2}, "threads"),
    ({"kv_dtype": "int8"}, "kv_dtype"),
    ({"kv_dtype": 1}, "kv_dtype"),
    ({"max_memory": -1}, "max_memory"),
    ({"device_share": "half"}, "device_share"),
    ({"draft_path": 3}, "draft_path"),
])
def test_bad_options_name_the_option(stories, options, named):
    with pytest.raises(odin.InvalidArgument, match=named):
        odin.LLM(stories, **options)


@pytest.mark.parametrize("params, named", [
    ({"ubatch": -1}, "ubatch"),
    ({"ubatch": 1.5}, "ubatch"),
    ({"max_tokens": -1}, "max_tokens"),
    ({"top_p": 0.0}, "top_p"),
    ({"repeat_last_n": -1}, "repeat_last_n"),
    ({"seed": -1}, "seed"),
    ({"temperature": "hot"}, "temperature"),
])
def test_bad_parameters_name_the_parameter(stories, params, named):
    llm = odin.LLM(stories)
    with pytest.raises(odin.InvalidArgument, match=named):
        llm.generate(PROMPT, **params)
    # Raised at the call, also when streaming (not at the first piece).
    with pytest.raises(odin.InvalidArgument, match=named):
        llm.generate(PROMPT, stream=True, **params)
    with pytest.raises(odin.InvalidArgument, match=named):
        llm.chat([{"role": "user", "content": "Hi"}], chat_template="chatml", **params)
