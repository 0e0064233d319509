"""Open311 GeoReport v2 under /open311/v2/ (JSON and XML), with the widely used extensions.

Endpoints (format suffix ``.xml`` or ``.json``; another suffix is 404):

- ``discovery``; ``services``; ``services/{service_code}`` (404 unknown);
- ``requests`` GET (filters ``service_request_id`` comma list — overrides the others —,
  ``service_code`` comma list, ``start_date``/``end_date`` ≤ 90 days apart, ``status``
  open/closed; default the most recent 90 days; at most 1,000 results, newest first;
  extensions ``page``/``page_size`` and ``extensions=true``) and POST (``api_key`` required:
  403 otherwise; ``Idempotency-Key`` honoured);
- ``requests/{service_request_id}``; ``tokens/{token}``;
- ``servicerequestupdates`` GET (public updates feed, oldest first) and POST (an agency's
  system posts its progress with its key; FixMyStreet style).

Decisions (issue #4; the spec leaves them open):

- ``service_request_id`` is the report's public reference (``2611-K7QX-M9P3``); services
  are the active categories, ``service_code`` their slug. Every id and code is a string.
- ``jurisdiction_id`` is optional: absent, empty or the national id (``OPEN311_JURISDICTION_ID``,
  default the public site's host) means all of Indonesia; an agency slug narrows to that
  agency and its units (and, on POST, names it as the suggested destination); a
  Kemendagri region code narrows to that region and below (and, on POST without a point
  or ``address_id``, is the report's region). Unknown: 404.
- ``address_id`` is a Kemendagri region code, our master address system.
- Status: ``closed`` = our CLOSED; every other published status is ``open`` (a responded
  report can still be disputed). ``status_notes`` is the latest public agency response.
  ``extensions=true`` adds ``extended_attributes`` (title, kind, channel, CitySDK
  ``detailed_status``, our status and its label) and ``notes`` (public events only).
- Dates are W3C date-times in WIB (``+07:00``), whole seconds.
- Privacy: only published, non-confidential reports, never a reporter field, all text
  redacted; a hidden report is the same 404 as a missing one (see selectors.py).
- ``media_url`` is neither fetched on POST (no server-side requests to client URLs) nor
  returned (attachments are not published).
- Every service is ``type=realtime``: POST answers with the id at once and never issues a
  token; ``tokens/{id}`` answers with the id for a public request, for batch-minded clients.
- Errors: HTTP 404 / 403 / 400 exactly as the spec says, each ``<error>`` naming the
  parameter; the body ``code`` may be more specific (405, 409, 422) under HTTP 400.
- POST servicerequestupdates goes through ``aduan.dispatch.inbound`` (the one path for
  agency updates, idempotent by key + ``update_id``), see services.py.
- XML roots: ``discovery``, ``services``/``service``, ``service_definition``,
  ``service_requests``/``request``, ``errors``/``error``, and ``service_request_updates``/
  ``request_update`` for both directions of the updates extension (FixMyStreet's wiki
  spelling; its client ignores the root's name and also reads ``service_requests_updates``).
"""
