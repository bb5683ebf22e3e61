"""PostgreSQL: monitoring_measurement becomes a table partitioned by month of data_time (vendor-checked).

SQLite keeps the plain table of 0001. Partitions are created by ecoenforce.monitoring.partitions
(on ingest for the months a batch touches, and daily by the worker); rows outside every monthly
partition land in the DEFAULT partition. See docs/operations.md.
"""

from django.db import migrations

PARTITIONED = """
DROP TABLE monitoring_measurement;
CREATE TABLE monitoring_measurement (
    point_id bigint NOT NULL,
    period varchar(8) NOT NULL,
    pollutant varchar(24) NOT NULL,
    data_time timestamp with time zone NOT NULL,
    value double precision NULL,
    min_value double precision NULL,
    max_value double precision NULL,
    cou double precision NULL,
    flag varchar(1) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (point_id, period, pollutant, data_time)
) PARTITION BY RANGE (data_time);
CREATE INDEX monitoring_meas_time ON monitoring_measurement (data_time);
CREATE TABLE monitoring_measurement_default PARTITION OF monitoring_measurement DEFAULT;
"""

PLAIN = """
DROP TABLE monitoring_measurement;
CREATE TABLE monitoring_measurement (
    point_id bigint NOT NULL,
    period varchar(8) NOT NULL,
    pollutant varchar(24) NOT NULL,
    data_time timestamp with time zone NOT NULL,
    value double precision NULL,
    min_value double precision NULL,
    max_value double precision NULL,
    cou double precision NULL,
    flag varchar(1) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    PRIMARY KEY (point_id, period, pollutant, data_time)
);
CREATE INDEX monitoring_meas_time ON monitoring_measurement (data_time);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PARTITIONED)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
