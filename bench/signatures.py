"""Benchmark of congso.signatures against plain pyHanko calls on the same files and tokens.

Run as `congso bench signatures` (or `congso bench_signatures`). Measures, in one run:
- person + organisation signing (PAdES B-T, SoftHSM2 tokens, local TSA) in documents/s,
- validation of the two-signature document (revocation checked over OCSP/CRL) in documents/s,
- peak memory while signing and validating a 100 MB file, in a fresh process.
The local TSA/OCSP/CRL service runs in its own process on 127.0.0.1, as it would in production.
The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

DEFAULT_DOCS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVE = (
    "import sys\n"
    "from congso.signatures.lib.testpki import TestPki\n"
    "from congso.signatures.lib.testservices import TestServices\n"
    "TestServices(TestPki.load(sys.argv[1])).serve_forever()\n"
)


def _wait_for(port: int) -> None:
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("test services did not start")


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds > 0 else 0.0


def _bench_ours(ctx: dict[str, Any], docs: int) -> tuple[float, bytes]:
    from congso.signatures.lib import signing

    signed = b""
    start = time.perf_counter()
    for _ in range(docs):
        once = signing.sign_as_person(
            ctx["prepared"], provider=ctx["person"], config=ctx["config"],
            signature_image=ctx["signature_png"],
        ).getvalue()  # fmt: skip
        signed = signing.sign_as_organisation(
            once, provider=ctx["organisation"], config=ctx["config"], seal_image=ctx["seal_png"]
        ).getvalue()
    return _rate(docs, time.perf_counter() - start), signed


def _bench_plain_sign(ctx: dict[str, Any], docs: int) -> float:
    """What a developer writes with pyHanko alone: same tokens, images, TSA and reserve."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from congso.signatures.lib import appearance

    person = ctx["person"].signer()
    organisation = ctx["organisation"].signer()
    tsa = HTTPTimeStamper(ctx["pki"].tsa_url)
    person_style = appearance.image_style(ctx["signature_png"])
    seal_style = appearance.image_style(ctx["seal_png"])

    def _sign(data: bytes, field: str, signer: Any, style: Any) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
        )
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=tsa, stamp_style=style)
        writer = IncrementalPdfFileWriter(BytesIO(data))
        return pdf_signer.sign_pdf(
            writer, existing_fields_only=True, bytes_reserved=32768
        ).getvalue()

    start = time.perf_counter()
    for _ in range(docs):
        once = _sign(ctx["prepared"], "ChuKyNguoiKy", person, person_style)
        _sign(once, "ChuKyCoQuan", organisation, seal_style)
    return _rate(docs, time.perf_counter() - start)


def _bench_validate(ctx: dict[str, Any], signed: bytes, docs: int) -> float:
    from congso.signatures.lib.engine import validate_pdf
    from congso.signatures.lib.report import Verdict

    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(docs):
        report = validate_pdf(signed, config=ctx["validation"])
        assert report.verdict == Verdict.VALID, report.summary
    ctx["validate_cpu_ms"] = _cpu_ms(cpu, docs)
    return _rate(docs, time.perf_counter() - start)


def _bench_validate_frozen(ctx: dict[str, Any], signed: bytes, docs: int) -> float:
    """CPU per validation after `gc.freeze()`, as in a worker (config/celery.py, ADR 0022);
    the same measurement as `_bench_validate`, right after it in the same process."""
    import gc

    gc.collect()
    gc.freeze()
    try:
        plain_ms = ctx["validate_cpu_ms"]
        _bench_validate(ctx, signed, docs)
        frozen_ms = float(ctx["validate_cpu_ms"])
        ctx["validate_cpu_ms"] = plain_ms
        return frozen_ms
    finally:
        gc.unfreeze()


def _cpu_ms(start: float, docs: int) -> float:
    """CPU of this process per document since `start` (process_time): the TSA/OCSP/CRL service
    runs in its own process, so only the validator's own work counts."""
    return round((time.process_time() - start) / docs * 1000, 2) if docs else 0.0


def _bench_plain_validate(ctx: dict[str, Any], signed: bytes, docs: int) -> float:
    """pyHanko's validate_pdf_signature per signature, same trust and hard-fail revocation."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    trust = ctx["validation"].trust
    start = time.perf_counter()
    cpu = time.process_time()
    for _ in range(docs):
        reader = PdfFileReader(BytesIO(signed))
        context = ValidationContext(
            trust_roots=list(trust.roots),
            other_certs=list(trust.intermediates),
            allow_fetching=True,
            revocation_mode="hard-fail",
        )
        for sig in reader.embedded_signatures:
            status = validate_pdf_signature(sig, context)
            assert status.bottom_line
    ctx["validate_plain_cpu_ms"] = _cpu_ms(cpu, docs)
    return _rate(docs, time.perf_counter() - start)


_WORKER: dict[str, Any] = {}


def _worker_init(directory: str) -> None:
    """A validation worker process: the trust store and configuration, built once."""
    import logging

    from congso.signatures.lib.engine import ValidationConfig
    from congso.signatures.lib.testpki import TestPki
    from congso.signatures.lib.trust import TrustStore

    logging.getLogger("pyhanko").setLevel(logging.WARNING)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.WARNING)
    pki = TestPki.load(Path(directory))
    trust = TrustStore.build(test_roots=pki.trust_roots, intermediates=pki.intermediates)
    _WORKER["validation"] = ValidationConfig(trust=trust, revinfo_cache_seconds=300)


def _worker_validate(args: tuple[str, bytes]) -> bool:
    kind, signed = args
    if kind == "ours":
        from congso.signatures.lib.engine import validate_pdf
        from congso.signatures.lib.report import Verdict

        return validate_pdf(signed, config=_WORKER["validation"]).verdict == Verdict.VALID
    return _bench_plain_validate({"validation": _WORKER["validation"]}, signed, 1) > 0


def _bench_validate_parallel(directory: Path, signed: bytes, docs: int) -> tuple[float, float, int]:
    """Validation as deployed: one worker process per core, ours and plain pyHanko alike."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")  # children inherit this loaded module
    rates = []
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_init, initargs=(str(directory),)
    ) as pool:
        for kind in ("ours", "plain"):
            assert all(pool.map(_worker_validate, [(kind, signed)] * (2 * workers)))  # warm-up
            start = time.perf_counter()
            assert all(pool.map(_worker_validate, [(kind, signed)] * docs))
            rates.append(_rate(docs, time.perf_counter() - start))
    return rates[0], rates[1], workers


def _peak_rss_kib() -> int:
    """VmHWM of this process (ru_maxrss would include the parent's peak inherited at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _big_file_probe(directory: str, conf_path: str, size: int) -> dict[str, Any]:
    """In a fresh process: sign (organisation, appendix style) and validate a `size` file."""
    os.environ["SOFTHSM2_CONF"] = conf_path
    ctx = _context(Path(directory))
    from congso.signatures.lib import signing
    from congso.signatures.lib.engine import validate_pdf

    work = Path(directory) / "big"
    del size  # the parent wrote big/in.pdf, so its generation does not count here
    baseline = _peak_rss_kib()
    start = time.perf_counter()
    with (work / "in.pdf").open("rb") as source, (work / "out.pdf").open("wb") as target:
        signing.sign_appendix(
            source, provider=ctx["organisation"], config=ctx["config"],
            document_number="Số: 1/BENCH", output=target,
        )  # fmt: skip
    sign_s = time.perf_counter() - start
    start = time.perf_counter()
    report = validate_pdf(work / "out.pdf", config=ctx["validation"])
    validate_s = time.perf_counter() - start
    peak = _peak_rss_kib()
    return {
        "file_bytes": (work / "out.pdf").stat().st_size,
        "rss_before_kib": baseline,
        "rss_peak_kib": peak,
        "verdict": str(report.verdict),
        "sign_s": round(sign_s, 2),
        "validate_s": round(validate_s, 2),
    }


def _context(directory: Path) -> dict[str, Any]:
    from congso.signatures.lib import images, sampledoc, signing
    from congso.signatures.lib.engine import ValidationConfig
    from congso.signatures.lib.keys import Pkcs11KeyProvider
    from congso.signatures.lib.softhsm import TEST_TOKENS, TEST_USER_PIN, softhsm_module
    from congso.signatures.lib.testpki import TestPki
    from congso.signatures.lib.trust import TrustStore

    pki = TestPki.load(directory)
    module = softhsm_module()
    assert module is not None, "SoftHSM2 is required (apt-get install softhsm2 opensc)"
    trust = TrustStore.build(test_roots=pki.trust_roots, intermediates=pki.intermediates)
    pdf, block = sampledoc.decision_pdf()
    prepared = signing.prepare_signature_fields(
        pdf,
        [
            signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box),
            signing.FieldPlacement(signing.ORGANISATION_FIELD, block.page, block.organisation_box),
        ],
    )
    return {
        "pki": pki,
        "prepared": prepared,
        "config": signing.SigningConfig(trust=trust, tsa_url=pki.tsa_url),
        # As deployed (CONGSO_SIGNATURES_REVINFO_CACHE_SECONDS=300): OCSP/CRL answers reused.
        "validation": ValidationConfig(trust=trust, revinfo_cache_seconds=300),
        "person": Pkcs11KeyProvider(
            module,
            TEST_TOKENS[0].token_label,
            key_label=TEST_TOKENS[0].key_label,
            pin=TEST_USER_PIN,
        ),  # fmt: skip
        "organisation": Pkcs11KeyProvider(
            module,
            TEST_TOKENS[1].token_label,
            key_label=TEST_TOKENS[1].key_label,
            pin=TEST_USER_PIN,
        ),  # fmt: skip
        "signature_png": images.signature_png(),
        "seal_png": images.seal_png(),
    }


def run(*, docs: int = DEFAULT_DOCS, big_mb: int = 100, write: Any = print) -> dict[str, Any]:
    import logging

    from congso.signatures.lib.softhsm import create_test_tokens
    from congso.signatures.lib.testpki import generate_test_pki

    logging.getLogger("pyhanko").setLevel(logging.WARNING)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="congso-bench-") as tmp:
        port = _free_port()
        pki = generate_test_pki(Path(tmp) / "pki", port=port)
        conf_path = create_test_tokens(pki)
        os.environ["SOFTHSM2_CONF"] = str(conf_path)
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(pki.directory)])
        try:
            _wait_for(port)
            ctx = _context(pki.directory)
            _bench_ours(ctx, 2)  # warm-up: token sessions, certificate pre-check, fonts
            _bench_plain_sign(ctx, 2)
            sign_ours, signed = _bench_ours(ctx, docs)
            sign_plain = _bench_plain_sign(ctx, docs)
            write(f"sign person+organisation: congso {sign_ours}/s, plain pyHanko {sign_plain}/s")
            _bench_validate(ctx, signed, 2)
            validate_ours = _bench_validate(ctx, signed, docs)
            validate_plain = _bench_plain_validate(ctx, signed, docs)
            frozen_cpu_ms = _bench_validate_frozen(ctx, signed, docs)
            write(
                f"validate 2-signature doc: congso {validate_ours}/s "
                f"({ctx['validate_cpu_ms']} ms CPU each; {frozen_cpu_ms} ms with the start-up "
                f"objects frozen, as in a worker), plain pyHanko {validate_plain}/s "
                f"({ctx['validate_plain_cpu_ms']} ms CPU each)"
            )
            par_ours, par_plain, workers = _bench_validate_parallel(pki.directory, signed, docs)
            write(
                f"validate 2-signature doc, {workers} worker processes: congso {par_ours}/s, "
                f"plain pyHanko {par_plain}/s"
            )
            big: dict[str, Any] = {}
            if big_mb > 0:
                from congso.signatures.lib import sampledoc

                (pki.directory / "big").mkdir(exist_ok=True)
                (pki.directory / "big" / "in.pdf").write_bytes(sampledoc.padded_pdf(big_mb * 2**20))
                probe = subprocess.run(
                    [sys.executable, __file__, "--probe", str(pki.directory), str(conf_path),
                     str(big_mb * 2**20)],
                    capture_output=True, text=True, timeout=900, check=True,
                )  # fmt: skip
                big = json.loads(probe.stdout.strip().splitlines()[-1])
                write(
                    f"{big_mb} MB file: sign {big['sign_s']} s, validate {big['validate_s']} s, "
                    f"verdict {big['verdict']}, peak RSS {big['rss_peak_kib'] // 1024} MiB "
                    f"(before {big['rss_before_kib'] // 1024} MiB)"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    result = {
        "sign_docs_per_s": sign_ours,
        "sign_ratio_vs_pyhanko": round(sign_ours / sign_plain, 2) if sign_plain else None,
        "validate_docs_per_s": validate_ours,
        "validate_ratio_vs_pyhanko": (
            round(validate_ours / validate_plain, 2) if validate_plain else None
        ),
        "validate_cpu_ms": ctx["validate_cpu_ms"],
        "validate_cpu_ms_frozen": frozen_cpu_ms,
        "validate_plain_cpu_ms": ctx["validate_plain_cpu_ms"],
        "validate_workers": workers,
        "validate_parallel_docs_per_s": par_ours,
        "validate_parallel_ratio_vs_pyhanko": round(par_ours / par_plain, 2) if par_plain else None,
        "docs": docs,
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
    }
    if big:
        result["big_file_mb"] = round(big["file_bytes"] / 2**20, 1)
        result["big_file_peak_rss_mb"] = round(big["rss_peak_kib"] / 1024, 1)
        result["big_file_peak_over_size"] = round(big["rss_peak_kib"] * 1024 / big["file_bytes"], 2)
        result["big_file_growth_over_size"] = round(
            (big["rss_peak_kib"] - big["rss_before_kib"]) * 1024 / big["file_bytes"], 2
        )
    write(json.dumps(result))
    return result


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if len(sys.argv) == 5 and sys.argv[1] == "--probe":
        print(json.dumps(_big_file_probe(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        run()
