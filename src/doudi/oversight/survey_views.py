"""Survey and evaluation pages: thin views; persons and records through the area scope."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, scoped
from doudi.guardianship.models import Guardianship
from doudi.registry.models import Person

from . import results, rules, sources, surveys
from .forms import EvaluationForm, QuestionForm, SurveyForm
from .inspections import can_edit_checklists
from .models import Answer, Evaluation, Question, Questionnaire, SurveyResponse
from .sources import VISIT, Source, SourceRecord


def _need(ok):
    if not ok:
        raise PermissionDenied(_("Your role does not allow this."))


def questionnaire_for(region_code: str):
    """The newest questionnaire of the region or of a region above it."""
    prefixes = [region_code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]
    return Questionnaire.objects.filter(region_id__in=prefixes).order_by("-created_at", "-pk").first()


def _visit_of(request, person) -> SourceRecord | None:
    """The visit named by `?visit=` (in the area, of this person), or None. Visits are care's:
    found through the source kind care registers, never by importing care."""
    pk = request.GET.get("visit")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    visit = sources.find(request.user, Source(VISIT, pk))
    if visit.person_id != person.pk:
        raise Http404
    return visit


@require_http_methods(["GET", "POST"])
def person_survey(request, pk):
    _need(request.user.can(Cap.RECORD_VISITS))
    person = get_scoped_or_404(Person.objects.select_related("village"), request.user, pk=pk)
    visit = _visit_of(request, person)
    questionnaire = questionnaire_for(person.village_id)
    if questionnaire is None:
        messages.error(request, _("The county has not set up the satisfaction questionnaire yet."))
        return redirect("person_detail", pk=person.pk)
    channel = SurveyResponse.Channel.VISIT if visit else request.GET.get("channel", "separate")
    form = SurveyForm(
        request.POST or None,
        questions=questionnaire.questions.filter(active=True),
        channels=SurveyResponse.Channel.choices,
        answers=Answer.choices,
        initial={"asked_on": visit.on if visit else timezone.localdate(), "channel": channel},
    )
    if visit:
        form.fields["channel"].disabled = True  # asked during this visit
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            surveys.survey_record(
                actor=request.user,
                person=person,
                questionnaire=questionnaire,
                answers=form.answers(),
                asked_on=d["asked_on"],
                channel=d["channel"],
                comment=d["comment"],
                during=visit,
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("Survey recorded."))
            if visit:
                return redirect(visit.url)
            return redirect(f"/persons/{person.pk}/#oversight")
    return render(
        request,
        "oversight/survey_form.html",
        {"person": person, "form": form, "questionnaire": questionnaire, "visit": visit},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def person_evaluation(request, pk):
    _need(surveys.can_evaluate(request.user))
    person = get_scoped_or_404(Person.objects.select_related("village"), request.user, pk=pk)
    subject = request.POST.get("subject") or request.GET.get("subject") or "guardian"
    if subject not in rules.CRITERIA:
        subject = "guardian"
    name = ""
    if subject == "guardian":
        g = Guardianship.objects.filter(person=person, status=Guardianship.Status.ACTIVE).first()
        name = g.guardian_name if g else ""
    form = EvaluationForm(
        request.POST or None,
        subjects=Evaluation.Subject.choices,
        criteria=rules.CRITERIA[subject],
        initial={"subject": subject, "subject_name": name, "evaluated_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            surveys.evaluation_record(
                actor=request.user,
                region=person.village,
                person=person,
                subject=subject,
                subject_name=d["subject_name"],
                scores=form.scores(),
                evaluated_on=d["evaluated_on"],
                comment=d["comment"],
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("Evaluation recorded."))
            return redirect(f"/persons/{person.pk}/#oversight")
    return render(
        request,
        "oversight/evaluation_form.html",
        {
            "person": person,
            "form": form,
            "subject": Evaluation.Subject(subject),
            "subjects": Evaluation.Subject.choices,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def questionnaire_list(request):
    _need(can_edit_checklists(request.user))
    if request.method == "POST":
        q = surveys.questionnaire_create(actor=request.user, region=request.user.region)
        messages.success(request, _("Questionnaire created."))
        return redirect("oversight_questionnaire", pk=q.pk)
    return render(
        request, "oversight/questionnaire_list.html", {"questionnaires": scoped(Questionnaire, request.user)}
    )


@require_http_methods(["GET", "POST"])
def questionnaire_detail(request, pk):
    _need(can_edit_checklists(request.user))
    questionnaire = get_scoped_or_404(Questionnaire, request.user, pk=pk)
    form = QuestionForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        question = None
        if request.POST.get("question"):
            question = get_scoped_or_404(
                Question, request.user, pk=request.POST["question"], questionnaire=questionnaire
            )
        try:
            surveys.question_save(
                actor=request.user, questionnaire=questionnaire, question=question, **form.cleaned_data
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("Saved."))
            return redirect("oversight_questionnaire", pk=questionnaire.pk)
    return render(
        request,
        "oversight/questionnaire_detail.html",
        {"questionnaire": questionnaire, "questions": questionnaire.questions.all(), "form": form},
        status=400 if form.errors else 200,
    )


def results_page(request):
    _need(request.user.can(Cap.VIEW_PERSONS))
    today = timezone.localdate()
    since = today - dt.timedelta(days=365)
    return render(
        request,
        "oversight/results.html",
        {
            "rows": results.township_results(request.user, since=since, until=today),
            "poor_guardians": results.poor_guardian_evaluations(request.user)[:100],
            "since": since,
            "until": today,
        },
    )


def person_section_context(request, person):
    """The person page's "Satisfaction and evaluations" section."""
    return {
        "surveys": results.person_surveys(request.user, person)[:5],
        "evaluations": results.person_evaluations(request.user, person)[:5],
        "can_survey": request.user.can(Cap.RECORD_VISITS),
        "can_evaluate": surveys.can_evaluate(request.user),
    }
