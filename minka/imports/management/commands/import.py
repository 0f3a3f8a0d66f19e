"""`minka import KIND FILE --organization SLUG --user USERNAME [--program SLUG] [--dry-run] [--lang es|en]
[--mapping HEADER=COLUMN ...]` imports a CSV or XLSX file all or nothing; `minka import KIND --template FILE.xlsx|
FILE.csv [--lang es|en]` writes the blank template.

The command acts as the user named by `--user`, with exactly that user's rights (the organizations they may
register people for, the activities they may edit), and the audit trail names them: an import is somebody's act,
and a command run by a system account would bypass the access rules every page keeps. A progress bar goes to
stderr, the summary to stdout. On any error the row-level report goes to stderr, nothing is written, and the
exit code is 1.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from minka.core.commands import TranslatedCommand
from minka.core.errors import ApplicationError
from minka.imports import engine
from minka.imports.kinds import KINDS, kind_get
from minka.imports.template_files import FORMATS, template_write
from minka.network.models import Organization
from minka.programs.models import Program

BAR_WIDTH = 30


class Command(TranslatedCommand):
    help = gettext_lazy("Importa un archivo CSV o XLSX (todo o nada), o escribe su plantilla con --template.")

    def add_arguments(self, parser):
        parser.add_argument(
            "kind",
            metavar="TIPO",
            help=gettext_lazy("Qué se importa: %(kinds)s.") % {"kinds": ", ".join(sorted(KINDS))},
        )
        parser.add_argument("file", metavar="ARCHIVO", nargs="?", help=gettext_lazy("El archivo CSV o XLSX."))
        parser.add_argument("--organization", metavar="SLUG", help=gettext_lazy("La organización que registra."))
        parser.add_argument("--program", metavar="SLUG", help=gettext_lazy("El programa (si el tipo lo pide)."))
        parser.add_argument("--user", metavar="USUARIO", help=gettext_lazy("Quién importa: sus permisos se aplican."))
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("Revisa sin guardar nada."))
        parser.add_argument("--lang", choices=("es", "en"), default="es", help=gettext_lazy("Idioma de los mensajes."))
        parser.add_argument(
            "--mapping",
            nargs="+",
            default=[],
            metavar="ENCABEZADO=COLUMNA",
            help=gettext_lazy("Asigna un encabezado del archivo a una columna (por su clave o su nombre)."),
        )
        parser.add_argument(
            "--template", metavar="PLANTILLA", help=gettext_lazy("Escribe la plantilla (.xlsx o .csv) y termina.")
        )

    def handle(self, *args, kind, file, **options):
        language = options["lang"]
        with override(language):
            try:
                kind_object = kind_get(kind.replace("_", "-"))
            except ApplicationError as error:
                raise CommandError(error.message) from None
            if options.get("template"):
                return self._template(kind_object, Path(options["template"]), language)
            if not file:
                raise CommandError(_("Indique el archivo a importar, o --template para escribir la plantilla."))
            self._import(kind_object, Path(file), language, options)

    def _template(self, kind, path: Path, language: str) -> None:
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in FORMATS:
            raise CommandError(_("La plantilla se escribe como .xlsx o .csv."))
        with path.open("wb") as stream:
            template_write(kind, stream, file_format=file_format, language=language)
        self.stdout.write(_("Plantilla escrita en %(path)s.") % {"path": path})

    def _lookups(self, options):
        user = get_user_model().objects.filter(username=options.get("user") or "", is_active=True).first()
        if user is None:
            raise CommandError(_("Indique con --user un usuario activo: la importación se hace con sus permisos."))
        organization = Organization.objects.filter(slug=options.get("organization") or "").first()
        if organization is None:
            raise CommandError(_("Indique con --organization el identificador de una organización existente."))
        program = None
        if options.get("program"):
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(
                    _("No existe un programa con el identificador «%(slug)s».") % {"slug": options["program"]}
                )
        return user, organization, program

    def _mapping(self, kind, pairs: list[str]) -> dict:
        names = {}
        for column in kind.columns:
            for name in (column.key, column.header_es, column.header_en):
                names[name.lower()] = column.key
        mapping = {}
        for pair in pairs:
            header, separator, column = pair.rpartition("=")
            key = names.get(column.strip().lower())
            if not separator or key is None:
                raise CommandError(
                    _("--mapping espera ENCABEZADO=COLUMNA con una columna de: %(columns)s.")
                    % {"columns": ", ".join(column.key for column in kind.columns)}
                )
            mapping[key] = header.strip()
        return mapping

    def _import(self, kind, path: Path, language: str, options) -> None:
        if not path.is_file():
            raise CommandError(_("No se encuentra el archivo %(path)s.") % {"path": path})
        user, organization, program = self._lookups(options)
        mapping = self._mapping(kind, options["mapping"])
        try:
            with path.open("rb") as handle:
                batch, result = engine.import_file(
                    user=user,
                    organization=organization,
                    kind=kind.slug,
                    file=handle,
                    file_name=path.name,
                    program=program,
                    language=language,
                    mapping=mapping,
                    dry_run=options["dry_run"],
                    progress=self._bar,
                )
        except engine.ImportRefused as refused:
            self.stderr.write("")
            self._report(kind, refused.preview, language)
            raise CommandError(refused.message) from None
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stderr.write("")
        self._report(kind, result, language)
        if not result.ok:  # a dry run that found errors
            raise CommandError(_("El archivo tiene errores; corríjalos antes de importar."))
        self._summary(result, dry_run=options["dry_run"], batch=batch)

    def _bar(self, percent: int, done: int, total: int) -> None:
        filled = BAR_WIDTH * percent // 100
        self.stderr.write(f"\r[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {percent:3d} %  {done}/{total}", ending="")
        if hasattr(sys.stderr, "flush"):
            self.stderr.flush()

    def _report(self, kind, result, language: str) -> None:
        headers = {column.key: column.header(language) for column in kind.columns}
        for entry in [*result.errors, *result.warnings]:
            where = _("Fila %(row)s") % {"row": entry.row}
            if entry.column:
                where += f", «{headers.get(entry.column, entry.column)}»"
            value = f" [{entry.value}]" if entry.value else ""
            self.stderr.write(f"{where}{value}: {entry.message}")
        if result.error_count > len(result.errors):
            self.stderr.write(_("… y %(more)s errores más.") % {"more": result.error_count - len(result.errors)})
        if result.mapping.extra:
            self.stderr.write(_("Columnas no usadas: %(headers)s.") % {"headers": ", ".join(result.mapping.extra)})

    def _summary(self, result, *, dry_run: bool, batch) -> None:
        self.stdout.write(
            _(
                "Filas: %(rows)s · nuevas: %(created)s · ya estaban: %(unchanged)s · repetidas: %(repeated)s · "
                "omitidas: %(skipped)s · avisos: %(warnings)s."
            )
            % {
                "rows": result.rows,
                "created": result.created,
                "unchanged": result.unchanged,
                "repeated": result.repeated,
                "skipped": result.skipped,
                "warnings": len(result.warnings),
            }
        )
        if dry_run:
            self.stdout.write(_("Prueba: no se guardó nada."))
        else:
            self.stdout.write(_("Importación %(batch)s hecha.") % {"batch": batch.pk})
