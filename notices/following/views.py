"""Thin web views: follow a notice, the inbox, saved searches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.auth import request_user
from backend.errors import ApplicationError, NotFound
from notices.following import saved_searches
from notices.following import services as following
from notices.following.models import Frequency
from notices.following.services import notice_path
from notices.selectors import notice_get_visible


def apply_error(form: forms.BaseForm, exc: ApplicationError,
                aliases: dict[str, str] | None = None) -> None:
    """A service error on the form: field messages next to fields, the message on top."""
    for name, errors in exc.fields.items():
        target = (aliases or {}).get(name, name)
        if target in form.fields:
            for error in errors:
                form.add_error(target, error)
    form.add_error(None, exc.message)


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


# --- follow ------------------------------------------------------------------------------

@login_required
@require_POST
def follow_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = notice_get_visible(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    back = safe_next(request, notice_path(notice) + "#follow")
    try:
        if request.POST.get("action") == "unfollow":
            following.follow_delete(user=request_user(request), notice=notice)
            messages.success(request, _("You no longer follow this notice."))
        else:
            following.follow_create(user=request_user(request), notice=notice)
            messages.success(request, _("You follow this notice. Changes, new documents and "
                                        "answers will reach your inbox and your e-mail."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(back)


# --- inbox -------------------------------------------------------------------------------

@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    items = list(following.inbox_list(user=request.user, unread_only=unread_only)[:200])
    return render(request, "notices/following/inbox.html", {
        "items": items, "unread_only": unread_only,
        "unread_count": following.inbox_unread_count(user=request.user),
        "follows": following.follow_list(user=request.user)[:200],
    })


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("message", "")
    ids = [int(raw)] if raw.isdigit() else None
    following.inbox_mark_read(user=request_user(request), ids=ids)
    return redirect("following:inbox")


# --- saved searches ----------------------------------------------------------------------

class SavedSearchForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    frequency = forms.ChoiceField(label=gettext_lazy("Send me new notices"),
                                  choices=Frequency.choices, initial=Frequency.DAILY)
    query = forms.CharField(widget=forms.HiddenInput, required=False)


def _params_from_querystring(query: str) -> dict[str, Any]:
    qd = QueryDict(query.lstrip("?"))
    return {key: (values if len(values) > 1 else values[0]) for key, values in qd.lists()}


def _describe(params: dict[str, Any]) -> list[tuple[str, str]]:
    labels = {"q": _("Words"), "cpv": _("CPV"), "nuts": _("Region (NUTS)"), "kind": _("Type"),
              "status": _("Status"), "buyer": _("Buyer")}
    out = []
    for key, value in params.items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        out.append((str(labels.get(key, key)), text))
    return out


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    """GET lists the saved searches; ?q=...&cpv=... (the current search) pre-fills the form."""
    form: SavedSearchForm
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            try:
                created = saved_searches.saved_search_create(
                    user=request_user(request), name=form.cleaned_data["name"],
                    params=_params_from_querystring(form.cleaned_data["query"]),
                    frequency=form.cleaned_data["frequency"])
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Saved “%(name)s”. New matching notices will be "
                                            "sent to %(email)s.")
                                 % {"name": created.name, "email": request_user(request).email})
                return redirect("following:saved-searches")
        status = 400
    else:
        params = {k: v for k, v in _params_from_querystring(request.GET.urlencode()).items()
                  if k not in saved_searches.NOT_FILTERS}
        form = SavedSearchForm(initial={"query": urlencode(params, doseq=True),
                                        "name": str(params.get("q", "") or "")[:200]})
        status = 200
    query = form["query"].value() or ""
    pending = _params_from_querystring(query)
    items = [{"search": s, "criteria": _describe(s.params),
              "feed_url": request.build_absolute_uri(saved_searches.feed_path(s)),
              "search_url": saved_searches.search_page_path(s.params)}
             for s in saved_searches.saved_search_list(user=request.user)]
    return render(request, "notices/following/saved_searches.html", {
        "form": form, "items": items, "pending_criteria": _describe(pending),
    }, status=status)


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = saved_searches.saved_search_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    saved_searches.saved_search_delete(saved_search=found, user=request_user(request))
    messages.success(request, _("Deleted “%(name)s”.") % {"name": found.name})
    return redirect(reverse("following:saved-searches"))
