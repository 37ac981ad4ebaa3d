"""村务监督委员会: the register of village officials, committees and their election, vouchers and
their review, openness items, meetings, inquiries, democratic evaluations and appeals. Fields and
constraints only; writes are in services.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doudi.core.models import Region, Upload


class Office(models.TextChoices):
    PARTY_BRANCH = "party_branch", _("Village party organisation member")
    VILLAGE_COMMITTEE = "village_committee", _("Village committee member")
    SECRETARY = "secretary", _("Village secretary")
    BOOKKEEPER = "bookkeeper", _("Village bookkeeper")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Paternal grandparent")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("Maternal grandparent")
    GRANDCHILD = "grandchild", _("Paternal grandchild")
    MATERNAL_GRANDCHILD = "maternal_grandchild", _("Maternal grandchild")
    SPOUSE_PARENT = "spouse_parent", _("Spouse's parent")
    SPOUSE_SIBLING = "spouse_sibling", _("Spouse's sibling")
    SIBLING_SPOUSE = "sibling_spouse", _("Sibling's spouse")
    CHILD_SPOUSE = "child_spouse", _("Child's spouse")
    UNCLE_AUNT = "uncle_aunt", _("Uncle or aunt")
    NEPHEW_NIECE = "nephew_niece", _("Nephew or niece")
    COUSIN = "cousin", _("Cousin")
    OTHER = "other", _("Other relative")


class VillageSetting(models.Model):
    """A township's choices: the review cycle of vouchers, the working days an inquiry is answered
    in, and the working days the township party committee and county 纪委 have for an appeal."""

    class Cycle(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    cycle = models.CharField(_("review cycle"), max_length=10, choices=Cycle.choices, default=Cycle.MONTHLY)
    inquiry_days = models.PositiveSmallIntegerField(_("working days to answer an inquiry"), default=10)
    appeal_days = models.PositiveSmallIntegerField(_("working days to handle an appeal"), default=10)

    scope_path = "region"

    def __str__(self):
        return f"{self.region_id} {self.cycle}"


class Official(models.Model):
    """One village official in one term (村党组织成员, 村委会成员, 村秘书, 村报账员)."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    term = models.PositiveSmallIntegerField(_("term (first year)"))
    name = models.CharField(pgettext_lazy("village", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    office = models.CharField(_("office"), max_length=20, choices=Office.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["village", "-term", "office", "name"]
        indexes = [models.Index(fields=["village", "term"])]

    def __str__(self):
        return f"{self.name}（{self.get_office_display()}）"


class Relative(models.Model):
    """A relative of an official, recorded so the qualification check can be computed."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(pgettext_lazy("village", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    relation = models.CharField(_("relation to the official"), max_length=30, choices=Relation.choices)

    scope_path = "official__village"

    class Meta:
        ordering = ["official", "name"]

    def __str__(self):
        return self.name


class Committee(models.Model):
    """One term of a village's supervision committee, from nomination to filing."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("Nominating candidates")
        SUBMITTED = "submitted", _("Candidate list awaiting township approval")
        APPROVED = "approved", _("Candidate list approved")
        ELECTED = "elected", _("Elected")
        FILED = "filed", _("Filed with the township discipline commission")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    term = models.PositiveSmallIntegerField(_("term (first year)"))
    term_end = models.DateField(pgettext_lazy("village", "term ends"))
    seats = models.PositiveSmallIntegerField(_("seats"), default=3)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOMINATING)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # the election meeting
    held_on = models.DateField(_("election date"), null=True, blank=True)
    representatives_total = models.PositiveIntegerField(_("representatives in total"), null=True, blank=True)
    present = models.PositiveIntegerField(_("representatives present"), null=True, blank=True)
    tallies = models.JSONField(_("votes"), default=dict, blank=True)
    runoff = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["village", "-term"]
        constraints = [
            models.UniqueConstraint(fields=["village", "term"], name="village_committee_one_per_term")
        ]

    def __str__(self):
        return f"{self.village.name}村务监督委员会（{self.term}届）"


class Candidate(models.Model):
    class Nomination(models.TextChoices):
        CARRIED_OVER = "carried_over", _("Member of the former openness or finance group")
        REPRESENTATIVES = "representatives", _("Proposed by the representatives' meeting")
        SELF = "self", _("Self-nominated")
        JOINT = "joint", _("Jointly nominated by villagers")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        FORMAL = "formal", _("Formal candidate")
        EXCLUDED = "excluded", _("Excluded")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(pgettext_lazy("village", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("date of birth"))
    nomination = models.CharField(_("nominated as"), max_length=20, choices=Nomination.choices)
    party_member = models.BooleanField(_("party member"), default=False)
    resident = models.BooleanField(_("lives in the village"), default=True)
    fit_to_serve = models.BooleanField(_("fit to serve"), default=True)
    discipline_unexpired = models.BooleanField(_("unexpired party or government discipline"), default=False)
    serving_sentence_or_detention = models.BooleanField(_("serving a sentence or detention"), default=False)
    cult_or_underground_religion = models.BooleanField(_("cult or underground religion"), default=False)
    petition_organiser = models.BooleanField(_("organised unlawful petitions"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED)
    findings = models.JSONField(default=list, blank=True)
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    votes = models.PositiveIntegerField(null=True, blank=True)
    elected = models.BooleanField(default=False)
    chair = models.BooleanField(_("chair"), default=False)

    scope_path = "committee__village"

    class Meta:
        ordering = ["committee", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "id_number"], name="village_candidate_once"),
        ]

    def __str__(self):
        return self.name


class Voucher(models.Model):
    """An expense voucher (原始凭证) the bookkeeper submits, the committee reviews and the township
    agency books. A booked voucher is never changed: a correction is a new voucher naming it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        STAMPED = "stamped", _("Approved and stamped")
        QUESTIONED = "questioned", _("Questioned")
        DISPUTED = "disputed", _("Referred to the representatives' meeting")
        REJECTED = "rejected", _("Rejected by the representatives' meeting")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    number = models.CharField(_("voucher number"), max_length=30)
    spent_on = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=200)
    category = models.CharField(pgettext_lazy("village", "category"), max_length=50)
    scan = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    status = models.CharField(_("review"), max_length=12, choices=Status.choices, default=Status.PENDING)
    review_reason = models.TextField(pgettext_lazy("village", "reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    meeting_decision = models.TextField(_("decision of the representatives' meeting"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.ForeignKey(Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    scope_path = "village"

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["village", "spent_on"]), models.Index(fields=["status", "booked_at"])]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="village_voucher_number_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="village_voucher_amount_positive"),
            # the database itself refuses a booked voucher that was not stamped
            models.CheckConstraint(
                condition=models.Q(booked_at__isnull=True) | models.Q(status="stamped"),
                name="village_voucher_booked_only_stamped",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.payee} {self.amount}元"


class Inquiry(models.Model):
    """质询 (with a written answer due), 复核 request or 建议 of the committee."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        RECHECK = "recheck", _("Review request")
        SUGGESTION = "suggestion", _("Suggestion")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    kind = models.CharField(
        pgettext_lazy("village", "kind"), max_length=12, choices=Kind.choices, default=Kind.INQUIRY
    )
    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(pgettext_lazy("village", "question"))
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField(_("asked on"))
    due_on = models.DateField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(null=True, blank=True)
    # oversight's rectification task, opened once when the answer is overdue (services.inquiries_overdue)
    task_id = models.PositiveIntegerField(null=True, blank=True, editable=False)

    scope_path = "village"

    class Meta:
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["answered_on", "due_on"])]

    def __str__(self):
        return self.subject


class OpennessItem(models.Model):
    """村务公开: an item the officials submit, the committee reviews, and the public page shows."""

    class Category(models.TextChoices):
        FINANCE = "finance", _("Collective income and expenditure")
        LAND = "land", _("Land requisition compensation")
        ASSISTANCE = "assistance", _("Subsistence allowance and extreme-poverty lists")
        POLICY = "policy", _("Agricultural support policies")
        HOMESTEAD = "homestead", _("Homestead allocation")
        PROJECTS = "projects", _("Construction projects")
        CONTRACTS = "contracts", _("Collective land contracts and income")
        FEES = "fees", _("Fees and labour borne by villagers")
        EVALUATION = "evaluation", _("Democratic evaluation results")
        OTHER = "other", _("Other village affairs")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting committee review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for correction")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    category = models.CharField(pgettext_lazy("village", "category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(pgettext_lazy("village", "content"))
    period = models.CharField(_("period"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class Meeting(models.Model):
    """A meeting of the committee (工作例会, monthly; 临时会议 when needed): who attended, its motions."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Monthly meeting")
        SPECIAL = "special", _("Special meeting")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("meeting date"))
    kind = models.CharField(
        pgettext_lazy("village", "kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR
    )
    attendees = models.ManyToManyField(
        Candidate, related_name="meetings_attended", verbose_name=_("attendees")
    )
    guests = models.CharField(_("also attending"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["village", "held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class Motion(models.Model):
    """One motion put to the vote at a meeting; passed by a majority of those present (rules.count_motion)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    title = models.CharField(_("motion"), max_length=200)
    present = models.PositiveSmallIntegerField(_("members present"))
    yes = models.PositiveSmallIntegerField(_("in favour"))
    no = models.PositiveSmallIntegerField(_("against"))
    abstain = models.PositiveSmallIntegerField(_("abstaining"))
    passed = models.BooleanField(_("passed"))
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "meeting__village"

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yes__lte=models.F("present") - models.F("no") - models.F("abstain")),
                name="village_motion_votes_within_present",
            )
        ]

    def __str__(self):
        return self.title


class Evaluation(models.Model):
    """A year's 民主评议 by the villagers' (representative) meeting of the committee, its members and
    the village officials; published on the village's public page."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("evaluation date"))
    representatives_total = models.PositiveIntegerField(_("representatives in total"))
    participants = models.PositiveIntegerField(_("representatives who rated"))
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "village"

    class Meta:
        ordering = ["village", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_evaluation_one_a_year")
        ]

    def __str__(self):
        return f"{self.year}年民主评议"


class EvaluationSubject(models.Model):
    """Who is rated, and the tally of each rating (满意 / 基本满意 / 不满意)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("The supervision committee")
        MEMBER = "member", _("Committee member")
        OFFICIAL = "official", _("Village official")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(pgettext_lazy("village", "kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("village", "name"), max_length=100)
    role = models.CharField(_("office"), max_length=50, blank=True)
    member = models.ForeignKey(Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    satisfied = models.PositiveIntegerField(_("satisfied"), null=True, blank=True)
    fairly = models.PositiveIntegerField(_("fairly satisfied"), null=True, blank=True)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged to the township"), default=False)
    explanation = models.TextField(blank=True)

    scope_path = "evaluation__village"

    class Meta:
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.name


class Appeal(models.Model):
    """申诉救助: a member reports obstruction, threats or retaliation to the township party committee
    and the county 纪委, who must coordinate and handle it by the deadline. Seen only by them and by
    the member who filed it (selectors.appeals)."""

    class Kind(models.TextChoices):
        OBSTRUCTION = "obstruction", _("Work obstructed without reason")
        THREAT = "threat", _("Threatened")
        RETALIATION = "retaliation", _("Retaliated against")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting handling")
        HANDLED = "handled", _("Handled")

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("village", "kind"), max_length=12, choices=Kind.choices)
    occurred_on = models.DateField(_("date it happened"))
    description = models.TextField(_("account of what happened"))
    filed_on = models.DateField(_("filed on"))
    due_on = models.DateField(_("to be handled by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("how it was handled"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    # Overdue and still open: the daily job escalates it to the county 纪委 once (services.appeals_overdue).
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    task_id = models.PositiveIntegerField(null=True, blank=True, editable=False)

    scope_path = "village"

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self):
        # never the content: audit pages show this text
        return f"申诉 #{self.pk}"
