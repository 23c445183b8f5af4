"""Existing approval requests of lines, equipment and long distance keep their title as
a msgid and parameters, so each reader sees it in their own language (issue 15).

The msgids and the choices' English labels are copied here (a migration does not
import the app's code); a request whose subject is gone keeps its stored text."""

from django.db import migrations

CLASS_LABELS = {
    0: "Internal only",
    1: "Local",
    2: "Domestic long distance",
    3: "International",
}
KIND_LABELS = {
    "extension": "Extension",
    "direct": "Direct line",
    "hotline_400": "400 hotline",
    "fax": "Fax",
    "prepaid": "Prepaid-card phone",
}


def forwards(apps, schema_editor):
    ApprovalRequest = apps.get_model("approvals", "ApprovalRequest")
    PermissionApplication = apps.get_model("extensions", "PermissionApplication")
    EquipmentRequest = apps.get_model("extensions", "EquipmentRequest")
    LongDistanceRequest = apps.get_model("extensions", "LongDistanceRequest")

    def titled(approval_id, msgid, params):
        ApprovalRequest.objects.filter(pk=approval_id, title_msgid="").update(
            title_msgid=msgid, title_params=params
        )

    for a in PermissionApplication.objects.filter(
        approval__isnull=False
    ).select_related("line"):
        label = CLASS_LABELS.get(a.requested_class)
        if label:
            titled(
                a.approval_id,
                "Line %(number)s: %(klass)s",
                {"number": a.line.number, "klass": {"msgid": label}},
            )
    for e in EquipmentRequest.objects.filter(approval__isnull=False).select_related(
        "department"
    ):
        label = KIND_LABELS.get(e.kind)
        if label:
            titled(
                e.approval_id,
                "%(quantity)s × %(kind)s for %(department)s",
                {
                    "quantity": str(e.quantity),
                    "kind": {"msgid": label},
                    "department": e.department.name,
                },
            )
    for r in LongDistanceRequest.objects.filter(approval__isnull=False).select_related(
        "line"
    ):
        titled(
            r.approval_id,
            "Long distance %(line)s → %(org)s (%(region)s)",
            {
                "line": r.line.number,
                "org": r.destination_org,
                "region": r.destination_region,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("extensions", "0002_requests_faults_limits"),
        ("approvals", "0002_request_title_msgid"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
