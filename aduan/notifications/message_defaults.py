"""The shipped wording of every message Aduan sends, in Bahasa Indonesia and English.

These are the defaults: an official with ``notification_templates_manage`` can override any
of them in the back office (``NotificationTemplate`` rows), per language, and reset to the
default by deleting the override. Texts use Django template syntax restricted to variables
and ``{% if %}``/``{% for %}`` (``render.py`` refuses anything else).

``variant``: ``subject`` and ``body`` for e-mail, ``short`` for SMS (cut into GSM-7
segments), WhatsApp and Telegram. ``VARIABLES`` documents what each message can use.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")
VARIANTS = ("subject", "body", "short")

DEFAULTS: dict[str, dict[str, dict[str, str]]] = {
    "report_submitted": {
        "subject": {
            "id": "{% if emergency_numbers %}DARURAT? Hubungi 112 sekarang. {% endif %}Laporan Anda diterima: {{ reference }}",
            "en": "{% if emergency_numbers %}EMERGENCY? Call 112 now. {% endif %}Your report has been received: {{ reference }}",
        },
        "body": {
            "id": (
                "{% if emergency_numbers %}KEADAAN DARURAT? HUBUNGI 112 SEKARANG"
                "{% if emergency_numbers|length > 1 %} (atau {% for n in emergency_numbers %}{% if not forloop.first %}{{ n }}"
                "{% if not forloop.last %}, {% endif %}{% endif %}{% endfor %}){% endif %}. "
                "Laporan ini bukan layanan darurat; kami juga menandainya mendesak bagi petugas.\n\n{% endif %}"
                'Terima kasih. Laporan Anda "{{ title }}" telah kami terima dengan nomor {{ reference }}.\n\n'
                "Pantau perkembangannya di: {{ track_url }}\n"
                "Simpan tautan ini: siapa pun yang memegangnya dapat melihat dan menanggapi laporan Anda.\n"
                "{% if late_filing_warning %}\nCatatan: laporan ini diajukan lebih dari 30 hari setelah kejadian. "
                "Laporan tetap diproses.{% endif %}"
                "{% if similar %}\n\nWarga lain sudah melaporkan masalah yang tampaknya sama:\n"
                "{% for s in similar %}- {{ public_url }}/laporan/{{ s.reference }}/ ({{ s.support_count }} dukungan)\n{% endfor %}"
                "Dukung laporan itu agar lebih cepat ditangani. Bila ternyata sama, petugas menggabungkan laporan "
                "Anda dan Anda tetap menerima kabarnya.{% endif %}"
            ),
            "en": (
                "{% if emergency_numbers %}AN EMERGENCY? CALL 112 NOW"
                "{% if emergency_numbers|length > 1 %} (or {% for n in emergency_numbers %}{% if not forloop.first %}{{ n }}"
                "{% if not forloop.last %}, {% endif %}{% endif %}{% endfor %}){% endif %}. "
                "This report is not an emergency service; we have also flagged it urgent for officials.\n\n{% endif %}"
                'Thank you. We have received your report "{{ title }}" with the number {{ reference }}.\n\n'
                "Follow its progress at: {{ track_url }}\n"
                "Keep this link safe: anyone who has it can see and reply to your report.\n"
                "{% if late_filing_warning %}\nNote: this report was sent more than 30 days after the event. "
                "It will still be processed.{% endif %}"
                "{% if similar %}\n\nOther citizens have already reported what looks like the same problem:\n"
                "{% for s in similar %}- {{ public_url }}/laporan/{{ s.reference }}/ ({{ s.support_count }} supports)\n{% endfor %}"
                "Support that report to get it handled sooner. If it is the same, officials merge your report "
                "with it and you still receive its updates.{% endif %}"
            ),
        },
        "short": {
            "id": "{% if emergency_numbers %}DARURAT? Hubungi {{ emergency_numbers|join:'/' }} sekarang. {% endif %}Laporan Anda diterima. Nomor: {{ reference }}.{% if similar %} Laporan serupa: {% for s in similar %}{{ s.reference }}{% if not forloop.last %}, {% endif %}{% endfor %}.{% endif %}",
            "en": "{% if emergency_numbers %}EMERGENCY? Call {{ emergency_numbers|join:'/' }} now. {% endif %}Your report has been received. Number: {{ reference }}.{% if similar %} Similar reports: {% for s in similar %}{{ s.reference }}{% if not forloop.last %}, {% endif %}{% endfor %}.{% endif %}",
        },
    },
    "report_event": {
        "subject": {
            "id": "Perkembangan laporan {{ reference }}: {{ status_label }}",
            "en": "Update on report {{ reference }}: {{ status_label }}",
        },
        "body": {
            "id": (
                'Laporan {{ reference }} ("{{ title }}") kini berstatus: {{ status_label }}.\n'
                "{% if agency %}Instansi yang menangani: {{ agency }}\n{% endif %}"
                "{% if note %}\n{{ note }}\n{% endif %}"
                "{% if via_duplicate %}\nAnda menerima kabar ini karena laporan Anda {{ via_duplicate }} "
                "digabungkan dengan laporan ini.\n{% endif %}"
                "\nLihat laporan di {{ public_url }}/laporan/{{ reference }}/\n"
            ),
            "en": (
                'Report {{ reference }} ("{{ title }}") now has the status: {{ status_label }}.\n'
                "{% if agency %}Agency handling it: {{ agency }}\n{% endif %}"
                "{% if note %}\n{{ note }}\n{% endif %}"
                "{% if via_duplicate %}\nYou are receiving this update because your report {{ via_duplicate }} "
                "was merged with this report.\n{% endif %}"
                "\nView the report at {{ public_url }}/laporan/{{ reference }}/\n"
            ),
        },
        "short": {
            "id": "Laporan {{ reference }}: {{ status_label }}.{% if agency %} Instansi: {{ agency }}.{% endif %}",
            "en": "Report {{ reference }}: {{ status_label }}.{% if agency %} Agency: {{ agency }}.{% endif %}",
        },
    },
    "report_autoclose_reminder": {
        "subject": {
            "id": "Laporan {{ reference }} akan ditutup pada {{ close_date }}",
            "en": "Report {{ reference }} will be closed on {{ close_date }}",
        },
        "body": {
            "id": (
                'Instansi telah menindaklanjuti laporan {{ reference }} ("{{ title }}").\n'
                "Jika Anda tidak menanggapi, laporan ditutup otomatis pada {{ close_date }}.\n"
                "Belum selesai? Tanggapi di {{ public_url }}/laporan/{{ reference }}/ sebelum tanggal itu.\n"
            ),
            "en": (
                'The agency has followed up report {{ reference }} ("{{ title }}").\n'
                "If you do not reply, the report is closed automatically on {{ close_date }}.\n"
                "Not resolved? Reply at {{ public_url }}/laporan/{{ reference }}/ before that date.\n"
            ),
        },
        "short": {
            "id": "Laporan {{ reference }} ditutup otomatis {{ close_date }} jika tidak ditanggapi. Belum selesai? Balas: {{ reference }} <isi>",
            "en": "Report {{ reference }} closes automatically on {{ close_date }} without a reply. Not resolved? Reply: {{ reference }} <text>",
        },
    },
    "login_code": {
        "subject": {
            "id": "Kode masuk Aduan: {{ code }}",
            "en": "Aduan sign-in code: {{ code }}",
        },
        "body": {
            "id": "Kode masuk Anda: {{ code }}. Berlaku 10 menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.",
            "en": "Your sign-in code: {{ code }}. It is valid for 10 minutes. Do not give this code to anyone, including officials.",
        },
        "short": {
            "id": "Kode masuk Aduan: {{ code }}. Berlaku 10 menit. Jangan berikan kepada siapa pun.",
            "en": "Aduan sign-in code: {{ code }}. Valid for 10 minutes. Do not share it.",
        },
    },
    "channel_reply": {
        "subject": {
            "id": "{% if reference %}[{{ reference }}] {% endif %}{{ subject|default:'Aduan' }}",
            "en": "{% if reference %}[{{ reference }}] {% endif %}{{ subject|default:'Aduan' }}",
        },
        "body": {"id": "{{ text }}\n", "en": "{{ text }}\n"},
        "short": {"id": "{{ text }}", "en": "{{ text }}"},
    },
    "official_assignment": {
        "subject": {
            "id": "Laporan baru untuk {{ agency }}: {{ reference }}",
            "en": "New report for {{ agency }}: {{ reference }}",
        },
        "body": {
            "id": (
                'Laporan {{ reference }} ("{{ title }}") kini ditangani {{ agency }}.\n'
                "{% if due %}Batas tanggapan pertama: {{ due }}.\n{% endif %}"
                "Buka: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
            "en": (
                'Report {{ reference }} ("{{ title }}") is now with {{ agency }}.\n'
                "{% if due %}First response due: {{ due }}.\n{% endif %}"
                "Open: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
        },
        "short": {
            "id": "Laporan baru {{ reference }} untuk {{ agency }}.",
            "en": "New report {{ reference }} for {{ agency }}.",
        },
    },
    "report_urgent": {
        "subject": {
            "id": "DARURAT ({{ emergency_kind }}): laporan {{ reference }}",
            "en": "EMERGENCY ({{ emergency_kind }}): report {{ reference }}",
        },
        "body": {
            "id": (
                'Laporan {{ reference }} ("{{ title }}") dikenali sebagai keadaan darurat: {{ emergency_kind }}.\n'
                "{% if phrases %}Kata kunci: {{ phrases|join:', ' }}.\n{% endif %}"
                "{% if region_code or address %}Lokasi: {{ address }}{% if address and region_code %} · {% endif %}{{ region_code }}\n{% endif %}"
                "{% if agency %}Instansi pilihan pelapor: {{ agency }}\n{% endif %}"
                "Pelapor sudah diminta menghubungi {{ emergency_numbers|join:', ' }}. Mohon segera diverifikasi dan diteruskan.\n"
                "Buka: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
            "en": (
                'Report {{ reference }} ("{{ title }}") was recognised as an emergency: {{ emergency_kind }}.\n'
                "{% if phrases %}Key phrases: {{ phrases|join:', ' }}.\n{% endif %}"
                "{% if region_code or address %}Place: {{ address }}{% if address and region_code %} · {% endif %}{{ region_code }}\n{% endif %}"
                "{% if agency %}Agency chosen by the reporter: {{ agency }}\n{% endif %}"
                "The reporter was told to call {{ emergency_numbers|join:', ' }}. Please verify and dispose it now.\n"
                "Open: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
        },
        "short": {
            "id": "DARURAT ({{ emergency_kind }}): laporan {{ reference }} perlu segera diverifikasi.",
            "en": "EMERGENCY ({{ emergency_kind }}): report {{ reference }} needs verification now.",
        },
    },
    "official_deadline": {
        "subject": {
            "id": "Batas waktu mendekat: {{ reference }} ({{ due }})",
            "en": "Deadline approaching: {{ reference }} ({{ due }})",
        },
        "body": {
            "id": (
                'Laporan {{ reference }} ("{{ title }}") harus {{ what }} paling lambat {{ due }}.\n'
                "Buka: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
            "en": (
                'Report {{ reference }} ("{{ title }}") needs {{ what }} by {{ due }}.\n'
                "Open: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
        },
        "short": {
            "id": "Batas waktu {{ reference }}: {{ due }}.",
            "en": "Deadline for {{ reference }}: {{ due }}.",
        },
    },
    "official_escalation": {
        "subject": {
            "id": "Eskalasi: laporan {{ reference }}",
            "en": "Escalation: report {{ reference }}",
        },
        "body": {
            "id": (
                'Laporan {{ reference }} ("{{ title }}") dieskalasi kepada {{ target }}.\n'
                "{% if note %}{{ note }}\n{% endif %}"
                "Buka: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
            "en": (
                'Report {{ reference }} ("{{ title }}") was escalated to {{ target }}.\n'
                "{% if note %}{{ note }}\n{% endif %}"
                "Open: {{ public_url }}/petugas/laporan/{{ reference }}/\n"
            ),
        },
        "short": {
            "id": "Eskalasi laporan {{ reference }} kepada {{ target }}.",
            "en": "Report {{ reference }} escalated to {{ target }}.",
        },
    },
    "early_warning": {
        "subject": {
            "id": "Peringatan dini: {{ what }} meningkat di {{ region }}",
            "en": "Early warning: {{ what }} rising in {{ region }}",
        },
        "body": {
            "id": (
                "{{ observed }} laporan tentang {{ what }} di {{ region }} pada {{ window_start }} – {{ window_end }}, "
                "padahal biasanya sekitar {{ expected }}.\n"
                "Lihat laporan-laporannya: {{ public_url }}{{ path }}\n"
            ),
            "en": (
                "{{ observed }} reports about {{ what }} in {{ region }} on {{ window_start }} – {{ window_end }}, "
                "against about {{ expected }} usually.\n"
                "See the reports: {{ public_url }}{{ path }}\n"
            ),
        },
        "short": {
            "id": "Peringatan dini: {{ what }} di {{ region }} ({{ observed }} laporan, biasanya {{ expected }}).",
            "en": "Early warning: {{ what }} in {{ region }} ({{ observed }} reports, usually {{ expected }}).",
        },
    },
    "official_digest": {
        "subject": {
            "id": "Ringkasan harian Aduan: {{ items|length }} pemberitahuan",
            "en": "Aduan daily digest: {{ items|length }} notifications",
        },
        "body": {
            "id": (
                "Pemberitahuan untuk Anda dalam 24 jam terakhir:\n\n"
                "{% for item in items %}- {{ item.subject }}\n  {{ public_url }}{% if item.path %}{{ item.path }}{% else %}/petugas/laporan/{{ item.reference }}/{% endif %}\n{% endfor %}"
            ),
            "en": (
                "Notifications for you in the last 24 hours:\n\n"
                "{% for item in items %}- {{ item.subject }}\n  {{ public_url }}{% if item.path %}{{ item.path }}{% else %}/petugas/laporan/{{ item.reference }}/{% endif %}\n{% endfor %}"
            ),
        },
        "short": {
            "id": "{{ items|length }} pemberitahuan baru di Aduan.",
            "en": "{{ items|length }} new notifications in Aduan.",
        },
    },
}

# What each message can use (shown beside the editor).
VARIABLES: dict[str, list[str]] = {
    "report_submitted": ["reference", "title", "track_url", "late_filing_warning", "emergency_numbers",
                         "similar (reference, support_count)", "public_url"],
    "report_urgent": ["reference", "title", "emergency_kind", "emergency_numbers", "phrases", "region_code", "address",
                      "agency", "public_url"],
    "report_event": ["reference", "title", "status_label", "action_label", "agency", "note", "via_duplicate", "public_url"],
    "report_autoclose_reminder": ["reference", "title", "close_date", "public_url"],
    "login_code": ["code"],
    "channel_reply": ["text", "reference", "subject"],
    "official_assignment": ["reference", "title", "agency", "due", "public_url"],
    "official_deadline": ["reference", "title", "what", "due", "public_url"],
    "official_escalation": ["reference", "title", "target", "note", "public_url"],
    "early_warning": ["region", "what", "subject", "window_start", "window_end", "observed", "expected", "path",
                      "public_url"],
    "official_digest": ["items (subject, reference, path)", "public_url"],
}

assert all(set(v) == set(VARIANTS) and all(set(t) == set(LANGUAGES) for t in v.values()) for v in DEFAULTS.values())
