"""Why an Entra sign-in was refused: a short code for the log and a message for the person."""


class SignInRefused(Exception):
    """The sign-in stops here; nobody is signed in. `reason` is logged, `message` is shown."""

    def __init__(self, reason: str, message: str):
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class ProviderUnavailable(Exception):
    """The identity provider (or Microsoft Graph) did not answer in time, or answered nonsense."""
