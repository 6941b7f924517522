"""`python app.py --mcp`: the ask function as an MCP tool, called with the `mcp` Python client
over Streamable HTTP against the running app (the session's app_url)."""
from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("mcp", reason="mcp not installed (requirements.txt)")


def _session(url: str, *calls):
    from mcp import Client

    async def run():
        async with Client(url + "mcp") as client:
            tools = await client.list_tools()
            results = [await client.call_tool(name, arguments) for name, arguments in calls]
            return tools, results

    return asyncio.run(run())


def test_ask_tool_returns_the_cli_json(app_url, shipped_qa):
    question = "Who authorized the meetings?"
    tools, (answer, empty, bad_date) = _session(app_url, ("ask", {"question": question}), ("ask", {"question": "  "}),
                                                ("ask", {"question": question, "as_of": "last Tuesday"}))
    (tool,) = tools.tools
    assert tool.name == "ask" and tool.input_schema["required"] == ["question"]
    assert {"as_of", "since", "until", "sources", "context"} <= set(tool.input_schema["properties"])
    # every argument says what it is for
    assert all(p.get("description") for p in tool.input_schema["properties"].values()), tool.input_schema
    assert not answer.is_error
    out = answer.structured_content
    expected = shipped_qa.ask(question).to_json()
    for key in ("answer", "refused", "sentence", "citations"):
        assert out[key] == expected[key]
    cit = out["citations"][0]
    text = shipped_qa.data.articles[shipped_qa.data.article_row[cit["article_id"]]].text
    assert out["answer"] == "the U.S. government" and text[cit["start"]:cit["end"]] == cit["quote"]
    assert empty.is_error and "empty" in empty.content[0].text
    assert bad_date.is_error and "last Tuesday" in bad_date.content[0].text
