#!/usr/bin/env python3
"""Keeps the latest surge price per zone and the open alert episodes, as a service consuming surge would.

Reads surge-multipliers and surge-alerts with isolation.level=read_committed (surge writes both exactly once, in
transactions: a read_uncommitted consumer would also see records of aborted ones). Values are in Confluent's wire
format: byte 0, the writer schema's id (4 bytes, big-endian), the Avro body. The writer schema is fetched from the
Schema Registry by that id, once, and records are resolved against the schemas this consumer was written for
(schemas/ in surge's repository), so fields added later with defaults are ignored and fields this consumer knows but
an older writer lacked read as their defaults.

Needs Debian's python3-confluent-kafka and python3-avro (confluent-kafka's own Avro deserializer needs fastavro,
which Debian does not package).

    python3 examples/python/surge_consumer.py --bootstrap localhost:9092 \\
        --registry http://127.0.0.1:8085/apis/ccompat/v7 [--idle-exit 10]
"""

import argparse
import io
import json
import os
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError
from confluent_kafka.schema_registry import SchemaRegistryClient

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")


def reader_schema(name):
    with open(os.path.join(SCHEMAS, name + ".avsc")) as f:
        return avro.schema.parse(f.read())


class Decoder:
    """Confluent wire format to dicts, each writer schema fetched once by its id."""

    def __init__(self, registry_url, multipliers_topic, alerts_topic):
        self.registry = SchemaRegistryClient({"url": registry_url})
        self.writers = {}
        self.readers = {multipliers_topic: reader_schema("SurgeMultiplier"),
                        alerts_topic: reader_schema("SurgeAlert")}

    def decode(self, topic, value):
        if value is None or len(value) < 5 or value[0] != 0:
            raise ValueError("not in Confluent's wire format")
        schema_id = struct.unpack(">I", value[1:5])[0]
        if schema_id not in self.writers:
            self.writers[schema_id] = avro.schema.parse(self.registry.get_schema(schema_id).schema_str)
        reader = avro.io.DatumReader(self.writers[schema_id], self.readers[topic])
        return reader.read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))


def epoch_millis(time):
    """A timestamp-millis field: a datetime where python3-avro converts logical types, else the number itself."""
    return round(time.timestamp() * 1000) if hasattr(time, "timestamp") else int(time)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--registry", default="http://127.0.0.1:8085/apis/ccompat/v7")
    parser.add_argument("--group", default="surge-python-example")
    parser.add_argument("--multipliers-topic", default="surge-multipliers")
    parser.add_argument("--alerts-topic", default="surge-alerts")
    parser.add_argument("--idle-exit", type=float, default=0,
                        help="stop once nothing new arrived for this many seconds, or nothing at all for 60 s more"
                             " (default: run until Ctrl-C)")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
        # what it keeps is rebuilt from the topics at every start (surge-multipliers is compacted), so it commits
        # nothing: a group's offsets would start the next run past records whose state it no longer holds
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.multipliers_topic, args.alerts_topic])
    decoder = Decoder(args.registry, args.multipliers_topic, args.alerts_topic)
    prices = {}  # zone -> the latest window's record
    open_episodes = {}  # episode_id -> its FIRING record
    started = time.monotonic()
    last_news = None  # joining the group takes a while: the idle time counts from the first record
    try:
        while not args.idle_exit or time.monotonic() - (last_news or started + 60) < args.idle_exit:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    print("consumer error:", message.error(), file=sys.stderr)
                continue
            last_news = time.monotonic()
            record = decoder.decode(message.topic(), message.value())
            if message.topic() == args.multipliers_topic:
                known = prices.get(record["zone_id"])
                if known is None or record["window_end"] >= known["window_end"]:
                    prices[record["zone_id"]] = record
            elif record["episode_id"] is not None:  # alerts written before episodes never resolve
                if record["status"] == "RESOLVED":
                    open_episodes.pop(record["episode_id"], None)
                else:
                    open_episodes[record["episode_id"]] = record
    finally:
        consumer.close()

    for zone in sorted(prices):
        p = prices[zone]
        print("price %s %d %.2f" % (zone, epoch_millis(p["window_end"]), p["multiplier"]))
    for episode in sorted(open_episodes):
        a = open_episodes[episode]
        print("open %s %s %s" % (episode, a["rule"], a["zone_id"]))
    print(json.dumps({"zones": len(prices), "open_episodes": len(open_episodes)}))


if __name__ == "__main__":
    main()
