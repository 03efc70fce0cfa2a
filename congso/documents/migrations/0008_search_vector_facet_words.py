# Hand-written (no model state changes): the facet values become words of `search_vector`.
#
# PostgreSQL only (as in 0004): the generated column gets, besides the folded head (weight A) and
# text, one word per facet value of the row — "d:incoming", "t:<type id>", "s:<status>",
# "y:<year>", "i:<issuer name>" — built by the database from the row's own columns, so they can
# never drift from them. A search whose words are rare among the newest documents asks the GIN
# index for `words & facet words`, and the index intersects them before any row is read (a phrase
# missing from công văn no longer rechecks every giấy mời). Nobody can type such a word: query
# words are letters and digits only, and ":" is tsquery syntax. PostgreSQL 15 cannot change a
# generated column's expression in place, so the column and its index are rebuilt.
# The column also gets a larger statistics target (see `_rebuild`).
# SQLite and other databases: nothing to do (their engines filter on the columns).

from django.db import migrations

VECTOR_HEAD_AND_TEXT = """
        setweight(to_tsvector('simple'::regconfig, coalesce(folded_head, '')), 'A')
        || to_tsvector('simple'::regconfig, coalesce(folded_text, ''))"""
FACET_WORDS = """
        || array_to_tsvector(ARRAY[
            'd:' || direction::text,
            't:' || document_type_id::text,
            's:' || status::text,
            'y:' || year::text,
            'i:' || issuer_name::text
        ])"""


def _rebuild(expression: str, statistics: int = -1) -> list[str]:
    return [
        "DROP INDEX IF EXISTS search_entry_vector_gin",
        "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE documents_searchentry ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX search_entry_vector_gin ON documents_searchentry USING gin (search_vector)",
        # ANALYZE then lists the ~1,400 most common words instead of ~560, so any other word is
        # known to be in at most ~0.1 % of the rows (`PostgresEngine.match_bound`); ANALYZE of
        # a million rows takes ~4 s instead of ~1 s.
        f"ALTER TABLE documents_searchentry ALTER COLUMN search_vector SET STATISTICS {statistics}",
    ]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def facet_words_add(apps, schema_editor):
    _run(schema_editor, _rebuild(VECTOR_HEAD_AND_TEXT + FACET_WORDS, statistics=300))


def facet_words_drop(apps, schema_editor):
    _run(schema_editor, _rebuild(VECTOR_HEAD_AND_TEXT))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_exchange_status"),
    ]

    operations = [
        migrations.RunPython(facet_words_add, facet_words_drop),
    ]
