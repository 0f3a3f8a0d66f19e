"""What every `minka` command shares."""

from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """A command whose help is a lazy translation, shown in the language of the session that asks for it."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse cannot wrap a lazy string; by now the language is known.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
