"""Activity titles and places, and evidence titles, in English and Chinese: the old single fields
become the English ones (0010 moves the values written in Chinese)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commitments", "0007_period_history")]

    operations = [
        migrations.RenameField("activity", "title", "title_en"),
        migrations.RenameField("historicalactivity", "title", "title_en"),
        migrations.RenameField("activity", "place", "place_en"),
        migrations.RenameField("historicalactivity", "place", "place_en"),
        migrations.RenameField("evidence", "title", "title_en"),
        migrations.RenameField("historicalevidence", "title", "title_en"),
    ]
