"""odin.LLM.chat replies as `odin chat` does to one user turn (greedy), and
fails as clearly."""
import pytest

import odin

USER = "Hello there"


@pytest.fixture(scope="module")
def qwen2(test_llm):
    """A model whose file carries a chat template (Qwen2's: ChatML)."""
    return test_llm("qwen2-q8_0")


@pytest.fixture(scope="module")
def stories(test_llm):
    """A model without one."""
    return test_llm("stories260K-f32")


def cli_reply(cli, model, *args):
    """What `odin chat` prints for the one turn USER: the reply and a newline."""
    out = cli("chat", model, "--temp", 0, "-t", 1, *args, stdin=USER + "\n")
    assert out.endswith("\n"), out
    return out[:-1]


def test_chat_with_the_files_template_equals_cli(qwen2, cli):
    want = cli_reply(cli, qwen2, "-n", 16)
    llm = odin.LLM(qwen2)
    reply = llm.chat([{"role": "user", "content": USER}], max_tokens=16)
    assert reply == want and reply
    # Streamed, and again (each call starts from an empty context).
    pieces = list(llm.chat([{"role": "user", "content": USER}], max_tokens=16, stream=True))
    assert len(pieces) > 1 and "".join(pieces) == want


def test_chat_with_a_named_template_and_a_system_prompt_equals_cli(stories, cli):
    system = "You tell short stories."
    want = cli_reply(cli, stories, "--chat-template", "llama2-sys", "--system", system, "-n", 12)
    llm = odin.LLM(stories)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": USER}]
    reply = llm.chat(messages, max_tokens=12, chat_template="llama2-sys")
    assert reply == want and reply
    # Another format gives another prompt, so (here) another reply.
    assert llm.chat(messages, max_tokens=12, chat_template="chatml") != reply


def test_template_errors_are_the_clis(qwen2, stories, cli_fails):
    llm = odin.LLM(stories)
    user = [{"role": "user", "content": USER}]
    with pytest.raises(odin.InvalidArgument) as unknown:
        llm.chat(user, chat_template="nope")
    want = cli_fails("chat", qwen2, "--chat-template", "nope", stdin=USER + "\n")
    assert str(unknown.value) == "odin.LLM.chat: " + want
    assert "unknown chat template 'nope'" in want and "chatml, llama2" in want
    with pytest.raises(odin.InvalidArgument) as none:
        llm.chat(user)
    want = cli_fails("chat", stories, stdin=USER + "\n")
    assert "the model file has no chat template" in want
    assert str(none.value) == "odin.LLM.chat: " + want.replace("--chat-template NAME",
                                                               "chat_template=NAME")


@pytest.mark.parametrize("messages, says", [
    ("hi", "messages is a str, not a list"),
    ({"role": "user", "content": "hi"}, "messages is a dict, not a list"),
    ([], "messages is empty"),
    ([("user", "hi")], "messages[0] is a tuple, not a dict"),
    ([{"content": "hi"}], "messages[0] has no 'role'"),
    ([{"role": "user"}], "messages[0] has no 'content'"),
    ([{"role": "user", "content": 3}], "messages[0]['content'] is a int, not a str"),
    ([{"role": "user", "content": "hi"}, {"role": "robot", "content": "hi"}],
     "messages[1]['role'] is 'robot', not one of system, user, assistant"),
])
def test_bad_messages(qwen2, messages, says):
    with pytest.raises(odin.InvalidArgument, match=r"^odin\.LLM\.chat: ") as e:
        odin.LLM(qwen2).chat(messages)
    assert says in str(e.value)


def test_other_errors(qwen2):
    user = [{"role": "user", "content": USER}]
    with pytest.raises(odin.InvalidArgument, match="max_tokens is negative"):
        odin.LLM(qwen2).chat(user, max_tokens=-1)
    small = odin.LLM(qwen2, n_ctx=16)
    with pytest.raises(odin.OutOfRange, match="does not fit the context of 16 tokens"):
        small.chat([{"role": "user", "content": "word " * 40}])
