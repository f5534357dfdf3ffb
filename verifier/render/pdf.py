"""Compiling a written LaTeX document to PDF with the TeX found on PATH.

Never with shell escape: the commands get ``-no-shell-escape``, run with no
standard input, in the document's own folder (so every file TeX writes stays
there), and with kpathsea told to refuse reading or writing files by absolute
path or outside that folder (``openin_any=p``, ``openout_any=p``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["LatexError", "latex_command", "compile_pdf"]

PDFLATEX_OPTIONS = ("-halt-on-error", "-no-shell-escape", "-interaction=nonstopmode")
TIME_LIMIT = 300.0


class LatexError(Exception):
    """The PDF could not be made; the message is one line for people."""


def latex_command(tex_name: str) -> list[str]:
    """latexmk if it is on PATH (it reruns for the contents), else pdflatex."""
    latexmk = shutil.which("latexmk")
    pdflatex = shutil.which("pdflatex")
    if latexmk and pdflatex:
        inner = " ".join(["pdflatex", *PDFLATEX_OPTIONS, "%O", "%S"])
        # -norc: a latexmkrc in the folder must not change the command (or turn shell escape on).
        return [latexmk, "-norc", "-pdf", "-quiet", f"-pdflatex={inner}", tex_name]
    if pdflatex:
        return [pdflatex, *PDFLATEX_OPTIONS, tex_name]
    raise LatexError("cannot make the PDF: neither latexmk nor pdflatex is on PATH (install TeX Live, or drop --pdf)")


def _first_error(log: Path) -> str:
    """The first TeX error line of a log ('! Undefined control sequence.'), if any."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            context = next((after.strip() for after in lines[i + 1 : i + 4] if after.startswith("l.")), "")
            return f"{line[1:].strip()} {context}".strip()
    return ""


def compile_pdf(tex_path: str | os.PathLike[str]) -> Path:
    """Compile ``tex_path`` in its folder; returns the PDF's path or raises LatexError."""
    tex_path = Path(tex_path)
    folder = tex_path.parent.resolve()
    command = latex_command(tex_path.name)
    env = dict(os.environ, openin_any="p", openout_any="p")
    runs = 1 if "latexmk" in os.path.basename(command[0]) else 2  # twice for the contents
    for _ in range(runs):
        try:
            done = subprocess.run(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIME_LIMIT,
            )
        except subprocess.TimeoutExpired:
            raise LatexError(f"{tex_path}: TeX did not finish within {TIME_LIMIT:g} s") from None
        if done.returncode != 0:
            log = folder / (tex_path.stem + ".log")
            detail = _first_error(log) or (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]
            detail = detail if isinstance(detail, str) else detail[0]
            raise LatexError(f"{tex_path}: {os.path.basename(command[0])} failed: {detail} (see {log})")
    pdf = folder / (tex_path.stem + ".pdf")
    if not pdf.is_file():
        raise LatexError(f"{tex_path}: no PDF was written (see {folder / (tex_path.stem + '.log')})")
    return pdf
