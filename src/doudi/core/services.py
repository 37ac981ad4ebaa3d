"""Writes for the core app: regions, users, uploads, tokens. Each is atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, regions
from .models import ApiToken, AuditEntry, Region, Upload, User
from .roles import ROLE_LEVELS, Cap, Role
from .scope import in_scope
from .tabular import TableError, cell_text, map_columns, open_table

# ---- uploads --------------------------------------------------------------------------------


def upload_store(*, actor, region, uploaded_file, kind: str) -> Upload:
    """Keep an uploaded original exactly as received (DESIGN.md promise 3)."""
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    upload = Upload(
        original_name=Path(uploaded_file.name).name[:255],
        sha256=digest.hexdigest(),
        size=uploaded_file.size,
        kind=kind,
        uploaded_by=actor,
        region=region,
    )
    upload.file.save(upload.original_name, uploaded_file, save=False)
    with transaction.atomic():
        upload.save()
        audit.record(actor, "create", upload, extra={"kind": kind, "sha256": upload.sha256})
    return upload


PHOTO_MAX_BYTES = 8 * 1024 * 1024
_IMAGE_SIGNATURES = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF8", "GIF"))


def check_image(uploaded_file, *, what: str = "照片", max_bytes: int = PHOTO_MAX_BYTES) -> str:
    """A photo taken on a phone must be an image (JPEG, PNG, GIF or WEBP) and not too large.
    The message is Chinese because it names the file the user has in hand."""
    size = getattr(uploaded_file, "size", None) or 0
    if size == 0:
        raise ValidationError(f"上传的{what}是空文件，请重新拍摄或选择。")
    if size > max_bytes:
        raise ValidationError(
            f"{what}过大（{size / 1024 / 1024:.1f} MB），不能超过 {max_bytes // 1024 // 1024} MB，请压缩后重新上传。"
        )
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    for signature, kind in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    raise ValidationError(
        f"{what}必须是图片文件（JPG、PNG、GIF、WEBP），“{Path(uploaded_file.name).name}”不是图片。"
    )


def upload_from_path(*, actor, region, path: Path, kind: str) -> Upload:
    with open(path, "rb") as fh:
        f = File(fh, name=Path(path).name)
        f.size = Path(path).stat().st_size
        return upload_store(actor=actor, region=region, uploaded_file=f, kind=kind)


# ---- region import ----------------------------------------------------------------------------

REGION_COLUMNS = {
    "code": ["区划代码", "统计用区划代码", "代码", "code"],
    "name": ["名称", "区划名称", "name"],
    "urban_rural_code": ["城乡分类代码", "城乡分类", "urban_rural_code"],
    "is_active": ["状态", "是否有效", "active"],
    "longitude": ["经度", "longitude", "lng"],
    "latitude": ["纬度", "latitude", "lat"],
}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # What a commit would do, row by row (an importer that offers a preview fills these).
    preview_columns: list[str] = field(default_factory=list)
    preview: list[list] = field(default_factory=list)
    preview_more: int = 0

    PREVIEW_ROWS = 200

    def as_dict(self) -> dict:
        return asdict(self)

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": column, "message": message})

    def show(self, cells: list) -> None:
        if len(self.preview) < self.PREVIEW_ROWS:
            self.preview.append(cells)
        else:
            self.preview_more += 1


def _parse_active(text: str) -> bool:
    return text not in {"已撤销", "撤销", "无效", "否", "0", "false", "False"}


def region_import(*, actor, path, filename=None, commit: bool = True, progress=None) -> ImportReport:
    """Import a county's divisions from .xlsx or .csv. All or nothing: any error writes nothing.

    Columns: 区划代码, 名称, 城乡分类代码 (required for villages), optional 状态 (已撤销),
    经度, 纬度. Levels and parents are derived from the codes (core/regions.py); a parent must be in
    the file or already in the system, and an importing user may only touch their own area.
    """
    report = ImportReport()
    table = open_table(path, filename)
    cmap = map_columns(table.headers, REGION_COLUMNS, required=["code", "name"])
    report.ignored_columns = cmap.unknown
    col = {k: cmap.column(k) for k in cmap.index}
    get = cmap.get
    parsed: dict[str, dict] = {}
    first_row: dict[str, int] = {}

    for number, values in table.rows:
        report.rows += 1
        try:
            rc = regions.parse_region_code(cell_text(get(values, "code")))
        except regions.InvalidRegionCode as exc:
            report.error(number, col["code"], str(exc))
            continue
        if rc.code in parsed:
            report.error(number, col["code"], f"区划代码 {rc.code} 与第{first_row[rc.code]}行重复")
            continue
        first_row[rc.code] = number
        name = cell_text(get(values, "name"))
        if not name:
            report.error(number, col["name"], "名称不能为空")
            continue
        urc = cell_text(get(values, "urban_rural_code"))
        if rc.level == regions.VILLAGE or urc:
            try:
                urc = regions.validate_urban_rural_code(urc) if urc or rc.level == regions.VILLAGE else ""
            except regions.InvalidRegionCode as exc:
                report.error(number, col.get("urban_rural_code", "城乡分类代码"), str(exc))
                continue
        if actor is not None and not (actor.is_superuser or in_scope(actor, rc.code)):
            report.error(number, col["code"], f"区划代码 {rc.code} 不在您的管辖范围内")
            continue
        coords = {}
        for key in ("longitude", "latitude"):
            text = cell_text(get(values, key))
            if text:
                try:
                    coords[key] = round(float(text), 6)
                except ValueError:
                    report.error(number, col[key], f"“{text}”不是有效的数字")
        parsed[rc.code] = {
            "row": number,
            "level": rc.level,
            "parent": rc.parent_code,
            "name": name[:100],
            "urban_rural_code": urc,
            "is_active": _parse_active(cell_text(get(values, "is_active"))),
            **coords,
        }
        if progress:
            progress(report.rows, table.total_rows or report.rows, _("Checking rows"))

    existing = {r.code: r for r in Region.objects.filter(code__in=list(parsed))}
    parent_codes = {p["parent"] for p in parsed.values() if p["parent"]}
    known_parents = set(Region.objects.filter(code__in=parent_codes).values_list("code", flat=True))
    for p in parsed.values():
        parent = p["parent"]
        if parent and parent not in parsed and parent not in known_parents:
            report.error(p["row"], col["code"], f"上级区划 {parent} 不存在：既不在文件中，也不在系统中")

    report.errors.sort(key=lambda e: e["row"])
    if report.errors or not commit:
        _count_changes(report, parsed, existing)
        return report

    with transaction.atomic():
        pending = []
        for code, p in sorted(parsed.items(), key=lambda kv: (kv[1]["level"], kv[0])):
            fields = {
                k: p[k]
                for k in ("name", "level", "urban_rural_code", "is_active", "longitude", "latitude")
                if k in p
            }
            fields["parent_id"] = p["parent"]
            region = existing.get(code)
            if region is None:
                region = Region.objects.create(code=code, **fields)
                pending.append(
                    audit.Pending(actor, "create", region, changes=audit.diff({}, audit.snapshot(region)))
                )
                report.created += 1
                continue
            before = audit.snapshot(region)
            for k, v in fields.items():
                setattr(region, k, v)
            after = audit.snapshot(region)
            changes = audit.diff(before, after)
            if changes:
                region.save()
                pending.append(audit.Pending(actor, "update", region, changes=changes))
                report.updated += 1
            else:
                report.unchanged += 1
        audit.record_many(pending)
    return report


def _count_changes(report, parsed, existing):
    for code, p in parsed.items():
        region = existing.get(code)
        if region is None:
            report.created += 1
        elif (
            region.name != p["name"]
            or region.urban_rural_code != p["urban_rural_code"]
            or region.is_active != p["is_active"]
        ):
            report.updated += 1
        else:
            report.unchanged += 1


# ---- users ----------------------------------------------------------------------------------


def _check_admin(actor, region: Region):
    if not actor.can(Cap.MANAGE_USERS) or not in_scope(actor, region.code):
        raise PermissionDenied(_("You may not manage accounts in this region."))


def _validate_roles(roles, region: Region):
    if not roles:
        raise ValidationError(_("Choose at least one role."))
    for role in roles:
        if role not in Role.values:
            raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
        if region.level not in ROLE_LEVELS[role]:
            raise ValidationError(
                _("The role “%(role)s” cannot be bound to a region at the level “%(level)s”.")
                % {"role": Role(role).label, "level": region.get_level_display()}
            )


USER_FIELDS = ["username", "name", "phone", "region", "unit", "roles", "is_active"]


def _validate_unit(actor, unit, region: Region) -> None:
    """An account's unit must be one the administrator sees and lie within the account's region
    (its staff then see that unit's subtree inside their region, core/scope.py)."""
    from .scope import unit_in_scope

    if unit is None:
        return
    if not unit_in_scope(actor, unit):
        raise PermissionDenied(_("This unit is not in your area."))
    if not region.contains(unit.region_id):
        raise ValidationError(
            _("The unit “%(unit)s” lies outside the region %(region)s of the account.")
            % {"unit": unit.name, "region": region.name}
        )


def user_create(*, actor, username, name, region, roles, password, phone="", unit=None) -> User:
    _check_admin(actor, region)
    _validate_roles(roles, region)
    _validate_unit(actor, unit, region)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username “%(u)s” is already taken.") % {"u": username})
    user = User(username=username, name=name, phone=phone, region=region, roles=list(roles), unit=unit)
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(actor, "create", user, changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)))
    return user


_KEEP = object()


def user_update(*, actor, user: User, name, phone, region, roles, unit=_KEEP) -> User:
    """`unit` left out keeps the account's unit (checked against the new region); None unbinds it."""
    _check_admin(actor, user.region)
    _check_admin(actor, region)
    _validate_roles(roles, region)
    if unit is _KEEP:
        unit = user.unit
    _validate_unit(actor, unit, region)
    before = audit.snapshot(user, USER_FIELDS)
    user.name, user.phone, user.region, user.roles = name, phone, region, list(roles)
    user.unit = unit
    with transaction.atomic():
        user.save()
        changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
        if changes:
            audit.record(actor, "update", user, changes=changes)
    return user


def user_set_password(*, actor, user: User, password: str) -> None:
    _check_admin(actor, user.region)
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        ApiToken.objects.filter(user=user).delete()  # a reset also revokes API tokens
        audit.record(
            actor, "update", user, changes={"password": ["***", "***"]}, extra={"reset_password": True}
        )


def user_set_active(*, actor, user: User, active: bool) -> None:
    _check_admin(actor, user.region)
    if user.pk == actor.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            ApiToken.objects.filter(user=user).delete()
        audit.record(actor, "update", user, changes={"is_active": [not active, active]})


# ---- audit log ------------------------------------------------------------------------------


def audit_entry_reveal(*, actor, entry: AuditEntry) -> audit.Shown:
    """An audit entry with the personal numbers it holds shown whole (entries written before a
    number was masked, a merge's merged-away record), for a role that may see full ID numbers.
    The viewing is itself recorded (DESIGN.md promises 2 and 4), as a `view` of the entry's
    object — so a person's history says who saw their full number — naming the entry shown."""
    if not (actor.can(Cap.VIEW_AUDIT) and actor.can(Cap.VIEW_FULL_ID)):
        raise PermissionDenied(_("Your role does not allow this."))
    if not in_scope(actor, entry.region_code):
        raise PermissionDenied(_("This entry is not in your area."))
    shown = audit.shown(entry, full=True)
    if shown.masked:  # nothing to reveal, nothing viewed
        audit.record(
            actor,
            "view",
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            region_code=entry.region_code,
            extra={"field": "id_number", "audit_entry": entry.seq},
        )
    return shown


# ---- API tokens -------------------------------------------------------------------------------


def token_issue(*, user: User) -> str:
    """A new token, valid for settings.DOUDI_API_TOKEN_DAYS; only its hash is kept."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key))
        audit.record(
            user,
            "create",
            token,
            object_repr=f"API token of {user.username}",
            region_code=user.region_id or "",
            extra={"expires_at": token.expires_at.isoformat()},
        )
    return key


def token_revoke(*, actor, token: ApiToken) -> bool:
    """Revoke a token (its owner, or an administrator of the owner's area — the caller looked it up
    through selectors.token_get_revocable). False when it was revoked already. Audited."""
    from django.utils import timezone

    if token.user_id != actor.pk and not (
        actor.can(Cap.MANAGE_USERS) and in_scope(actor, token.user.region_id)
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    with transaction.atomic():
        done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if done:
            audit.record(
                actor,
                "update",
                token,
                object_repr=f"API token of {token.user.username}",
                region_code=token.user.region_id or "",
                changes={"revoked": [False, True]},
            )
    return bool(done)


__all__ = [
    "ImportReport",
    "TableError",
    "region_import",
    "token_issue",
    "token_revoke",
    "upload_store",
    "user_create",
    "user_set_active",
    "user_set_password",
    "user_update",
]
