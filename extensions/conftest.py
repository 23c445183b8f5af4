import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The company fixture hashes a dozen passwords; PBKDF2 makes that take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
