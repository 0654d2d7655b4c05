#!/usr/bin/env node
// Keeps the latest surge price per zone and the open alert episodes, as a service consuming surge would.
//
// Reads surge-multipliers and surge-alerts read_committed: surge writes both exactly once, in transactions, and a
// read_uncommitted consumer would also see the records of aborted ones. @confluentinc/kafka-javascript is librdkafka
// underneath, whose read_committed filters every aborted transaction; kafkajs's does not (see docs/topics.md). Values are
// in Confluent's wire format; @confluentinc/schemaregistry's AvroDeserializer fetches each writer schema once by its
// id and decodes with it, so a record written before a field was added lacks that field, read here as the default
// the schema gives it.
//
//   (cd examples/node && CKJS_LINKING=dynamic npm ci)
//   node examples/node/surge_consumer.mjs --bootstrap localhost:9092 \
//       --registry http://127.0.0.1:8085/apis/ccompat/v7 [--idle-exit 10]

import { parseArgs } from 'node:util';
import kafkaJavascript from '@confluentinc/kafka-javascript';
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: 'string', default: 'localhost:9092' },
    registry: { type: 'string', default: 'http://127.0.0.1:8085/apis/ccompat/v7' },
    group: { type: 'string', default: 'surge-node-example' },
    'multipliers-topic': { type: 'string', default: 'surge-multipliers' },
    'alerts-topic': { type: 'string', default: 'surge-alerts' },
    // stop once nothing new arrived for this many seconds, or nothing at all for 60 s more (default: until Ctrl-C)
    'idle-exit': { type: 'string', default: '0' },
  },
});
const multipliersTopic = args['multipliers-topic'];
const alertsTopic = args['alerts-topic'];
const idleExitMillis = Number(args['idle-exit']) * 1000;

const registry = new SchemaRegistryClient({ baseURLs: [args.registry] });
const values = new AvroDeserializer(registry, SerdeType.VALUE, {});
const consumer = new kafkaJavascript.KafkaJS.Kafka({ kafkaJS: { brokers: [args.bootstrap], logLevel: 1 } }).consumer({
  kafkaJS: {
    groupId: args.group,
    readUncommitted: false,
    fromBeginning: true,
    // what it keeps is rebuilt from the topics at every start (surge-multipliers is compacted), so it commits
    // nothing: a group's offsets would start the next run past records whose state it no longer holds
    autoCommit: false,
  },
});

const prices = new Map(); // zone -> the latest window's record
const openEpisodes = new Map(); // episode_id -> its FIRING record
const started = Date.now();
let lastNews = null; // joining the group takes a while: the idle time counts from the first record

function keep(topic, record) {
  if (topic === multipliersTopic) {
    const known = prices.get(record.zone_id);
    if (known === undefined || record.window_end >= known.window_end) {
      prices.set(record.zone_id, record);
    }
  } else if (record.episode_id != null) { // alerts written before episodes never resolve
    if (record.status === 'RESOLVED') {
      openEpisodes.delete(record.episode_id);
    } else {
      openEpisodes.set(record.episode_id, record);
    }
  }
}

function idle() {
  return idleExitMillis > 0 && Date.now() - (lastNews ?? started + 60_000) >= idleExitMillis;
}

await consumer.connect();
await consumer.subscribe({ topics: [multipliersTopic, alertsTopic] });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    lastNews = Date.now();
    keep(topic, await values.deserialize(topic, message.value));
  },
});
await new Promise((done) => {
  const check = setInterval(() => idle() && (clearInterval(check), done()), 500);
  process.once('SIGINT', () => (clearInterval(check), done()));
});
await consumer.disconnect();

const byKey = (map) => [...map.keys()].sort().map((key) => map.get(key));
for (const price of byKey(prices)) {
  console.log(`price ${price.zone_id} ${price.window_end} ${price.multiplier.toFixed(2)}`);
}
for (const alert of byKey(openEpisodes)) {
  console.log(`open ${alert.episode_id} ${alert.rule} ${alert.zone_id}`);
}
console.log(JSON.stringify({ zones: prices.size, open_episodes: openEpisodes.size }));
