"""Writes for satisfaction surveys (满意度调查) and performance evaluations (绩效评估).

Who may: a survey is recorded by whoever visits (RECORD_VISITS); an evaluation by the township or
county (MANAGE_CARE) or an inspector (REVIEW_RECTIFICATION); the questionnaire is edited by those
who edit inspection checklists (inspections.can_edit_checklists).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.roles import Cap
from doudi.core.scope import in_scope

from . import rules
from .inspections import can_edit_checklists
from .models import Evaluation, Question, Questionnaire, SurveyResponse
from .sources import SourceRecord


def _area(actor, code):
    if not (actor.is_superuser or in_scope(actor, code)):
        raise PermissionDenied(_("This record is not in your area."))


def can_evaluate(user) -> bool:
    return user.can(Cap.MANAGE_CARE) or user.can(Cap.REVIEW_RECTIFICATION)


def questionnaire_create(
    *, actor, region, name: str = rules.DEFAULT_QUESTIONNAIRE, questions=None
) -> Questionnaire:
    if not can_edit_checklists(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    _area(actor, region.code)
    questions = rules.DEFAULT_QUESTIONS if questions is None else questions
    with transaction.atomic():
        q = Questionnaire.objects.create(region=region, name=(name or rules.DEFAULT_QUESTIONNAIRE)[:100])
        for n, text in enumerate(questions, start=1):
            Question.objects.create(questionnaire=q, order=n * 10, text=text)
        audit.record(actor, "create", q, extra={"questions": list(questions)})
    return q


def question_save(*, actor, questionnaire, text: str, active: bool = True, question=None) -> Question:
    if not can_edit_checklists(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    _area(actor, questionnaire.region_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写问题。")
    with transaction.atomic():
        if question is None:
            last = questionnaire.questions.order_by("-order").first()
            question, before = (
                Question(questionnaire=questionnaire, order=(last.order if last else 0) + 10),
                {},
            )
        else:
            if question.questionnaire_id != questionnaire.pk:
                raise ValidationError("该问题不属于此问卷。")
            before = audit.snapshot(question)
        question.text, question.active = text[:200], active
        question.save()
        audit.record(
            actor,
            "update" if before else "create",
            question,
            changes=audit.diff(before, audit.snapshot(question)),
        )
    return question


def survey_record(
    *,
    actor,
    person,
    questionnaire,
    answers: dict,
    asked_on: dt.date | None = None,
    channel: str = SurveyResponse.Channel.SEPARATE,
    comment: str = "",
    during: SourceRecord | None = None,
) -> SurveyResponse:
    """`answers` maps a Question pk to 'satisfied' / 'fairly' / 'dissatisfied'; every active
    question needs an answer. With `during` (a visit of the same person, as sources.find gives it)
    the survey is linked to it and its channel is "during a visit"."""
    if not actor.can(Cap.RECORD_VISITS):
        raise PermissionDenied(_("Your role does not allow this."))
    _area(actor, person.village_id)
    if during is not None:
        if during.person_id != person.pk:
            raise ValidationError("该走访不是对此对象的走访。")
        channel = SurveyResponse.Channel.VISIT
    asked_on = asked_on or timezone.localdate()
    if asked_on > timezone.localdate():
        raise ValidationError("调查日期不能晚于今天。")
    active = {q.pk: q for q in questionnaire.questions.filter(active=True)}
    missing = [q.text for pk, q in active.items() if answers.get(pk) not in rules.ANSWERS]
    if missing:
        raise ValidationError("以下问题还没有回答：" + "；".join(missing))
    kept = {str(pk): answers[pk] for pk in active}
    counts = {a: list(kept.values()).count(a) for a in rules.ANSWERS}
    with transaction.atomic():
        response = SurveyResponse.objects.create(
            person=person,
            questionnaire=questionnaire,
            asked_on=asked_on,
            channel=channel,
            source_kind=during.source.kind if during else "",
            source_id=during.source.id if during else "",
            answers=kept,
            comment=(comment or "").strip(),
            recorded_by=actor,
            **counts,
        )
        audit.record(actor, "create", response, changes=audit.diff({}, audit.snapshot(response)))
    return response


def evaluation_record(
    *,
    actor,
    region,
    subject: str,
    subject_name: str,
    scores: dict,
    person=None,
    evaluated_on: dt.date | None = None,
    comment: str = "",
) -> Evaluation:
    if not can_evaluate(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    _area(actor, region.code)
    if person is not None and not person.village_id.startswith(region.prefix):
        raise ValidationError("被照料人不在所选区域。")
    criteria = rules.CRITERIA.get(subject)
    if criteria is None:
        raise ValidationError("未知的评估对象类别。")
    if not (subject_name or "").strip():
        raise ValidationError("请填写被评估人或机构的名称。")
    missing = [c for c in criteria if scores.get(c) not in rules.SCORES]
    if missing:
        raise ValidationError("以下评估项目须打1至5分：" + "、".join(missing))
    kept = {c: int(scores[c]) for c in criteria}
    poor = rules.is_poor(kept)
    if poor and not (comment or "").strip():
        raise ValidationError("评估结果较差时须写明具体问题。")
    evaluated_on = evaluated_on or timezone.localdate()
    with transaction.atomic():
        ev = Evaluation.objects.create(
            region=region,
            person=person,
            subject=subject,
            subject_name=subject_name.strip()[:100],
            evaluated_on=evaluated_on,
            scores=kept,
            average=rules.average(kept),
            poor=poor,
            comment=(comment or "").strip(),
            evaluator=actor,
        )
        audit.record(actor, "create", ev, changes=audit.diff({}, audit.snapshot(ev)))
    return ev
