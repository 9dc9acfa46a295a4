"""The derived data's rows that name a case (SimilarCandidate, SearchLeader) hold no
constraint on it: a rebuild runs while editors write (counts.recount), and a case deleted
meanwhile would otherwise fail its editor's delete, or the rebuild, at commit. A row left
naming a deleted case is read only while the derived data match the catalogue's version,
which the delete moved on."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0025_copies_kept_by_the_database'),
    ]

    operations = [
        migrations.AlterField(
            model_name='searchleader',
            name='innovation',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.innovation'),
        ),
        migrations.AlterField(
            model_name='similarcandidate',
            name='innovation',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='similar_candidate', serialize=False, to='cases.innovation'),
        ),
    ]
