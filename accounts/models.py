from django.conf import settings
from django.db import models


class Preferences(models.Model):
    """A signed-in user's settings that follow them to any browser. No row:
    every default (the theme follows the system's)."""

    class Theme(models.TextChoices):
        SYSTEM = "system", "System"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    theme = models.CharField(max_length=6, choices=Theme.choices, default=Theme.SYSTEM)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"{self.user}: theme {self.theme}"


def theme_of(user) -> str:
    """The user's theme; no query when the user came from the session
    (accounts.backends loads the preferences with the user)."""
    if not getattr(user, "is_authenticated", False):
        return Preferences.Theme.SYSTEM
    try:
        return user.preferences.theme
    except Preferences.DoesNotExist:
        return Preferences.Theme.SYSTEM
