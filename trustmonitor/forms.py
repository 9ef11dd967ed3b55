"""The log-in form, as the site's pages need it."""

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's, except that after a failed log-in the focus goes to the
    error summary (the template's autofocus), not back to Username, so the
    failure is read out first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.fields["username"].widget.attrs.pop("autofocus", None)
