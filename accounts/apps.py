from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_instructors_group(**kwargs) -> None:
    from accounts.roles import instructors_group

    instructors_group()


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # after the challenges app's permissions are made, so the group can hold them
        post_migrate.connect(_ensure_instructors_group, sender=self.apps.get_app_config("challenges"))
