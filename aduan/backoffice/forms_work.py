"""Forms of the officials' work pages. They only parse input: the rules (which action,
which note is required, which agency may receive a report) live in ``report_transition``,
whose ``ValidationFailed.field_errors`` use these same field names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category, ResolutionTier
from aduan.reports.workflow import TRANSITIONS, Action, ArchiveReason, Status

PUBLIC_HINT = _("Tampil di riwayat publik laporan.")
INTERNAL_HINT = _("Hanya terlihat oleh petugas.")


def agency_choices() -> list:
    """Active agencies accepting reports, grouped by their top-level agency (one query)."""
    agencies = list(Agency.objects.filter(is_active=True).only("id", "name", "path", "parent_id", "accepts_reports").order_by("path"))
    names = {a.pk: a.name for a in agencies}
    groups: dict[int, list] = {}
    for a in agencies:
        if not a.accepts_reports:
            continue
        root = int(a.path.strip("/").split("/")[0])
        depth = a.path.strip("/").count("/")
        groups.setdefault(root, []).append((a.pk, ("— " * depth) + a.name))
    return [("", _("— Pilih instansi —"))] + [(names.get(root, ""), options) for root, options in groups.items()]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua status"))] + list(Status.choices))
    category = forms.ModelChoiceField(label=_("Kategori"), required=False, empty_label=_("Semua kategori"),
                                      queryset=Category.objects.filter(is_active=True).order_by("name"))
    agency = forms.ModelChoiceField(label=_("Instansi"), required=False, empty_label=_("Semua instansi"),
                                    queryset=Agency.objects.filter(is_active=True).order_by("path"))
    q = forms.CharField(label=_("Judul memuat"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Urutkan"), required=False,
                             choices=[("tenggat", _("Tenggat terdekat")), ("dukungan", _("Dukungan warga terbanyak")),
                                      ("terbaru", _("Terbaru"))])


class ActionForm(forms.Form):
    action: Action
    note_label = _("Keterangan")
    note_required_hint = True

    def __init__(self, *args, report=None, agency_options=None, **kwargs):
        super().__init__(*args, **kwargs)
        transition = TRANSITIONS[self.action]
        if "note" in self.fields:
            self.fields["note"].label = self.note_label
            self.fields["note"].help_text = PUBLIC_HINT if transition.public else INTERNAL_HINT
        for name in ("agency", "suggested_agency"):
            if name in self.fields and agency_options is not None:
                self.fields[name].choices = agency_options
        if self.action == Action.VERIFY_DISPOSE and report is not None and not self.is_bound:
            # A report sent back as "not our authority" comes with a suggestion: preselect it.
            suggested = [d["suggested_agency_id"] for d in report.get("dispositions", []) if d.get("suggested_agency_id")]
            # Otherwise the routing's first suggestion (issue #6), when it is in the list.
            routed = [s["agency_id"] for s in (report.get("routing") or {}).get("suggestions", [])]
            if suggested:
                self.initial["agency"] = suggested[-1]
            elif routed:
                self.initial["agency"] = routed[0]

    def params(self) -> dict:
        """Keyword arguments for ``report_transition`` (note included)."""
        data = dict(self.cleaned_data)
        data.setdefault("note", "")
        return {k: v for k, v in data.items() if v not in (None,)}


def _note(required: bool = False):
    return forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))


class VerifyDisposeForm(ActionForm):
    action = Action.VERIFY_DISPOSE
    note_label = _("Catatan disposisi (opsional)")
    agency = forms.ChoiceField(label=_("Instansi tujuan"), required=False)
    tier = forms.ChoiceField(label=_("Jenjang penyelesaian"), required=False,
                             choices=[("", _("Sesuai kategori"))] + list(ResolutionTier.choices),
                             help_text=_("Kosongkan untuk memakai jenjang bawaan kategori."))
    anonymous = forms.BooleanField(label=_("Jadikan anonim (sembunyikan identitas pelapor dari instansi)"), required=False)
    confidential = forms.BooleanField(label=_("Jadikan rahasia (sembunyikan isi dari publik)"), required=False)
    note = _note()


class PostponeForm(ActionForm):
    action = Action.POSTPONE
    note_label = _("Alasan penundaan")
    note = _note()


class ArchiveForm(ActionForm):
    action = Action.ARCHIVE
    note_label = _("Catatan (opsional)")
    reason = forms.ChoiceField(label=_("Alasan pengarsipan"), required=False,
                               choices=[("", _("— Pilih alasan —"))] + list(ArchiveReason.choices))
    duplicate_of = forms.CharField(label=_("Nomor laporan asli"), required=False, max_length=32,
                                   help_text=_("Isi hanya bila alasannya duplikat."))
    note = _note()


class StartFollowUpForm(ActionForm):
    action = Action.START_FOLLOW_UP
    note_label = _("Catatan (opsional)")
    note = _note()


class RespondForm(ActionForm):
    action = Action.RESPOND
    note_label = _("Tanggapan (tampil untuk publik)")
    note = _note()
    internal_note = forms.CharField(label=_("Catatan internal (opsional)"), required=False, max_length=10000,
                                    help_text=INTERNAL_HINT, widget=forms.Textarea(attrs={"rows": 3}))


class RequestClarificationForm(ActionForm):
    action = Action.REQUEST_CLARIFICATION
    note_label = _("Pertanyaan untuk pelapor")
    note = _note()


class NotAuthorityForm(ActionForm):
    action = Action.NOT_AUTHORITY
    note_label = _("Alasan bukan wewenang")
    suggested_agency = forms.ChoiceField(label=_("Instansi yang menurut Anda berwenang"), required=False)
    note = _note()


class InterveneForm(ActionForm):
    action = Action.INTERVENE
    note_label = _("Alasan eskalasi")
    note = _note()


class AdminReplyForm(ActionForm):
    action = Action.ADMIN_REPLY
    note_label = _("Balasan admin")
    note = _note()


class CloseForm(ActionForm):
    action = Action.CLOSE
    note_label = _("Catatan penutupan (opsional)")
    note = _note()


class RaisePrivacyForm(ActionForm):
    action = Action.RAISE_PRIVACY
    note_label = _("Catatan (opsional)")
    anonymous = forms.BooleanField(label=_("Jadikan anonim"), required=False)
    confidential = forms.BooleanField(label=_("Jadikan rahasia"), required=False)
    note = _note()

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, report=report, **kwargs)
        # Flags only go up: a flag already raised is not offered again.
        if report is not None and report.get("is_anonymous"):
            del self.fields["anonymous"]
        if report is not None and report.get("is_confidential"):
            del self.fields["confidential"]


ACTION_FORMS: dict[Action, type[ActionForm]] = {f.action: f for f in [
    VerifyDisposeForm, PostponeForm, ArchiveForm, StartFollowUpForm, RespondForm, RequestClarificationForm,
    NotAuthorityForm, InterveneForm, AdminReplyForm, CloseForm, RaisePrivacyForm,
]}


class RelatedLinkForm(forms.Form):
    """Link this report with another as related (issue #6)."""

    other = forms.CharField(label=_("Nomor laporan terkait"), max_length=32,
                            help_text=_("Contoh: 2611-ABCD-1234. Laporan itu tetap terbuka; keduanya saling menautkan."))
    note = forms.CharField(label=_("Catatan (opsional)"), required=False, max_length=300)


def action_form(action: Action, *, data=None, report: dict | None = None, agency_options=None) -> ActionForm:
    return ACTION_FORMS[action](data=data, prefix=action.value, report=report, agency_options=agency_options)
