from entra.checks import entra_configuration


def test_half_configured_entra_is_reported(settings):
    settings.OIDC_ISSUER = "https://login.microsoftonline.com/t/v2.0"
    settings.OIDC_CLIENT_ID = "app"
    settings.OIDC_CLIENT_SECRET = ""
    [warning] = entra_configuration(None)
    assert warning.id == "entra.W001" and "OIDC_CLIENT_SECRET" in warning.msg


def test_fully_configured_or_off_is_fine(settings):
    settings.OIDC_ISSUER = settings.OIDC_CLIENT_ID = settings.OIDC_CLIENT_SECRET = ""
    assert entra_configuration(None) == []
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "i", "c", "s"
    assert entra_configuration(None) == []
