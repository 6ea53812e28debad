"""Thin DRF views of the criteria library. The national library is public to read; writes
need a signed-in user and the services decide who may do what."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from backend.auth import ReadPublicWriteAuthenticated, request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.schema import errors
from evaluation.library import services
from evaluation.library.models import Ambition, Area, Use
from evaluation.library.selectors import suggestions_for, template_get, template_list
from evaluation.library.serializers import (
    CriterionTemplateInputSerializer,
    CriterionTemplateSerializer,
    LibrarySuggestionSerializer,
    TemplateApplicationSerializer,
    TemplateApplyInputSerializer,
)
from evaluation.permissions import may_manage_own_templates
from notices.models import NoticeStatus
from notices.selectors import notice_get_editable, notice_get_visible


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise ApplicationError(_("The body is a JSON object."), code="invalid")
    return dict(request.data)


def _int(value: Any, field: str) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value))
    except ValueError:
        raise ApplicationError(_("A whole number."), fields={field: [_("A whole number.")]},
                               code="invalid") from None


def _filters(request: Request) -> dict[str, str]:
    """The list's filters, each one of its known values (or a CPV code's digits): anything
    else is a 400 naming the parameter, never a query with it."""
    known = {"area": Area.values, "use": Use.values, "ambition": Ambition.values}
    found: dict[str, str] = {}
    for name, values in known.items():
        value = request.query_params.get(name, "")
        if value and value not in values:
            raise ApplicationError(_("Not one of the known values."),
                                   fields={name: [_("Not one of the known values.")]},
                                   code="invalid")
        found[name] = value
    cpv = request.query_params.get("cpv", "")
    if cpv and not (cpv.isascii() and cpv.isdigit() and len(cpv) <= 8):
        raise ApplicationError(_("A CPV code: up to eight digits."),
                               fields={"cpv": [_("A CPV code: up to eight digits.")]},
                               code="invalid")
    found["cpv"] = cpv
    return found


FILTERS = [OpenApiParameter(name, str, required=False, description=text) for name, text in (
    ("area", "Product area (buildings, transport, ict, textiles, medical, print, furniture, "
             "cleaning, hotel, general)"),
    ("use", "qualification, specification, award or contract"),
    ("ambition", "basic or advanced"),
    ("cpv", "A CPV code: templates whose prefixes fit it (and those for any procurement)"))]


class TemplateListApi(APIView):
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(parameters=FILTERS,
                   responses={200: CriterionTemplateSerializer(many=True), **errors(400)},
                   summary="The criteria library: the newest version of each active template",
                   description="The national library, and the signed-in user's authorities' "
                               "own templates.")
    def get(self, request: Request) -> Response:
        q = _filters(request)
        rows = template_list(user=request.user, area=q["area"], use=q["use"],
                             ambition=q["ambition"], cpv=q["cpv"])
        return Response(CriterionTemplateSerializer(rows, many=True).data)

    @extend_schema(request=CriterionTemplateInputSerializer,
                   responses={201: CriterionTemplateSerializer, **errors(403, 404)},
                   summary="Add an authority's own template (version 1)")
    def post(self, request: Request) -> Response:
        body = _body(request)
        org_id = _int(body.pop("organization", None), "organization")
        org = Organization.objects.filter(pk=org_id).first()
        if org is None or not may_manage_own_templates(request.user, org.pk):
            if org is None or not org.memberships.filter(user_id=request.user.pk or 0).exists():
                raise NotFound(_("No such authority."))
            raise Forbidden(_("Only administrators and procurement officers of %(org)s can "
                              "add its templates.") % {"org": org.name})
        template = services.template_create(organization=org, by=request_user(request),
                                            data=body)
        return Response(CriterionTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailApi(APIView):
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("version", int, required=False)],
                   responses={200: CriterionTemplateSerializer, **errors(404)},
                   summary="One template: the newest version, or the one asked for")
    def get(self, request: Request, key: str) -> Response:
        raw = request.query_params.get("version")
        version = _int(raw, "version") if raw else None
        return Response(CriterionTemplateSerializer(template_get(user=request.user, key=key,
                                                        version=version)).data)

    @extend_schema(request=CriterionTemplateInputSerializer,
                   responses={201: CriterionTemplateSerializer, **errors(403, 404, 409)},
                   summary="A new version of a template",
                   operation_id="criteria_library_template_new_version",
                   description="The fields given replace those of the newest version; the "
                               "older versions stay as they were. `active: false` retires "
                               "the template. The authority's editors for its own templates; "
                               "platform staff for the national library.")
    def post(self, request: Request, key: str) -> Response:
        template = template_get(user=request.user, key=key)
        body = _body(request)
        body.pop("organization", None)
        created = services.template_new_version(template=template, by=request_user(request),
                                                changes=body)
        return Response(CriterionTemplateSerializer(created).data, status=status.HTTP_201_CREATED)


class NoticeSuggestionsApi(APIView):
    permission_classes = [ReadPublicWriteAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("lot", int, required=False)],
                   responses={200: LibrarySuggestionSerializer(many=True), **errors(404)},
                   summary="Templates that fit a notice's CPV codes, most specific first")
    def get(self, request: Request, pk: int) -> Response:
        notice = notice_get_visible(pk=pk, user=request.user)
        raw = request.query_params.get("lot")
        lot = _int(raw, "lot") if raw else None
        found = suggestions_for(notice, lot)
        return Response(LibrarySuggestionSerializer(
            [{"specificity": s.specificity, "template": s.template} for s in found],
            many=True).data)


class NoticeApplyApi(APIView):
    @extend_schema(request=TemplateApplyInputSerializer,
                   responses={201: TemplateApplicationSerializer, **errors(403, 404, 409)},
                   summary="Copy a template into a notice",
                   description="An award criterion or qualification requirement goes into "
                               "the evaluation model, a specification requirement or contract "
                               "condition into the notice's sustainability clauses; the copy "
                               "records the template's key and version. A published notice "
                               "needs a `reason`: the copy is published as a change notice, "
                               "before the deadline for tenders (409 after it).")
    def post(self, request: Request, pk: int) -> Response:
        notice = notice_get_editable(pk=pk, user=request.user)
        body = _body(request)
        key = body.get("key")
        if not isinstance(key, str) or not key:
            raise ApplicationError(_("Give the template's key."),
                                   fields={"key": [_("Required.")]})
        version = body.get("version")
        template = template_get(user=request.user, key=key,
                                version=_int(version, "version") if version is not None
                                else None)
        language = body.get("language") or "nb"
        if language not in ("nb", "en"):
            raise ApplicationError(_("nb or en."), fields={"language": [_("nb or en.")]})
        lot_number = _int(body.get("lot_number", 0), "lot_number")
        version_number = None
        if notice.status == NoticeStatus.DRAFT:
            applied = services.template_apply(notice=notice, lot_number=lot_number,
                                              template=template, by=request_user(request),
                                              language=language)
        else:
            reason = body.get("reason")
            made, applied = services.template_apply_by_change(
                notice=notice, lot_number=lot_number, template=template,
                by=request_user(request), language=language,
                reason=reason if isinstance(reason, str) else "")
            version_number = made.number
        data = {**TemplateApplicationSerializer(
            {**{f: getattr(applied, f) for f in ("notice_id", "template_key",
                                                 "template_version", "use", "lot_number",
                                                 "position", "at")},
             "notice_version": version_number}).data}
        return Response(data, status=status.HTTP_201_CREATED)
