from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_migrate, post_save


def _ensure_instructors_group(**kwargs) -> None:
    from accounts.roles import instructors_group

    instructors_group()


def _forget_nav_role(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's groups or permissions changed: their cached nav role goes."""
    from accounts.roles import forget_nav_role

    if action.startswith("post_"):
        forget_nav_role((pk_set or ()) if reverse else [instance.pk])


def _forget_nav_role_of_saved(sender, instance, **kwargs) -> None:
    from accounts.roles import forget_nav_role

    forget_nav_role([instance.pk])  # a new user may reuse a deleted one's id (tests do)


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # after the challenges app's permissions are made, so the group can hold them
        post_migrate.connect(_ensure_instructors_group, sender=self.apps.get_app_config("challenges"))
        user = get_user_model()
        for through in (user.groups.through, user.user_permissions.through):
            m2m_changed.connect(_forget_nav_role, sender=through)
        post_save.connect(_forget_nav_role_of_saved, sender=user)
