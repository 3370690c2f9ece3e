"""odin.LLM tokenizes and generates as `odin generate` does (greedy)."""
import pytest

import odin

PROMPT = "Once upon a time"


@pytest.fixture(scope="module")
def stories(test_llm):
    """stories260K as a GGUF with its vocabulary."""
    return test_llm("stories260K-f32")


def test_tokenize_and_generate_equal_cli(stories, cli_json):
    want = cli_json("generate", stories, "-p", PROMPT, "-n", 24, "--temp", 0, "--json")
    llm = odin.LLM(stories)
    assert llm.tokenize(PROMPT) == want["prompt_ids"]
    text = llm.generate(PROMPT, max_tokens=24)
    assert text.strip() == want["text"].strip() and text.strip()
    assert llm.detokenize(want["generated_ids"]).strip() == want["text"].strip()
    # The same again (each call starts from an empty context), and streamed.
    assert llm.generate(PROMPT, max_tokens=24) == text
    pieces = list(llm.generate(PROMPT, max_tokens=24, stream=True))
    assert len(pieces) > 1 and "".join(pieces) == text


def test_stream_closed_early(stories):
    llm = odin.LLM(stories)
    stream = llm.generate(PROMPT, max_tokens=200, stream=True)
    first = next(stream)
    stream.close()
    assert first and llm.generate(PROMPT, max_tokens=1).strip() == first.strip()


def test_sampling_repeats_with_a_seed(stories):
    llm = odin.LLM(stories)
    a = llm.generate(PROMPT, max_tokens=16, temperature=0.8, seed=3)
    assert a == llm.generate(PROMPT, max_tokens=16, temperature=0.8, seed=3)


def test_errors(stories):
    llm = odin.LLM(stories)
    with pytest.raises(odin.OutOfRange):
        llm.detokenize([llm.n_vocab + 5])
    with pytest.raises(odin.InvalidArgument):
        llm.generate([], max_tokens=4)
    with pytest.raises(odin.InvalidArgument):
        llm.generate(PROMPT, max_tokens=-1)
