"""/public/audit/checkpoints/: the signed checkpoints and the public keys, JSON, no login, no personal data.

Anyone (a superior unit, a court, the public) can fetch this and keep copies; `audit_verify
--checkpoints URL` or docs/audit.md's recipe checks a database against them. A checkpoint holds only a
sequence number, a digest, a time and a signature.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ecoenforce.audit import anchoring, checkpoint

PAGE = 1000


@require_GET
def checkpoints(request: HttpRequest) -> JsonResponse:
    """The newest PAGE checkpoints, or with ?since=<time> the PAGE oldest signed after that time."""
    found = anchoring.read_checkpoints()
    since = request.GET.get("since", "")[:40]
    found = [c for c in found if c.time > since][:PAGE] if since else found[-PAGE:]
    keys = anchoring.public_keys()
    body = {
        "format": checkpoint.FORMAT,
        "algorithm": checkpoint.SIGNATURE_ALGORITHM,
        "curve": "sm2p256v1 (GB/T 32918.5)",
        "signer_id": checkpoint.DEFAULT_SIGNER_ID.decode("ascii"),
        "signed_message": "format LF seq LF digest LF time LF (ASCII)",
        "public_keys": [{"key_id": kid, "public_key": "04" + key} for kid, key in keys.items()],
        "checkpoints": [
            {
                "seq": c.seq,
                "digest": c.digest,
                "time": c.time,
                "key_id": c.key_id,
                "signature": c.signature,
            }
            for c in found
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response
