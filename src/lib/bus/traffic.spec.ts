import { describe, expect, it } from 'vitest';
import { jsonBytes, seedStatusUpdate } from '$lib/protocol/fixtures';
import { prependBatch, toTrafficEntry, type TrafficEntry } from './traffic';

const entry = (id: number) =>
	toTrafficEntry(id, 'orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()), null, id);

describe('toTrafficEntry', () => {
	it('decodes and summarises a message', () => {
		const item = entry(1);
		expect(item.summary).toMatchObject({ type: 'status_update', from: 'coder-2.1-1733409000', valid: true });
		expect(item.size).toBe(jsonBytes(seedStatusUpdate()).length);
	});

	it('keeps an invalid message, with a preview of its text', () => {
		const item = toTrafficEntry(2, 'agent.announce', new TextEncoder().encode('not json'), 'reply.1', 5);
		expect(item.summary).toMatchObject({ valid: false, preview: 'not json' });
		expect(item.reply).toBe('reply.1');
	});
});

describe('prependBatch', () => {
	const ids = (list: TrafficEntry[]) => list.map((e) => e.id);

	it('puts the newest first and keeps at most the limit', () => {
		let list: TrafficEntry[] = [];
		list = prependBatch(list, [entry(1), entry(2)], 3);
		expect(ids(list)).toEqual([2, 1]);
		list = prependBatch(list, [entry(3), entry(4)], 3);
		expect(ids(list)).toEqual([4, 3, 2]);
	});

	it('keeps only the newest of a batch larger than the limit', () => {
		expect(ids(prependBatch([entry(1)], [entry(2), entry(3), entry(4), entry(5)], 2))).toEqual([5, 4]);
	});

	it('does not change the list it is given', () => {
		const list = [entry(1)];
		prependBatch(list, [entry(2)], 5);
		expect(ids(list)).toEqual([1]);
	});
});
