"""Interests become evidence (CustomerInterest), customers get a strategy season and strategies.

The customer's interest tags are copied into evidence rows: noted on the day the
customer was last changed (when the tags were last set, as far as we know), strength
"curious", never confirmed. So tags nobody touched for INTEREST_STALE_DAYS arrive
stale, which is what they are. Going back keeps every interest not ended as a tag.
"""

import calendarapp.lib.evidence
import calendarapp.lib.validation
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def tags_to_evidence(apps, schema_editor):
    Customer = apps.get_model('customers', 'Customer')
    CustomerInterest = apps.get_model('customers', 'CustomerInterest')
    Tag = Customer.interests.through
    changed = dict(Customer.objects.values_list('id', 'updated_at'))
    CustomerInterest.objects.bulk_create(
        CustomerInterest(
            customer_id=customer_id,
            interest_id=interest_id,
            strength='curious',
            noted_on=django.utils.timezone.localdate(changed[customer_id]),
        )
        for customer_id, interest_id in Tag.objects.values_list('customer_id', 'interest_id')
    )


def evidence_to_tags(apps, schema_editor):
    Customer = apps.get_model('customers', 'Customer')
    CustomerInterest = apps.get_model('customers', 'CustomerInterest')
    Tag = Customer.interests.through
    Tag.objects.bulk_create(
        Tag(customer_id=customer_id, interest_id=interest_id)
        for customer_id, interest_id in CustomerInterest.objects.filter(
            no_longer_on__isnull=True
        ).values_list('customer_id', 'interest_id')
    )


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_touchpoint_follow_up_idx'),
        # That migration puts change triggers on the tag table this one drops.
        ('calendarapp', '0006_data_change_stamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Strategy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='What they want to change.', max_length=200)),
                ('noted_on', models.DateField(default=django.utils.timezone.localdate, help_text='Noted on.', validators=[calendarapp.lib.validation.validate_calendar_date])),
                ('stage', models.CharField(choices=[('idea', 'Idea'), ('shaping', 'Shaping'), ('shopping_list', 'Shopping list (an RFP or a detailed list)'), ('decided', 'Decided')], default='idea', max_length=20)),
                ('first_stage', models.CharField(choices=[('idea', 'Idea'), ('shaping', 'Shaping'), ('shopping_list', 'Shopping list (an RFP or a detailed list)'), ('decided', 'Decided')], editable=False, help_text='The stage when we first noted it (set once, by strategy_save).', max_length=20)),
                ('how_we_help', models.TextField(blank=True, verbose_name='how we could help')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name_plural': 'strategies',
                'ordering': ['-noted_on', 'title'],
            },
        ),
        migrations.AddField(
            model_name='customer',
            name='strategy_weeks_before_end',
            field=models.PositiveSmallIntegerField(default=calendarapp.lib.evidence.default_strategy_weeks_before_end, help_text='By this many weeks before the budget close, the strategy is set.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(51)], verbose_name='strategy season ends (weeks before the budget close)'),
        ),
        migrations.AddField(
            model_name='customer',
            name='strategy_weeks_before_start',
            field=models.PositiveSmallIntegerField(default=calendarapp.lib.evidence.default_strategy_weeks_before_start, help_text="They start shaping next year's strategy this many weeks before the last day of the budget-close month.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(52)], verbose_name='strategy season starts (weeks before the budget close)'),
        ),
        migrations.CreateModel(
            name='CustomerInterest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('strength', models.CharField(choices=[('curious', 'Curious'), ('evaluating', 'Evaluating'), ('committed', 'Committed')], default='curious', max_length=10)),
                ('noted_on', models.DateField(default=django.utils.timezone.localdate, help_text='First heard on.', validators=[calendarapp.lib.validation.validate_calendar_date])),
                ('confirmed_on', models.DateField(blank=True, help_text='Last confirmed on; without it, the evidence dates from when it was noted.', null=True, validators=[calendarapp.lib.validation.validate_calendar_date])),
                ('no_longer_on', models.DateField(blank=True, help_text='The day they told us they no longer care.', null=True, validators=[calendarapp.lib.validation.validate_calendar_date])),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('customer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='interest_evidence', to='customers.customer')),
                ('interest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='customers.interest')),
                ('person', models.ForeignKey(blank=True, help_text='Who told us.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='interest_evidence', to='customers.person')),
                ('touchpoint', models.ForeignKey(blank=True, help_text='The touch where we learned or last confirmed it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='interest_evidence', to='customers.touchpoint')),
            ],
            options={
                'verbose_name': 'customer interest',
                'ordering': ['interest__name'],
            },
        ),
        # The old tags become evidence, then the tag table goes; the field now reads the evidence.
        migrations.RunPython(tags_to_evidence, evidence_to_tags),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='customer',
                    name='interests',
                    field=models.ManyToManyField(blank=True, related_name='customers', through='customers.CustomerInterest', to='customers.interest'),
                ),
            ],
            database_operations=[
                migrations.RemoveField(model_name='customer', name='interests'),
            ],
        ),
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.CheckConstraint(condition=models.Q(('strategy_weeks_before_start__gt', models.F('strategy_weeks_before_end'))), name='customer_strategy_season_start_before_end', violation_error_message='The strategy season starts before it ends.'),
        ),
        migrations.AddField(
            model_name='strategy',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='strategies', to='customers.customer'),
        ),
        migrations.AddField(
            model_name='strategy',
            name='touchpoint',
            field=models.ForeignKey(blank=True, help_text='The touch where we learned it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='strategies', to='customers.touchpoint'),
        ),
        migrations.AddIndex(
            model_name='customerinterest',
            index=models.Index(condition=models.Q(('no_longer_on__isnull', True)), fields=['interest', 'confirmed_on', 'noted_on'], name='customerinterest_current_idx'),
        ),
        migrations.AddConstraint(
            model_name='customerinterest',
            constraint=models.UniqueConstraint(fields=('customer', 'interest'), name='customerinterest_unique', violation_error_message="This customer's interest is already noted; confirm it."),
        ),
        migrations.AddConstraint(
            model_name='customerinterest',
            constraint=models.CheckConstraint(condition=models.Q(('confirmed_on__isnull', True), ('confirmed_on__gte', models.F('noted_on')), _connector='OR'), name='customerinterest_confirmed_after_noted', violation_error_message='An interest is confirmed after it was noted.'),
        ),
    ]
