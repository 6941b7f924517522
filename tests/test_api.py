"""The app's scripted API, through gradio_client (as in the README)."""


def test_gradio_client_ask(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    out = client.predict("Who authorized the meetings?", api_name="/ask")
    assert out["answer"] == "the U.S. government" and out["refused"] is False
    assert out["citations"][0]["quote"].startswith("Court documents show")
    out = client.predict("Who won the 2010 FIFA World Cup?", api_name="/ask")
    assert out["refused"] is True and out["answer"] is None
    assert "error" in client.predict("   ", api_name="/ask")
