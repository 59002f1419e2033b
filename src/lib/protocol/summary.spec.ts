import { describe, expect, it } from 'vitest';
import { decode } from './decode';
import { jsonBytes, seedQuestion, seedStatusUpdate, voltaQuery } from './fixtures';
import { previewText, summarize, visibleControls } from './summary';

const summaryOf = (subject: string, data: Uint8Array) =>
	summarize(decode(subject, data), () => new TextDecoder().decode(data));

describe('summarize', () => {
	it('says who sent a seed broadcast, to whom, when and what', () => {
		expect(summaryOf('orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()))).toEqual({
			type: 'status_update',
			from: 'coder-2.1-1733409000',
			to: 'everyone',
			sentAt: new Date('2025-12-07T23:11:11.123Z'),
			preview: 'started {"work_stream_id":"2.1"}',
			problem: null,
			valid: true
		});
	});

	it('leads with the question of a question', () => {
		const summary = summaryOf('orchestrator.agent.architect.question', jsonBytes(seedQuestion()));
		expect(summary).toMatchObject({
			to: 'architect',
			preview: expect.stringMatching(/^Is Task model ready\?/)
		});
	});

	it('reads Volta messages', () => {
		expect(summaryOf('agent.ada-k3x9.message', jsonBytes(voltaQuery()))).toMatchObject({
			type: 'query',
			from: 'volta-claude-1',
			to: 'ada-k3x9',
			preview: 'Which database should the task store use?'
		});
	});

	it('shows invalid messages with their raw text and the reason', () => {
		const data = new TextEncoder().encode('<img src=x onerror=alert(1)> not json');
		expect(summaryOf('orchestrator.broadcast.question', data)).toMatchObject({
			type: 'question',
			valid: false,
			preview: '<img src=x onerror=alert(1)> not json',
			problem: expect.stringMatching(/^payload is not JSON/)
		});
	});
});

describe('previewText', () => {
	it('makes one short line and shows invisible controls', () => {
		expect(previewText('a\n\n b\tc')).toBe('a b c');
		expect(previewText('abc\u202Eevil')).toBe('abc\\u{202e}evil');
		expect(previewText('x'.repeat(500), 10)).toBe('xxxxxxxxx…');
	});
});

describe('visibleControls', () => {
	it('writes out every control, invisible and bidi character, keeping line breaks only when asked', () => {
		expect(visibleControls('a\u001b]0;x\u0007b\u202ec\u009bd')).toBe('a\\u{1b}]0;x\\u{7}b\\u{202e}c\\u{9b}d');
		expect(visibleControls('yes\nno')).toBe('yes\\u{a}no');
		expect(visibleControls('yes\nno', true)).toBe('yes\nno');
		expect(visibleControls('Grüße, 世界 🙂')).toBe('Grüße, 世界 🙂');
	});
});
