import { describe, expect, it } from 'vitest';
import { jsonBytes, seedStatusUpdate } from '$lib/protocol/fixtures';
import { arrivedEntry, isFilterEmpty, KEPT_BYTES, matchesFilter, toTrafficEntry } from './traffic';

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

describe('matchesFilter', () => {
	const status = entry(1);
	const invalid = toTrafficEntry(
		2,
		'orchestrator.agent.ada.question',
		new TextEncoder().encode('oops'),
		null,
		2
	);

	it('filters by type, sender, recipient, subject pattern and text', () => {
		expect(matchesFilter(status, { type: 'status_update' })).toBe(true);
		expect(matchesFilter(status, { type: 'heartbeat' })).toBe(false);
		expect(matchesFilter(status, { from: 'CODER-2.1' })).toBe(true);
		expect(matchesFilter(status, { to: 'everyone' })).toBe(true);
		expect(matchesFilter(invalid, { subject: 'orchestrator.agent.*.question' })).toBe(true);
		expect(matchesFilter(status, { subject: 'orchestrator.agent.*.question' })).toBe(false);
		expect(matchesFilter(status, { subject: 'broadcast' })).toBe(true);
		expect(matchesFilter(status, { text: 'work_stream_id' })).toBe(true);
		expect(matchesFilter(invalid, { text: 'not json' })).toBe(true);
	});

	it('can show only what is invalid', () => {
		expect(matchesFilter(invalid, { invalidOnly: true })).toBe(true);
		expect(matchesFilter(status, { invalidOnly: true })).toBe(false);
		expect(isFilterEmpty({ text: '  ' })).toBe(true);
		expect(isFilterEmpty({ invalidOnly: true })).toBe(false);
	});

	it('keeps its own copy of each payload: the client reusing its buffer changes nothing kept', () => {
		const buffer = jsonBytes(seedStatusUpdate());
		const first = toTrafficEntry(4, 'orchestrator.broadcast.status_update', buffer, null, 4);
		const before = new TextDecoder().decode(first.data);
		const second = toTrafficEntry(5, 'orchestrator.broadcast.status_update', buffer.slice(), null, 5);
		buffer.fill(0x21);
		expect(new TextDecoder().decode(first.data)).toBe(before);
		expect(new TextDecoder().decode(second.data)).toBe(before);
		expect(first.summary.valid).toBe(true);
	});

	it('decodes a message listed before it was decoded from its own copy, whatever the client did with its buffer', () => {
		const buffer = jsonBytes(seedStatusUpdate());
		const listed = arrivedEntry(6, 'orchestrator.broadcast.status_update', buffer, null, 6);
		buffer.fill(0x21);
		expect(listed.valid).toBe(true);
		expect(listed.summary).toMatchObject({ type: 'status_update', from: 'coder-2.1-1733409000' });
	});

	it('decodes a payload longer than its kept copy when it arrives, from all of it', () => {
		const long = jsonBytes(
			seedStatusUpdate({ content: { status: 'started', notes: 'x'.repeat(KEPT_BYTES) } })
		);
		const listed = arrivedEntry(7, 'orchestrator.broadcast.status_update', long, null, 7);
		long.fill(0x21);
		expect(listed.data.length).toBe(KEPT_BYTES);
		expect(listed.valid).toBe(true);
	});

	it('keeps a bounded copy of the payload and the headers', () => {
		const big = new Uint8Array(200_000).fill(0x20);
		const item = toTrafficEntry(3, 'agent.announce', big, null, 3, [['Nats-Msg-Id', 'x']]);
		expect(item.size).toBe(200_000);
		expect(item.data.length).toBe(KEPT_BYTES);
		expect(item.headers).toEqual([['Nats-Msg-Id', 'x']]);
	});
});
