# After both 0011s (touchpoint source, customers' email domains), which came on two branches.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_customer_email_domains"),
        ("customers", "0011_touchpoint_source"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Lower("email"), name="person_email_lower_idx"
            ),
        ),
    ]
