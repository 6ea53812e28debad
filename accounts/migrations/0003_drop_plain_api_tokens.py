"""Drop the table of rest_framework.authtoken, which held API tokens in clear.

Tokens are django-rest-knox digests now (accounts.ApiToken) and the old app is no longer
installed, so its tokens already stopped working; this removes the clear secrets from the
database and forgets the app's migrations, so it could be installed again cleanly.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
