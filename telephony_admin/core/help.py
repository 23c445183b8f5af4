"""The help page (/help/): per role, what it does here and its daily journeys.

Each role has a short description and journeys; a journey is steps in plain words,
each step optionally linked to the page it happens on (a URL name). The page shows
the sections of the logged-in user's roles, in the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from telephony_admin.org.models import Role


@dataclass(frozen=True)
class Step:
    text: object
    url_name: str = ""

    @property
    def url(self) -> str:
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


@dataclass(frozen=True)
class Journey:
    title: object
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class RoleHelp:
    role: Role
    summary: object
    journeys: tuple[Journey, ...] = field(default_factory=tuple)


S, J = Step, Journey

HELP: tuple[RoleHelp, ...] = (
    RoleHelp(
        Role.EMPLOYEE,
        _(
            "You use a company telephone. Here you find colleagues' numbers, ask for "
            "a line's permission or a long-distance call, report faults, and see and "
            "explain your own calls."
        ),
        (
            J(
                _("Call a colleague"),
                (
                    S(
                        _(
                            "Open the directory and type a name, pinyin initials or a number."
                        ),
                        "extensions:directory",
                    ),
                    S(_("The result shows the person's department and numbers.")),
                ),
            ),
            J(
                _("Make a long-distance call for work"),
                (
                    S(
                        _(
                            "Fill in a long-distance request before the call: number, organisation, reason."
                        ),
                        "extensions:ld_new",
                    ),
                    S(_("Your department head approves it; you get a notification.")),
                    S(_("Follow it under My requests."), "approvals:mine"),
                ),
            ),
            J(
                _("A private call, or a call the audit flagged"),
                (
                    S(
                        _(
                            "Register a private call you made so that it is charged to you and not flagged."
                        ),
                        "deductions:private_calls",
                    ),
                    S(
                        _("See your calls and their charges in the call records."),
                        "billing:calls",
                    ),
                ),
            ),
            J(
                _("A phone does not work"),
                (
                    S(
                        _("Report the fault with the line and what happens."),
                        "extensions:fault_new",
                    ),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.DEPT_HEAD,
        _(
            "You lead a department. You approve your people's requests, consent to "
            "their private calls and watch the department's phone costs against its "
            "quota."
        ),
        (
            J(
                _("Approve what waits for you"),
                (
                    S(
                        _(
                            "Open Waiting for me: every request that needs your decision is listed."
                        ),
                        "approvals:inbox",
                    ),
                    S(
                        _(
                            "Open a request, read it, approve or reject it; a rejection needs a reason."
                        )
                    ),
                    S(
                        _(
                            "Going away? Record your absence and a delegate decides meanwhile."
                        ),
                        "approvals:absences",
                    ),
                ),
            ),
            J(
                _("Check the month's costs"),
                (
                    S(
                        _(
                            "The monthly statement shows each department's charges against its quota."
                        ),
                        "deductions:statement",
                    ),
                    S(
                        _(
                            "The audit findings list your people's calls that break a rule."
                        ),
                        "deductions:findings",
                    ),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.ADMIN,
        _(
            "You are administration: you keep the lines, the staff list "
            "and the settings, import the carrier's bill, run the call audit and "
            "decide its findings."
        ),
        (
            J(
                _("Each month: the bill and the audit"),
                (
                    S(_("Import the carrier's bill."), "billing:import_upload"),
                    S(
                        _("Give unattributed calls a line owner."),
                        "billing:unattributed",
                    ),
                    S(
                        _(
                            "Run the audit and decide its findings: confirm, waive or re-assign."
                        ),
                        "deductions:findings",
                    ),
                    S(_("Record fines where a rule sets one."), "deductions:fines"),
                ),
            ),
            J(
                _("Lines and requests"),
                (
                    S(
                        _(
                            "Approve permission applications at the administration step."
                        ),
                        "extensions:applications",
                    ),
                    S(
                        _("Provide the phones of approved equipment requests."),
                        "extensions:equipment",
                    ),
                    S(_("Repair reported faults."), "extensions:faults"),
                    S(_("Keep the line list up to date."), "extensions:list"),
                ),
            ),
            J(
                _("Set-up"),
                (
                    S(
                        _("Change amounts, times and thresholds of the rules."),
                        "core:settings",
                    ),
                    S(
                        _("Keep the working calendar (holidays, service hours)."),
                        "workcal:calendar",
                    ),
                    S(_("See who did what in the audit trail."), "core:audit"),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.GM,
        _(
            "You are the general manager: you approve the year's phone-charge quotas "
            "and the requests that reach you, and you follow costs and complaints."
        ),
        (
            J(
                _("Decide on requests"),
                (
                    S(
                        _("Open Waiting for me and decide each request."),
                        "approvals:inbox",
                    ),
                    S(
                        _(
                            "Approve the year's quota plan when administration sends it."
                        ),
                        "deductions:quota_plans",
                    ),
                ),
            ),
            J(
                _("Follow"),
                (
                    S(
                        _(
                            "The monthly statement: each department's cost against its quota."
                        ),
                        "deductions:statement",
                    ),
                    S(
                        _("Complaint reports: how many, how fast, how satisfied."),
                        "complaints:reports",
                    ),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.OPERATOR,
        _(
            "You run the switchboard: you answer and put through calls, take "
            "messages for people who are away and hand over at the end of a shift."
        ),
        (
            J(
                _("During a shift"),
                (
                    S(
                        _(
                            "Open the switchboard console: search the person, put the call through or take a message."
                        ),
                        "callcenter:console",
                    ),
                    S(
                        _("Follow the open messages until each is returned."),
                        "callcenter:messages",
                    ),
                    S(
                        _("Look up what was logged in the switchboard log."),
                        "callcenter:switchboard_log",
                    ),
                ),
            ),
            J(
                _("End of a shift"),
                (
                    S(
                        _("Check your shifts and write the handover record."),
                        "callcenter:roster",
                    ),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.CS_AGENT,
        _(
            "You answer the 400 hotline: you log each call, register complaints, "
            "queries and consultations, and call customers back with the result."
        ),
        (
            J(
                _("A customer calls"),
                (
                    S(_("Log the call on the hotline page."), "callcenter:hotline"),
                    S(
                        _("Register a new case: complaint, query or consultation."),
                        "complaints:new",
                    ),
                    S(_("Send a complaint to the department that must solve it.")),
                ),
            ),
            J(
                _("Close the loop"),
                (
                    S(
                        _(
                            "Your queue shows the cases returned to you and the callbacks due."
                        ),
                        "complaints:queue",
                    ),
                    S(
                        _(
                            "Tell the customer the result, record the callback and the satisfaction."
                        )
                    ),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.CS_HEAD,
        _(
            "You lead customer service: you watch the queues and the time limits, "
            "sign off finished cases and follow the hotline's answer rate."
        ),
        (
            J(
                _("Every day"),
                (
                    S(
                        _(
                            "Open the complaint queues: cases close to or past their time limit come first."
                        ),
                        "complaints:queue",
                    ),
                    S(_("Sign off the cases waiting for your signature.")),
                    S(
                        _("Check the answer rate and the hotline's health."),
                        "callcenter:answer_rate",
                    ),
                ),
            ),
            J(
                _("Plan"),
                (S(_("Keep the duty roster covered."), "callcenter:roster"),),
            ),
        ),
    ),
    RoleHelp(
        Role.HANDLER,
        _(
            "You solve complaints sent to your department: you verify what "
            "happened, record the solution and return the case to customer service."
        ),
        (
            J(
                _("A complaint arrives"),
                (
                    S(
                        _(
                            "Open the complaint queue; you get a notification for each new case."
                        ),
                        "complaints:queue",
                    ),
                    S(_("Verify the complaint: founded or not, with an explanation.")),
                    S(_("Record the solution and return the case in one step.")),
                ),
            ),
        ),
    ),
    RoleHelp(
        Role.FINANCE,
        _(
            "You are finance: you take each month's deductions for payroll and "
            "close the month so that nothing changes afterwards."
        ),
        (
            J(
                _("Month end"),
                (
                    S(_("Check the monthly statement."), "deductions:statement"),
                    S(
                        _("Download the deduction workbook for payroll."),
                        "deductions:closing",
                    ),
                    S(
                        _(
                            "Close the month; only administration can reopen it, with a reason."
                        ),
                        "deductions:closing",
                    ),
                ),
            ),
            J(
                _("Look something up"),
                (S(_("Search the call records."), "billing:calls"),),
            ),
        ),
    ),
)


# The page shows a person's particular role first, being an employee last.
ORDER = (
    Role.ADMIN,
    Role.GM,
    Role.FINANCE,
    Role.OPERATOR,
    Role.CS_HEAD,
    Role.CS_AGENT,
    Role.HANDLER,
    Role.DEPT_HEAD,
    Role.EMPLOYEE,
)


def help_for(roles) -> list[RoleHelp]:
    """The sections of these roles, the particular role first."""
    sections = [section for section in HELP if section.role in roles]
    return sorted(sections, key=lambda s: ORDER.index(s.role))
