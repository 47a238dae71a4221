"""Airflow DAG: validate the input, then reweigh it, with spark-submit.

Copy next to your DAGs; set the Airflow connection `spark_default` to your cluster (standalone
`spark://host:7077`, `yarn`, or `k8s://…`) and the variables below. A failed `run` task can simply
be retried: reweigh reuses committed stages in the output folder.
"""
from datetime import datetime

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/reweigh/reweigh-spark-jobs-0.1.0-SNAPSHOT-all.jar"
MAIN = "io.reweigh.jobs.Main"
# Spark 4 on Java 17 needs the --add-opens flags of conf/java17-flags.txt: store that file's content
# in the Airflow variable reweigh_java_flags (conf is a templated field).
FLAGS = "{{ var.value.get('reweigh_java_flags', '') }}"
CONF = {
    "spark.driver.extraJavaOptions": FLAGS,
    "spark.executor.extraJavaOptions": FLAGS,
}

with DAG(
    dag_id="reweigh",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    params={
        "input": "hdfs:///corpus/",
        "output": "hdfs:///reweigh",
        "config": "/opt/reweigh/reweigh.conf",
    },
    tags=["data", "pretraining"],
) as dag:
    validate = SparkSubmitOperator(
        task_id="validate",
        application=JAR,
        java_class=MAIN,
        conf=CONF,
        application_args=[
            "validate",
            "--input", "{{ params.input }}",
            "-c", "{{ params.config }}",
        ],
    )

    run = SparkSubmitOperator(
        task_id="run",
        application=JAR,
        java_class=MAIN,
        conf=CONF,
        application_args=[
            "run",
            "--input", "{{ params.input }}",
            "--output", "{{ params.output }}/{{ ds_nodash }}",
            "-c", "{{ params.config }}",
            "--set", "sampler.seed={{ ds_nodash }}",
        ],
    )

    validate >> run
