from django.shortcuts import render
from django.utils import timezone

from aduan.accounts.policies import user_has_perm_anywhere

from .auth import official_required
from .selectors import inbox_counts
from .views_work import INBOX_TITLES


@official_required
def dashboard(request):
    counts = inbox_counts(user=request.user, now=timezone.now())
    relevant = {
        "verifikasi": user_has_perm_anywhere(request.user, "report_verify"),
        "instansi": user_has_perm_anywhere(request.user, "report_respond"),
        "terlambat": True,
        "eskalasi": True,
    }
    inboxes = [{"name": n, "title": INBOX_TITLES[n], "count": counts[n]} for n in counts if relevant[n]]
    return render(request, "backoffice/dashboard.html", {"inboxes": inboxes})
