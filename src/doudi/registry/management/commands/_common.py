"""Helpers shared by import-persons and export-persons (a leading underscore: not a command)."""

from django.core.management.base import CommandError

from doudi.core import regions
from doudi.core.models import Region, User


def find_region(code: str) -> Region:
    try:
        parsed = regions.parse_region_code(code)
    except regions.InvalidRegionCode as exc:
        raise CommandError(str(exc)) from exc
    region = Region.objects.filter(code=parsed.code).first()
    if region is None:
        raise CommandError(f"区划代码 {parsed.code} 不存在")
    return region


def find_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户 {username} 不存在或已停用")
    return user
