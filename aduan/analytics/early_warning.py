"""Early warning (issue #7): a daily job that finds a category or a term rising abnormally
in a regency/city against that series' own history, stores an ``Alert`` with the reports
behind it, and tells the agencies with authority and the national administrators.

The statistical test is the **Farrington algorithm** as improved by Noufaily et al.: the
method the UK Health Protection Agency (now UKHSA) runs weekly on thousands of laboratory
report series, built for exactly this problem — many short, sparse, seasonal count series
with occasional past outbreaks in them. The detector (``detect``) is pure: weekly counts in,
a ``Detection`` out; no database, so it is tested on synthetic series.

References:

- C. P. Farrington, N. J. Andrews, A. D. Beale, M. A. Catchpole (1996). *A statistical
  algorithm for the early detection of outbreaks of infectious disease.* J. R. Stat. Soc.
  A 159(3): 547–563.
- A. Noufaily, D. G. Enki, P. Farrington, P. Garthwaite, N. Andrews, A. Charlett (2013).
  *An improved algorithm for outbreak detection in multiple surveillance systems.*
  Statistics in Medicine 32(7): 1206–1222.
- M. Salmon, D. Schumacher, M. Höhle (2016). *Monitoring count time series in R: aberration
  detection in public health surveillance.* J. Stat. Softw. 70(10) — ``farringtonFlexible``,
  the reference implementation whose defaults the parameters below follow.

The method, its parameters, its limits and how to tune it: docs/early-warning.md.

Sections: the detector (pure) · terms (pure) · the daily service · selectors and the
acknowledge service for the officials' pages.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from aduan.accounts.models import User
from aduan.accounts.permissions import Role
from aduan.accounts.policies import grant_scopes, user_has_national_perm, user_has_perm
from aduan.accounts.selectors import officials_with_perm
from aduan.audit.services import audit_log
from aduan.core.errors import NotFound, PermissionDenied
from aduan.notifications.message_defaults import DEFAULTS
from aduan.notifications.services import outbox_enqueue
from aduan.regions.models import Region
from aduan.reports.models import Report
from aduan.reports.notify import official_email
from aduan.reports.selectors import reports_visible_to
from aduan.routing.normalise import stem_word, tokens
from aduan.routing.rules import directory_snapshot, rules_resolve

from .models import Alert, AlertReport

logger = logging.getLogger(__name__)


def _scipy_stats():
    """SciPy on first use: importing it costs every web process about 1.5 s and tens of MiB
    (the URL conf reaches this module through the alert views), for a daily job."""
    from scipy import stats

    return stats

WEEKS_PER_YEAR = 52  # reference weeks are whole weeks back (364 days), so weekdays line up

METHOD_FARRINGTON = "farrington-noufaily"
METHOD_RECENT = "quasi-poisson-recent"


@dataclass(frozen=True)
class Params:
    """Every number of the method. Defaults follow Noufaily et al. (2013) and
    ``surveillance::farringtonFlexible``; override them in ``settings.ADUAN_EARLY_WARNING``
    (a dict of these names). docs/early-warning.md says what each one trades."""

    window_days: int = 7  # the current window: the 7 days ending yesterday
    years: int = 3  # b: how many past years the baseline reaches back
    half_window_weeks: int = 3  # w: reference weeks are the same week of past years ± w
    periods: int = 10  # Noufaily: seasonal factor levels over the rest of each year
    past_weeks_excluded: int = 26  # Noufaily: the most recent 26 weeks are not baseline
    alpha: float = 0.005  # one-sided: the threshold is the 99.5 % quantile
    min_count: int = 5  # no alarm on fewer reports than this in the window, whatever the test
    fdr: float | None = 0.05  # the day's alarms also pass Benjamini–Hochberg at this rate (None: off)
    trend_p: float = 0.05  # a linear trend is kept only when significant at this level…
    reweight_threshold: float = 2.58  # Noufaily: baseline weeks with Anscombe residual above are down-weighted
    recent_weeks: int = 12  # less than a year of history: compare with up to 12 preceding weeks…
    min_recent_weeks: int = 8  # …and at least 8 of them
    term_min_reports: int = 5  # a term is a series only when this many reports in the window use it
    term_min_length: int = 4  # shorter words (and their stems) are not terms
    term_max_chars: int = 2000  # of each report's text: long bodies add cost, not evidence

    @classmethod
    def from_settings(cls) -> "Params":
        overrides = getattr(settings, "ADUAN_EARLY_WARNING", None) or {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in overrides.items() if k in known})


@dataclass(frozen=True)
class Detection:
    """The verdict on one series for one window.

    ``expected``: the baseline's prediction for the window; ``threshold``: the upper
    (1 − alpha) quantile of the predictive distribution — observed counts above it are
    abnormal; ``p_value``: P(Y ≥ observed) under that distribution; ``dispersion``: the
    quasi-Poisson φ (1 = Poisson); ``baseline_weeks``: weeks the baseline used; ``years``: b
    (0 for the recent-weeks method)."""

    observed: int
    expected: float
    threshold: float
    p_value: float
    alarm: bool
    method: str
    dispersion: float = 1.0
    trend: bool = False
    baseline_weeks: int = 0
    years: int = 0


# --- the detector (pure) ----------------------------------------------------------------------

def _irls(X: np.ndarray, y: np.ndarray, prior: np.ndarray, max_iter: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Poisson GLM with log link and prior weights by iteratively reweighted least squares:
    (coefficients, fitted means). Means are floored at 1e-10 so a level with no counts in
    the baseline gives a mean of (practically) zero instead of failing."""
    mu = np.full_like(y, max(float(np.average(y, weights=prior)), 0.1))
    eta = np.log(mu)
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        z = eta + (y - mu) / mu
        sw = np.sqrt(prior * mu)
        new, *_rest = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)
        eta = np.clip(X @ new, -23.0, 23.0)
        mu = np.maximum(np.exp(eta), 1e-10)
        done = np.max(np.abs(new - beta)) < 1e-8
        beta = new
        if done:
            break
    return beta, mu


@dataclass
class _Fit:
    beta: np.ndarray
    mu: np.ndarray
    phi: float
    cov: np.ndarray  # unscaled (X'WX)^-1; times phi for the coefficients' covariance


def _fit(X: np.ndarray, y: np.ndarray, prior: np.ndarray) -> _Fit:
    beta, mu = _irls(X, y, prior)
    xw = X * np.sqrt(prior * mu)[:, None]
    cov = np.linalg.pinv(xw.T @ xw)
    rank = np.linalg.matrix_rank(xw)
    n = int(np.count_nonzero(prior > 0))
    # Quasi-Poisson dispersion (Farrington 1996 §3.3): never below 1 (no under-dispersion).
    phi = max(1.0, float(np.sum(prior * (y - mu) ** 2 / mu)) / (n - rank)) if n > rank else 1.0
    return _Fit(beta, mu, phi, cov)


def _anscombe(fit: _Fit, X: np.ndarray, y: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Standardised Anscombe residuals of a Poisson fit (Farrington 1996 §3.4)."""
    xw = X * np.sqrt(prior * fit.mu)[:, None]
    hat = np.clip(np.einsum("ij,jk,ik->i", xw, fit.cov, xw), 0.0, 1.0 - 1e-6)
    raw = 1.5 * (np.power(y, 2 / 3) * np.power(fit.mu, -1 / 6) - np.sqrt(fit.mu))
    return raw / np.sqrt(fit.phi * (1.0 - hat))


def _fit_reweighted(X: np.ndarray, y: np.ndarray, threshold: float) -> _Fit:
    """Fit, down-weight the baseline weeks that look like past outbreaks (residual above
    ``threshold``: weight ∝ residual⁻²), and fit again — so last year's outbreak does not
    raise this year's threshold (Farrington 1996 §3.4; Noufaily 2013 §3.2 for 2.58)."""
    ones = np.ones_like(y)
    first = _fit(X, y, ones)
    resid = _anscombe(first, X, y, ones)
    weights = np.where(resid > threshold, 1.0 / np.maximum(resid, 1e-9) ** 2, 1.0)
    weights *= len(y) / weights.sum()
    return _fit(X, y, weights)


def _upper(mu0: float, phi: float, alpha: float, observed: int) -> tuple[float, float]:
    """(threshold, p-value): the (1 − alpha) quantile of the predictive distribution and
    P(Y ≥ observed) — negative binomial with mean ``mu0`` and variance ``phi · mu0`` when
    over-dispersed, Poisson otherwise (Noufaily 2013 §3.3, the "nbPlugin" threshold)."""
    if mu0 <= 1e-9:
        return 0.0, 0.0 if observed > 0 else 1.0
    if phi > 1.0 + 1e-9:
        size = mu0 / (phi - 1.0)
        dist = _scipy_stats().nbinom(size, size / (size + mu0))
    else:
        dist = _scipy_stats().poisson(mu0)
    return float(dist.ppf(1.0 - alpha)), float(dist.sf(observed - 1))


def _period(lag: int, w: int, periods: int) -> int:
    """Noufaily's seasonal factor: 0 for the reference weeks (same week of a past year ± w),
    1…periods−1 for equal blocks of the rest of the year."""
    d = lag % WEEKS_PER_YEAR
    if d <= w or d >= WEEKS_PER_YEAR - w:
        return 0
    rest = WEEKS_PER_YEAR - 2 * w - 1
    return 1 + (d - w - 1) * (periods - 1) // rest


def _farrington(observed: int, history: np.ndarray, years: int, p: Params) -> Detection:
    w = p.half_window_weeks
    last = min(len(history), WEEKS_PER_YEAR * years + w)
    lags = np.arange(p.past_weeks_excluded + 1, last + 1)
    y = history[len(history) - lags]
    known = ~np.isnan(y)
    lags, y = lags[known], y[known]
    period = np.array([_period(int(lag), w, p.periods) for lag in lags])
    if y.sum() == 0 or y[period == 0].sum() == 0:
        threshold, p_value = _upper(0.0, 1.0, p.alpha, observed)
        return Detection(observed, 0.0, threshold, p_value, observed >= p.min_count, METHOD_FARRINGTON,
                         baseline_weeks=len(y), years=years)
    levels = sorted(set(period.tolist()) - {0})
    factor = [(period == level).astype(float) for level in levels]
    plain = np.column_stack([np.ones_like(y), *factor])
    # Time in weeks, the current window at 0: exp(intercept) is the prediction for it.
    with_trend = np.column_stack([np.ones_like(y), -lags.astype(float), *factor])

    fit, trend = None, False
    if years >= 2:  # one year cannot tell a trend from the season
        candidate = _fit_reweighted(with_trend, y, p.reweight_threshold)
        se = math.sqrt(max(candidate.phi * candidate.cov[1, 1], 1e-300))
        significant = 2 * _scipy_stats().norm.sf(abs(candidate.beta[1]) / se) < p.trend_p
        # Farrington's second condition: the trend must not extrapolate past the data.
        if significant and math.exp(candidate.beta[0]) <= y.max():
            fit, trend = candidate, True
    if fit is None:
        fit = _fit_reweighted(plain, y, p.reweight_threshold)
    mu0 = float(math.exp(fit.beta[0]))
    threshold, p_value = _upper(mu0, fit.phi, p.alpha, observed)
    return Detection(observed, mu0, threshold, p_value, observed > threshold and observed >= p.min_count,
                     METHOD_FARRINGTON, fit.phi, trend, len(y), years)


def _recent(observed: int, history: np.ndarray, p: Params) -> Detection | None:
    recent: list[float] = []
    for value in history[::-1][: p.recent_weeks]:
        if np.isnan(value):
            break
        recent.append(float(value))
    if len(recent) < p.min_recent_weeks:
        return None
    y = np.array(recent[::-1])
    if y.sum() == 0:
        threshold, p_value = _upper(0.0, 1.0, p.alpha, observed)
        return Detection(observed, 0.0, threshold, p_value, observed >= p.min_count, METHOD_RECENT,
                         baseline_weeks=len(y))
    fit = _fit_reweighted(np.ones((len(y), 1)), y, p.reweight_threshold)
    mu0 = float(math.exp(fit.beta[0]))
    threshold, p_value = _upper(mu0, fit.phi, p.alpha, observed)
    return Detection(observed, mu0, threshold, p_value, observed > threshold and observed >= p.min_count,
                     METHOD_RECENT, fit.phi, False, len(y), 0)


def reference_years(history: Sequence[float] | np.ndarray, params: Params | None = None) -> int:
    """b: how many past years have all their reference weeks (same week ± w) known."""
    p = params or Params()
    h = np.asarray(history, dtype=float)
    years = 0
    for year in range(1, p.years + 1):
        lags = np.arange(WEEKS_PER_YEAR * year - p.half_window_weeks, WEEKS_PER_YEAR * year + p.half_window_weeks + 1)
        if lags[-1] > len(h) or np.isnan(h[len(h) - lags]).any():
            break
        years = year
    return years


def detect(*, observed: int, history: Sequence[float] | np.ndarray, params: Params | None = None) -> Detection | None:
    """Is ``observed`` (reports in the current 7-day window) abnormal for this series?

    ``history``: the series' counts in the 7-day windows before the current one, aligned on
    it and oldest first — ``history[-1]`` is the week just before, ``history[-52]`` the same
    week a year earlier; ``nan`` for a week that is not known (before the data starts, or
    not counted). Returns None when there is too little history to judge.

    **Farrington–Noufaily**, when at least one past year has all its reference weeks
    (the same week ± ``half_window_weeks``): baseline = every known week from 27 weeks back
    to ``years`` years + w back, with Noufaily's seasonal factor (the reference weeks one
    level, the rest of each year ``periods − 1`` blocks); a quasi-Poisson log-linear model is
    fitted, baseline weeks that look like past outbreaks are down-weighted and the model
    refitted; a linear trend is kept only when it is significant (p < ``trend_p``) and its
    prediction does not exceed the largest baseline count. The prediction for the current
    window is exp(intercept); the threshold is the 1 − ``alpha`` quantile of a negative
    binomial with that mean and variance φ·mean (Poisson when φ = 1).

    **Recent weeks** (quasi-Poisson, no season, no trend), when less than a year is known:
    the same model, reweighting and threshold over the up to ``recent_weeks`` preceding
    weeks (at least ``min_recent_weeks``).

    Either way an alarm needs observed > threshold **and** observed ≥ ``min_count``
    (Farrington's rule against alarms on one or two reports). A baseline of zeros predicts
    zero: then ``min_count`` reports in one week is itself the alarm.
    """
    p = params or Params()
    h = np.asarray(history, dtype=float)
    years = reference_years(h, p)
    if years:
        return _farrington(int(observed), h, years, p)
    return _recent(int(observed), h, p)


def weekly_counts(daily: Sequence[float] | np.ndarray, *, weeks: int, known_days: int | None = None,
                  window_days: int = 7) -> np.ndarray:
    """The ``history`` that ``detect`` takes, from a daily series whose last ``window_days``
    values are the current window: the ``weeks`` windows before it, aligned on it, oldest
    first. ``known_days``: how many of the last days are known (the data starts there); a
    week reaching before them, or before the series, is ``nan``."""
    daily = np.asarray(daily, dtype=float)
    n = len(daily)
    first_known = n - (n if known_days is None else min(n, known_days))
    out = np.full(weeks, np.nan)
    for lag in range(1, weeks + 1):
        end = n - window_days * lag
        start = end - window_days
        if start >= first_known:
            out[weeks - lag] = daily[start:end].sum()
    return out


def false_discovery_cut(p_values: Sequence[float], q: float) -> float:
    """Benjamini–Hochberg (1995): the largest p-value p₍ₖ₎ with p₍ₖ₎ ≤ k·q/m over the m tests
    of a run, or -1 when none qualifies. Alarms with p above it are held back, so that of
    the alerts raised on a day at most a share q is expected to be false — whatever the
    number of series tested (at 99.5 % per series, 20,000 series would otherwise give about
    100 false alarms a day)."""
    ordered = np.sort(np.asarray(p_values, dtype=float))
    m = len(ordered)
    passing = np.nonzero(ordered <= q * np.arange(1, m + 1) / m)[0]
    return float(ordered[passing[-1]]) if len(passing) else -1.0


# --- terms (pure) --------------------------------------------------------------------------

# Words of complaint writing that say nothing about the problem (cf. the routing duplicate
# finder's list), on top of Sastrawi's Indonesian stop words.
_BOILERPLATE = frozenset("""
    ada adalah agar akan atas atau bagi bahwa banyak bapak belum bisa dan dari dengan di hal harus ibu ini itu
    jadi juga kami ke kepada karena kenapa kok lagi masih mohon oleh pada para saya sangat sejak sekali sudah
    supaya tapi telah tersebut tidak tolong untuk yang warga terima kasih mas mbak min admin lapor laporan yth
    dimohon segera tindak lanjut tindaklanjut pihak terkait sebagai sehingga setiap tiap kalau sampai hingga
    mana bagaimana kapan kenapa mengapa apakah mohon pak bu kak dong deh sih nya tsb dll dsb agar mulai
    selama hari minggu bulan tahun kemarin sekarang hingga dapat bisa mau ingin perlu semoga
    url email phone num
""".split())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    try:
        from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

        sastrawi = StopWordRemoverFactory().get_stop_words()
    except ImportError:  # pragma: no cover - Sastrawi is a dependency of routing
        sastrawi = []
    return frozenset(sastrawi) | _BOILERPLATE


def report_terms(text: str, *, params: Params | None = None) -> frozenset[str]:
    """The distinct terms of a report's text: routing's normaliser (lower case, numbers and
    links as placeholders, informal spellings expanded) then Sastrawi stems; stop words,
    placeholders, numbers and words shorter than ``term_min_length`` left out."""
    p = params or Params()
    stop = stop_words()
    out = set()
    for token in tokens((text or "")[: p.term_max_chars]):
        if len(token) < p.term_min_length or token in stop or not token.isalpha():
            continue
        stem = stem_word(token)
        if len(stem) >= p.term_min_length and stem not in stop and len(stem) <= 60:
            out.add(stem)
    return frozenset(out)


# --- the daily service ---------------------------------------------------------------------

# Days are counted in WIB for every region: one clock for the whole country keeps the
# windows of all series the same (an hour or two off in WITA/WIT, which a 7-day window
# does not notice).
TZ = ZoneInfo("Asia/Jakarta")
TEMPLATE = "early_warning"


def _today() -> date:
    return timezone.localtime(timezone.now(), TZ).date()


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``) in WIB."""
    return datetime.combine(first, time.min, TZ), datetime.combine(last + timedelta(days=1), time.min, TZ)


def _in_regency(code: str):
    return Q(region_id=code) | Q(region__code__startswith=f"{code}.")


@dataclass
class _Series:
    regency: str
    category_id: int | None = None
    term: str = ""
    observed: int = 0
    history: np.ndarray | None = None
    report_ids: tuple[int, ...] = ()  # the window's reports (terms: those using the term)


@dataclass
class _Span:
    """The days the run looks at: the current window and ``weeks`` aligned weeks before it."""

    window_start: date
    window_end: date
    weeks: int
    window_days: int

    @property
    def first(self) -> date:
        return self.window_start - timedelta(days=self.window_days * self.weeks)

    def lag_days(self, lag: int) -> tuple[date, date]:
        """First and last day of the week ``lag`` weeks before the window."""
        start = self.window_start - timedelta(days=self.window_days * lag)
        return start, start + timedelta(days=self.window_days - 1)

    def lag_of(self, day: date) -> int:
        """Weeks before the window of ``day`` (1 = the week just before); 0 in the window."""
        before = (self.window_start - day).days
        return (before - 1) // self.window_days + 1 if before > 0 else 0


def _category_series(span: _Span, p: Params) -> tuple[list[_Series], int, dict[str, date]]:
    """The (regency/city, category) series that can alarm — at least ``min_count`` reports
    in the window — with their weekly history, from two grouped queries (the window; then
    the whole span by day, streamed); the number of series seen; and the first day with a
    report in each regency/city (its data start)."""

    def grouped(first: date, last: date):
        lo, hi = _bounds(first, last)
        return (Report.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi, region__code__contains=".")
                .annotate(regency=Substr("region_id", 1, 5)))

    window = (grouped(span.window_start, span.window_end).filter(category__isnull=False)
              .values_list("regency", "category_id").annotate(n=Count("id")).order_by())
    observed = {(regency, category_id): n for regency, category_id, n in window}
    weekly = {key: np.zeros(span.weeks) for key, n in observed.items() if n >= p.min_count}
    rows = (grouped(span.first, span.window_end).annotate(day=TruncDate("submitted_at", tzinfo=TZ))
            .values_list("regency", "category_id", "day").annotate(n=Count("id")).order_by())
    regency_start: dict[str, date] = {}
    category_start: dict[int, date] = {}
    seen: set[tuple[str, int]] = set()
    for regency, category_id, day, n in rows.iterator(chunk_size=5000):
        if isinstance(day, datetime):  # some backends hand back a datetime
            day = day.date()
        if regency not in regency_start or day < regency_start[regency]:
            regency_start[regency] = day
        if category_id is None:
            continue
        if category_id not in category_start or day < category_start[category_id]:
            category_start[category_id] = day
        seen.add((regency, category_id))
        counts = weekly.get((regency, category_id))
        lag = span.lag_of(day)
        if counts is not None and lag:
            counts[span.weeks - lag] += n
    series = []
    for (regency, category_id), history in weekly.items():
        # A series is known from its regency's first report and its category's first use
        # anywhere: a new category (or a new regency, after a split) has no history of zeros.
        start = max(regency_start[regency], category_start[category_id])
        for lag in range(1, span.weeks + 1):
            if span.lag_days(lag)[0] < start:
                history[span.weeks - lag] = np.nan
        series.append(_Series(regency, category_id=category_id, observed=observed[(regency, category_id)],
                              history=history))
    return series, len(seen), regency_start


def _text_rows(first: date, last: date, regencies: Iterable[str] | None = None):
    """(id, regency, day, text) of the non-confidential reports submitted in [first, last]:
    a confidential report's words never become a term (its count still goes to its category)."""
    lo, hi = _bounds(first, last)
    qs = Report.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi, region__code__contains=".", is_confidential=False)
    wanted = set(regencies) if regencies is not None else None
    if wanted is not None and len(wanted) <= 100:
        condition = Q()
        for code in sorted(wanted):
            condition |= _in_regency(code)
        qs = qs.filter(condition)
    rows = qs.values_list("pk", "region_id", "submitted_at", "title", "body").order_by("pk")
    for pk, region_id, submitted_at, title, body in rows.iterator(chunk_size=2000):
        regency = region_id[:5]
        if wanted is None or regency in wanted:
            yield pk, regency, submitted_at.astimezone(TZ).date(), f"{title}\n{body}"


def _term_series(span: _Span, regency_start: dict[str, date], p: Params) -> list[_Series]:
    """Terms used by at least ``term_min_reports`` reports of a regency/city in the window,
    each with its weekly history over the weeks the detector reads (the recent weeks and the
    reference weeks of past years): text is tokenised for those weeks only, not for years."""
    used: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, regency, _day, text in _text_rows(span.window_start, span.window_end):
        for term in report_terms(text, params=p):
            used[(regency, term)].append(pk)
    floor = max(p.term_min_reports, p.min_count)
    candidates = {key: ids for key, ids in used.items() if len(ids) >= floor}
    if not candidates:
        return []
    by_regency: dict[str, set[str]] = defaultdict(set)
    for regency, term in candidates:
        by_regency[regency].add(term)

    lags = set(range(1, p.recent_weeks + 1))
    for year in range(1, p.years + 1):
        lags |= set(range(WEEKS_PER_YEAR * year - p.half_window_weeks, WEEKS_PER_YEAR * year + p.half_window_weeks + 1))
    lags = {lag for lag in lags if lag <= span.weeks}
    counts: dict[tuple[str, str], np.ndarray] = {key: np.zeros(span.weeks) for key in candidates}
    for first_lag, last_lag in _runs(sorted(lags)):
        first, last = span.lag_days(last_lag)[0], span.lag_days(first_lag)[1]
        for _pk, regency, day, text in _text_rows(first, last, by_regency):
            terms = report_terms(text, params=p) & by_regency[regency]
            lag = span.lag_of(day)
            if not terms or not 0 < lag <= span.weeks:
                continue
            for term in terms:
                counts[(regency, term)][span.weeks - lag] += 1
    series = []
    for (regency, term), ids in candidates.items():
        history = counts[(regency, term)]
        start = regency_start.get(regency, span.window_start)
        for lag in range(1, span.weeks + 1):
            if lag not in lags or span.lag_days(lag)[0] < start:
                history[span.weeks - lag] = np.nan
        series.append(_Series(regency, term=term, observed=len(ids), history=history, report_ids=tuple(sorted(ids))))
    return series


def _runs(values: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted ``values``: [1, 2, 3, 49, 50] → [(1, 3), (49, 50)]."""
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _authorities(*, regency: str, category_ids: Iterable[int | None]) -> list:
    """The agencies with authority for the categories at the regency/city, by the routing
    rules (the same answer a report there would get). A term alert asks for the categories
    of its reports, or, when they have none, for "any category" (the region's government)."""
    d = directory_snapshot()
    found: dict[int, object] = {}
    for category_id in dict.fromkeys(category_ids):
        category = d.categories.get(category_id) if category_id is not None else None
        match = rules_resolve(category=category, region=regency)
        if match is not None:
            found.setdefault(match.agency.pk, match.agency)
    return list(found.values())


def _national_admins():
    return (User.objects.filter(is_active=True, memberships__is_active=True, memberships__role=Role.NATIONAL_ADMIN,
                                memberships__agency__isnull=True).distinct().order_by("pk"))


def _notify(alert, agencies: list) -> None:
    """Outbox rows in the alert's transaction (rule of the house 5): an internal row for the
    national administrators and one per agency with authority (the in-app notifications, as
    for urgent reports), and an e-mail to each national administrator and to each agency's
    officials who follow up reports, honouring their digest choice — once the message
    ``early_warning`` exists in notifications/message_defaults.py (docs/early-warning.md)."""
    payload = {
        "alert_id": alert.pk, "region_code": alert.region_id, "region": alert.region.name, "subject": alert.subject,
        "what": alert.category.name if alert.category_id else alert.term,
        "window_start": f"{alert.window_start:%d-%m-%Y}", "window_end": f"{alert.window_end:%d-%m-%Y}",
        "observed": alert.observed, "expected": round(alert.expected, 1), "path": f"/petugas/analitik/peringatan/{alert.pk}/",
    }
    for recipient in ["national", *(f"agency:{a.pk}" for a in agencies)]:
        outbox_enqueue(channel="internal", recipient=recipient, template=TEMPLATE, payload=payload,
                       dedupe_key=f"alert:{alert.pk}:{recipient}")
    if TEMPLATE not in DEFAULTS:
        return
    users = {u.pk: u for u in _national_admins()}
    for agency in agencies:
        users.update({u.pk: u for u in officials_with_perm(agency, "report_follow_up")})
    for user in users.values():
        official_email(user, template=TEMPLATE, payload=payload, dedupe_key=f"alert:{alert.pk}:official:{user.pk}")


def _window_report_ids(series: _Series, span: _Span) -> list[int]:
    if series.report_ids:
        return list(series.report_ids)
    lo, hi = _bounds(span.window_start, span.window_end)
    return list(Report.objects.filter(_in_regency(series.regency), submitted_at__gte=lo, submitted_at__lt=hi,
                                      category_id=series.category_id).order_by("pk").values_list("pk", flat=True))


def _store(series: _Series, found: Detection, span: _Span, *, now: datetime) -> str:
    """Store the alert, link its reports, notify: "new". Idempotent — the same series and
    window again is "existing" (nothing written); a series already alerted for a window
    ending in the last 7 days is "continuing": the same rise seen a day later, so its new
    reports join that alert instead of raising another."""
    subject = Alert.Subject.TERM if series.term else Alert.Subject.CATEGORY
    ids = _window_report_ids(series, span)
    with transaction.atomic():
        earlier = (Alert.objects.select_for_update()
                   .filter(region_id=series.regency, subject=subject, category_id=series.category_id, term=series.term,
                           window_end__gt=span.window_end - timedelta(days=span.window_days),
                           window_end__lte=span.window_end)
                   .order_by("-window_end").first())
        if earlier is not None:
            AlertReport.objects.bulk_create([AlertReport(alert=earlier, report_id=i) for i in ids], ignore_conflicts=True)
            return "existing" if earlier.window_end == span.window_end else "continuing"
        alert = Alert.objects.create(
            region_id=series.regency, subject=subject, category_id=series.category_id, term=series.term,
            window_start=span.window_start, window_end=span.window_end, observed=found.observed,
            expected=found.expected, threshold=found.threshold, p_value=found.p_value, method=found.method,
            created_at=now,
        )
        if series.term:
            categories = list(Report.objects.filter(pk__in=ids).values_list("category_id", flat=True).distinct())
            categories = [c for c in categories if c is not None] or [None]
        else:
            categories = [series.category_id]
        agencies = _authorities(regency=series.regency, category_ids=categories)
        alert.agencies.set(agencies)
        AlertReport.objects.bulk_create([AlertReport(alert=alert, report_id=i) for i in ids], ignore_conflicts=True)
        _notify(alert, agencies)
    logger.info("early warning: alert %s (%s %s in %s, %s observed, %.1f expected, p=%.2g)", alert.pk, subject,
                series.category_id or "", series.regency, found.observed, found.expected, found.p_value)
    return "new"


Progress = Callable[[Iterable, int], Iterable]


def early_warning_run(*, day: date | None = None, params: Params | None = None, progress: Progress | None = None) -> dict:
    """The daily job: every (regency/city, category) and (regency/city, term) series is
    tested on the 7 days ending the day before ``day`` (WIB; default today), and each
    abnormal one becomes an ``Alert`` (``_store``). Idempotent: a second run on the same day
    writes nothing.

    What is counted: every report with a region at regency/city level or below, by
    submission time — anonymous and confidential ones too (an alert stores counts and a
    term, never a report's text, and terms come only from non-confidential reports), and
    also reports later archived or linked as duplicates: verifiers decide those days after
    submission, so excluding them would make the recent week look larger than the history
    it is compared with — and many citizens reporting one problem is what the alert is for.

    ``progress(iterable, total)`` wraps the loop over series (the command's progress bar).
    An alarm is a series above its threshold (``detect``) whose p-value also passes the
    day's false-discovery cut (``false_discovery_cut`` at ``fdr``); term alarms that echo
    another alarm are merged into it (``_without_echoes``).

    Returns the counts: series (category series with a report in the span, plus the terms
    used by ``term_min_reports`` reports in the window), tested (enough history and at
    least ``min_count`` reports), too_short, held_back (above the threshold but not past the
    false-discovery cut), merged, alerts (new), continuing, existing."""
    p = params or Params.from_settings()
    today = day or _today()
    window_end = today - timedelta(days=1)
    span = _Span(window_end - timedelta(days=p.window_days - 1), window_end,
                 WEEKS_PER_YEAR * p.years + p.half_window_weeks, p.window_days)
    category_series, seen, regency_start = _category_series(span, p)
    term_series = _term_series(span, regency_start, p)
    series = category_series + term_series
    regions = set(Region.objects.filter(code__in={s.regency for s in series}).values_list("code", flat=True))
    counts = {"day": today.isoformat(), "window_start": span.window_start.isoformat(), "window_end": window_end.isoformat(),
              "series": seen + len(term_series), "tested": 0, "too_short": 0, "held_back": 0, "merged": 0,
              "alerts": 0, "continuing": 0, "existing": 0}
    tested: list[tuple[_Series, Detection]] = []
    for s in progress(series, len(series)) if progress else series:
        if s.observed < p.min_count or s.regency not in regions:
            continue  # cannot alarm: no test needed
        found = detect(observed=s.observed, history=s.history, params=p)
        if found is None:
            counts["too_short"] += 1
            continue
        tested.append((s, found))
    counts["tested"] = len(tested)
    cut = false_discovery_cut([f.p_value for _s, f in tested], p.fdr) if p.fdr and tested else 2.0
    alarms = [(s, f) for s, f in tested if f.alarm and f.p_value <= cut]
    counts["held_back"] = sum(1 for _s, f in tested if f.alarm) - len(alarms)
    kept = _without_echoes(alarms, span)
    counts["merged"] = len(alarms) - len(kept)
    now = timezone.now()
    for s, found in kept:
        outcome = _store(s, found, span, now=now)
        counts["alerts" if outcome == "new" else outcome] += 1
    return counts


ECHO = 0.9


def _without_echoes(alarms: list[tuple[_Series, Detection]], span: _Span) -> list[tuple[_Series, Detection]]:
    """One event makes many words rise together ("longsor", "tanah", "timbun", …) and often
    its category too. Officials get one alert per event, not one per word: a term alarm is
    dropped when ``ECHO`` (90 %) of its reports are inside a term alarm of the same regency
    with at least as many reports (terms taken by reports, then p-value, then the word), or
    when it and a category alarm of the same regency have practically the same reports
    (Jaccard ≥ 90 %: the word only names the category). A term that explains part of a
    category's rise stays."""
    for s, _found in alarms:
        if not s.term:
            s.report_ids = tuple(_window_report_ids(s, span))
    categories: dict[str, list[set[int]]] = defaultdict(list)
    for s, _found in alarms:
        if not s.term:
            categories[s.regency].append(set(s.report_ids))
    kept = [(s, f) for s, f in alarms if not s.term]
    terms: dict[str, list[set[int]]] = defaultdict(list)
    for s, found in sorted((a for a in alarms if a[0].term), key=lambda a: (-a[0].observed, a[1].p_value, a[0].term)):
        ids = set(s.report_ids)
        if any(len(ids & other) >= ECHO * len(ids) for other in terms[s.regency]):
            continue
        if any(len(ids & other) >= ECHO * len(ids | other) for other in categories[s.regency]):
            continue
        terms[s.regency].append(ids)
        kept.append((s, found))
    return kept
# --- officials' pages: selectors and the acknowledge service --------------------------------

def alerts_visible_to(user):
    """National holders of ``report_view`` see every alert; an agency's officials see the
    alerts naming their agency (or, with a grant over descendants, one of its units)."""
    national, scopes = grant_scopes(user, "report_view")
    if national:
        return Alert.objects.all()
    if not scopes:
        return Alert.objects.none()
    condition = Q()
    for scope in scopes:
        condition |= Q(agencies__id=int(scope[1:])) if scope.startswith("=") else Q(agencies__path__startswith=scope)
    return Alert.objects.filter(pk__in=Alert.objects.filter(condition).values("pk"))


def alert_get_for_staff(*, user, alert_id: int):
    """The alert, or ``NotFound`` — the same for a missing alert and one out of scope."""
    try:
        return alerts_visible_to(user).select_related("region", "category").get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def can_acknowledge_alert(user, alert) -> bool:
    """Officials who follow up reports for one of the alert's agencies (or nationally)."""
    if user_has_national_perm(user, "report_follow_up"):
        return True
    return any(user_has_perm(user, "report_follow_up", agency) for agency in alert.agencies.all())


def alert_acknowledge(*, user, alert_id: int):
    """Mark an open alert acknowledged (someone is on it), with an audit row. Idempotent:
    an acknowledged alert stays as it is. ``NotFound`` out of scope, ``PermissionDenied``
    for a viewer who may not act on it."""
    with transaction.atomic():
        alert = alert_get_for_staff(user=user, alert_id=alert_id)
        if not can_acknowledge_alert(user, alert):
            raise PermissionDenied()
        alert = Alert.objects.select_for_update(of=("self",)).select_related("region", "category").get(pk=alert.pk)
        if alert.state == Alert.State.ACKNOWLEDGED:
            return alert
        alert.state = Alert.State.ACKNOWLEDGED
        alert.save(update_fields=["state"])
        audit_log(actor=user, action="alert_acknowledge", obj=alert,
                  data={"region": alert.region_id, "subject": alert.subject, "window_end": alert.window_end.isoformat()})
    return alert


def alert_reports_for_staff(*, user, alert):
    """The reports behind the alert that ``user`` may see (``reports_visible_to``)."""
    linked = AlertReport.objects.filter(alert=alert).values("report_id")
    return reports_visible_to(user).filter(pk__in=linked).select_related("category").order_by("-submitted_at", "-pk")
