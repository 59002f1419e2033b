import { describe, expect, it } from 'vitest';
import {
	ANSWERS_SPEC,
	INBOX_SPEC,
	STORAGE,
	describeSettings,
	differences,
	settingsFor,
	type StreamSettings
} from './specs';

/** A stream config as nats-server 2.9 reports it: no_ack and other false flags left out. */
function reported(settings: StreamSettings): Record<string, unknown> {
	const config: Record<string, unknown> = { name: 'X', retention: 'limits', storage: 'file' };
	for (const [key, value] of Object.entries(settings)) if (value !== false) config[key] = value;
	return config;
}

describe('storage specs', () => {
	it('finds no difference in a stream the server reports as it was created', () => {
		for (const spec of STORAGE) {
			const settings = settingsFor(spec, 1);
			expect(differences(settings, reported(settings)), spec.stream).toEqual([]);
		}
	});

	it('says what differs and what Switchboard needs, in words', () => {
		const want = settingsFor(INBOX_SPEC, 1);
		const planted = reported({
			...want,
			max_age: 2_000_000_000,
			discard: 'old',
			subjects: [...want.subjects, '_INBOX_ada.>']
		});
		expect(differences(want, planted)).toEqual([
			expect.stringMatching(
				/^subjects are .*_INBOX_ada\.>.*; Switchboard needs orchestrator\.broadcast\.question/u
			),
			'max age is 2 s; Switchboard needs 30 days',
			'discard policy is old; Switchboard needs new'
		]);
	});

	it('treats a missing flag as off and either "no limit" value as the same', () => {
		const want = settingsFor(ANSWERS_SPEC, 3);
		const config = reported(want);
		delete config.deny_purge;
		config.max_msgs = 0;
		expect(differences(want, config)).toEqual(['deny purge is off; Switchboard needs on']);
		expect(differences(want, { ...reported(want), num_replicas: 1 })).toEqual([
			'replicas is 1; Switchboard needs 3'
		]);
	});

	it('does not throw on a config that is not a config', () => {
		expect(differences(settingsFor(INBOX_SPEC, 1), { subjects: 'nope', max_age: 'soon' })).toContain(
			'max age is soon; Switchboard needs 30 days'
		);
	});

	it('keeps answers write-once: one per subject, new ones refused, no delete, no purge, no roll-up', () => {
		expect(ANSWERS_SPEC.settings).toMatchObject({
			max_msgs_per_subject: 1,
			discard: 'new',
			discard_new_per_subject: true,
			deny_delete: true,
			deny_purge: true,
			allow_rollup_hdrs: false
		});
		expect(describeSettings(settingsFor(ANSWERS_SPEC, 1))).toBe(
			'max age 30 days, max bytes 256 MiB, max message size 96 KiB, messages per subject 1, discard policy new, discard new per subject on, deny delete on, deny purge on, replicas 1'
		);
	});

	it('lets no flood evict a question: a full inbox refuses new messages, and big ones are not kept', () => {
		expect(INBOX_SPEC.settings).toMatchObject({ discard: 'new', max_msg_size: 64 * 1024, no_ack: true });
	});
});
