"""Template filters shared by the areas."""

from alumni_network.templatetags.network import link_addresses


def test_link_addresses_links_an_address_and_escapes_the_rest():
    html = link_addresses("Se <b>https://alumni.fjordvik.example/a/</b>")

    assert '<a href="https://alumni.fjordvik.example/a/"' in html
    assert "&lt;b&gt;" in html


def test_link_addresses_escapes_text_without_an_address():
    assert link_addresses("Hei <Kari> & co") == "Hei &lt;Kari&gt; &amp; co"
