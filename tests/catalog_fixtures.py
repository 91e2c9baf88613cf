"""Builders for catalogue test data: a valid procedure payload and its publication."""

from __future__ import annotations

import copy

from backend.catalog import services
from backend.catalog.schemas import ProcedureInputSchema

SIMPLE_FORM = {
    "sections": [
        {
            "key": "applicant",
            "title": {"vi": "Người yêu cầu", "en": "Applicant"},
            "fields": [
                {
                    "name": "full_name",
                    "type": "text",
                    "label": {"vi": "Họ và tên", "en": "Full name"},
                    "required": True,
                    "min_length": 2,
                    "max_length": 100,
                },
                {
                    "name": "purpose",
                    "type": "textarea",
                    "label": {"vi": "Mục đích", "en": "Purpose"},
                },
            ],
        }
    ]
}


def procedure_payload(agency_code: str, **changes) -> dict:
    payload = {
        "code": "1.001193",
        "name_vi": "Thủ tục đăng ký khai sinh",
        "name_en": "Birth registration",
        "field": {"code": "HO_TICH", "name_vi": "Hộ tịch", "name_en": "Civil status"},
        "competent_agency_code": agency_code,
        "receiving_agency_codes": [agency_code],
        "online_level": "full",
        "description_vi": "Đăng ký khai sinh cho trẻ em.",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "duration": {"amount": 3, "unit": "working_days", "cutoff": None},
        "supplement_policy": "restart",
        "components": [
            {
                "code": "TK",
                "name_vi": "Tờ khai đăng ký khai sinh",
                "name_en": "Birth registration form",
                "kind": "original",
                "required": True,
            },
            {
                "code": "GCS",
                "name_vi": "Giấy chứng sinh",
                "name_en": "Birth certificate from the hospital",
                "kind": "original",
                "required": True,
                "reusable": True,
            },
        ],
        "fees": [],
        "result": {
            "type_code": "GKS",
            "name_vi": "Giấy khai sinh",
            "name_en": "Birth certificate",
            "template": "birth_certificate",
        },
        "form": copy.deepcopy(SIMPLE_FORM),
    }
    payload.update(changes)
    return payload


def publish(agency_code: str, **changes):
    """Publish a procedure through the service, as an admin would."""
    data = ProcedureInputSchema().load(procedure_payload(agency_code, **changes))
    return services.publish_procedure(data, actor=None)
