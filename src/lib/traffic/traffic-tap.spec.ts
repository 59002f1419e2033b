/**
 * The traffic worker's reading (TrafficTap) against a real nats-server, with the page's side
 * (unpackBatch) reading what it hands over: what crosses is everything, in order, one batch at a time.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonBytes, seedQuestion, seedStatusUpdate } from '$lib/protocol/fixtures';
import { startTestServer, type TestServer } from '../../../tests/helpers/nats-server';
import { until } from '../../../tests/helpers/watching';
import { KEPT_BYTES, type TrafficEntry } from './traffic';
import { unpackBatch, type TrafficBatch } from './traffic-batch';
import { TrafficTap, type TapEvent } from './traffic-tap';

// A server of its own: the order of everything on the seed's subjects is asserted.
let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ provision: false });
});
afterAll(() => server.stop());

let agent: NatsConnection;
let reader: NatsConnection;
let tap: TrafficTap;
let events: TapEvent[];

beforeEach(async () => {
	agent = await connect({ servers: server.natsUrl });
	reader = await connect({ servers: server.natsUrl });
	events = [];
	tap = new TrafficTap(reader, (event) => events.push(event));
});
afterEach(async () => {
	await tap.close();
	await agent.close();
});

const batches = () => events.flatMap((event) => (event.type === 'batch' ? [event.batch] : []));

/** Subscribes the tap and waits for the server's confirmation, as the page does. */
async function subscribed(subjects: string[]) {
	tap.subscribe(subjects, 1);
	await until(
		() => events.some((event) => event.type === 'confirmed' && event.confirm === 1),
		'the server to confirm'
	);
}

/** Takes every batch handed over from now until `count` messages have crossed, as the page does. */
async function takeAll(count: number) {
	const entries: Array<{ entry: TrafficEntry; routine: boolean }> = [];
	const taken: TrafficBatch[] = [];
	let crossed = 0;
	await until(
		() => {
			for (const batch of batches().slice(taken.length)) {
				taken.push(batch);
				unpackBatch(batch, entries.length + 1, (entry, routine) => entries.push({ entry, routine }));
				crossed += batch.count + batch.held;
				tap.taken();
			}
			return crossed >= count;
		},
		`${count} messages to cross`,
		20_000
	);
	return { entries, taken };
}

describe('TrafficTap', () => {
	it('hands over every message in order: what people wait on to decode, routine traffic counted and folded', async () => {
		const status = (from: string) =>
			jsonBytes(
				seedStatusUpdate({ from_agent: from, content: { status: 'started', work_stream_id: '4.2' } })
			);
		const big = jsonBytes(
			seedQuestion({ content: { question: 'Big?', context: 'x'.repeat(KEPT_BYTES + 10) } })
		);
		await subscribed(['orchestrator.>']);
		agent.publish('orchestrator.agent.ada.message', 'first, not routine');
		await agent.flush();
		await until(() => batches().length === 1, 'the first batch');
		// The page has not taken the first batch: what comes now waits for it, in one batch.
		const sent = [
			['orchestrator.broadcast.status_update', status('coder-a')],
			['orchestrator.broadcast.status_update', status('coder-b')],
			['orchestrator.broadcast.heartbeat', new TextEncoder().encode('not json')],
			['orchestrator.broadcast.question', big]
		] as const;
		for (const [subject, data] of sent) agent.publish(subject, data);
		const withHeaders = headers();
		withHeaders.set('Trace-Id', 'abc');
		agent.publish('orchestrator.agent.ada.request', 'hi', {
			headers: withHeaders,
			reply: 'orchestrator.reply.1'
		});
		await agent.flush();
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(batches()).toHaveLength(1);

		const { entries, taken } = await takeAll(6);
		expect(taken).toHaveLength(2);
		expect(entries.map(({ entry }) => entry.subject)).toEqual([
			'orchestrator.agent.ada.message',
			...sent.map(([subject]) => subject),
			'orchestrator.agent.ada.request'
		]);
		expect(entries.map(({ routine }) => routine)).toEqual([false, true, true, true, false, false]);
		// Routine ones were checked where they were read: one invalid, and a sighting for each agent.
		expect(taken[1].invalid).toBe(1);
		expect(
			taken[1].sightings.map((sighting) => [sighting.id, sighting.workStream, sighting.message.entry])
		).toEqual([
			['coder-a', '4.2', 0],
			['coder-b', '4.2', 1]
		]);
		expect(entries.map(({ entry }) => entry.id)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(new TextDecoder().decode(entries[0].entry.data)).toBe('first, not routine');
		const last = entries[5].entry;
		expect(last.headers).toEqual([['Trace-Id', 'abc']]);
		expect(last.reply).toBe('orchestrator.reply.1');
		// The large one arrives whole and is decoded; the page keeps its first KEPT_BYTES.
		const large = entries[4].entry;
		expect(large.size).toBe(big.length);
		expect(large.data.length).toBe(KEPT_BYTES);
		expect(large.summary.preview).toContain('Big?');
	});

	it('a page that falls behind gets one batch with what its list keeps, the rest counted and folded, none lost from the counts', async () => {
		tap.keep(1_000);
		await subscribed(['orchestrator.broadcast.status_update', 'orchestrator.broadcast.question']);
		const from = 'flooder';
		const update = jsonBytes(
			seedStatusUpdate({ from_agent: from, content: { status: 'started', work_stream_id: '9.9' } })
		);
		agent.publish('orchestrator.broadcast.question', jsonBytes(seedQuestion({ from_agent: from })));
		await agent.flush();
		await until(() => batches().length === 1, 'the first batch');
		// Not taken: 20,000 more arrive meanwhile (and a question among them).
		for (let i = 0; i < 20_000; i++) {
			agent.publish('orchestrator.broadcast.status_update', update);
			if (i === 10_000)
				agent.publish('orchestrator.broadcast.question', jsonBytes(seedQuestion({ from_agent: from })));
		}
		await agent.flush();
		await new Promise((resolve) => setTimeout(resolve, 500));
		const { entries, taken } = await takeAll(20_002);
		const [, second] = taken;
		// Only what the list keeps crosses (1,000 updates, and both questions), the rest is counted.
		expect(second.count).toBe(1_001);
		expect(second.held).toBe(19_000);
		expect(entries.filter(({ routine }) => !routine)).toHaveLength(2);
		// The roster gets this agent's first and newest 20 updates: the same roster as all 20,000.
		const mine = second.sightings.filter((sighting) => sighting.id === from);
		expect(mine).toHaveLength(21);
		expect(mine.every((sighting) => sighting.workStream === '9.9')).toBe(true);
	});
});
