"""Credentials issued and verified per second, for each proof format.

No database and no Django settings: the script imports ``skillspact.credentials`` directly.
For each proof format (VC-JWT and Data Integrity ``eddsa-rdfc-2022``) it

1. issues ``--count`` Open Badges 3.0 credentials, each with ``--skills`` ESCO alignments, an
   EQF level and the micro-credential elements: build the document and sign it;
2. verifies each proof alone (``verify_jwt`` / ``verify_data_integrity``);
3. runs the whole public check (``verify_any``: signature, issuer key, dates, and the
   revocation bit in a signed status list of 131,072 entries, whose own proof is checked too).

It prints credentials per second and the p50 / p95 / max time per credential, one process,
one thread.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillspact.credentials import keys, ob3, proofs, statuslist, verify  # noqa: E402

ISSUER = {
    "id": "did:web:skillspact.example:orgs:bench-academy",
    "name": "Bench Academy",
    "url": "https://bench-academy.example",
}
KID = ISSUER["id"] + "#key-1"
LIST_URL = "https://skillspact.example/credentials/status/1"
ISSUED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def achievement(number: int, skills: int) -> dict:
    return {
        "id": f"https://skillspact.example/courses/course-{number % 50}",
        "name": f"Digital skills for health workers, module {number % 50}",
        "description": "Use telehealth tools safely and protect patients' data.",
        "criteria": "Completed all modules and passed the final assessment.",
        "alignments": [
            {
                "targetName": f"ESCO skill {number}-{i}",
                "targetUrl": f"http://data.europa.eu/esco/skill/{uuid.UUID(int=number * 10 + i)}",
                "targetFramework": "ESCO",
            }
            for i in range(skills)
        ],
        "eqf_level": 4 + number % 3,
        "hours": 25,
        "ects": 1.0,
        "language": ["en"],
        "micro_credential": {"assessment": "Supervised online test", "mode": "online"},
    }


def build(number: int, skills: int) -> dict:
    return ob3.achievement_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=ISSUER,
        subject={"id": f"urn:uuid:{uuid.uuid4()}", "name": f"Learner {number}"},
        achievement=achievement(number, skills),
        issued_at=ISSUED,
        valid_until=ISSUED + timedelta(days=1095),
        status=statuslist.status_entry(list_url=LIST_URL, index=number),
    )


def timed(function, items) -> tuple[list, list[float], float]:
    results, durations = [], []
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        results.append(function(item))
        durations.append((time.perf_counter() - t0) * 1000)
    return results, durations, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="credentials per format")
    parser.add_argument("--skills", type=int, default=5, help="ESCO alignments per credential")
    args = parser.parse_args()

    pair = keys.key_generate()
    bits = statuslist.new_bitstring()
    for index in range(0, args.count, 17):
        statuslist.bit_set(bits, index, True)  # some revoked, as in real life
    status_list = proofs.sign_data_integrity(
        statuslist.status_list_credential(
            list_url=LIST_URL,
            issuer=ISSUER,
            encoded_list=statuslist.bitstring_encode(bits),
            issued_at=ISSUED,
        ),
        private_bytes=pair.private_bytes,
        verification_method=KID,
        created=ISSUED,
    )

    def resolve_key(issuer_id: str, key_id: str) -> bytes | None:
        return pair.public_bytes if (issuer_id, key_id) == (ISSUER["id"], KID) else None

    def load_status_list(url: str) -> dict | None:
        return status_list if url == LIST_URL else None

    now = ISSUED + timedelta(days=1)

    def issue_jwt(number: int) -> str:
        return proofs.sign_jwt(
            build(number, args.skills), private_bytes=pair.private_bytes, kid=KID
        )

    def issue_di(number: int) -> dict:
        return proofs.sign_data_integrity(
            build(number, args.skills),
            private_bytes=pair.private_bytes,
            verification_method=KID,
            created=ISSUED,
        )

    def check(data) -> verify.Report:
        return verify.verify_any(
            data, resolve_key=resolve_key, load_status_list=load_status_list, now=now
        )

    formats = [
        (
            "vc-jwt",
            issue_jwt,
            lambda token: proofs.verify_jwt(token, public_bytes=pair.public_bytes),
            check,
        ),
        (
            "eddsa-rdfc-2022",
            issue_di,
            lambda doc: proofs.verify_data_integrity(doc, public_bytes=pair.public_bytes),
            lambda doc: check(json.dumps(doc)),
        ),
    ]

    # warm up: JSON-LD contexts parsed and cached, fonts and modules loaded
    proofs.verify_data_integrity(issue_di(0), public_bytes=pair.public_bytes)

    print(
        f"Credentials issued and verified, {args.count} per format, {args.skills} ESCO "
        f"alignments each; one thread\nPython {platform.python_version()}, "
        f"{platform.machine()}, {platform.system()}"
    )
    header = (
        f"{'format':<16}  {'operation':<24}  {'per s':>8}  {'p50 ms':>7}  {'p95 ms':>7}  "
        f"{'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, issue, verify_proof, verify_all in formats:
        issued, durations, seconds = timed(issue, range(args.count))
        rows = [("issue (build + sign)", durations, seconds)]
        _, durations, seconds = timed(verify_proof, issued)
        rows.append(("verify the proof", durations, seconds))
        reports, durations, seconds = timed(verify_all, issued)
        rows.append(("verify_any (all checks)", durations, seconds))
        revoked = sum(1 for r in reports if not r.is_valid)
        expected = len(range(0, args.count, 17))
        if revoked != expected:
            raise SystemExit(f"{name}: {revoked} credentials failed, {expected} expected")
        for operation, values, total in rows:
            print(
                f"{name:<16}  {operation:<24}  {len(values) / total:>8.1f}  "
                f"{statistics.median(values):>7.2f}  {percentile(values, 0.95):>7.2f}  "
                f"{max(values):>7.2f}"
            )
    print(f"\nverify_any found the {expected} revoked credentials of each format and no other.")


if __name__ == "__main__":
    main()
