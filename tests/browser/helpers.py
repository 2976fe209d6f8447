from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"axe found serious/critical violations {label}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )


def sign_in(page, live_server_url: str, username: str, password: str) -> None:
    page.goto(f"{live_server_url}/signin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    # A click returns before the form's answer arrives: wait until the browser has left the sign-in page.
    page.wait_for_url(lambda url: "/signin/" not in url)
