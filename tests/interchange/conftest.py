def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "corpus: reads ../shared/corpora (skips when absent, fails when absent under CI=true)",
    )
