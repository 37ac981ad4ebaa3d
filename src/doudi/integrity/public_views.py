"""The public pages (no login): file a report, keep the receipt, follow it up with the receipt.

They work without JavaScript and on a phone. The receipt is never put in a URL or a cookie: it is
shown once on the page that answers the filing, and typed (or pasted) to follow up; every follow-up
form posts it again and it is checked again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import crypto, selectors, services, throttle
from .forms import FollowUpForm, PublicReportForm, ReceiptForm
from .models import Campaign


def _errors(form, exc: ValidationError):
    for message in exc.messages:
        form.add_error(None, message)


@login_not_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    campaign = (
        Campaign.objects.filter(pk=request.GET.get("campaign") or 0).first()
        if request.GET.get("campaign", "").isdigit()
        else None
    )
    form = PublicReportForm(
        request.POST or None, request.FILES or None, initial={"category": "slush_fund"} if campaign else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, receipt = services.report_file(
                category=data["category"],
                region=data["village"],
                unit=data["unit"],
                text=data["text"],
                name=data["name"],
                contact=data["contact"],
                files=data["files"],
                campaign=campaign,
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return render(request, "integrity/public_receipt.html", {"receipt": receipt, "report": report})
    return render(request, "integrity/public_new.html", {"form": form, "campaign": campaign})


@login_not_required
@require_POST
def report_kept(request):
    """The "did you write it down?" step: without the tick the receipt is shown again."""
    receipt = crypto.normalise_receipt(request.POST.get("receipt", ""))
    if receipt is None:
        return render(request, "integrity/public_follow.html", {"form": ReceiptForm()})
    pretty = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))
    if request.POST.get("kept") != "1":
        return render(
            request,
            "integrity/public_receipt.html",
            {
                "receipt": pretty,
                "error": _("Tick the box once you have written the receipt down or saved the slip."),
            },
        )
    return render(request, "integrity/public_kept.html")


@login_not_required
@require_POST
def report_slip(request):
    """The receipt slip as a file to keep (the receipt comes from the form, nothing is looked up)."""
    receipt = crypto.normalise_receipt(request.POST.get("receipt", ""))
    if receipt is None:
        return HttpResponse(_("Not a receipt."), status=400, content_type="text/plain; charset=utf-8")
    pretty = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))
    text = render(request, "integrity/public_slip.txt", {"receipt": pretty}).content
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="report-receipt.txt"'
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def report_follow(request):
    if request.method == "GET":
        return render(request, "integrity/public_follow.html", {"form": ReceiptForm()})
    form = FollowUpForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "integrity/public_follow.html", {"form": ReceiptForm(request.POST)})
    client = throttle.client_address(request)
    report, waiting = services.report_by_receipt(form.cleaned_data["receipt"], client=client)
    if report is None:
        return render(
            request,
            "integrity/public_follow.html",
            {"form": ReceiptForm(), "not_found": True, "waiting": waiting},
            status=404,
        )
    posted = None
    if request.POST.get("action") == "add":
        try:
            services.report_reporter_message(
                report=report, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
            )
            posted = True
        except ValidationError as exc:
            _errors(form, exc)
    receipt = crypto.normalise_receipt(form.cleaned_data["receipt"])
    return render(
        request,
        "integrity/public_status.html",
        {
            "report": report,
            "messages_": selectors.report_messages(report, reporter=True),
            "receipt": " ".join(receipt[i : i + 4] for i in range(0, 16, 4)),
            "form": FollowUpForm(initial={"receipt": receipt}) if posted else form,
            "posted": posted,
        },
    )
