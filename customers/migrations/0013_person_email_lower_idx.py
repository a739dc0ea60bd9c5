import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0012_customer_email_domains"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Lower("email"), name="person_email_lower_idx"
            ),
        ),
    ]
