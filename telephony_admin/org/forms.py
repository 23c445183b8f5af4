from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list (.xlsx)"),
        validators=[FileExtensionValidator(["xlsx"])],
        help_text=_(
            "Columns: 姓名, 工号, 部门, 职务, 上级工号 (first row is the header)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run (check only)"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
